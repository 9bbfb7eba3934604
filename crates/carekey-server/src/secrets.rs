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
use rand::rand_core::UnwrapErr;
use rand::rngs::SysRng;
use rand::{Rng, RngExt};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Codes, tokens and nonces come from `rand`'s thread-local CSPRNG (ChaCha12,
/// seeded from and periodically reseeded by the OS): as unpredictable as the
/// OS generator, without a system call per draw. Long-lived keys come straight
/// from the OS.
fn csprng() -> rand::rngs::ThreadRng {
    rand::rng()
}

/// The operating system's generator, for long-lived keys. It does not fail
/// on the systems CareKey runs on; if it ever did, stopping (a panic) is
/// better than making a predictable key.
pub fn os_random() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

/// Fills `dest` from the operating system's generator.
pub fn fill_random(dest: &mut [u8]) {
    os_random().fill_bytes(dest);
}

type HmacSha256 = Hmac<Sha256>;

pub const KEY_LEN: usize = 32;

pub fn random_key() -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(vec![0u8; KEY_LEN]);
    fill_random(&mut key);
    key
}

/// A code of `length` uniformly drawn decimal digits.
pub fn generate_code(length: u8) -> SecretString {
    let mut rng = csprng();
    let code: String = (0..length)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect();
    SecretString::new(code)
}

/// Bytes of randomness in a magic link's secret (160 bits).
pub const LINK_SECRET_LEN: usize = 20;

/// A magic link's secret: 160 random bits of its own (base32, lowercase: 32
/// characters of letters and the digits 2-7). It is never derived from the
/// code nor the code from it, so knowing or guessing one teaches nothing
/// about the other; the server keeps only its keyed hash
/// ([`CodeHasher::hash_link`]) and the code sealed under it
/// ([`seal_code_for_link`]), which only the real link opens.
pub fn generate_link_secret() -> SecretString {
    let mut bytes = Zeroizing::new([0u8; LINK_SECRET_LEN]);
    csprng().fill_bytes(bytes.as_mut());
    SecretString::new(
        data_encoding::BASE32_NOPAD
            .encode(bytes.as_ref())
            .to_ascii_lowercase(),
    )
}

/// Whether `secret` has the shape of a link secret (right alphabet and
/// length). A malformed one is refused without looking anything up.
pub fn is_well_formed_link_secret(secret: &str) -> bool {
    data_encoding::BASE32_NOPAD
        .decode(secret.trim().to_ascii_uppercase().as_bytes())
        .is_ok_and(|bytes| bytes.len() == LINK_SECRET_LEN)
}

/// `<id>.<secret>` as the links of "this was not me" and invitations carry
/// it: the id a UUID (answered hyphenated), the secret a well-formed link
/// secret. `None` for anything else, refused without looking anything up.
pub fn split_link_token(token: &str) -> Option<(String, String)> {
    let (id, secret) = token.trim().split_once('.')?;
    let id = uuid::Uuid::parse_str(id).ok()?.hyphenated().to_string();
    is_well_formed_link_secret(secret).then(|| (id, secret.to_owned()))
}

/// The link's own key for the sealed code: HMAC-SHA256 keyed by the secret.
fn link_seal_key(secret: &str) -> Option<Zeroizing<[u8; 32]>> {
    let bytes = Zeroizing::new(
        data_encoding::BASE32_NOPAD
            .decode(secret.trim().to_ascii_uppercase().as_bytes())
            .ok()?,
    );
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&bytes).ok()?;
    mac.update(b"carekey link seals its code\0");
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&mac.finalize().into_bytes());
    Some(key)
}

/// The code sealed under a key only the link's secret gives, bound to its
/// request: the landing page shows the code to the holder of the real link
/// and to nobody else, though the server never stores the code itself.
pub fn seal_code_for_link(request_id: &str, secret: &str, code: &str) -> Option<Vec<u8>> {
    let key = link_seal_key(secret)?;
    let sealer = QueueSealer::new(key.as_ref()).ok()?;
    sealer.seal(request_id, code.as_bytes()).ok()
}

/// The code a link's secret unseals; `None` for any other secret.
pub fn open_code_with_link(request_id: &str, secret: &str, sealed: &[u8]) -> Option<SecretString> {
    let key = link_seal_key(secret)?;
    let sealer = QueueSealer::new(key.as_ref()).ok()?;
    let code = sealer.open(request_id, sealed).ok()?;
    String::from_utf8(code.to_vec()).ok().map(SecretString::new)
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

    /// HMAC-SHA256 over `parts` joined by zero bytes (no part holds one, so
    /// no two lists of parts hash alike). The joining is that of the hashes
    /// stored before it was shared: codes in flight across an upgrade match.
    fn mac(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut mac = match <HmacSha256 as KeyInit>::new_from_slice(&self.key) {
            Ok(mac) => mac,
            // HMAC takes keys of any length; this arm cannot run.
            Err(_) => return Vec::new(),
        };
        for (index, part) in parts.iter().enumerate() {
            if index > 0 {
                mac.update(&[0]);
            }
            mac.update(part);
        }
        mac.finalize().into_bytes().to_vec()
    }

    pub fn hash(&self, request_id: &str, code: &str) -> Vec<u8> {
        self.mac(&[request_id.as_bytes(), code.as_bytes()])
    }

    /// A link secret's keyed hash, in its own domain: no code and no link
    /// secret ever hash alike.
    pub fn hash_link(&self, request_id: &str, secret: &str) -> Vec<u8> {
        let secret = secret.trim().to_ascii_lowercase();
        self.mac(&[b"link", request_id.as_bytes(), secret.as_bytes()])
    }

    /// The keyed hash of a "this was not me" link's secret, in a domain of
    /// its own (a login link's secret never opens a report, nor the reverse).
    pub fn hash_report(&self, change_id: &str, secret: &str) -> Vec<u8> {
        let secret = secret.trim().to_ascii_lowercase();
        self.mac(&[b"not me", change_id.as_bytes(), secret.as_bytes()])
    }

    /// The keyed hash of a clinician's invitation's secret, in a domain of
    /// its own.
    pub fn hash_invitation(&self, invitation_id: &str, secret: &str) -> Vec<u8> {
        let secret = secret.trim().to_ascii_lowercase();
        self.mac(&[b"invitation", invitation_id.as_bytes(), secret.as_bytes()])
    }

    /// The two-digit number (10-99) a login's starting device shows and its
    /// approver must type: a keyed function of the request id, so it needs
    /// no storage and only the server and the starting device know it.
    pub fn match_number(&self, request_id: &str) -> u8 {
        let digest = self.mac(&[b"match number", request_id.as_bytes()]);
        let Some(&[a, b, c, d, ..]) = digest.get(..4) else {
            return 10;
        };
        let value = u32::from_be_bytes([a, b, c, d]);
        // 2^32 mod 90 skews the choice by under one in 47 million.
        10 + u8::try_from(value % 90).unwrap_or(0)
    }

    pub fn matches(&self, request_id: &str, code: &str, stored: &[u8]) -> bool {
        same_digest(&self.hash(request_id, code), stored)
    }
}

/// Constant-time equality of a computed digest and a stored one (an empty
/// digest never matches).
pub fn same_digest(computed: &[u8], stored: &[u8]) -> bool {
    !stored.is_empty() && computed.ct_eq(stored).into()
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
                &XNonce::from(nonce),
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
                &XNonce::try_from(nonce).map_err(|_| SealError)?,
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
    fn a_link_secret_is_its_own_and_opens_only_its_sealed_code() {
        let secret = generate_link_secret();
        assert_eq!(secret.expose().len(), 32);
        assert!(
            secret
                .expose()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
        );
        assert!(is_well_formed_link_secret(secret.expose()));
        assert!(is_well_formed_link_secret(&secret.expose().to_uppercase()));
        assert!(!is_well_formed_link_secret("not-base32!"));
        assert!(!is_well_formed_link_secret("aaaa"));
        assert_ne!(generate_link_secret().expose(), secret.expose());
        let sealed = seal_code_for_link("req-1", secret.expose(), "123456").unwrap();
        assert_eq!(
            open_code_with_link("req-1", secret.expose(), &sealed)
                .unwrap()
                .expose(),
            "123456"
        );
        // Another link, or the same link for another request, opens nothing.
        let other = generate_link_secret();
        assert!(open_code_with_link("req-1", other.expose(), &sealed).is_none());
        assert!(open_code_with_link("req-2", secret.expose(), &sealed).is_none());
        assert!(!sealed.windows(6).any(|window| window == b"123456"));
    }

    #[test]
    fn match_numbers_are_two_digits_keyed_and_stable() {
        let hasher = CodeHasher::new(Zeroizing::new(vec![7; 32]));
        let other = CodeHasher::new(Zeroizing::new(vec![8; 32]));
        let mut seen = std::collections::HashSet::new();
        let mut differ = 0;
        for index in 0..2000 {
            let id = format!("req-{index}");
            let number = hasher.match_number(&id);
            assert!((10..=99).contains(&number));
            assert_eq!(number, hasher.match_number(&id));
            differ += usize::from(number != other.match_number(&id));
            seen.insert(number);
        }
        assert_eq!(seen.len(), 90);
        assert!(differ > 1900, "{differ}");
    }

    #[test]
    fn the_stored_hashes_are_those_of_before_the_shared_mac() {
        // Hashes stored by an older server (codes and links in flight
        // across an upgrade) must still match: the exact bytes MACed.
        let key = vec![7; 32];
        let hasher = CodeHasher::new(Zeroizing::new(key.clone()));
        let mac_of = |bytes: &[u8]| {
            let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&key).unwrap();
            mac.update(bytes);
            mac.finalize().into_bytes().to_vec()
        };
        assert_eq!(hasher.hash("req", "123456"), mac_of(b"req\x00123456"));
        assert_eq!(hasher.hash_link("req", " ABC "), mac_of(b"link\0req\0abc"));
        assert_eq!(
            hasher.hash_report("chg", "abc"),
            mac_of(b"not me\0chg\0abc")
        );
        assert_ne!(
            hasher.hash_report("req", "abc"),
            hasher.hash_link("req", "abc")
        );
        assert_eq!(
            hasher.hash_invitation("inv", " ABC"),
            mac_of(b"invitation\0inv\0abc")
        );
        assert_ne!(
            hasher.hash_invitation("req", "abc"),
            hasher.hash_report("req", "abc")
        );
        let digest = mac_of(b"match number\0req");
        let value = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
        assert_eq!(u32::from(hasher.match_number("req")), 10 + value % 90);
        assert!(same_digest(
            &hasher.hash("req", "1"),
            &hasher.hash("req", "1")
        ));
        assert!(!same_digest(&[], &[]));
    }

    #[test]
    fn link_hashes_and_code_hashes_never_meet() {
        let hasher = CodeHasher::new(Zeroizing::new(vec![7; 32]));
        let secret = generate_link_secret();
        let link = hasher.hash_link("req-1", secret.expose());
        assert_eq!(
            link,
            hasher.hash_link("req-1", &secret.expose().to_uppercase())
        );
        assert_ne!(link, hasher.hash_link("req-2", secret.expose()));
        assert_ne!(link, hasher.hash("req-1", secret.expose()));
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

    #[test]
    fn a_token_is_a_uuid_and_a_well_formed_secret() {
        let secret = generate_link_secret();
        let id = uuid::Uuid::now_v7().to_string();
        let token = format!("{id}.{}", secret.expose());
        assert_eq!(
            split_link_token(&token),
            Some((id.clone(), secret.expose().to_owned()))
        );
        assert_eq!(split_link_token(&format!("{id}.short")), None);
        assert_eq!(
            split_link_token(&format!("not-a-uuid.{}", secret.expose())),
            None
        );
        assert_eq!(split_link_token(&id), None);
    }
}
