//! The user's encryption keypair: RSA-2048 for OAEP with SHA-256 (iCure's
//! `publicKeysForOaepWithSha256`), made on the device. The private key lives
//! in the keychain as PKCS#8 DER and never leaves the device; the public key
//! (SubjectPublicKeyInfo DER) is registered with the server.

use crate::error::CoreError;
use rand::{CryptoRng, RngCore};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::time::Instant;
use zeroize::Zeroizing;

pub const MODULUS_BITS: usize = 2048;

/// How far key generation has gone, for a progress display. Finding the two
/// primes is a search of unknown length: `candidates` counts the random
/// numbers tried so far.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", tag = "stage")]
pub enum KeyProgress {
    SearchingPrimes {
        candidates: u64,
        elapsed_ms: u64,
    },
    Storing,
    Registering,
    Done {
        fingerprint: String,
        elapsed_ms: u64,
    },
}

/// The OS generator, reporting each prime candidate it feeds the search.
struct CountingRng<F: FnMut(u64)> {
    candidates: u64,
    report: F,
}

impl<F: FnMut(u64)> RngCore for CountingRng<F> {
    fn next_u32(&mut self) -> u32 {
        rand::rngs::OsRng.next_u32()
    }

    fn next_u64(&mut self) -> u64 {
        rand::rngs::OsRng.next_u64()
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        // The prime search draws one whole candidate (128 bytes) per call.
        if dest.len() >= 64 {
            self.candidates += 1;
            (self.report)(self.candidates);
        }
        rand::rngs::OsRng.fill_bytes(dest);
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl<F: FnMut(u64)> CryptoRng for CountingRng<F> {}

pub struct KeyPair {
    private: RsaPrivateKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyPair({})", self.fingerprint().unwrap_or_default())
    }
}

impl KeyPair {
    /// Makes a new keypair; CPU-bound for a few hundred milliseconds, so call
    /// it off the UI and async threads. `progress` hears the search advance
    /// (a few hundred times).
    pub fn generate(mut progress: impl FnMut(KeyProgress)) -> Result<Self, CoreError> {
        let started = Instant::now();
        let mut rng = CountingRng {
            candidates: 0,
            report: |candidates| {
                progress(KeyProgress::SearchingPrimes {
                    candidates,
                    elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                });
            },
        };
        let private = RsaPrivateKey::new(&mut rng, MODULUS_BITS)
            .map_err(|error| CoreError::Crypto(error.to_string()))?;
        Ok(KeyPair { private })
    }

    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, CoreError> {
        RsaPrivateKey::from_pkcs8_der(der)
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

    pub fn public_key(&self) -> RsaPublicKey {
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

    /// OAEP-SHA256 decryption, always blinded (an RNG is passed: the `rsa`
    /// crate's Marvin advisory, RUSTSEC-2023-0071, has no fixed release).
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, CoreError> {
        self.private
            .decrypt_blinded(
                &mut rand::rngs::OsRng,
                rsa::Oaep::new::<Sha256>(),
                ciphertext,
            )
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
    use rsa::pkcs8::DecodePublicKey;
    RsaPublicKey::from_public_key_der(spki)
        .map_err(|_| CoreError::Crypto("a public key from the server is unreadable".into()))?
        .encrypt(
            &mut rand::rngs::OsRng,
            rsa::Oaep::new::<Sha256>(),
            plaintext,
        )
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
