//! Users' public keys. The app makes an RSA keypair on the device and
//! registers the public half here; the private half never leaves the device.

use crate::clock::rfc3339;
use crate::error::ServiceError;
use crate::http::{Caller, ClientIp, JsonBody, Shared};
use crate::state::AppState;
use crate::tokens::Claims;
use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{ApiError, PublicKeyInfo, PublicKeyUpload, PublicKeys, RSA_OAEP_SHA256};
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};
use sqlx::Row;

const SMALLEST_MODULUS_BITS: u32 = 2048;
const LARGEST_MODULUS_BITS: u32 = 8192;

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
    let key = rsa::PublicKey::from_public_key_der(&spki).map_err(|_| {
        ServiceError::InvalidRequest("publicKey must be an RSA SubjectPublicKeyInfo".into())
    })?;
    let bits = key.n().bit_width();
    if !(SMALLEST_MODULUS_BITS..=LARGEST_MODULUS_BITS).contains(&bits) {
        return Err(ServiceError::InvalidRequest(format!(
            "the key has {bits} bits; {SMALLEST_MODULUS_BITS} to {LARGEST_MODULUS_BITS} are accepted"
        )));
    }
    Ok(spki)
}

/// The first characters of a fingerprint, as notices and the app show it.
fn short(key_id: &str) -> &str {
    key_id.get(..16).unwrap_or(key_id)
}

/// Registers a public key of the caller; registering an active key again
/// changes nothing. Adding a key changes who can read the account's data,
/// so it needs a fresh proof (a guest's first key excepted: a guest has no
/// contact to prove, and no data of anyone else), and a key beside others
/// is told to the account's contacts. A revoked key stays revoked.
pub async fn register(
    state: &AppState,
    claims: &Claims,
    upload: &PublicKeyUpload,
    ip: std::net::IpAddr,
) -> Result<PublicKeyInfo, ServiceError> {
    let spki = parse(upload)?;
    let id = key_id(&spki);
    let user_id = claims.sub.as_str();
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let guest = crate::accounts::lock(&mut tx, state.db.backend(), user_id).await?;
    let existing: Option<Option<i64>> =
        sqlx::query_scalar("SELECT revoked_at FROM public_keys WHERE user_id = $1 AND key_id = $2")
            .bind(user_id.to_owned())
            .bind(id.clone())
            .fetch_optional(&mut *tx)
            .await?;
    match existing {
        Some(Some(_)) => {
            return Err(ServiceError::InvalidRequest(
                "this key was revoked and cannot be registered again; make a new keypair".into(),
            ));
        }
        Some(None) => {
            tx.commit().await?;
            return find(state, user_id, &id).await;
        }
        None => {}
    }
    let active: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM public_keys WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id.to_owned())
    .fetch_one(&mut *tx)
    .await?;
    if !(guest && active == 0) {
        crate::account::proofs::require_fresh(state, &mut tx, claims).await?;
    }
    sqlx::query(
        "INSERT INTO public_keys (user_id, key_id, spki, algorithm, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id.to_owned())
    .bind(id.clone())
    .bind(spki)
    .bind(RSA_OAEP_SHA256)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    crate::keys::backups::record(
        &mut tx,
        user_id,
        crate::keys::backups::Action::KeyRegistered,
        Some(&id),
        ip,
        now,
    )
    .await?;
    // An account's first key (made at registration) changes nobody's
    // access; any further key is told to the account's contacts.
    let notices = if active > 0 {
        let user = crate::accounts::by_id(&mut *tx, user_id)
            .await?
            .ok_or(ServiceError::InvalidToken)?;
        crate::account::proofs::notify(
            state,
            &mut tx,
            &user,
            &crate::outbound::messages::Notice::KeyAdded {
                fingerprint: short(&id),
            },
            now,
        )
        .await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    crate::account::proofs::notices_queued(state, &notices);
    find(state, user_id, &id).await
}

async fn find(
    state: &AppState,
    user_id: &str,
    key_id: &str,
) -> Result<PublicKeyInfo, ServiceError> {
    own(state, user_id)
        .await?
        .keys
        .into_iter()
        .find(|key| key.key_id == key_id)
        .ok_or(ServiceError::NotFound)
}

/// `DELETE /v1/keys/{id}`: the owner revokes one of their keys. It is no
/// longer handed out nor accepted for new data; data already wrapped for it
/// stays as it is. Needs a fresh proof, and tells the account's contacts.
pub async fn revoke(
    state: &AppState,
    claims: &Claims,
    key_id: &str,
    ip: std::net::IpAddr,
) -> Result<PublicKeyInfo, ServiceError> {
    let user_id = claims.sub.as_str();
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    crate::accounts::lock(&mut tx, state.db.backend(), user_id).await?;
    crate::account::proofs::require_fresh(state, &mut tx, claims).await?;
    let revoked = sqlx::query(
        "UPDATE public_keys SET revoked_at = $3 WHERE user_id = $1 AND key_id = $2 AND revoked_at IS NULL",
    )
    .bind(user_id.to_owned())
    .bind(key_id.to_owned())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if revoked.rows_affected() == 1 {
        crate::keys::backups::record(
            &mut tx,
            user_id,
            crate::keys::backups::Action::KeyRevoked,
            Some(key_id),
            ip,
            now,
        )
        .await?;
        let user = crate::accounts::by_id(&mut *tx, user_id)
            .await?
            .ok_or(ServiceError::InvalidToken)?;
        let notices = crate::account::proofs::notify(
            state,
            &mut tx,
            &user,
            &crate::outbound::messages::Notice::KeyRevoked {
                fingerprint: short(key_id),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        crate::account::proofs::notices_queued(state, &notices);
    } else {
        tx.commit().await?;
    }
    find(state, user_id, key_id).await
}

/// The caller's own keys, revoked ones included (marked), oldest first.
pub async fn own(state: &AppState, user_id: &str) -> Result<PublicKeys, ServiceError> {
    keys(state, user_id, true).await
}

/// The active public keys of `user_id`, oldest first: what others may wrap
/// data for.
pub async fn list(state: &AppState, user_id: &str) -> Result<PublicKeys, ServiceError> {
    keys(state, user_id, false).await
}

async fn keys(
    state: &AppState,
    user_id: &str,
    with_revoked: bool,
) -> Result<PublicKeys, ServiceError> {
    let rows = sqlx::query(
        "SELECT key_id, spki, algorithm, created_at, revoked_at FROM public_keys \
         WHERE user_id = $1 AND ($2 = 1 OR revoked_at IS NULL) ORDER BY created_at, key_id",
    )
    .bind(user_id.to_owned())
    .bind(i64::from(with_revoked))
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
                revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(rfc3339),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(PublicKeys { keys })
}

#[utoipa::path(post, path = "/v1/keys", tag = "keys",
    description = "Register a public key of the caller's (RSA-OAEP-SHA256, 2048 to 8192 bits, SPKI DER in base64). Registering it again changes nothing.",
    request_body = PublicKeyUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = PublicKeyInfo),
        (status = 400, body = ApiError, description = "invalid_request"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn register_key(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    JsonBody(upload): JsonBody<PublicKeyUpload>,
) -> Result<Json<PublicKeyInfo>, ServiceError> {
    crate::keys::public::register(&state, &claims, &upload, ip)
        .await
        .map(Json)
}

#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    description = "Revoke one of the caller's keys: it is no longer handed out nor accepted for new data. Needs a fresh proof; the account's contacts are told.",
    params(("id" = String, Path, description = "the key's fingerprint (keyId)")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = PublicKeyInfo),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 403, body = ApiError, description = "fresh_proof_required"),
        (status = 404, body = ApiError, description = "not_found"),
    ))]
pub(super) async fn revoke_key(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    Path(id): Path<String>,
) -> Result<Json<PublicKeyInfo>, ServiceError> {
    crate::keys::public::revoke(&state, &claims, &id, ip)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    description = "The caller's public keys, oldest first.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = PublicKeys),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn list_keys(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<PublicKeys>, ServiceError> {
    crate::keys::public::own(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/users/{id}/keys", tag = "keys",
    description = "The public keys of a user the caller shares with: themselves, the clinician who accepted them, or (for a clinician) a patient he accepted. Anyone else is not found.",
    params(("id" = String, Path, description = "the user id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = PublicKeys),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found"),
    ))]
pub(super) async fn user_keys(
    State(state): Shared,
    Caller(claims): Caller,
    Path(id): Path<String>,
) -> Result<Json<PublicKeys>, ServiceError> {
    crate::keys::samples::keys_of(&state, &claims.sub, &id)
        .await
        .map(Json)
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
        let mut rng = rand::rng();
        let small = rsa::PrivateKey::new(&mut rng, 1024).unwrap();
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
