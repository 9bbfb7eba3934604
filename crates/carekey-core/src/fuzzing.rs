//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz, libFuzzer): one
//! per parser of what reaches the app from outside (links, backup
//! envelopes, transfer codes and recovery keys, typed phone numbers), each
//! with the properties that must hold for every input, checked by panicking.
//!
//! Invariant: an entry point never panics on any input unless a property
//! is broken, so every crash libFuzzer reports is a bug. The properties are
//! those a person relies on: what parses is canonical and parses again to
//! the same value; what was sealed opens to exactly what was sealed, and
//! any change to it is refused. Compiled with the `fuzz` feature (the
//! fuzz crate turns it on) and for the tests, which replay every saved
//! finding in `fuzz/regressions/`, the server's targets' too.

use crate::envelope::{self, Argon2Params, EnvelopeError, Purpose, SALT_LEN, Secret};
use crate::links::{self, AppLink};
use crate::recovery::{RecoveryKey, TransferCode};
use data_encoding::BASE32_NOPAD;
use zeroize::Zeroizing;

/// The servers a link is checked against: a public one and the built-in one.
const SERVERS: [&str; 2] = ["https://auth.example.org", "http://127.0.0.1:4317"];

/// Deep links (`carekey://l/…`, `carekey://invite/…` and their https
/// forms): a link that parses is a lowercase UUID and a 32-letter base32
/// secret, and its canonical `carekey://` form parses to the same link; the
/// input is also tried as the server's own address.
pub fn deep_link(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for server in SERVERS {
        if let Ok(link) = links::parse(&text, server) {
            let (AppLink::Login {
                request_id: id,
                secret,
            }
            | AppLink::Invitation {
                invitation_id: id,
                secret,
            }) = &link;
            assert!(
                uuid::Uuid::parse_str(id)
                    .is_ok_and(|parsed| parsed.hyphenated().to_string() == *id)
            );
            assert!(
                secret.expose().len() == 32
                    && secret
                        .expose()
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
            );
            assert_eq!(links::parse(&link.canonical(), server).as_ref(), Ok(&link));
        }
    }
    let _ = links::parse(
        "https://auth.example.org/l/01a20293-c0c4-7563-a970-fa47c7931bc3.abcdefghijklmnopqrstuvwxyz234567",
        &text,
    );
}

/// Recovery keys and transfer codes as typed or scanned: what parses shows
/// again as text that parses to the same secret; any 32 bytes shown as a
/// key or code parse back to themselves.
pub fn codes(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(key) = RecoveryKey::parse(&text) {
        let again = RecoveryKey::parse(&key.display());
        assert!(again.is_ok_and(|again| again.bytes() == key.bytes()));
    }
    if let Ok(code) = TransferCode::parse(&text) {
        let again = TransferCode::parse(&code.text());
        assert!(again.is_ok_and(
            |again| again.transfer_id == code.transfer_id && again.secret() == code.secret()
        ));
    }
    if data.len() >= 48 {
        let mut secret = Zeroizing::new([0u8; 32]);
        secret.copy_from_slice(&data[..32]);
        let encoded = Zeroizing::new(BASE32_NOPAD.encode(secret.as_slice()));
        let key = RecoveryKey::parse(&encoded);
        assert!(key.is_ok_and(|key| key.bytes() == &*secret));
        let mut id = [0u8; 16];
        id.copy_from_slice(&data[32..48]);
        let id = uuid::Uuid::from_bytes(id).hyphenated().to_string();
        let code = TransferCode::new(id.clone(), secret.clone());
        let parsed = TransferCode::parse(&code.text());
        assert!(parsed.is_ok_and(|parsed| parsed.transfer_id == id && parsed.secret() == &*secret));
    }
}

/// The owner every sealed-then-opened envelope belongs to.
const OWNER: &str = "0190a0b2-7c1e-7000-8000-4f6e3c2d1a00";

/// Backup envelopes. The first byte chooses what is fuzzed:
///
/// - even: a stored envelope, read with the 32-byte key that follows it
///   (as a recovery-key backup and as a transfer, for the owner its header
///   names). A header that does not parse is refused the same way by
///   `describe` and `open`. Password envelopes are described, not opened:
///   a fuzzed header could only make each run spend Argon2's bounded cost.
/// - odd: seal → open. The rest is sealed as a payload; opening it gives
///   back exactly that payload's keypairs, or refuses it as a payload,
///   never as a wrong key; with any byte changed, for another owner or
///   another purpose, it is refused.
pub fn envelope(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    if mode % 2 == 0 {
        let Some((key, stored)) = rest.split_first_chunk::<32>() else {
            return;
        };
        let described = envelope::describe(stored);
        for purpose in [Purpose::RecoveryBackup, Purpose::Transfer] {
            let owner = described.as_ref().map_or(OWNER, |d| d.owner_id.as_str());
            let opened = envelope::open(stored, purpose, &Secret::Key(key), owner);
            if let Err(error) = &described {
                assert_eq!(opened.as_ref().err(), Some(error));
            }
        }
        return;
    }
    let key = [7u8; 32];
    let salt = [3u8; SALT_LEN];
    let nonce = [5u8; envelope::NONCE_LEN];
    let purpose = Purpose::RecoveryBackup;
    let secret = Secret::Key(&key);
    let params = Argon2Params::DESKTOP;
    let Ok(sealed) = envelope::seal_payload(purpose, &secret, OWNER, rest, params, &salt, &nonce)
    else {
        panic!("sealing any payload for a valid owner works");
    };
    match envelope::open(&sealed, purpose, &secret, OWNER) {
        // Another writer's DER may differ from ours byte for byte; what
        // must hold is that the keys read reseal and reopen as themselves.
        Ok(pairs) => {
            let Ok(payload) = envelope::payload_for(&pairs) else {
                panic!("keys that opened can be sealed again");
            };
            let resealed =
                envelope::seal_payload(purpose, &secret, OWNER, &payload, params, &salt, &nonce);
            let reopened =
                resealed.and_then(|sealed| envelope::open(&sealed, purpose, &secret, OWNER));
            let spki = |pairs: &[crate::KeyPair]| {
                pairs
                    .iter()
                    .map(|pair| pair.public_spki_der().ok())
                    .collect::<Vec<_>>()
            };
            assert!(reopened.is_ok_and(|again| spki(&again) == spki(&pairs)));
        }
        Err(error) => assert!(
            matches!(
                error,
                EnvelopeError::MalformedPayload | EnvelopeError::KeyMismatch
            ),
            "{error:?}"
        ),
    }
    let at = usize::from(rest.first().copied().unwrap_or(0)) * 7 % sealed.len();
    let mut tampered = sealed.clone();
    tampered[at] ^= 0x01;
    assert!(envelope::open(&tampered, purpose, &secret, OWNER).is_err());
    assert_eq!(
        envelope::open(&sealed, purpose, &secret, "someone-else").err(),
        Some(EnvelopeError::WrongOwner)
    );
    assert!(matches!(
        envelope::open(&sealed, Purpose::Transfer, &secret, OWNER),
        Err(EnvelopeError::WrongPurpose { .. })
    ));
}

/// Phone numbers as people type them, with the country they chose: what
/// the app accepts is E.164, and accepting it again changes nothing.
pub fn phone(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for country in ["BE", "FR", "NL", "ID", "US"] {
        if let Ok(number) = crate::phone::to_e164(&text, Some(country)) {
            assert!(number.starts_with('+') && number[1..].bytes().all(|b| b.is_ascii_digit()));
            let again = crate::phone::to_e164(&number, Some(country));
            assert!(again.is_ok_and(|again| again == number));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    type Entry = fn(&[u8]);

    /// Every fuzz target, by its name in `fuzz/fuzz_targets/`.
    const TARGETS: [(&str, Entry); 8] = [
        ("deep_link", deep_link),
        ("codes", codes),
        ("envelope", envelope),
        ("phone", phone),
        ("contact", carekey_server::fuzzing::contact),
        (
            "whatsapp_notification",
            carekey_server::fuzzing::whatsapp_notification,
        ),
        ("provider_answer", carekey_server::fuzzing::provider_answer),
        ("api_body", carekey_server::fuzzing::api_body),
    ];

    fn fuzz_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
    }

    #[test]
    fn every_fuzz_target_is_replayed_here() {
        let mut names: Vec<String> = std::fs::read_dir(fuzz_dir().join("fuzz_targets"))
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                path.file_stem().unwrap().to_string_lossy().into_owned()
            })
            .collect();
        names.sort();
        let mut known: Vec<String> = TARGETS.iter().map(|(name, _)| (*name).to_owned()).collect();
        known.sort();
        assert_eq!(names, known);
    }

    /// Each crash, timeout or slow input a fuzzer found is saved under
    /// `fuzz/regressions/<target>/` once fixed, and stays fixed.
    #[test]
    fn every_saved_fuzz_finding_still_passes() {
        let mut replayed = 0;
        for (target, entry) in TARGETS {
            let dir = fuzz_dir().join("regressions").join(target);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry_path in entries {
                let path = entry_path.unwrap().path();
                eprintln!("{}", path.display());
                entry(&std::fs::read(&path).unwrap());
                replayed += 1;
            }
        }
        eprintln!("{replayed} findings replayed");
    }

    #[test]
    fn the_entry_points_hold_on_real_inputs() {
        deep_link(
            b"carekey://l/01a20293-c0c4-7563-a970-fa47c7931bc3.abcdefghijklmnopqrstuvwxyz234567",
        );
        deep_link(b"https://auth.example.org/l/01A20293-C0C4-7563-A970-FA47C7931BC3.ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        let key = RecoveryKey::generate();
        codes(key.display().as_bytes());
        codes(&[0xffu8; 48]);
        phone(b"0470 12 34 56");
        phone(b"+1 (415) 555-2671");
        envelope(&[1]);
        envelope(b"\x01\x01\x00\x01");
        envelope(&[0; 40]);
    }

    /// The seal → open property on a real keypair, and the vector's own
    /// recovery envelope read with its key, as the fuzzer's seeds do.
    #[test]
    fn the_envelope_entry_opens_real_keys() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../tests/vectors/envelope-v1.json")).unwrap();
        let hex = |text: &serde_json::Value| {
            data_encoding::HEXLOWER
                .decode(text.as_str().unwrap().as_bytes())
                .unwrap()
        };
        let pair = &vectors["keyPairs"][0];
        let (spki, pkcs8) = (hex(&pair["spki"]), hex(&pair["pkcs8"]));
        let mut payload = vec![1u8];
        payload.extend_from_slice(&1u16.to_be_bytes());
        payload.extend_from_slice(&(spki.len() as u16).to_be_bytes());
        payload.extend_from_slice(&spki);
        payload.extend_from_slice(&(pkcs8.len() as u16).to_be_bytes());
        payload.extend_from_slice(&pkcs8);
        let key = [7u8; 32];
        let sealed = envelope::seal_payload(
            Purpose::RecoveryBackup,
            &Secret::Key(&key),
            OWNER,
            &payload,
            Argon2Params::DESKTOP,
            &[3; SALT_LEN],
            &[5; envelope::NONCE_LEN],
        )
        .unwrap();
        let opened = envelope::open(&sealed, Purpose::RecoveryBackup, &Secret::Key(&key), OWNER);
        assert_eq!(opened.unwrap().len(), 1, "the seed reaches the keys");
        let mut input = vec![1u8];
        input.extend_from_slice(&payload);
        envelope(&input);
        let recovery = vectors["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|case| case["purpose"] == "recovery")
            .unwrap();
        let mut input = vec![0u8];
        input.extend_from_slice(&hex(&recovery["secret"]));
        input.extend_from_slice(&hex(&recovery["envelope"]));
        envelope(&input);
    }
}
