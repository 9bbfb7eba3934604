//! Approximate places of network addresses, for the account's list of
//! where it is logged in: read from a local database the operator chose
//! (`ip_places_database`, the MaxMind DB format of GeoLite2 City or
//! Country, DB-IP Lite or IPinfo Lite), loaded once at start. Nothing is
//! looked up over the network, and without a database no place is shown.
//!
//! Invariant: a place says no more than a city and a country, and is shown
//! only to the account's owner, about its own sessions. An address the
//! database does not know (a private network, a new range) has no place;
//! a database that cannot be read stops the server at start, naming it,
//! rather than silently showing nothing.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("cannot read the places database {path}: {reason}")]
pub struct PlacesError {
    path: PathBuf,
    reason: String,
}

/// An opened places database.
pub struct Places {
    reader: maxminddb::Reader<Vec<u8>>,
}

impl std::fmt::Debug for Places {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Places")
            .field("database", &self.reader.metadata.database_type)
            .finish()
    }
}

impl Places {
    pub fn open(path: &Path) -> Result<Self, PlacesError> {
        let reader = maxminddb::Reader::open_readfile(path).map_err(|error| PlacesError {
            path: path.to_owned(),
            reason: error.to_string(),
        })?;
        Ok(Places { reader })
    }

    /// "City, Country" in English, or the country alone; `None` when the
    /// database knows nothing of `ip` (or holds no names for it).
    pub fn place_of(&self, ip: IpAddr) -> Option<String> {
        let found = self.reader.lookup(ip).ok()?;
        let city: maxminddb::geoip2::City = found.decode().ok()??;
        let country = city.country.names.english;
        match (city.city.names.english, country) {
            (Some(city), Some(country)) => Some(format!("{city}, {country}")),
            (None, Some(country)) => Some(country.to_owned()),
            (Some(city), None) => Some(city.to_owned()),
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_no_places_database_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("GeoLite2-City.mmdb");
        std::fs::write(&path, b"not a database").unwrap();
        let error = Places::open(&path).unwrap_err().to_string();
        assert!(error.contains("GeoLite2-City.mmdb"), "{error}");
        let missing = Places::open(&dir.path().join("none.mmdb")).unwrap_err();
        assert!(missing.to_string().contains("none.mmdb"));
    }
}
