//! The server's own keys and the secrets it hands out: one-time codes, device
//! challenges, refresh tokens, and the sealing of queued messages.
//!
//! Codes and refresh tokens are never stored: only keyed hashes (codes, which
//! are short) or plain SHA-256 (refresh tokens, which carry 256 bits).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use carekey_api::SecretString;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore, rngs::OsRng};

/// Codes, tokens and nonces come from `rand`'s thread-local CSPRNG (ChaCha12,
/// seeded from and periodically reseeded by the OS): as unpredictable as the
/// OS generator, without a system call per draw. Long-lived keys come straight
/// from the OS.
fn csprng() -> rand::rngs::ThreadRng {
    rand::thread_rng()
}
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

pub const KEY_LEN: usize = 32;

pub fn random_key() -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(vec![0u8; KEY_LEN]);
    OsRng.fill_bytes(&mut key);
    key
}

/// A code of `length` uniformly drawn decimal digits.
pub fn generate_code(length: u8) -> SecretString {
    let mut rng = csprng();
    let code: String = (0..length)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect();
    SecretString::new(code)
}

/// Bytes of randomness in a magic link.
pub const LINK_SECRET_LEN: usize = 20;

/// A magic link's secret (base32, lowercase: 32 characters of letters and
/// the digits 2-7) and the code it stands for. The code is derived from the
/// secret, so one stored hash serves both, the landing page can show the
/// code from the link alone, and a link is exactly as strong as its code
/// behind the same attempt limits (with 160 bits of its own on top).
pub fn generate_link_secret(length: u8) -> (SecretString, SecretString) {
    let mut bytes = Zeroizing::new([0u8; LINK_SECRET_LEN]);
    csprng().fill_bytes(bytes.as_mut());
    let secret = SecretString::new(
        data_encoding::BASE32_NOPAD
            .encode(bytes.as_ref())
            .to_ascii_lowercase(),
    );
    let code = digits_of(bytes.as_ref(), length);
    (secret, code)
}

/// The code a link's secret stands for; `None` if it is not one (wrong
/// alphabet or length).
pub fn code_of_link_secret(secret: &str, length: u8) -> Option<SecretString> {
    let bytes = Zeroizing::new(
        data_encoding::BASE32_NOPAD
            .decode(secret.trim().to_ascii_uppercase().as_bytes())
            .ok()?,
    );
    (bytes.len() == LINK_SECRET_LEN).then(|| digits_of(&bytes, length))
}

/// Uniform decimal digits from SHA-256 blocks of the secret (bytes of 250
/// and up are skipped, so that every digit is equally likely).
fn digits_of(secret: &[u8], length: u8) -> SecretString {
    let mut digits = String::with_capacity(usize::from(length));
    let mut block: u32 = 0;
    while digits.len() < usize::from(length) {
        let hash = Sha256::new()
            .chain_update(b"carekey link code\0")
            .chain_update(block.to_be_bytes())
            .chain_update(secret)
            .finalize();
        for byte in hash {
            if byte < 250 && digits.len() < usize::from(length) {
                digits.push(char::from(b'0' + byte % 10));
            }
        }
        block += 1;
    }
    SecretString::new(digits)
}

/// Hashes codes with a server key, bound to their request, so a stolen
/// database yields neither codes nor a table to look them up in.
#[derive(Clone)]
pub struct CodeHasher {
    key: Zeroizing<Vec<u8>>,
}

impl CodeHasher {
    pub fn new(key: Zeroizing<Vec<u8>>) -> Self {
        CodeHasher { key }
    }

    pub fn hash(&self, request_id: &str, code: &str) -> Vec<u8> {
        let mut mac = match <HmacSha256 as Mac>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            // HMAC takes keys of any length; this arm cannot run.
            Err(_) => return Vec::new(),
        };
        mac.update(request_id.as_bytes());
        mac.update(&[0]);
        mac.update(code.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    pub fn matches(&self, request_id: &str, code: &str, stored: &[u8]) -> bool {
        let computed = self.hash(request_id, code);
        !stored.is_empty() && computed.ct_eq(stored).into()
    }
}

/// PKCE's S256: the challenge is unpadded base64url(SHA-256(verifier)).
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A challenge is the 43-character encoding of a SHA-256 digest.
pub fn is_well_formed_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && URL_SAFE_NO_PAD
            .decode(challenge)
            .is_ok_and(|digest| digest.len() == 32)
}

pub fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    challenge_of(verifier)
        .as_bytes()
        .ct_eq(challenge.as_bytes())
        .into()
}

/// A new refresh token (256 random bits, base64url) and the hash that is stored.
pub fn new_refresh_token() -> (SecretString, Vec<u8>) {
    let mut bytes = Zeroizing::new([0u8; 32]);
    csprng().fill_bytes(bytes.as_mut());
    let token = SecretString::new(URL_SAFE_NO_PAD.encode(bytes.as_ref()));
    let hash = token_hash(token.expose());
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Seals queued messages (they hold codes) so the database never has them in
/// the clear. The row id is the associated data: a sealed body cannot be moved
/// to another row.
#[derive(Clone)]
pub struct QueueSealer {
    cipher: XChaCha20Poly1305,
}

#[derive(Debug, thiserror::Error)]
#[error("a queued message could not be sealed or opened")]
pub struct SealError;

const NONCE_LEN: usize = 24;

impl QueueSealer {
    pub fn new(key: &[u8]) -> Result<Self, SealError> {
        let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| SealError)?;
        Ok(QueueSealer { cipher })
    }

    pub fn seal(&self, row_id: &str, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        csprng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: row_id.as_bytes(),
                },
            )
            .map_err(|_| SealError)?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    pub fn open(&self, row_id: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        if sealed.len() < NONCE_LEN {
            return Err(SealError);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: row_id.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| SealError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_asked_length_and_only_digits() {
        for length in 6..=10 {
            let code = generate_code(length);
            assert_eq!(code.expose().len(), usize::from(length));
            assert!(code.expose().bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn a_link_secret_stands_for_its_code_alone() {
        for length in 6..=10 {
            let (secret, code) = generate_link_secret(length);
            assert_eq!(secret.expose().len(), 32);
            assert!(
                secret
                    .expose()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
            );
            assert_eq!(code.expose().len(), usize::from(length));
            let again = code_of_link_secret(&secret.expose().to_uppercase(), length).unwrap();
            assert_eq!(again.expose(), code.expose());
        }
        assert!(code_of_link_secret("not-base32!", 6).is_none());
        assert!(code_of_link_secret("aaaa", 6).is_none());
        let (other, _) = generate_link_secret(6);
        let (secret, code) = generate_link_secret(6);
        assert_ne!(other.expose(), secret.expose());
        // Digits from links are uniform too.
        let mut counts = [0u32; 10];
        for _ in 0..2000 {
            let (_, code) = generate_link_secret(10);
            for digit in code.expose().bytes() {
                counts[usize::from(digit - b'0')] += 1;
            }
        }
        assert!(
            counts.iter().all(|&count| (1750..2250).contains(&count)),
            "{counts:?}"
        );
        drop(code);
    }

    #[test]
    fn code_digits_are_roughly_uniform() {
        let mut counts = [0u32; 10];
        for _ in 0..2000 {
            for digit in generate_code(10).expose().bytes() {
                counts[usize::from(digit - b'0')] += 1;
            }
        }
        // 20,000 digits: each count is 2,000 ± about 6 standard deviations.
        assert!(
            counts.iter().all(|&count| (1750..2250).contains(&count)),
            "{counts:?}"
        );
    }

    #[test]
    fn code_hashes_are_keyed_and_bound_to_the_request() {
        let hasher = CodeHasher::new(Zeroizing::new(vec![7; 32]));
        let other = CodeHasher::new(Zeroizing::new(vec![8; 32]));
        let stored = hasher.hash("req-1", "123456");
        assert!(hasher.matches("req-1", "123456", &stored));
        assert!(!hasher.matches("req-1", "123457", &stored));
        assert!(!hasher.matches("req-2", "123456", &stored));
        assert!(!other.matches("req-1", "123456", &stored));
        assert!(!hasher.matches("req-1", "123456", &[]));
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(challenge_of(verifier), challenge);
        assert!(verifier_matches(verifier, challenge));
        assert!(!verifier_matches("another verifier", challenge));
        assert!(is_well_formed_challenge(challenge));
        assert!(!is_well_formed_challenge("short"));
    }

    #[test]
    fn sealed_messages_open_only_in_their_row() {
        let sealer = QueueSealer::new(&[1; 32]).unwrap();
        let sealed = sealer.seal("job-1", b"code 123456").unwrap();
        assert_eq!(
            sealer.open("job-1", &sealed).unwrap().as_slice(),
            b"code 123456"
        );
        assert!(sealer.open("job-2", &sealed).is_err());
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(sealer.open("job-1", &tampered).is_err());
        assert!(sealer.open("job-1", &sealed[..10]).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (one, hash) = new_refresh_token();
        let (two, _) = new_refresh_token();
        assert_ne!(one.expose(), two.expose());
        assert_eq!(token_hash(one.expose()), hash);
        assert_eq!(one.expose().len(), 43);
    }
}
