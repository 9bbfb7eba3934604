//! Encrypted data samples (iCure's DataSample). The device encrypts each
//! sample under a random content key and wraps that key with RSA-OAEP for
//! every registered key of its owner and of the owner's responsible
//! clinician, once he accepted her (see `care`). The server stores ciphertext and wrapped keys only, and hands
//! each reader the sample with the keys wrapped for them.
//!
//! Invariant: a wrapped key is only ever added for the owner's registered
//! keys or her accepted clinician's, by the owner; or for the owner's own
//! registered keys, by someone the sample is already shared with (her care
//! team giving her notes back after she made a new key). Nobody else can
//! add a reader.

use crate::accounts;
use crate::clock::rfc3339;
use crate::error::ServiceError;
use crate::http::{Caller, JsonBody, Shared};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{
    ApiError, CareStatus, PublicKeys, Sample, SampleKeysUpload, SampleUpload, Samples, SharedWith,
    WrappedKey,
};
use sqlx::Row;
use std::collections::{BTreeMap, HashSet};

/// A sample is a short note or measurement; the request body limit (16 KiB)
/// caps it anyway, this says it in words.
const LARGEST_CIPHERTEXT: usize = 10 * 1024;
/// An RSA-8192 OAEP block is 1,024 bytes.
const LARGEST_WRAPPED_KEY: usize = 1024;
const MOST_KEYS: usize = 16;
/// How many samples one list answers.
const LISTED: i64 = 200;

/// `GET /v1/users/{id}/keys`: the public keys the caller needs to share with
/// `user_id` (their own, the clinician who accepted them, the patients they
/// accepted). Anyone else's is answered as not found.
pub async fn keys_of(
    state: &AppState,
    reader: &str,
    user_id: &str,
) -> Result<PublicKeys, ServiceError> {
    if !crate::care::shares_with(state, reader, user_id).await? {
        return Err(ServiceError::NotFound);
    }
    crate::keys::public::list(state, user_id).await
}

fn decode(field: &str, value: &str, largest: usize) -> Result<Vec<u8>, ServiceError> {
    let bytes = STANDARD
        .decode(value.trim())
        .map_err(|_| ServiceError::InvalidRequest(format!("{field} must be standard base64")))?;
    if bytes.is_empty() || bytes.len() > largest {
        return Err(ServiceError::InvalidRequest(format!(
            "{field} must be 1 to {largest} bytes"
        )));
    }
    Ok(bytes)
}

/// The wrapped keys of an upload by `owner`, decoded, once each is for a
/// registered key of the owner or of the clinician who accepted them.
async fn checked_keys<'k>(
    state: &AppState,
    owner: &accounts::User,
    keys: &'k [WrappedKey],
) -> Result<Vec<(&'k WrappedKey, Vec<u8>)>, ServiceError> {
    let mut wrapped = Vec::with_capacity(keys.len());
    let mut seen = HashSet::new();
    for key in keys {
        let allowed = key.recipient_id == owner.id
            || (owner.care_status == Some(CareStatus::Accepted)
                && owner.responsible_clinician_id.as_deref() == Some(key.recipient_id.as_str()));
        if !allowed {
            return Err(ServiceError::InvalidRecipient(
                "a sample is shared only with its owner and the clinician who accepted them".into(),
            ));
        }
        if !seen.insert((key.recipient_id.as_str(), key.key_id.as_str())) {
            return Err(ServiceError::InvalidRequest(
                "a key is listed twice for one recipient".into(),
            ));
        }
        let registered = crate::keys::public::list(state, &key.recipient_id).await?;
        if !registered
            .keys
            .iter()
            .any(|known| known.key_id == key.key_id)
        {
            return Err(ServiceError::InvalidRecipient(
                "a key is not one the recipient registered".into(),
            ));
        }
        wrapped.push((
            key,
            decode("wrappedKey", &key.wrapped_key, LARGEST_WRAPPED_KEY)?,
        ));
    }
    Ok(wrapped)
}

async fn insert_keys(
    tx: &mut sqlx::AnyConnection,
    sample_id: &str,
    wrapped: Vec<(&WrappedKey, Vec<u8>)>,
) -> Result<u64, ServiceError> {
    let mut added = 0;
    for (key, bytes) in wrapped {
        // A key already there (a retry after a lost answer) stays as it was.
        added += sqlx::query(
            "INSERT INTO data_sample_keys (sample_id, recipient_id, key_id, wrapped_key) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (sample_id, recipient_id, key_id) DO NOTHING",
        )
        .bind(sample_id.to_owned())
        .bind(key.recipient_id.clone())
        .bind(key.key_id.clone())
        .bind(bytes)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    Ok(added)
}

/// `POST /v1/samples/{id}/keys`: wraps a sample's content key for more
/// registered keys. Its owner shares it with her own keys, or those of the
/// clinician who accepted her: for notes written before he accepted or
/// before he had this key. Someone she shared it with (a reader: a key of
/// his is on it) may add it for her own registered keys only: how her care
/// team gives her notes back after she had to make a new key. A reader
/// gains nothing by it (he holds the content key already) and can give it
/// to nobody else. Anyone else's sample is not found.
pub async fn share(
    state: &AppState,
    caller_id: &str,
    sample_id: &str,
    upload: &SampleKeysUpload,
) -> Result<Sample, ServiceError> {
    if upload.keys.is_empty() || upload.keys.len() > MOST_KEYS {
        return Err(ServiceError::InvalidRequest(format!(
            "keys must list 1 to {MOST_KEYS} wrapped keys"
        )));
    }
    let found = sqlx::query(
        "SELECT s.owner_id, CASE WHEN EXISTS (SELECT 1 FROM data_sample_keys k \
           WHERE k.sample_id = s.id AND k.recipient_id = $2) THEN 1 ELSE 0 END AS reader \
         FROM data_samples s WHERE s.id = $1",
    )
    .bind(sample_id.to_owned())
    .bind(caller_id.to_owned())
    .fetch_optional(state.db.reader())
    .await?
    .ok_or(ServiceError::NotFound)?;
    let owner_id: String = found.try_get("owner_id")?;
    if owner_id != caller_id {
        if found.try_get::<i64, _>("reader")? != 1 {
            return Err(ServiceError::NotFound);
        }
        if upload.keys.iter().any(|key| key.recipient_id != owner_id) {
            return Err(ServiceError::InvalidRecipient(
                "someone a sample is shared with may add it only for its owner's own keys".into(),
            ));
        }
    }
    let owner = accounts::by_id(state.db.reader(), &owner_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let wrapped = checked_keys(state, &owner, &upload.keys).await?;
    let mut tx = state.db.begin().await?;
    crate::accounts::lock(&mut tx, state.db.backend(), &owner.id).await?;
    let held: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(COUNT(k.key_id) AS BIGINT) FROM data_samples s \
         LEFT JOIN data_sample_keys k ON k.sample_id = s.id \
         WHERE s.id = $1 AND s.owner_id = $2 GROUP BY s.id",
    )
    .bind(sample_id.to_owned())
    .bind(owner.id.clone())
    .fetch_optional(&mut *tx)
    .await?;
    let held = held.ok_or(ServiceError::NotFound)?;
    let most = i64::try_from(MOST_KEYS).unwrap_or(i64::MAX);
    if held.saturating_add(i64::try_from(wrapped.len()).unwrap_or(i64::MAX)) > most {
        return Err(ServiceError::InvalidRequest(format!(
            "a sample is wrapped for at most {MOST_KEYS} keys"
        )));
    }
    let added = insert_keys(&mut tx, sample_id, wrapped).await?;
    tx.commit().await?;
    tracing::info!(
        added,
        by_owner = owner.id == caller_id,
        "sample shared with more keys"
    );
    read(state, caller_id, sample_id).await
}

/// `POST /v1/samples`: stores a sample of the caller's. Its keys must
/// include one for the caller, and be wrapped for registered keys of the
/// caller or of their responsible clinician only.
pub async fn create(
    state: &AppState,
    owner_id: &str,
    upload: &SampleUpload,
) -> Result<Sample, ServiceError> {
    let id = uuid::Uuid::parse_str(&upload.id)
        .map_err(|_| ServiceError::InvalidRequest("id must be a UUID".into()))?
        .hyphenated()
        .to_string();
    let ciphertext = decode("ciphertext", &upload.ciphertext, LARGEST_CIPHERTEXT)?;
    if upload.keys.is_empty() || upload.keys.len() > MOST_KEYS {
        return Err(ServiceError::InvalidRequest(format!(
            "keys must list 1 to {MOST_KEYS} wrapped keys"
        )));
    }
    let owner = accounts::by_id(state.db.reader(), owner_id)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    let wrapped = checked_keys(state, &owner, &upload.keys).await?;
    if !upload.keys.iter().any(|key| key.recipient_id == owner.id) {
        return Err(ServiceError::InvalidRecipient(
            "the content key must be wrapped for its owner too".into(),
        ));
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    // The owner's row lock (PostgreSQL; SQLite writes one at a time) keeps
    // two uploads from passing the quota together.
    crate::accounts::lock(&mut tx, state.db.backend(), &owner.id).await?;
    let (most, most_bytes) = state.policy.quotas.samples_for(owner.guest);
    let row = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS kept, CAST(COALESCE(SUM(LENGTH(ciphertext)), 0) AS BIGINT) AS bytes \
         FROM data_samples WHERE owner_id = $1",
    )
    .bind(owner.id.clone())
    .fetch_one(&mut *tx)
    .await?;
    let kept: i64 = row.try_get("kept")?;
    let bytes: i64 = row.try_get("bytes")?;
    let adding = i64::try_from(ciphertext.len()).unwrap_or(i64::MAX);
    if kept >= most || bytes.saturating_add(adding) > most_bytes {
        return Err(ServiceError::QuotaExceeded);
    }
    let inserted = sqlx::query(
        "INSERT INTO data_samples (id, owner_id, ciphertext, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id.clone())
    .bind(owner.id.clone())
    .bind(ciphertext)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(ServiceError::InvalidRequest(
            "a sample with this id already exists".into(),
        ));
    }
    insert_keys(&mut tx, &id, wrapped).await?;
    tx.commit().await?;
    read(state, owner_id, &id).await
}

/// Rows of `data_samples` joined with the keys wrapped for `reader`, grouped
/// into samples in the order the rows came.
fn group(rows: &[sqlx::any::AnyRow], reader: &str) -> Result<Vec<Sample>, ServiceError> {
    let mut order = Vec::new();
    let mut samples: BTreeMap<String, Sample> = BTreeMap::new();
    for row in rows {
        let id: String = row.try_get("id")?;
        let key = WrappedKey {
            recipient_id: reader.to_owned(),
            key_id: row.try_get("key_id")?,
            wrapped_key: STANDARD.encode(row.try_get::<Vec<u8>, _>("wrapped_key")?),
        };
        if let Some(sample) = samples.get_mut(&id) {
            sample.keys.push(key);
            continue;
        }
        let first: String = row.try_get("first_name")?;
        let last: String = row.try_get("last_name")?;
        order.push(id.clone());
        samples.insert(
            id.clone(),
            Sample {
                id,
                owner_id: row.try_get("owner_id")?,
                owner_name: format!("{first} {last}"),
                created_at: rfc3339(row.try_get("created_at")?),
                ciphertext: STANDARD.encode(row.try_get::<Vec<u8>, _>("ciphertext")?),
                keys: vec![key],
                shared_with: Vec::new(),
            },
        );
    }
    Ok(order
        .into_iter()
        .filter_map(|id| samples.remove(&id))
        .collect())
}

/// One key a sample of the reader's is wrapped for, as read.
#[derive(sqlx::FromRow)]
struct SharedKey {
    sample_id: String,
    recipient_id: String,
    key_id: String,
}

/// Fills in, for the samples `reader` owns, every key they are wrapped for:
/// her device shares again from it (never another reader's business).
async fn fill_shared_with(
    state: &AppState,
    reader: &str,
    samples: &mut [Sample],
) -> Result<(), ServiceError> {
    let own: Vec<&str> = samples
        .iter()
        .filter(|sample| sample.owner_id == reader)
        .map(|sample| sample.id.as_str())
        .collect();
    if own.is_empty() {
        return Ok(());
    }
    let places: Vec<String> = (2..own.len() + 2).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT k.sample_id, k.recipient_id, k.key_id FROM data_sample_keys k \
         JOIN data_samples s ON s.id = k.sample_id \
         WHERE s.owner_id = $1 AND k.sample_id IN ({}) ORDER BY k.recipient_id, k.key_id",
        places.join(", ")
    );
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(reader.to_owned());
    for id in &own {
        query = query.bind((*id).to_owned());
    }
    let rows: Vec<SharedKey> = query.fetch_all(state.db.reader()).await?;
    let mut by_sample: BTreeMap<String, Vec<SharedWith>> = BTreeMap::new();
    for row in rows {
        by_sample
            .entry(row.sample_id)
            .or_default()
            .push(SharedWith {
                recipient_id: row.recipient_id,
                key_id: row.key_id,
            });
    }
    for sample in samples.iter_mut() {
        if let Some(shared) = by_sample.remove(&sample.id) {
            sample.shared_with = shared;
        }
    }
    Ok(())
}

const SELECT: &str = "SELECT s.id, s.owner_id, s.ciphertext, s.created_at, k.key_id, \
     k.wrapped_key, u.first_name, u.last_name \
     FROM data_samples s \
     JOIN data_sample_keys k ON k.sample_id = s.id \
     JOIN users u ON u.id = s.owner_id \
     WHERE k.recipient_id = $1";

/// `GET /v1/samples`: what the caller may read (theirs and those shared
/// with them), newest first.
pub async fn list(state: &AppState, reader: &str) -> Result<Samples, ServiceError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND s.id IN (SELECT s2.id FROM data_samples s2 WHERE EXISTS \
           (SELECT 1 FROM data_sample_keys k2 WHERE k2.sample_id = s2.id AND k2.recipient_id = $1) \
           ORDER BY s2.created_at DESC, s2.id DESC LIMIT {LISTED}) \
         ORDER BY s.created_at DESC, s.id DESC, k.key_id"
    )))
    .bind(reader.to_owned())
    .fetch_all(state.db.reader())
    .await?;
    let mut samples = group(&rows, reader)?;
    fill_shared_with(state, reader, &mut samples).await?;
    Ok(Samples { samples })
}

/// `GET /v1/samples/{id}`: one sample the caller may read; any other is
/// answered as not found.
pub async fn read(state: &AppState, reader: &str, id: &str) -> Result<Sample, ServiceError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND s.id = $2 ORDER BY k.key_id"
    )))
    .bind(reader.to_owned())
    .bind(id.to_owned())
    .fetch_all(state.db.reader())
    .await?;
    let mut samples = group(&rows, reader)?;
    samples.truncate(1);
    fill_shared_with(state, reader, &mut samples).await?;
    samples.pop().ok_or(ServiceError::NotFound)
}

#[utoipa::path(post, path = "/v1/samples", tag = "samples",
    description = "Store an encrypted data sample of the caller's: ciphertext and its content key wrapped for the caller's and their responsible clinician's registered keys. No plaintext.",
    request_body = SampleUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Sample),
        (status = 400, body = ApiError, description = "invalid_request, invalid_recipient"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn create_sample(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(upload): JsonBody<SampleUpload>,
) -> Result<Json<Sample>, ServiceError> {
    crate::keys::samples::create(&state, &claims.sub, &upload)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/samples", tag = "samples",
    description = "The samples the caller may read (their own and those shared with them), newest first, each with the keys wrapped for the caller.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Samples),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn list_samples(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<Samples>, ServiceError> {
    crate::keys::samples::list(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/samples/{id}", tag = "samples",
    params(("id" = String, Path, description = "the sample id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Sample),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (or not shared with the caller)"),
    ))]
pub(super) async fn read_sample(
    State(state): Shared,
    Caller(claims): Caller,
    Path(id): Path<String>,
) -> Result<Json<Sample>, ServiceError> {
    crate::keys::samples::read(&state, &claims.sub, &id)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/samples/{id}/keys", tag = "samples",
    description = "Wrap a sample's content key for more registered keys. The owner shares her sample with her own keys or those of the clinician who accepted her (notes written before he accepted, or before he had that key). Someone the sample is shared with may add it for the owner's own registered keys only (she made a new key and can no longer open it). Keys already there stay as they were.",
    params(("id" = String, Path, description = "the sample id")),
    request_body = SampleKeysUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Sample),
        (status = 400, body = ApiError, description = "invalid_request, invalid_recipient"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (or neither the caller's nor shared with them)"),
    ))]
pub(super) async fn share_sample(
    State(state): Shared,
    Caller(claims): Caller,
    Path(id): Path<String>,
    JsonBody(upload): JsonBody<SampleKeysUpload>,
) -> Result<Json<Sample>, ServiceError> {
    crate::keys::samples::share(&state, &claims.sub, &id, &upload)
        .await
        .map(Json)
}
