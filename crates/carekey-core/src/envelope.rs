//! The key backup envelope: every keypair of a user, sealed on the device
//! under their password (Argon2id; in format 2 also the server's OPRF), their
//! recovery key, or a one-time transfer secret (HKDF-SHA256), with
//! XChaCha20-Poly1305. The byte format, what is authenticated and the limits
//! a reader enforces are written down in `crates/carekey-core/ENVELOPE.md`;
//! `tests/vectors/envelope-v1.json` and `envelope-v2.json` pin it.
//!
//! The server stores envelopes but can open none. A reader checks the
//! header's parameters before deriving anything (so a forged header cannot
//! make it spend a gigabyte or hours), the owner before decrypting, and each
//! private key against its public key after. A format 2 envelope's key also
//! needs the server's OPRF output for this backup, so a copy of the
//! database cannot be guessed at offline: every guess is an evaluation the
//! server counts.

use crate::keys::KeyPair;
use crate::oprf::{ELEMENT_LEN, OUTPUT_LEN, SUITE_RISTRETTO255_SHA512};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::{Zeroize, Zeroizing};

pub const MAGIC: &[u8; 8] = b"CKBACKUP";
pub const FORMAT_VERSION: u8 = 1;
/// Format 2: a password backup whose key also needs the server's OPRF.
pub const FORMAT_HARDENED: u8 = 2;
const KDF_ARGON2ID: u8 = 1;
const KDF_HKDF_SHA256: u8 = 2;
const KDF_ARGON2ID_OPRF: u8 = 3;
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
/// Format 2's HKDF `info` for the envelope key (the purpose byte follows)
/// and for the confirmation the server keeps a hash of.
const HARDENED_KEY_INFO: &[u8] = b"carekey envelope v2 key";
const CONFIRMATION_INFO: &[u8] = b"carekey envelope v2 confirmation";
/// The server's context for one backup's OPRF key.
pub const CONTEXT_LEN: usize = carekey_api::oprf::CONTEXT_LEN;
const LONGEST_KEY_ID: usize = 32;
/// What Argon2id gives: 32 bytes.
pub const STRETCHED_LEN: usize = 32;

/// What binds a format 2 envelope to the server's OPRF: its key (by id),
/// the context the server derived this backup's own key for, and that
/// key's public half, against which the device checks every answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OprfBinding {
    pub key_id: String,
    pub context: [u8; CONTEXT_LEN],
    pub public_key: [u8; ELEMENT_LEN],
}

impl OprfBinding {
    /// A key id is 1 to 32 of `A-Z a-z 0-9 . _ -` (it names a file entry
    /// on the server and is shown to operators).
    pub fn key_id_is_valid(key_id: &str) -> bool {
        (1..=LONGEST_KEY_ID).contains(&key_id.len())
            && key_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    }
}

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
    /// Format 2: the password's Argon2id output ([`stretch`]) and the
    /// server's OPRF output for it.
    Hardened {
        stretched: &'a [u8; STRETCHED_LEN],
        oprf: &'a [u8; OUTPUT_LEN],
    },
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
    kdf: u8,
    params: Argon2Params,
    salt: [u8; SALT_LEN],
    nonce: [u8; NONCE_LEN],
    owner_id: &'a str,
    binding: Option<OprfBinding>,
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
    if version != FORMAT_VERSION && version != FORMAT_HARDENED {
        return Err(EnvelopeError::UnsupportedVersion(version));
    }
    let purpose = Purpose::from_byte(envelope[9]).ok_or(EnvelopeError::MalformedHeader)?;
    let kdf = envelope[10];
    let expected_kdf = match version {
        FORMAT_HARDENED if purpose == Purpose::PasswordBackup => KDF_ARGON2ID_OPRF,
        FORMAT_HARDENED => return Err(EnvelopeError::MalformedHeader),
        _ => purpose.kdf(),
    };
    if kdf != expected_kdf {
        return Err(EnvelopeError::MalformedHeader);
    }
    let params = Argon2Params {
        memory_kib: u32_at(envelope, 11),
        iterations: u32_at(envelope, 15),
        lanes: u32_at(envelope, 19),
    };
    match kdf {
        KDF_ARGON2ID | KDF_ARGON2ID_OPRF => params.check()?,
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
    let owner_end = FIXED_HEADER_LEN + owner_len;
    if envelope.len() < owner_end {
        return Err(EnvelopeError::Truncated);
    }
    let owner_id = std::str::from_utf8(&envelope[FIXED_HEADER_LEN..owner_end])
        .map_err(|_| EnvelopeError::MalformedHeader)?;
    let (binding, header_len) = if version == FORMAT_HARDENED {
        let (binding, end) = parse_binding(envelope, owner_end)?;
        (Some(binding), end)
    } else {
        (None, owner_end)
    };
    if envelope.len() < header_len + TAG_LEN {
        return Err(EnvelopeError::Truncated);
    }
    Ok((
        Header {
            purpose,
            kdf,
            params,
            salt,
            nonce,
            owner_id,
            binding,
            bytes: &envelope[..header_len],
        },
        &envelope[header_len..],
    ))
}

/// Format 2's OPRF block after the owner id: suite, key id length and key
/// id, context, public key. Answers it and where the header ends.
fn parse_binding(envelope: &[u8], at: usize) -> Result<(OprfBinding, usize), EnvelopeError> {
    let byte = |at: usize| envelope.get(at).copied().ok_or(EnvelopeError::Truncated);
    if byte(at)? != SUITE_RISTRETTO255_SHA512 {
        return Err(EnvelopeError::MalformedHeader);
    }
    let key_id_len = usize::from(byte(at + 1)?);
    let key_id_at = at + 2;
    let context_at = key_id_at + key_id_len;
    let public_key_at = context_at + CONTEXT_LEN;
    let end = public_key_at + ELEMENT_LEN;
    let block = envelope
        .get(key_id_at..end)
        .ok_or(EnvelopeError::Truncated)?;
    let key_id = std::str::from_utf8(&block[..key_id_len])
        .ok()
        .filter(|key_id| OprfBinding::key_id_is_valid(key_id))
        .ok_or(EnvelopeError::MalformedHeader)?;
    let mut context = [0u8; CONTEXT_LEN];
    context.copy_from_slice(&envelope[context_at..public_key_at]);
    let mut public_key = [0u8; ELEMENT_LEN];
    public_key.copy_from_slice(&envelope[public_key_at..end]);
    Ok((
        OprfBinding {
            key_id: key_id.to_owned(),
            context,
            public_key,
        },
        end,
    ))
}

fn write_header(
    purpose: Purpose,
    params: Argon2Params,
    salt: &[u8; SALT_LEN],
    nonce: &[u8; NONCE_LEN],
    owner_id: &str,
    binding: Option<&OprfBinding>,
) -> Result<Vec<u8>, EnvelopeError> {
    let owner_len = u8::try_from(owner_id.len())
        .ok()
        .filter(|len| (1..=LONGEST_OWNER_ID).contains(&usize::from(*len)))
        .ok_or_else(|| EnvelopeError::Seal("the owner id must be 1 to 64 bytes".into()))?;
    let (version, kdf) = match binding {
        None => (FORMAT_VERSION, purpose.kdf()),
        Some(_) if purpose == Purpose::PasswordBackup => (FORMAT_HARDENED, KDF_ARGON2ID_OPRF),
        Some(_) => {
            return Err(EnvelopeError::Seal(
                "only a password backup is bound to the server's OPRF".into(),
            ));
        }
    };
    let params = match kdf {
        KDF_ARGON2ID | KDF_ARGON2ID_OPRF => params,
        _ => Argon2Params {
            memory_kib: 0,
            iterations: 0,
            lanes: 0,
        },
    };
    let mut header = Vec::with_capacity(FIXED_HEADER_LEN + owner_id.len());
    header.extend_from_slice(MAGIC);
    header.push(version);
    header.push(purpose.byte());
    header.push(kdf);
    header.extend_from_slice(&params.memory_kib.to_be_bytes());
    header.extend_from_slice(&params.iterations.to_be_bytes());
    header.extend_from_slice(&params.lanes.to_be_bytes());
    header.extend_from_slice(salt);
    header.push(AEAD_XCHACHA20POLY1305);
    header.extend_from_slice(nonce);
    header.push(owner_len);
    header.extend_from_slice(owner_id.as_bytes());
    if let Some(binding) = binding {
        if !OprfBinding::key_id_is_valid(&binding.key_id) {
            return Err(EnvelopeError::Seal(
                "the OPRF key id is not a valid one".into(),
            ));
        }
        header.push(SUITE_RISTRETTO255_SHA512);
        header.push(binding.key_id.len() as u8);
        header.extend_from_slice(binding.key_id.as_bytes());
        header.extend_from_slice(&binding.context);
        header.extend_from_slice(&binding.public_key);
    }
    Ok(header)
}

/// Argon2id of the password: format 1's envelope key, and format 2's first
/// input (the OPRF's input, and half of what the key is derived from).
/// Takes a fraction of a second and `params.memory_kib` of memory.
pub fn stretch(
    password: &str,
    salt: &[u8; SALT_LEN],
    params: Argon2Params,
) -> Result<Zeroizing<[u8; STRETCHED_LEN]>, EnvelopeError> {
    let mut stretched = Zeroizing::new([0u8; STRETCHED_LEN]);
    let argon_params = argon2::Params::new(
        params.memory_kib,
        params.iterations,
        params.lanes,
        Some(STRETCHED_LEN),
    )
    .map_err(|_| EnvelopeError::MalformedHeader)?;
    argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    )
    .hash_password_into(password.as_bytes(), salt, stretched.as_mut())
    .map_err(|error| EnvelopeError::Seal(error.to_string()))?;
    Ok(stretched)
}

/// Format 2's HKDF-SHA256 over both halves, salted with the envelope's salt.
fn hardened_prk(
    stretched: &[u8; STRETCHED_LEN],
    oprf: &[u8; OUTPUT_LEN],
    salt: &[u8; SALT_LEN],
) -> hkdf::Hkdf<sha2::Sha256> {
    let mut ikm = Zeroizing::new([0u8; STRETCHED_LEN + OUTPUT_LEN]);
    ikm[..STRETCHED_LEN].copy_from_slice(stretched);
    ikm[STRETCHED_LEN..].copy_from_slice(oprf);
    hkdf::Hkdf::<sha2::Sha256>::new(Some(salt), ikm.as_slice())
}

/// What the device shows the server once a format 2 envelope opened (the
/// server keeps its SHA-256 from the upload): proof that the password was
/// right, which resets the count of unconfirmed tries. Only someone who
/// derived the envelope key can make it.
pub fn confirmation(
    stretched: &[u8; STRETCHED_LEN],
    oprf: &[u8; OUTPUT_LEN],
    salt: &[u8; SALT_LEN],
) -> Result<Zeroizing<[u8; 32]>, EnvelopeError> {
    let mut confirmation = Zeroizing::new([0u8; 32]);
    hardened_prk(stretched, oprf, salt)
        .expand(CONFIRMATION_INFO, confirmation.as_mut())
        .map_err(|_| EnvelopeError::Seal("key derivation".into()))?;
    Ok(confirmation)
}

/// The AEAD key: Argon2id of the password; HKDF-SHA256 of a random key; or
/// (format 2) HKDF-SHA256 of the password's Argon2id and its OPRF output.
fn derive(
    purpose: Purpose,
    kdf: u8,
    secret: &Secret<'_>,
    params: Argon2Params,
    salt: &[u8; SALT_LEN],
) -> Result<Zeroizing<[u8; 32]>, EnvelopeError> {
    let mut key = Zeroizing::new([0u8; 32]);
    match (kdf, secret) {
        (KDF_ARGON2ID, Secret::Password(password)) => {
            key = stretch(password, salt, params)?;
        }
        (KDF_ARGON2ID_OPRF, Secret::Hardened { stretched, oprf }) => {
            let mut info = HARDENED_KEY_INFO.to_vec();
            info.push(purpose.byte());
            hardened_prk(stretched, oprf, salt)
                .expand(&info, key.as_mut())
                .map_err(|_| EnvelopeError::Seal("key derivation".into()))?;
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

/// A fresh random salt, for a format 2 seal (whose password is stretched
/// with it before the server's OPRF is asked).
pub fn fresh_salt() -> [u8; SALT_LEN] {
    let mut salt = [0u8; SALT_LEN];
    crate::random::fill(&mut salt);
    salt
}

/// Seals `pairs` as a format 2 password backup: `secret` is
/// [`Secret::Hardened`] made with `salt`, bound to the server's OPRF by
/// `binding`. A fresh nonce every time.
pub fn seal_hardened(
    secret: &Secret<'_>,
    owner_id: &str,
    pairs: &[KeyPair],
    params: Argon2Params,
    salt: &[u8; SALT_LEN],
    binding: &OprfBinding,
) -> Result<Vec<u8>, EnvelopeError> {
    let mut nonce = [0u8; NONCE_LEN];
    crate::random::fill(&mut nonce);
    let payload = payload_of(pairs)?;
    seal_bound(
        Purpose::PasswordBackup,
        secret,
        owner_id,
        &payload,
        params,
        salt,
        &nonce,
        Some(binding),
    )
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
    seal_bound(
        purpose, secret, owner_id, payload, params, salt, nonce, None,
    )
}

/// The deterministic part of [`seal`] and [`seal_hardened`] (format 2 when
/// `binding` is given), for test vectors and tamper tests.
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn seal_bound(
    purpose: Purpose,
    secret: &Secret<'_>,
    owner_id: &str,
    payload: &[u8],
    params: Argon2Params,
    salt: &[u8; SALT_LEN],
    nonce: &[u8; NONCE_LEN],
    binding: Option<&OprfBinding>,
) -> Result<Vec<u8>, EnvelopeError> {
    let mut envelope = write_header(purpose, params, salt, nonce, owner_id, binding)?;
    let kdf = envelope[10];
    if kdf == KDF_ARGON2ID || kdf == KDF_ARGON2ID_OPRF {
        params.check()?;
    }
    let key = derive(purpose, kdf, secret, params, salt)?;
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
    /// Format 2: the salt the password is stretched with, and the server's
    /// OPRF key the envelope is bound to; `None` for format 1.
    pub hardening: Option<(OprfBinding, [u8; SALT_LEN])>,
}

pub fn describe(envelope: &[u8]) -> Result<Described, EnvelopeError> {
    let (header, _) = parse_header(envelope)?;
    let stretched = header.kdf == KDF_ARGON2ID || header.kdf == KDF_ARGON2ID_OPRF;
    Ok(Described {
        purpose: header.purpose,
        owner_id: header.owner_id.to_owned(),
        params: stretched.then_some(header.params),
        hardening: header.binding.map(|binding| (binding, header.salt)),
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
    let key = derive(
        header.purpose,
        header.kdf,
        secret,
        header.params,
        &header.salt,
    )?;
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

    /// A format 2 seal and open, the server's half computed here with the
    /// key `seed` derives for `context`.
    struct Hardening {
        seed: [u8; 32],
        context: [u8; CONTEXT_LEN],
    }

    impl Hardening {
        fn server(&self, owner: &str) -> voprf::VoprfServer<voprf::Ristretto255> {
            let info = carekey_api::oprf::context_info(owner, &self.context).unwrap();
            voprf::VoprfServer::new_from_seed(&self.seed, &info).unwrap()
        }

        fn binding(&self, owner: &str) -> OprfBinding {
            use voprf::Group;
            let public = voprf::Ristretto255::serialize_elem(self.server(owner).get_public_key());
            OprfBinding {
                key_id: "k1".into(),
                context: self.context,
                public_key: public.as_slice().try_into().unwrap(),
            }
        }

        /// The device's OPRF output for `stretched`, through a blind.
        fn output(&self, owner: &str, stretched: &[u8]) -> Zeroizing<[u8; OUTPUT_LEN]> {
            let blinded = crate::oprf::blind(stretched).unwrap();
            let element = voprf::BlindedElement::deserialize(&blinded.element).unwrap();
            let answer = self
                .server(owner)
                .blind_evaluate(&mut crate::random::os_06(), &element);
            blinded
                .finalize(
                    stretched,
                    &answer.message.serialize(),
                    &answer.proof.serialize(),
                    &self.binding(owner).public_key,
                )
                .unwrap()
        }
    }

    fn hardened(password: &str, hardening: &Hardening, pair: &KeyPair) -> Vec<u8> {
        let salt = [3u8; SALT_LEN];
        let stretched = stretch(password, &salt, FLOOR).unwrap();
        let oprf = hardening.output("user-1", stretched.as_slice());
        seal_hardened(
            &Secret::Hardened {
                stretched: &stretched,
                oprf: &oprf,
            },
            "user-1",
            std::slice::from_ref(pair),
            FLOOR,
            &salt,
            &hardening.binding("user-1"),
        )
        .unwrap()
    }

    fn open_hardened(
        envelope: &[u8],
        password: &str,
        hardening: &Hardening,
    ) -> Result<Vec<KeyPair>, EnvelopeError> {
        let described = describe(envelope)?;
        let (binding, salt) = described.hardening.unwrap();
        assert_eq!(binding, hardening.binding("user-1"));
        let stretched = stretch(password, &salt, described.params.unwrap())?;
        let oprf = hardening.output("user-1", stretched.as_slice());
        open(
            envelope,
            Purpose::PasswordBackup,
            &Secret::Hardened {
                stretched: &stretched,
                oprf: &oprf,
            },
            "user-1",
        )
    }

    #[test]
    fn a_format_2_backup_opens_only_with_the_password_and_the_servers_key_for_it() {
        let pair = pair();
        let hardening = Hardening {
            seed: [7; 32],
            context: [9; CONTEXT_LEN],
        };
        let sealed = hardened("tidal-mango-orbit", &hardening, &pair);
        assert_eq!(sealed[8], FORMAT_HARDENED);
        assert_eq!(sealed[10], KDF_ARGON2ID_OPRF);
        let opened = open_hardened(&sealed, "tidal-mango-orbit", &hardening).unwrap();
        assert_eq!(
            opened[0].public_spki_der().unwrap(),
            pair.public_spki_der().unwrap()
        );
        assert_eq!(
            open_hardened(&sealed, "tidal-mango-orbiT", &hardening).unwrap_err(),
            EnvelopeError::WrongSecret
        );
        // The password alone, as format 1 would take it, opens nothing.
        assert_eq!(
            open(
                &sealed,
                Purpose::PasswordBackup,
                &Secret::Password("tidal-mango-orbit"),
                "user-1"
            )
            .unwrap_err(),
            EnvelopeError::WrongSecret
        );
        // Another context (a newer backup's key) does not help either.
        let salt = [3u8; SALT_LEN];
        let stretched = stretch("tidal-mango-orbit", &salt, FLOOR).unwrap();
        let elsewhere = Hardening {
            seed: [7; 32],
            context: [10; CONTEXT_LEN],
        };
        let oprf = elsewhere.output("user-1", stretched.as_slice());
        assert_eq!(
            open(
                &sealed,
                Purpose::PasswordBackup,
                &Secret::Hardened {
                    stretched: &stretched,
                    oprf: &oprf,
                },
                "user-1"
            )
            .unwrap_err(),
            EnvelopeError::WrongSecret
        );
    }

    #[test]
    fn the_oprf_block_is_authenticated_and_checked() {
        let pair = pair();
        let hardening = Hardening {
            seed: [7; 32],
            context: [9; CONTEXT_LEN],
        };
        let sealed = hardened("tidal-mango-orbit", &hardening, &pair);
        let block = FIXED_HEADER_LEN + "user-1".len();
        let header_len = block + 2 + 2 + CONTEXT_LEN + ELEMENT_LEN;
        let (binding, salt) = describe(&sealed).unwrap().hardening.unwrap();
        let stretched = stretch("tidal-mango-orbit", &salt, FLOOR).unwrap();
        let oprf = hardening.output("user-1", stretched.as_slice());
        let secret = Secret::Hardened {
            stretched: &stretched,
            oprf: &oprf,
        };
        assert!(open(&sealed, Purpose::PasswordBackup, &secret, "user-1").is_ok());
        // Every byte of the block is in the AEAD's associated data, or
        // refused as a header no writer makes.
        for at in block..header_len {
            let mut changed = sealed.clone();
            changed[at] ^= 0x01;
            let error = open(&changed, Purpose::PasswordBackup, &secret, "user-1").unwrap_err();
            assert!(
                matches!(
                    error,
                    EnvelopeError::WrongSecret
                        | EnvelopeError::MalformedHeader
                        | EnvelopeError::Truncated
                ),
                "byte {at}: {error:?}"
            );
        }
        assert_eq!(binding.key_id, "k1");
        // Cut inside the block.
        for len in block..header_len + TAG_LEN {
            assert_eq!(
                open(&sealed[..len], Purpose::PasswordBackup, &secret, "user-1").unwrap_err(),
                EnvelopeError::Truncated,
                "cut at {len}"
            );
        }
        // An unknown suite, or a key id no server writes.
        let mut suite = sealed.clone();
        suite[block] = 2;
        assert_eq!(
            describe(&suite).unwrap_err(),
            EnvelopeError::MalformedHeader
        );
        let mut key_id = sealed.clone();
        key_id[block + 2] = b'/';
        assert_eq!(
            describe(&key_id).unwrap_err(),
            EnvelopeError::MalformedHeader
        );
        // Format 2 is a password backup's only.
        let mut recovery = sealed.clone();
        recovery[9] = Purpose::RecoveryBackup.byte();
        assert_eq!(
            describe(&recovery).unwrap_err(),
            EnvelopeError::MalformedHeader
        );
        // Format 1 with format 2's KDF, and the reverse, are refused.
        let mut kdf = sealed.clone();
        kdf[10] = KDF_ARGON2ID;
        assert_eq!(describe(&kdf).unwrap_err(), EnvelopeError::MalformedHeader);
        // A format 3 is a newer app's.
        let mut newer = sealed;
        newer[8] = 3;
        assert_eq!(
            describe(&newer).unwrap_err(),
            EnvelopeError::UnsupportedVersion(3)
        );
    }

    #[test]
    fn only_a_password_backup_is_sealed_as_format_2() {
        let hardening = Hardening {
            seed: [7; 32],
            context: [9; CONTEXT_LEN],
        };
        let error = seal_bound(
            Purpose::RecoveryBackup,
            &Secret::Key(&[1; SECRET_KEY_LEN]),
            "user-1",
            b"x",
            FLOOR,
            &[1; SALT_LEN],
            &[2; NONCE_LEN],
            Some(&hardening.binding("user-1")),
        )
        .unwrap_err();
        assert!(matches!(error, EnvelopeError::Seal(_)), "{error:?}");
    }

    #[test]
    fn the_confirmation_is_not_the_key_and_needs_both_halves() {
        let salt = [3u8; SALT_LEN];
        let stretched = [4u8; STRETCHED_LEN];
        let oprf = [5u8; OUTPUT_LEN];
        let confirmation = confirmation(&stretched, &oprf, &salt).unwrap();
        let key = derive(
            Purpose::PasswordBackup,
            KDF_ARGON2ID_OPRF,
            &Secret::Hardened {
                stretched: &stretched,
                oprf: &oprf,
            },
            FLOOR,
            &salt,
        )
        .unwrap();
        assert_ne!(*confirmation, *key);
        let mut other = oprf;
        other[0] ^= 1;
        assert_ne!(
            *confirmation,
            *self::confirmation(&stretched, &other, &salt).unwrap()
        );
    }
}
