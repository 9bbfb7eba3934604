//! The device verifier: a secret made for each login, whose SHA-256 (PKCS's
//! S256 challenge) goes to the server at start. Only the holder of the
//! verifier can turn the code into a session.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub struct DeviceVerifier {
    secret: Zeroizing<String>,
}

impl DeviceVerifier {
    /// 256 random bits, base64url (43 characters, within PKCE's 43–128).
    pub fn new() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        crate::random::fill(bytes.as_mut());
        DeviceVerifier {
            secret: Zeroizing::new(URL_SAFE_NO_PAD.encode(bytes.as_ref())),
        }
    }

    /// The verifier of a login begun before the app restarted.
    pub fn from_secret(secret: &str) -> Self {
        DeviceVerifier {
            secret: Zeroizing::new(secret.to_owned()),
        }
    }

    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.secret.as_bytes()))
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl Default for DeviceVerifier {
    fn default() -> Self {
        DeviceVerifier::new()
    }
}

impl std::fmt::Debug for DeviceVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceVerifier([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_pkce_s256_of_the_secret() {
        let verifier = DeviceVerifier::new();
        assert_eq!(verifier.secret().len(), 43);
        assert_eq!(verifier.challenge().len(), 43);
        assert_ne!(DeviceVerifier::new().secret(), verifier.secret());
        assert!(!format!("{verifier:?}").contains(verifier.secret()));
    }
}
