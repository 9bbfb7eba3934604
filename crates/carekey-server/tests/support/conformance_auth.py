"""Schemathesis hooks: real sessions for the operations that need one.

Loaded with SCHEMATHESIS_HOOKS=conformance_auth by tests/conformance.rs.
A token is got the way the app gets one: start with a fresh address, read
the code from the server's outbox file, complete with the device verifier.
Operations under /v1/patients and /v1/invitations get a clinician's
session; every other one a
patient's, who named that clinician and was accepted (so keys and samples
are shared, as in real use). A 401 (a generated logout ended the session)
makes Schemathesis log in again.

Environment: CAREKEY_CONFORMANCE_URL (the server's base URL) and
CAREKEY_CONFORMANCE_OUTBOX (its outbox file).
"""

import base64
import hashlib
import json
import os
import re
import secrets
import time
import urllib.error
import urllib.request

import schemathesis

BASE = os.environ["CAREKEY_CONFORMANCE_URL"]
OUTBOX = os.environ["CAREKEY_CONFORMANCE_OUTBOX"]


def _call(path, body, token=None):
    request = urllib.request.Request(
        BASE + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def _code_for(address, deadline=30.0):
    """The code in the newest complete outbox line addressed to `address`."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with open(OUTBOX, encoding="utf-8") as outbox:
                lines = outbox.read().split("\n")[:-1]
        except FileNotFoundError:
            lines = []
        for line in reversed(lines):
            message = json.loads(line)
            if message.get("to") == address:
                match = re.search(r"(?<![0-9A-Za-z])([0-9]{6,10})(?![0-9A-Za-z])", message["body"])
                if match:
                    return match.group(1)
        time.sleep(0.05)
    raise RuntimeError(f"no code reached the outbox for {address}")


def _sign_in(start):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    address = f"conformance-{secrets.token_hex(8)}@example.com"
    started = _call("/v1/auth/start", dict(start, email=address, deviceChallenge=challenge))
    code = _code_for(address)
    return _call(
        "/v1/auth/complete",
        {"requestId": started["requestId"], "code": code, "deviceVerifier": verifier},
    )


_clinician = {}


def _clinician_session():
    if "session" not in _clinician:
        _clinician["session"] = _sign_in({"firstName": "Grace", "lastName": "Clinic", "role": "clinician"})
    return _clinician["session"]


def _patient_token():
    clinician = _clinician_session()
    patient = _sign_in(
        {
            "firstName": "Pat",
            "lastName": "Conformance",
            "role": "patient",
            "responsibleClinicianId": clinician["userId"],
        }
    )
    try:
        _call(f"/v1/patients/{patient['userId']}/accept", {}, clinician["accessToken"])
    except urllib.error.HTTPError as error:
        if error.code != 401:
            raise
        # A generated logout ended the clinician's session: a new one.
        _clinician.clear()
        _call(f"/v1/patients/{patient['userId']}/accept", {}, _clinician_session()["accessToken"])
    return patient["accessToken"]


def _role(case, context):
    clinicians = ("/v1/patients", "/v1/invitations")
    return "clinician" if context.operation.path.startswith(clinicians) else "patient"


@schemathesis.auth(refresh_interval=600, cache_by_key=_role)
class CareKeySession:
    def get(self, case, context):
        if _role(case, context) == "clinician":
            _clinician.clear()
            return _clinician_session()["accessToken"]
        return _patient_token()

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"
