"""Writes a small places database in the MaxMind DB format (the layout of
GeoLite2 City) for tests/sessions.rs: 81.2.69.0/24 is London, United
Kingdom (the address MaxMind's own test data uses), 2001:db8::/32 (the
documentation range) is Belgium with no city. Everything else is unknown.

Usage: python places_db.py OUT.mmdb
"""

import sys

from mmdb_writer import MMDBWriter
from netaddr import IPSet

writer = MMDBWriter(
    ip_version=6,
    database_type="GeoLite2-City",
    languages=["en"],
    description="CareKey tests",
    ipv4_compatible=True,
)
writer.insert_network(
    IPSet(["81.2.69.0/24"]),
    {
        "city": {"names": {"en": "London"}},
        "country": {"iso_code": "GB", "names": {"en": "United Kingdom"}},
    },
)
writer.insert_network(
    IPSet(["2001:db8::/32"]),
    {"country": {"iso_code": "BE", "names": {"en": "Belgium"}}},
)
writer.to_db_file(sys.argv[1])
