//! The key backup envelope: every keypair of a user, sealed on the device
//! under their password (Argon2id), their recovery key, or a one-time
//! transfer secret (HKDF-SHA256), with XChaCha20-Poly1305. The byte format,
//! what is authenticated and the limits a reader enforces are written down
//! in `crates/carekey-core/ENVELOPE.md`; `tests/vectors/envelope-v1.json`
//! pins it.
//!
//! The server stores envelopes but can open none. A reader checks the
//! header's parameters before deriving anything (so a forged header cannot
//! make it spend a gigabyte or hours), the owner before decrypting, and each
//! private key against its public key after.

use crate::keys::KeyPair;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

pub const MAGIC: &[u8; 8] = b"CKBACKUP";
pub const FORMAT_VERSION: u8 = 1;
const KDF_ARGON2ID: u8 = 1;
const KDF_HKDF_SHA256: u8 = 2;
const AEAD_XCHACHA20POLY1305: u8 = 1;
const PAYLOAD_VERSION: u8 = 1;
pub const SALT_LEN: usize = 16;
pub const NONCE_LEN: usize = 24;
pub const SECRET_KEY_LEN: usize = 32;
/// Bytes before the owner id: magic, version, purpose, kdf, m, t, p, salt,
/// aead, nonce, owner id length.
const FIXED_HEADER_LEN: usize = 8 + 1 + 1 + 1 + 4 + 4 + 4 + SALT_LEN + 1 + NONCE_LEN + 1;
const TAG_LEN: usize = 16;
const LONGEST_OWNER_ID: usize = 64;
const MOST_KEYPAIRS: usize = 64;
/// The HKDF `info` of the random-secret purposes; the purpose byte follows.
const HKDF_INFO: &[u8] = b"carekey envelope v1";

/// What an envelope is for; a reader asks for one and refuses the others,
/// so a transfer can never be passed off as a backup or the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Sealed under the user's backup password (Argon2id).
    PasswordBackup,
    /// Sealed under the random 256-bit recovery key shown to the user once.
    RecoveryBackup,
    /// Sealed under a one-time secret shown as a QR code, for a new device.
    Transfer,
}

impl Purpose {
    fn byte(self) -> u8 {
        match self {
            Purpose::PasswordBackup => 1,
            Purpose::RecoveryBackup => 2,
            Purpose::Transfer => 3,
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Purpose::PasswordBackup),
            2 => Some(Purpose::RecoveryBackup),
            3 => Some(Purpose::Transfer),
            _ => None,
        }
    }

    fn kdf(self) -> u8 {
        match self {
            Purpose::PasswordBackup => KDF_ARGON2ID,
            Purpose::RecoveryBackup | Purpose::Transfer => KDF_HKDF_SHA256,
        }
    }
}

/// Argon2id costs, in the header so that they can grow without a new format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Params {
    pub memory_kib: u32,
    pub iterations: u32,
    pub lanes: u32,
}

impl Argon2Params {
    pub const DESKTOP: Argon2Params = Argon2Params {
        memory_kib: 64 * 1024,
        iterations: 3,
        lanes: 4,
    };
    /// Phones have less memory to spare: half of it, twice the passes.
    pub const MOBILE: Argon2Params = Argon2Params {
        memory_kib: 32 * 1024,
        iterations: 6,
        lanes: 4,
    };
    /// What this build seals with.
    pub const fn for_this_platform() -> Argon2Params {
        if cfg!(any(target_os = "android", target_os = "ios")) {
            Argon2Params::MOBILE
        } else {
            Argon2Params::DESKTOP
        }
    }

    /// The bounds a reader accepts (OWASP's floor of 19 MiB and t = 2; caps
    /// so that a forged header cannot exhaust the device).
    pub fn check(self) -> Result<(), EnvelopeError> {
        if self.memory_kib < 19 * 1024 || self.iterations < 2 || self.lanes < 1 {
            return Err(EnvelopeError::WeakParameters);
        }
        if self.memory_kib > 1024 * 1024 || self.iterations > 10 || self.lanes > 16 {
            return Err(EnvelopeError::ExcessiveParameters);
        }
        Ok(())
    }
}

/// What seals or opens an envelope.
pub enum Secret<'a> {
    Password(&'a str),
    /// A random 256-bit key (recovery key, transfer secret).
    Key(&'a [u8; SECRET_KEY_LEN]),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("this is not a CareKey key backup")]
    NotAnEnvelope,
    #[error("this backup was made by a newer CareKey (format {0}); update the app")]
    UnsupportedVersion(u8),
    #[error("this backup's header is damaged")]
    MalformedHeader,
    #[error("this is a {found}, not a {wanted}")]
    WrongPurpose {
        wanted: &'static str,
        found: &'static str,
    },
    #[error("this backup's protection is weaker than CareKey accepts")]
    WeakParameters,
    #[error("this backup asks for more memory or time than CareKey allows")]
    ExcessiveParameters,
    #[error("this backup is cut short")]
    Truncated,
    #[error("this backup belongs to another account")]
    WrongOwner,
    #[error("the password or key is not right, or the backup was altered")]
    WrongSecret,
    #[error("a key in this backup does not match its public key")]
    KeyMismatch,
    #[error("this backup's contents are damaged")]
    MalformedPayload,
    #[error("the backup could not be sealed: {0}")]
    Seal(String),
}

fn purpose_name(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::PasswordBackup => "password backup",
        Purpose::RecoveryBackup => "recovery-key backup",
        Purpose::Transfer => "key transfer",
    }
}

/// A parsed header; `bytes` is exactly what the AEAD authenticates.
struct Header<'a> {
    purpose: Purpose,
    params: Argon2Params,
    salt: [u8; SALT_LEN],
    nonce: [u8; NONCE_LEN],
    owner_id: &'a str,
    bytes: &'a [u8],
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_be_bytes(word)
}

fn parse_header(envelope: &[u8]) -> Result<(Header<'_>, &[u8]), EnvelopeError> {
    if envelope.len() < MAGIC.len() || &envelope[..MAGIC.len()] != MAGIC {
        return Err(EnvelopeError::NotAnEnvelope);
    }
    if envelope.len() < FIXED_HEADER_LEN {
        return Err(EnvelopeError::Truncated);
    }
    let version = envelope[8];
    if version != FORMAT_VERSION {
        return Err(EnvelopeError::UnsupportedVersion(version));
    }
    let purpose = Purpose::from_byte(envelope[9]).ok_or(EnvelopeError::MalformedHeader)?;
    let kdf = envelope[10];
    if kdf != purpose.kdf() {
        return Err(EnvelopeError::MalformedHeader);
    }
    let params = Argon2Params {
        memory_kib: u32_at(envelope, 11),
        iterations: u32_at(envelope, 15),
        lanes: u32_at(envelope, 19),
    };
    match kdf {
        KDF_ARGON2ID => params.check()?,
        _ if params
            != (Argon2Params {
                memory_kib: 0,
                iterations: 0,
                lanes: 0,
            }) =>
        {
            return Err(EnvelopeError::MalformedHeader);
        }
        _ => {}
    }
    let mut salt = [0u8; SALT_LEN];
    salt.copy_from_slice(&envelope[23..23 + SALT_LEN]);
    if envelope[39] != AEAD_XCHACHA20POLY1305 {
        return Err(EnvelopeError::MalformedHeader);
    }
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&envelope[40..40 + NONCE_LEN]);
    let owner_len = usize::from(envelope[64]);
    if owner_len == 0 || owner_len > LONGEST_OWNER_ID {
        return Err(EnvelopeError::MalformedHeader);
    }
    let header_len = FIXED_HEADER_LEN + owner_len;
    if envelope.len() < header_len + TAG_LEN {
        return Err(EnvelopeError::Truncated);
    }
    let owner_id = std::str::from_utf8(&envelope[FIXED_HEADER_LEN..header_len])
        .map_err(|_| EnvelopeError::MalformedHeader)?;
    Ok((
        Header {
            purpose,
            params,
            salt,
            nonce,
            owner_id,
            bytes: &envelope[..header_len],
        },
        &envelope[header_len..],
    ))
}

fn write_header(
    purpose: Purpose,
    params: Argon2Params,
    salt: &[u8; SALT_LEN],
    nonce: &[u8; NONCE_LEN],
    owner_id: &str,
) -> Result<Vec<u8>, EnvelopeError> {
    let owner_len = u8::try_from(owner_id.len())
        .ok()
        .filter(|len| (1..=LONGEST_OWNER_ID).contains(&usize::from(*len)))
        .ok_or_else(|| EnvelopeError::Seal("the owner id must be 1 to 64 bytes".into()))?;
    let params = match purpose.kdf() {
        KDF_ARGON2ID => params,
        _ => Argon2Params {
            memory_kib: 0,
            iterations: 0,
            lanes: 0,
        },
    };
    let mut header = Vec::with_capacity(FIXED_HEADER_LEN + owner_id.len());
    header.extend_from_slice(MAGIC);
    header.push(FORMAT_VERSION);
    header.push(purpose.byte());
    header.push(purpose.kdf());
    header.extend_from_slice(&params.memory_kib.to_be_bytes());
    header.extend_from_slice(&params.iterations.to_be_bytes());
    header.extend_from_slice(&params.lanes.to_be_bytes());
    header.extend_from_slice(salt);
    header.push(AEAD_XCHACHA20POLY1305);
    header.extend_from_slice(nonce);
    header.push(owner_len);
    header.extend_from_slice(owner_id.as_bytes());
    Ok(header)
}

/// The AEAD key: Argon2id of the password, or HKDF-SHA256 of a random key.
fn derive(
    purpose: Purpose,
    secret: &Secret<'_>,
    params: Argon2Params,
    salt: &[u8; SALT_LEN],
) -> Result<Zeroizing<[u8; 32]>, EnvelopeError> {
    let mut key = Zeroizing::new([0u8; 32]);
    match (purpose.kdf(), secret) {
        (KDF_ARGON2ID, Secret::Password(password)) => {
            let argon_params =
                argon2::Params::new(params.memory_kib, params.iterations, params.lanes, Some(32))
                    .map_err(|_| EnvelopeError::MalformedHeader)?;
            argon2::Argon2::new(
                argon2::Algorithm::Argon2id,
                argon2::Version::V0x13,
                argon_params,
            )
            .hash_password_into(password.as_bytes(), salt, key.as_mut())
            .map_err(|error| EnvelopeError::Seal(error.to_string()))?;
        }
        (KDF_HKDF_SHA256, Secret::Key(secret)) => {
            let mut info = HKDF_INFO.to_vec();
            info.push(purpose.byte());
            hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), secret.as_slice())
                .expand(&info, key.as_mut())
                .map_err(|_| EnvelopeError::Seal("key derivation".into()))?;
        }
        // A password given where a random key is expected (or the reverse)
        // can only be wrong.
        _ => return Err(EnvelopeError::WrongSecret),
    }
    Ok(key)
}

fn push_field(payload: &mut Vec<u8>, field: &[u8]) -> Result<(), EnvelopeError> {
    let len =
        u16::try_from(field.len()).map_err(|_| EnvelopeError::Seal("a key is too large".into()))?;
    payload.extend_from_slice(&len.to_be_bytes());
    payload.extend_from_slice(field);
    Ok(())
}

/// Payload v1: version, count (u16), then per keypair the public key (SPKI
/// DER) and the private key (PKCS#8 DER), each with a u16 length.
fn payload_of(pairs: &[KeyPair]) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    if pairs.is_empty() || pairs.len() > MOST_KEYPAIRS {
        return Err(EnvelopeError::Seal(format!(
            "a backup holds 1 to {MOST_KEYPAIRS} keypairs"
        )));
    }
    let mut payload = Zeroizing::new(Vec::with_capacity(pairs.len() * 1600 + 3));
    payload.push(PAYLOAD_VERSION);
    payload.extend_from_slice(&(pairs.len() as u16).to_be_bytes());
    for pair in pairs {
        let spki = pair
            .public_spki_der()
            .map_err(|error| EnvelopeError::Seal(error.to_string()))?;
        let private = pair
            .private_pkcs8_der()
            .map_err(|error| EnvelopeError::Seal(error.to_string()))?;
        push_field(&mut payload, &spki)?;
        push_field(&mut payload, &private)?;
    }
    Ok(payload)
}

fn read_field<'a>(payload: &'a [u8], at: &mut usize) -> Result<&'a [u8], EnvelopeError> {
    let len_bytes = payload
        .get(*at..*at + 2)
        .ok_or(EnvelopeError::MalformedPayload)?;
    let len = usize::from(u16::from_be_bytes([len_bytes[0], len_bytes[1]]));
    let field = payload
        .get(*at + 2..*at + 2 + len)
        .ok_or(EnvelopeError::MalformedPayload)?;
    *at += 2 + len;
    Ok(field)
}

fn pairs_of(payload: &[u8]) -> Result<Vec<KeyPair>, EnvelopeError> {
    if payload.len() < 3 || payload[0] != PAYLOAD_VERSION {
        return Err(EnvelopeError::MalformedPayload);
    }
    let count = usize::from(u16::from_be_bytes([payload[1], payload[2]]));
    if count == 0 || count > MOST_KEYPAIRS {
        return Err(EnvelopeError::MalformedPayload);
    }
    let mut at = 3;
    let mut pairs = Vec::with_capacity(count);
    for _ in 0..count {
        let spki = read_field(payload, &mut at)?;
        let private = read_field(payload, &mut at)?;
        let pair = KeyPair::from_pkcs8_der(private).map_err(|_| EnvelopeError::MalformedPayload)?;
        let own_spki = pair
            .public_spki_der()
            .map_err(|_| EnvelopeError::MalformedPayload)?;
        if own_spki != spki {
            return Err(EnvelopeError::KeyMismatch);
        }
        pairs.push(pair);
    }
    if at != payload.len() {
        return Err(EnvelopeError::MalformedPayload);
    }
    Ok(pairs)
}

/// Seals `pairs` for `owner_id`: a fresh salt and nonce every time. Argon2
/// at desktop costs takes a fraction of a second and 64 MiB: call it off
/// the UI and async threads.
pub fn seal(
    purpose: Purpose,
    secret: &Secret<'_>,
    owner_id: &str,
    pairs: &[KeyPair],
    params: Argon2Params,
) -> Result<Vec<u8>, EnvelopeError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    crate::random::fill(&mut salt);
    crate::random::fill(&mut nonce);
    let payload = payload_of(pairs)?;
    seal_payload(purpose, secret, owner_id, &payload, params, &salt, &nonce)
}

/// The deterministic part of [`seal`], for test vectors and tamper tests.
#[doc(hidden)]
pub fn seal_payload(
    purpose: Purpose,
    secret: &Secret<'_>,
    owner_id: &str,
    payload: &[u8],
    params: Argon2Params,
    salt: &[u8; SALT_LEN],
    nonce: &[u8; NONCE_LEN],
) -> Result<Vec<u8>, EnvelopeError> {
    if purpose.kdf() == KDF_ARGON2ID {
        params.check()?;
    }
    let mut envelope = write_header(purpose, params, salt, nonce, owner_id)?;
    let key = derive(purpose, secret, params, salt)?;
    let cipher = XChaCha20Poly1305::new_from_slice(key.as_slice())
        .map_err(|_| EnvelopeError::Seal("cipher key".into()))?;
    let sealed = cipher
        .encrypt(
            &XNonce::from(*nonce),
            Payload {
                msg: payload,
                aad: &envelope,
            },
        )
        .map_err(|_| EnvelopeError::Seal("encryption".into()))?;
    envelope.extend_from_slice(&sealed);
    Ok(envelope)
}

/// The deterministic payload of [`seal`], for test vectors.
#[doc(hidden)]
pub fn payload_for(pairs: &[KeyPair]) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    payload_of(pairs)
}

/// What the header says, readable without the secret (to say which backup a
/// file holds, and at what cost it will open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    pub purpose: Purpose,
    pub owner_id: String,
    /// `None` for the random-key purposes.
    pub params: Option<Argon2Params>,
}

pub fn describe(envelope: &[u8]) -> Result<Described, EnvelopeError> {
    let (header, _) = parse_header(envelope)?;
    Ok(Described {
        purpose: header.purpose,
        owner_id: header.owner_id.to_owned(),
        params: (header.purpose.kdf() == KDF_ARGON2ID).then_some(header.params),
    })
}

/// Opens an envelope of `purpose` for `owner_id`. Checks, in order: the
/// format, the purpose, the Argon2 parameters' bounds, the owner, then (after
/// deriving) the AEAD tag over header and ciphertext, then each keypair.
pub fn open(
    envelope: &[u8],
    purpose: Purpose,
    secret: &Secret<'_>,
    owner_id: &str,
) -> Result<Vec<KeyPair>, EnvelopeError> {
    let (header, ciphertext) = parse_header(envelope)?;
    if header.purpose != purpose {
        return Err(EnvelopeError::WrongPurpose {
            wanted: purpose_name(purpose),
            found: purpose_name(header.purpose),
        });
    }
    if header.owner_id != owner_id {
        return Err(EnvelopeError::WrongOwner);
    }
    let key = derive(header.purpose, secret, header.params, &header.salt)?;
    let cipher = XChaCha20Poly1305::new_from_slice(key.as_slice())
        .map_err(|_| EnvelopeError::WrongSecret)?;
    let mut payload = cipher
        .decrypt(
            &XNonce::from(header.nonce),
            Payload {
                msg: ciphertext,
                aad: header.bytes,
            },
        )
        .map_err(|_| EnvelopeError::WrongSecret)?;
    let pairs = pairs_of(&payload);
    payload.zeroize();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Costs at the floor, so that the tests that derive stay quick.
    const FLOOR: Argon2Params = Argon2Params {
        memory_kib: 19 * 1024,
        iterations: 2,
        lanes: 1,
    };

    fn pair() -> KeyPair {
        KeyPair::generate(|_| {}).unwrap()
    }

    #[test]
    fn parameters_are_bounded_both_ways() {
        assert!(Argon2Params::DESKTOP.check().is_ok());
        assert!(Argon2Params::MOBILE.check().is_ok());
        assert!(FLOOR.check().is_ok());
        for (params, error) in [
            (
                Argon2Params {
                    memory_kib: 19 * 1024 - 1,
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
                    memory_kib: 1024 * 1024 + 1,
                    ..FLOOR
                },
                EnvelopeError::ExcessiveParameters,
            ),
            (
                Argon2Params {
                    iterations: 11,
                    ..FLOOR
                },
                EnvelopeError::ExcessiveParameters,
            ),
            (
                Argon2Params { lanes: 17, ..FLOOR },
                EnvelopeError::ExcessiveParameters,
            ),
        ] {
            assert_eq!(params.check(), Err(error), "{params:?}");
        }
    }

    #[test]
    fn a_password_envelope_opens_with_its_password_only() {
        let pair = pair();
        let sealed = seal(
            Purpose::PasswordBackup,
            &Secret::Password("correct horse"),
            "user-1",
            std::slice::from_ref(&pair),
            FLOOR,
        )
        .unwrap();
        let opened = open(
            &sealed,
            Purpose::PasswordBackup,
            &Secret::Password("correct horse"),
            "user-1",
        )
        .unwrap();
        assert_eq!(
            opened[0].fingerprint().unwrap(),
            pair.fingerprint().unwrap()
        );
        assert_eq!(
            open(
                &sealed,
                Purpose::PasswordBackup,
                &Secret::Password("correct horsE"),
                "user-1"
            )
            .unwrap_err(),
            EnvelopeError::WrongSecret
        );
        assert_eq!(
            open(
                &sealed,
                Purpose::PasswordBackup,
                &Secret::Password("correct horse"),
                "user-2"
            )
            .unwrap_err(),
            EnvelopeError::WrongOwner
        );
        assert!(matches!(
            open(&sealed, Purpose::Transfer, &Secret::Key(&[0; 32]), "user-1"),
            Err(EnvelopeError::WrongPurpose { .. })
        ));
        let again = seal(
            Purpose::PasswordBackup,
            &Secret::Password("correct horse"),
            "user-1",
            std::slice::from_ref(&pair),
            FLOOR,
        )
        .unwrap();
        assert_ne!(sealed[23..39], again[23..39], "every seal has a fresh salt");
        let described = describe(&sealed).unwrap();
        assert_eq!(described.owner_id, "user-1");
        assert_eq!(described.params, Some(FLOOR));
    }

    #[test]
    fn a_key_sealed_with_the_wrong_public_key_is_refused() {
        let (first, second) = (pair(), pair());
        let mut payload = vec![PAYLOAD_VERSION, 0, 1];
        push_field(&mut payload, &second.public_spki_der().unwrap()).unwrap();
        push_field(&mut payload, &first.private_pkcs8_der().unwrap()).unwrap();
        let secret = [7u8; 32];
        let sealed = seal_payload(
            Purpose::RecoveryBackup,
            &Secret::Key(&secret),
            "user-1",
            &payload,
            FLOOR,
            &[1; SALT_LEN],
            &[2; NONCE_LEN],
        )
        .unwrap();
        assert_eq!(
            open(
                &sealed,
                Purpose::RecoveryBackup,
                &Secret::Key(&secret),
                "user-1"
            )
            .unwrap_err(),
            EnvelopeError::KeyMismatch
        );
        // Trailing bytes after the last keypair are damage too.
        let mut long = payload_of(std::slice::from_ref(&first)).unwrap().to_vec();
        long.push(0);
        let sealed = seal_payload(
            Purpose::RecoveryBackup,
            &Secret::Key(&secret),
            "user-1",
            &long,
            FLOOR,
            &[1; SALT_LEN],
            &[2; NONCE_LEN],
        )
        .unwrap();
        assert_eq!(
            open(
                &sealed,
                Purpose::RecoveryBackup,
                &Secret::Key(&secret),
                "user-1"
            )
            .unwrap_err(),
            EnvelopeError::MalformedPayload
        );
    }
}
