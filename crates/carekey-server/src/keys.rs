//! Users' public keys. The app makes an RSA keypair on the device and
//! registers the public half here; the private half never leaves the device.

use crate::clock::rfc3339;
use crate::error::ServiceError;
use crate::state::AppState;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{PublicKeyInfo, PublicKeyUpload, PublicKeys, RSA_OAEP_SHA256};
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};
use sqlx::Row;

const SMALLEST_MODULUS_BITS: usize = 2048;
const LARGEST_MODULUS_BITS: usize = 8192;

/// The fingerprint of a key: hex SHA-256 of its SPKI DER.
pub fn key_id(spki: &[u8]) -> String {
    Sha256::digest(spki)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Checks an uploaded key: RSA, 2048 to 8192 bits, for OAEP-SHA256.
fn parse(upload: &PublicKeyUpload) -> Result<Vec<u8>, ServiceError> {
    if upload.algorithm != RSA_OAEP_SHA256 {
        return Err(ServiceError::InvalidRequest(format!(
            "algorithm must be {RSA_OAEP_SHA256}"
        )));
    }
    let spki = STANDARD
        .decode(upload.public_key.trim())
        .map_err(|_| ServiceError::InvalidRequest("publicKey must be standard base64".into()))?;
    let key = rsa::RsaPublicKey::from_public_key_der(&spki).map_err(|_| {
        ServiceError::InvalidRequest("publicKey must be an RSA SubjectPublicKeyInfo".into())
    })?;
    let bits = key.n().bits();
    if !(SMALLEST_MODULUS_BITS..=LARGEST_MODULUS_BITS).contains(&bits) {
        return Err(ServiceError::InvalidRequest(format!(
            "the key has {bits} bits; {SMALLEST_MODULUS_BITS} to {LARGEST_MODULUS_BITS} are accepted"
        )));
    }
    Ok(spki)
}

/// Registers a public key of `user_id`; registering it again changes nothing.
pub async fn register(
    state: &AppState,
    user_id: &str,
    upload: &PublicKeyUpload,
    ip: std::net::IpAddr,
) -> Result<PublicKeyInfo, ServiceError> {
    let spki = parse(upload)?;
    let id = key_id(&spki);
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let added = sqlx::query(
        "INSERT INTO public_keys (user_id, key_id, spki, algorithm, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, key_id) DO NOTHING",
    )
    .bind(user_id.to_owned())
    .bind(id.clone())
    .bind(spki)
    .bind(RSA_OAEP_SHA256)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() > 0 {
        crate::backups::record(
            &mut tx,
            user_id,
            crate::backups::Action::KeyRegistered,
            Some(&id),
            ip,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    list(state, user_id)
        .await?
        .keys
        .into_iter()
        .find(|key| key.key_id == id)
        .ok_or(ServiceError::NotFound)
}

/// The public keys of `user_id`, oldest first.
pub async fn list(state: &AppState, user_id: &str) -> Result<PublicKeys, ServiceError> {
    let rows = sqlx::query(
        "SELECT key_id, spki, algorithm, created_at FROM public_keys \
         WHERE user_id = $1 ORDER BY created_at, key_id",
    )
    .bind(user_id.to_owned())
    .fetch_all(state.db.reader())
    .await?;
    let keys = rows
        .iter()
        .map(|row| {
            let spki: Vec<u8> = row.try_get("spki")?;
            Ok(PublicKeyInfo {
                key_id: row.try_get("key_id")?,
                public_key: STANDARD.encode(spki),
                algorithm: row.try_get("algorithm")?,
                created_at: rfc3339(row.try_get("created_at")?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(PublicKeys { keys })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(public_key: String) -> PublicKeyUpload {
        PublicKeyUpload {
            public_key,
            algorithm: RSA_OAEP_SHA256.into(),
        }
    }

    #[test]
    fn only_rsa_keys_of_2048_bits_or_more_are_taken() {
        use rsa::pkcs8::EncodePublicKey;
        let mut rng = rand::thread_rng();
        let small = rsa::RsaPrivateKey::new(&mut rng, 1024).unwrap();
        let spki = small.to_public_key().to_public_key_der().unwrap();
        let error = parse(&upload(STANDARD.encode(spki.as_bytes()))).unwrap_err();
        assert!(error.to_string().contains("1024 bits"), "{error}");
        assert!(parse(&upload("not base64!".into())).is_err());
        assert!(parse(&upload(STANDARD.encode(b"not a key"))).is_err());
        let mut wrong = upload(STANDARD.encode(spki.as_bytes()));
        wrong.algorithm = "RSA-PKCS1".into();
        assert!(parse(&wrong).is_err());
    }

    #[test]
    fn key_ids_are_hex_sha256() {
        assert_eq!(
            key_id(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
