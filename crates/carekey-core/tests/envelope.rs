//! The backup envelope against its committed test vectors
//! (`tests/vectors/envelope-v1.json`, format in `ENVELOPE.md`), and what a
//! reader does with every kind of damage: each header byte changed, the
//! ciphertext changed, the envelope cut short, the owner swapped, costs
//! under the floor or over the cap.
//!
//! `CAREKEY_WRITE_VECTORS=1 cargo test -p carekey-core --test envelope`
//! writes the vectors afresh (a new key, salts and nonces) instead of
//! checking them; only for a new format version.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod vector_files;

use carekey_core::KeyPair;
use carekey_core::envelope::{
    self, Argon2Params, EnvelopeError, NONCE_LEN, Purpose, SALT_LEN, SECRET_KEY_LEN, Secret,
};
use serde::{Deserialize, Serialize};
use vector_files::{FLOOR, OWNER, Vectors, hex, random, unhex};

#[derive(Serialize, Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Case {
    name: String,
    purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    secret: Option<String>,
    owner_id: String,
    memory_kib: u32,
    iterations: u32,
    lanes: u32,
    salt: String,
    nonce: String,
    envelope: String,
}

fn purpose(name: &str) -> Purpose {
    match name {
        "password" => Purpose::PasswordBackup,
        "recovery" => Purpose::RecoveryBackup,
        "transfer" => Purpose::Transfer,
        other => panic!("purpose {other}"),
    }
}

fn secret_key(case: &Case) -> Option<[u8; SECRET_KEY_LEN]> {
    case.secret
        .as_deref()
        .map(|secret| unhex(secret).try_into().unwrap())
}

fn with_secret<T>(case: &Case, run: impl FnOnce(&Secret<'_>) -> T) -> T {
    match (&case.password, secret_key(case)) {
        (Some(password), None) => run(&Secret::Password(password)),
        (None, Some(key)) => run(&Secret::Key(&key)),
        _ => panic!("a case has a password or a secret"),
    }
}

fn seal_case(case: &Case, pairs: &[KeyPair]) -> Vec<u8> {
    let payload = envelope::payload_for(pairs).unwrap();
    let salt: [u8; SALT_LEN] = unhex(&case.salt).try_into().unwrap();
    let nonce: [u8; NONCE_LEN] = unhex(&case.nonce).try_into().unwrap();
    with_secret(case, |secret| {
        envelope::seal_payload(
            purpose(&case.purpose),
            secret,
            &case.owner_id,
            &payload,
            Argon2Params {
                memory_kib: case.memory_kib,
                iterations: case.iterations,
                lanes: case.lanes,
            },
            &salt,
            &nonce,
        )
        .unwrap()
    })
}

fn open_case(case: &Case, envelope_bytes: &[u8]) -> Result<Vec<KeyPair>, EnvelopeError> {
    with_secret(case, |secret| {
        envelope::open(
            envelope_bytes,
            purpose(&case.purpose),
            secret,
            &case.owner_id,
        )
    })
}

fn write_vectors() {
    let pair = KeyPair::generate(|_| {}).unwrap();
    let case = |name: &str, purpose: &str, password: Option<&str>, params: Argon2Params| {
        let mut case = Case {
            name: name.into(),
            purpose: purpose.into(),
            password: password.map(str::to_owned),
            secret: password.is_none().then(|| random(SECRET_KEY_LEN)),
            owner_id: OWNER.into(),
            memory_kib: params.memory_kib,
            iterations: params.iterations,
            lanes: params.lanes,
            salt: random(SALT_LEN),
            nonce: random(NONCE_LEN),
            envelope: String::new(),
        };
        case.envelope = hex(&seal_case(&case, std::slice::from_ref(&pair)));
        case
    };
    let no_costs = Argon2Params {
        memory_kib: 0,
        iterations: 0,
        lanes: 0,
    };
    vector_files::write(
        "envelope-v1.json",
        "CareKey key backup envelope, format 1 (crates/carekey-core/ENVELOPE.md)",
        &pair,
        vec![
            case(
                "password backup at the lowest accepted costs",
                "password",
                Some("tidal-mango-orbit-velvet-42"),
                FLOOR,
            ),
            case(
                "password backup at desktop costs, non-ASCII password",
                "password",
                Some("café-tête-à-tête 🔑 42"),
                Argon2Params::DESKTOP,
            ),
            case("recovery-key backup", "recovery", None, no_costs),
            case("device transfer", "transfer", None, no_costs),
        ],
    );
}

fn vectors() -> (Vectors<Case>, Vec<KeyPair>) {
    vector_files::read("envelope-v1.json")
}

#[test]
fn the_committed_vectors_seal_and_open_byte_for_byte() {
    if std::env::var_os("CAREKEY_WRITE_VECTORS").is_some() {
        write_vectors();
    }
    let (vectors, pairs) = vectors();
    assert_eq!(vectors.cases.len(), 4);
    for case in &vectors.cases {
        let expected = unhex(&case.envelope);
        assert_eq!(
            hex(&seal_case(case, &pairs)),
            case.envelope,
            "{}: sealing is deterministic given salt and nonce",
            case.name
        );
        let opened = open_case(case, &expected).unwrap();
        assert_eq!(opened.len(), 1, "{}", case.name);
        assert_eq!(
            opened[0].public_spki_der().unwrap(),
            pairs[0].public_spki_der().unwrap(),
            "{}",
            case.name
        );
        let described = envelope::describe(&expected).unwrap();
        assert_eq!(described.owner_id, case.owner_id);
        assert_eq!(described.purpose, purpose(&case.purpose));
    }
}

/// The floor-cost password case: cheap enough to open hundreds of times.
fn cheap_case() -> (Case, Vec<u8>) {
    let (vectors, _) = vectors();
    let case = vectors.cases[0].clone();
    assert_eq!(case.memory_kib, FLOOR.memory_kib);
    let bytes = unhex(&case.envelope);
    (case, bytes)
}

fn header_len(case: &Case) -> usize {
    65 + case.owner_id.len()
}

#[test]
fn every_header_byte_is_authenticated() {
    let (case, bytes) = cheap_case();
    for at in 0..header_len(&case) {
        for flip in [0x01u8, 0x80] {
            let mut tampered = bytes.clone();
            tampered[at] ^= flip;
            let result = open_case(&case, &tampered);
            assert!(
                result.is_err(),
                "byte {at} ^ {flip:#04x} went unnoticed: the envelope still opened"
            );
        }
    }
}

#[test]
fn each_field_fails_with_its_own_reason() {
    let (case, bytes) = cheap_case();
    let tampered = |at: usize, value: u8| {
        let mut copy = bytes.clone();
        copy[at] = value;
        open_case(&case, &copy).unwrap_err()
    };
    assert_eq!(tampered(0, b'X'), EnvelopeError::NotAnEnvelope);
    assert_eq!(tampered(8, 3), EnvelopeError::UnsupportedVersion(3));
    // Format 2 takes only its own KDF (3, Argon2id with the OPRF).
    assert_eq!(tampered(8, 2), EnvelopeError::MalformedHeader);
    assert_eq!(tampered(9, 9), EnvelopeError::MalformedHeader);
    assert!(matches!(
        tampered(9, 3),
        EnvelopeError::MalformedHeader | EnvelopeError::WrongPurpose { .. }
    ));
    assert_eq!(tampered(10, 2), EnvelopeError::MalformedHeader);
    assert_eq!(tampered(39, 2), EnvelopeError::MalformedHeader);
    assert_eq!(tampered(64, 0), EnvelopeError::MalformedHeader);
    assert_eq!(tampered(64, 65), EnvelopeError::MalformedHeader);
    // Salt, nonce and the length-preserving parts of the costs: only the
    // AEAD can tell.
    assert_eq!(tampered(23, bytes[23] ^ 1), EnvelopeError::WrongSecret);
    assert_eq!(tampered(40, bytes[40] ^ 1), EnvelopeError::WrongSecret);
    assert_eq!(tampered(14, bytes[14] ^ 1), EnvelopeError::WrongSecret);
}

fn with_costs(bytes: &[u8], params: Argon2Params) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    copy[11..15].copy_from_slice(&params.memory_kib.to_be_bytes());
    copy[15..19].copy_from_slice(&params.iterations.to_be_bytes());
    copy[19..23].copy_from_slice(&params.lanes.to_be_bytes());
    copy
}

#[test]
fn costs_under_the_floor_or_over_the_cap_are_refused_before_deriving() {
    let (case, bytes) = cheap_case();
    for (params, expected) in [
        (
            Argon2Params {
                memory_kib: 16 * 1024,
                ..FLOOR
            },
            EnvelopeError::WeakParameters,
        ),
        (
            Argon2Params {
                iterations: 1,
                ..FLOOR
            },
            EnvelopeError::WeakParameters,
        ),
        (
            Argon2Params { lanes: 0, ..FLOOR },
            EnvelopeError::WeakParameters,
        ),
        (
            Argon2Params {
                memory_kib: 4 * 1024 * 1024,
                ..FLOOR
            },
            EnvelopeError::ExcessiveParameters,
        ),
        (
            Argon2Params {
                iterations: 1000,
                ..FLOOR
            },
            EnvelopeError::ExcessiveParameters,
        ),
        (
            Argon2Params { lanes: 64, ..FLOOR },
            EnvelopeError::ExcessiveParameters,
        ),
    ] {
        let started = std::time::Instant::now();
        assert_eq!(
            open_case(&case, &with_costs(&bytes, params)).unwrap_err(),
            expected,
            "{params:?}"
        );
        // Nothing was derived: a 4 GiB or 1000-pass Argon2 would take far
        // longer than this.
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
    }
    // HKDF envelopes carry no costs at all.
    let (vectors, _) = vectors();
    let recovery = &vectors.cases[2];
    let bytes = unhex(&recovery.envelope);
    assert_eq!(
        open_case(recovery, &with_costs(&bytes, FLOOR)).unwrap_err(),
        EnvelopeError::MalformedHeader
    );
}

#[test]
fn a_changed_ciphertext_or_a_cut_envelope_does_not_open() {
    let (case, bytes) = cheap_case();
    let start = header_len(&case);
    for at in [start, start + 1, (start + bytes.len()) / 2, bytes.len() - 1] {
        let mut tampered = bytes.clone();
        tampered[at] ^= 0x40;
        assert_eq!(
            open_case(&case, &tampered).unwrap_err(),
            EnvelopeError::WrongSecret,
            "byte {at}"
        );
    }
    for len in [0, 5, 8, 30, start - 1, start, start + 15] {
        let error = open_case(&case, &bytes[..len]).unwrap_err();
        assert!(
            matches!(
                error,
                EnvelopeError::Truncated | EnvelopeError::NotAnEnvelope
            ),
            "cut at {len}: {error:?}"
        );
    }
    for len in [start + 16, bytes.len() - 16, bytes.len() - 1] {
        assert_eq!(
            open_case(&case, &bytes[..len]).unwrap_err(),
            EnvelopeError::WrongSecret,
            "cut at {len}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(
        open_case(&case, &longer).unwrap_err(),
        EnvelopeError::WrongSecret
    );
}

#[test]
fn an_envelope_is_bound_to_its_owner() {
    let (case, bytes) = cheap_case();
    let other = "0190a0b2-7c1e-7000-8000-4f6e3c2d1a99";
    assert_eq!(other.len(), case.owner_id.len());
    // Opened for another account: refused before deriving.
    let as_other = Case {
        owner_id: other.into(),
        ..case.clone()
    };
    assert_eq!(
        open_case(&as_other, &bytes).unwrap_err(),
        EnvelopeError::WrongOwner
    );
    // The owner id rewritten to the other account's: the tag no longer fits.
    let mut swapped = bytes.clone();
    swapped[65..65 + other.len()].copy_from_slice(other.as_bytes());
    assert_eq!(
        open_case(&as_other, &swapped).unwrap_err(),
        EnvelopeError::WrongSecret
    );
}

#[test]
fn wrong_secrets_and_wrong_purposes_are_told_apart() {
    let (vectors, _) = vectors();
    let password = &vectors.cases[0];
    let bytes = unhex(&password.envelope);
    assert_eq!(
        envelope::open(
            &bytes,
            Purpose::PasswordBackup,
            &Secret::Password("tidal-mango-orbit-velvet-43"),
            OWNER
        )
        .unwrap_err(),
        EnvelopeError::WrongSecret
    );
    let recovery = &vectors.cases[2];
    let bytes = unhex(&recovery.envelope);
    assert_eq!(
        envelope::open(
            &bytes,
            Purpose::RecoveryBackup,
            &Secret::Key(&[9; 32]),
            OWNER
        )
        .unwrap_err(),
        EnvelopeError::WrongSecret
    );
    assert!(matches!(
        envelope::open(
            &bytes,
            Purpose::Transfer,
            &Secret::Key(&secret_key(recovery).unwrap()),
            OWNER
        ),
        Err(EnvelopeError::WrongPurpose { .. })
    ));
}
