//! The user's encryption keypair: RSA-2048 for OAEP with SHA-256 (iCure's
//! `publicKeysForOaepWithSha256`), made on the device. The private key lives
//! in the keychain as PKCS#8 DER and never leaves the device; the public key
//! (SubjectPublicKeyInfo DER) is registered with the server.

use crate::error::CoreError;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::sha2::{Digest, Sha256};
use rsa::{Oaep, PrivateKey, PublicKey};
use serde::Serialize;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

pub const MODULUS_BITS: usize = 2048;

/// How often the prime search says it is still going. The search (inside
/// `rsa`: a sieve, then a primality test per candidate) has no count a
/// caller can see and no known length, so progress is the time it has
/// taken so far.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// How far key generation has gone, for a progress display.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", tag = "stage")]
pub enum KeyProgress {
    SearchingPrimes {
        elapsed_ms: u64,
    },
    Storing,
    Registering,
    Done {
        fingerprint: String,
        elapsed_ms: u64,
    },
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

pub struct KeyPair {
    private: PrivateKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyPair({})", self.fingerprint().unwrap_or_default())
    }
}

impl KeyPair {
    /// Makes a new keypair; CPU-bound for a few hundred milliseconds, so call
    /// it off the UI and async threads. `progress` hears the search go on,
    /// at once and then every [`PROGRESS_EVERY`], on the calling thread
    /// while the search runs on another.
    pub fn generate(mut progress: impl FnMut(KeyProgress)) -> Result<Self, CoreError> {
        let started = Instant::now();
        let (made, search_ended) = channel();
        std::thread::scope(|scope| {
            let search = scope.spawn(move || {
                let _ = made.send(PrivateKey::new(&mut crate::random::os(), MODULUS_BITS));
            });
            let outcome = loop {
                progress(KeyProgress::SearchingPrimes {
                    elapsed_ms: elapsed_ms(started),
                });
                match search_ended.recv_timeout(PROGRESS_EVERY) {
                    Ok(outcome) => break Some(outcome),
                    Err(RecvTimeoutError::Timeout) => continue,
                    // The search ended without an answer: it panicked.
                    Err(RecvTimeoutError::Disconnected) => break None,
                }
            };
            let joined = search.join();
            match (outcome, joined) {
                (Some(Ok(private)), Ok(())) => Ok(KeyPair { private }),
                (Some(Err(error)), _) => Err(CoreError::Crypto(error.to_string())),
                _ => Err(CoreError::Crypto("the key search stopped".into())),
            }
        })
    }

    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, CoreError> {
        PrivateKey::from_pkcs8_der(der)
            .map(|private| KeyPair { private })
            .map_err(|error| CoreError::Crypto(format!("stored key unreadable: {error}")))
    }

    /// The private key as PKCS#8 DER, for the keychain only.
    pub fn private_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, CoreError> {
        self.private
            .to_pkcs8_der()
            .map(|der| Zeroizing::new(der.as_bytes().to_vec()))
            .map_err(|error| CoreError::Crypto(error.to_string()))
    }

    pub fn public_key(&self) -> PublicKey {
        self.private.to_public_key()
    }

    pub fn public_spki_der(&self) -> Result<Vec<u8>, CoreError> {
        self.public_key()
            .to_public_key_der()
            .map(|der| der.as_bytes().to_vec())
            .map_err(|error| CoreError::Crypto(error.to_string()))
    }

    pub fn fingerprint(&self) -> Result<String, CoreError> {
        Ok(fingerprint(&self.public_spki_der()?))
    }

    /// The server's id of this key: hex SHA-256 of the SPKI DER.
    pub fn key_id(&self) -> Result<String, CoreError> {
        Ok(key_id(&self.public_spki_der()?))
    }

    /// OAEP-SHA256 encryption to this keypair's public key.
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, CoreError> {
        encrypt_to(&self.public_spki_der()?, plaintext)
    }

    /// OAEP-SHA256 decryption, blinded besides constant-time (`rsa` 0.10 on
    /// crypto-bigint; the Marvin attack, RUSTSEC-2023-0071).
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, CoreError> {
        self.private
            .decrypt_blinded(&mut crate::random::os(), Oaep::<Sha256>::new(), ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| CoreError::Crypto("this data was not encrypted for this key".into()))
    }
}

/// Hex SHA-256 of the SPKI DER: the server's key id.
pub fn key_id(spki: &[u8]) -> String {
    Sha256::digest(spki)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// OAEP-SHA256 encryption to someone's public key (SPKI DER), such as the
/// responsible clinician's.
pub fn encrypt_to(spki: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, CoreError> {
    PublicKey::from_public_key_der(spki)
        .map_err(|_| CoreError::Crypto("a public key from the server is unreadable".into()))?
        .encrypt(&mut crate::random::os(), Oaep::<Sha256>::new(), plaintext)
        .map_err(|error| CoreError::Crypto(error.to_string()))
}

/// The key id (hex SHA-256 of the SPKI DER) shown in groups of four.
pub fn fingerprint(spki: &[u8]) -> String {
    grouped(&key_id(spki))
}

/// A key id (hex) in groups of four, as people compare fingerprints.
pub fn grouped(hex: &str) -> String {
    hex.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keypair_round_trips_through_pkcs8_and_oaep() {
        let mut reports = Vec::new();
        let pair = KeyPair::generate(|progress| reports.push(progress)).unwrap();
        assert!(!reports.is_empty(), "progress was reported");
        assert!(matches!(
            reports.last(),
            Some(KeyProgress::SearchingPrimes { .. })
        ));
        let der = pair.private_pkcs8_der().unwrap();
        assert!(
            der.len() < 2560,
            "fits Windows' credential limit: {}",
            der.len()
        );
        let again = KeyPair::from_pkcs8_der(&der).unwrap();
        assert_eq!(again.fingerprint().unwrap(), pair.fingerprint().unwrap());
        let sealed = pair.encrypt(b"content key").unwrap();
        assert_eq!(again.decrypt(&sealed).unwrap().as_slice(), b"content key");
        let other = KeyPair::generate(|_| {}).unwrap();
        assert!(other.decrypt(&sealed).is_err());
    }

    #[test]
    fn fingerprints_are_grouped_hex_sha256() {
        assert_eq!(
            fingerprint(b"abc"),
            "ba78 16bf 8f01 cfea 4141 40de 5dae 2223 b003 61a3 9617 7a9c b410 ff61 f200 15ad"
        );
    }
}
