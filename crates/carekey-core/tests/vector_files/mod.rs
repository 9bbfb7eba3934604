//! What the envelope vector tests (`envelope`, `envelope_v2`) share: the
//! layout of the committed files in `tests/vectors/`, their owner and
//! lowest costs, and hex. One reader and one writer for every format, so
//! a change to the files' layout is made in one place.

use carekey_core::KeyPair;
use carekey_core::envelope::Argon2Params;
use data_encoding::HEXLOWER;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The account every vector's envelope is bound to.
pub const OWNER: &str = "0190a0b2-7c1e-7000-8000-4f6e3c2d1a00";

/// The lowest Argon2id costs a reader accepts.
pub const FLOOR: Argon2Params = Argon2Params {
    memory_kib: 19 * 1024,
    iterations: 2,
    lanes: 1,
};

/// A vector file: what it describes, the RSA key pairs its envelopes hold,
/// and its cases (each format has its own case fields).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vectors<C> {
    pub format: String,
    pub key_pairs: Vec<VectorKey>,
    pub cases: Vec<C>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VectorKey {
    pub spki: String,
    pub pkcs8: String,
}

fn path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(file)
}

pub fn hex(bytes: &[u8]) -> String {
    HEXLOWER.encode(bytes)
}

pub fn unhex(text: &str) -> Vec<u8> {
    HEXLOWER.decode(text.as_bytes()).unwrap()
}

/// `len` fresh random bytes, in hex: a new salt, nonce, seed or context.
pub fn random(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut bytes);
    hex(&bytes)
}

/// Reads `tests/vectors/FILE` and its key pairs, each checked against its
/// public half.
pub fn read<C: DeserializeOwned>(file: &str) -> (Vectors<C>, Vec<KeyPair>) {
    let vectors: Vectors<C> = serde_json::from_slice(&std::fs::read(path(file)).unwrap()).unwrap();
    let pairs = vectors
        .key_pairs
        .iter()
        .map(|key| {
            let pair = KeyPair::from_pkcs8_der(&unhex(&key.pkcs8)).unwrap();
            assert_eq!(pair.public_spki_der().unwrap(), unhex(&key.spki));
            pair
        })
        .collect();
    (vectors, pairs)
}

/// Writes `tests/vectors/FILE` afresh: only for a new format version.
pub fn write<C: Serialize>(file: &str, format: &str, pair: &KeyPair, cases: Vec<C>) {
    let vectors = Vectors {
        format: format.into(),
        key_pairs: vec![VectorKey {
            spki: hex(&pair.public_spki_der().unwrap()),
            pkcs8: hex(&pair.private_pkcs8_der().unwrap()),
        }],
        cases,
    };
    let path = path(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, serde_json::to_string_pretty(&vectors).unwrap() + "\n").unwrap();
}
