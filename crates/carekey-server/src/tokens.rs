//! Access tokens: short-lived JWTs signed with the server's Ed25519 key,
//! published as a JWKS so other services can check them without calling us.
//!
//! Invariant: a token is only ever signed with a key that every instance
//! (and the JWKS) already knows, and checks for as long as it can be
//! valid. Keys are stored (`signing_keys`) with when each starts signing
//! and when it retires; each instance reloads them every
//! [`KEY_RELOAD_INTERVAL_MS`], and a rotation publishes the new key
//! [`ROTATION_NOTICE_MS`] before it signs, a longer time than that.

use crate::clock::Millis;
use crate::db::Database;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use carekey_api::{Role, SecretString};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::sync::{Arc, PoisonError, RwLock};
use zeroize::Zeroizing;

pub const AUDIENCE: &str = "carekey";

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the signing key is unusable")]
    Key,
    #[error("the access token could not be signed")]
    Sign,
    #[error("the access token is malformed or its signature is wrong")]
    Invalid,
    #[error("the access token has expired")]
    Expired,
    #[error("the signing keys could not be read or written: {0}")]
    Store(String),
}

/// Who a token's holder is, as other services read it: a guest (an
/// anonymous account made before any login) has a role of its own, so that
/// no service takes it for a registered patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenRole {
    Patient,
    Clinician,
    Guest,
}

impl TokenRole {
    pub fn of(role: Role, guest: bool) -> Self {
        match (guest, role) {
            (true, _) => TokenRole::Guest,
            (false, Role::Patient) => TokenRole::Patient,
            (false, Role::Clinician) => TokenRole::Clinician,
        }
    }
}

/// What an access token says. `sid` names the session (the refresh-token
/// family): revoking the session ends its access tokens too.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub sid: String,
    pub grp: String,
    pub role: TokenRole,
}

/// The keys that sign and check access tokens, swapped whole when the
/// stored keys change (`carekey-server keys rotate`).
pub struct AccessTokens {
    keys: RwLock<Arc<KeySet>>,
    validation: Validation,
    issuer: String,
    ttl_ms: Millis,
}

struct KeySet {
    /// The key new tokens are signed with: the newest whose time to sign
    /// has come.
    signing: SigningKey,
    /// Its JWS header (naming its `kid`), encoded once.
    encoded_header: String,
    /// Every key a token may still be signed with, by `kid`: the JWKS.
    checking: Vec<CheckingKey>,
}

struct CheckingKey {
    kid: String,
    decoding: DecodingKey,
    public_key: [u8; 32],
}

/// A signing key as stored (`signing_keys`).
pub struct StoredKey {
    pub pkcs8: Zeroizing<Vec<u8>>,
    /// From when it signs new tokens; before, it only appears in the JWKS,
    /// so that every instance and every service that caches the JWKS knows
    /// it before the first token signed with it arrives.
    pub signs_from: Millis,
    /// After when it checks nothing: every token it signed has expired.
    pub retire_after: Option<Millis>,
}

/// A new Ed25519 key as PKCS#8 DER, the form kept in the database.
pub fn generate_signing_key() -> Result<Zeroizing<Vec<u8>>, TokenError> {
    let key = SigningKey::generate(&mut crate::secrets::os_random());
    key.to_pkcs8_der()
        .map(|der| Zeroizing::new(der.as_bytes().to_vec()))
        .map_err(|_| TokenError::Key)
}

/// The `kid` of a key: a hash of its public half, so every instance names
/// it alike.
pub fn key_id(pkcs8_der: &[u8]) -> Result<String, TokenError> {
    let key = SigningKey::from_pkcs8_der(pkcs8_der).map_err(|_| TokenError::Key)?;
    Ok(kid_of(&key.verifying_key().to_bytes()))
}

fn kid_of(public_key: &[u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(public_key)[..12])
}

impl KeySet {
    /// Fails if no key may sign at `now`.
    fn new(stored: &[StoredKey], now: Millis) -> Result<Self, TokenError> {
        let mut checking = Vec::new();
        let mut signing: Option<(Millis, SigningKey, String)> = None;
        for key in stored {
            if key.retire_after.is_some_and(|after| after <= now) {
                continue;
            }
            let signer = SigningKey::from_pkcs8_der(&key.pkcs8).map_err(|_| TokenError::Key)?;
            let public_key = signer.verifying_key().to_bytes();
            checking.push(CheckingKey {
                kid: kid_of(&public_key),
                decoding: DecodingKey::from_ed_der(&public_key),
                public_key,
            });
            let newer = signing
                .as_ref()
                .is_none_or(|(from, _, _)| key.signs_from > *from);
            if key.signs_from <= now && newer {
                signing = Some((key.signs_from, signer, kid_of(&public_key)));
            }
        }
        let (_, signing, kid) = signing.ok_or(TokenError::Key)?;
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(kid);
        let encoded_header =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(|_| TokenError::Key)?);
        Ok(KeySet {
            signing,
            encoded_header,
            checking,
        })
    }
}

impl AccessTokens {
    pub fn new(
        stored: &[StoredKey],
        issuer: String,
        ttl_ms: Millis,
        now: Millis,
    ) -> Result<Self, TokenError> {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[issuer.as_str()]);
        // Expiry is checked against the server's clock (which tests move), below.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        Ok(AccessTokens {
            keys: RwLock::new(Arc::new(KeySet::new(stored, now)?)),
            validation,
            issuer,
            ttl_ms,
        })
    }

    /// Uses `stored` from now on. On an error the keys in use stay.
    pub fn replace(&self, stored: &[StoredKey], now: Millis) -> Result<(), TokenError> {
        let keys = Arc::new(KeySet::new(stored, now)?);
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = keys;
        Ok(())
    }

    /// How long an access token lives.
    pub fn ttl_ms(&self) -> Millis {
        self.ttl_ms
    }

    fn keys(&self) -> Arc<KeySet> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A signed token and the time it expires.
    pub fn issue(
        &self,
        user_id: &str,
        group_id: &str,
        session_id: &str,
        role: TokenRole,
        now: Millis,
    ) -> Result<(SecretString, Millis), TokenError> {
        let keys = self.keys();
        let expires = now.saturating_add(self.ttl_ms);
        let claims = Claims {
            iss: self.issuer.clone(),
            sub: user_id.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now / 1000,
            exp: expires / 1000,
            sid: session_id.to_owned(),
            grp: group_id.to_owned(),
            role,
        };
        // JWS compact serialisation (RFC 7515) signed with the key held in
        // memory: `jsonwebtoken::encode` would re-read the PKCS#8 key, and so
        // derive its public half, for every token. Verification (ours, in
        // tests, and everyone else's) goes through `jsonwebtoken`.
        let payload = serde_json::to_vec(&claims).map_err(|_| TokenError::Sign)?;
        let mut token = String::with_capacity(keys.encoded_header.len() + payload.len() * 2 + 90);
        token.push_str(&keys.encoded_header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let signature = ed25519_dalek::Signer::sign(&keys.signing, token.as_bytes());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature.to_bytes(), &mut token);
        Ok((SecretString::new(token), expires))
    }

    /// Checks a token with the key its header names (`kid`): a token
    /// naming none, or a key retired or unknown, is invalid.
    pub fn verify(&self, token: &str, now: Millis) -> Result<Claims, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Invalid)?;
        let keys = self.keys();
        let key = keys
            .checking
            .iter()
            .find(|key| header.kid.as_deref() == Some(key.kid.as_str()))
            .ok_or(TokenError::Invalid)?;
        let data = jsonwebtoken::decode::<Claims>(token, &key.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        if data.claims.exp.saturating_mul(1000) <= now {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }

    /// The public halves as a JSON Web Key Set (RFC 8037 OKP keys): the
    /// key that signs now, the next one, and those whose tokens may still
    /// be valid.
    pub fn jwks(&self) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self
            .keys()
            .checking
            .iter()
            .map(|key| {
                serde_json::json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "alg": "EdDSA",
                    "use": "sig",
                    "kid": key.kid,
                    "x": URL_SAFE_NO_PAD.encode(key.public_key),
                })
            })
            .collect();
        serde_json::json!({ "keys": keys })
    }
}

/// How often each instance reads the stored keys again, and so the
/// longest an instance signs with a key after another instance (or an
/// operator) changed them.
pub const KEY_RELOAD_INTERVAL_MS: Millis = 30_000;

/// How long a new key is published before it signs, in a planned
/// rotation: every instance reloads well within it, and services that
/// cache the JWKS for a few minutes (the usual) fetch it meanwhile.
pub const ROTATION_NOTICE_MS: Millis = 10 * 60_000;

/// The stored keys not yet retired at `now`.
pub async fn stored_keys(db: &Database, now: Millis) -> Result<Vec<StoredKey>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT pkcs8, signs_from, retire_after FROM signing_keys \
         WHERE retire_after IS NULL OR retire_after > $1 ORDER BY signs_from, kid",
    )
    .bind(now)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StoredKey {
                pkcs8: Zeroizing::new(row.try_get("pkcs8")?),
                signs_from: row.try_get("signs_from")?,
                retire_after: row.try_get("retire_after")?,
            })
        })
        .collect()
}

/// Makes sure a key can sign: on a new database, or the first start after
/// migration 13, the key kept in `server_secrets` until then (made now if
/// there is none) becomes the first stored key, signing at once, and
/// leaves `server_secrets`. Safe when instances start together: one
/// transaction moves it (or makes it), the others find it there.
pub async fn first_key(db: &Database, now: Millis) -> Result<(), TokenError> {
    let store = |error: sqlx::Error| TokenError::Store(error.to_string());
    let mut tx = db.begin().await.map_err(store)?;
    // Instances starting together take turns: SQLite's write transactions
    // are serial already; on PostgreSQL a row lock cannot guard a table
    // that has no row yet, so the table is locked against writers.
    if db.backend() == crate::db::Backend::Postgres {
        sqlx::query("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE")
            .execute(&mut *tx)
            .await
            .map_err(store)?;
    }
    let any: Option<String> = sqlx::query_scalar("SELECT kid FROM signing_keys LIMIT 1")
        .fetch_optional(&mut *tx)
        .await
        .map_err(store)?;
    if any.is_some() {
        return Ok(());
    }
    let kept: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = 'jwt_ed25519_pkcs8'")
            .fetch_optional(&mut *tx)
            .await
            .map_err(store)?;
    let pkcs8 = match kept {
        Some(kept) => Zeroizing::new(kept),
        None => generate_signing_key()?,
    };
    sqlx::query(
        "INSERT INTO signing_keys (kid, pkcs8, created_at, signs_from) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (kid) DO NOTHING",
    )
    .bind(key_id(&pkcs8)?)
    .bind(pkcs8.to_vec())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(store)?;
    sqlx::query("DELETE FROM server_secrets WHERE name = 'jwt_ed25519_pkcs8'")
        .execute(&mut *tx)
        .await
        .map_err(store)?;
    tx.commit().await.map_err(store)
}

/// What a rotation did.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Rotation {
    pub kid: String,
    /// From when the new key signs (RFC 3339).
    pub signs_from: String,
    /// The keys it replaces, and when each leaves the JWKS.
    pub retiring: Vec<Retiring>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Retiring {
    pub kid: String,
    pub retire_after: String,
}

impl std::fmt::Display for Rotation {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            out,
            "new signing key {}: in the JWKS now, signs from {}",
            self.kid, self.signs_from
        )?;
        for old in &self.retiring {
            write!(
                out,
                "\n  {} checks the tokens it signed until {}, then leaves the JWKS",
                old.kid, old.retire_after
            )?;
        }
        Ok(())
    }
}

/// A new signing key (in the caller's transaction). Planned, it is
/// published at once and signs after [`ROTATION_NOTICE_MS`]; the keys it
/// replaces check their tokens until the last one they can sign has
/// expired (`access_ttl_ms` after the new key takes over, plus a reload
/// interval). `immediately`, for a key that leaked: it signs at once and
/// the old keys are retired at once, so every access token they signed
/// stops working (apps refresh theirs; sessions stay).
pub async fn rotate(
    conn: &mut sqlx::AnyConnection,
    now: Millis,
    access_ttl_ms: Millis,
    immediately: bool,
) -> Result<Rotation, TokenError> {
    let store = |error: sqlx::Error| TokenError::Store(error.to_string());
    let pkcs8 = generate_signing_key()?;
    let kid = key_id(&pkcs8)?;
    let signs_from = if immediately {
        now
    } else {
        now.saturating_add(ROTATION_NOTICE_MS)
    };
    let retire_after = if immediately {
        now
    } else {
        signs_from
            .saturating_add(access_ttl_ms)
            .saturating_add(KEY_RELOAD_INTERVAL_MS)
    };
    let retiring: Vec<String> = sqlx::query_scalar(
        "UPDATE signing_keys SET retire_after = $1 \
         WHERE retire_after IS NULL OR retire_after > $1 RETURNING kid",
    )
    .bind(retire_after)
    .fetch_all(&mut *conn)
    .await
    .map_err(store)?;
    sqlx::query(
        "INSERT INTO signing_keys (kid, pkcs8, created_at, signs_from) VALUES ($1, $2, $3, $4)",
    )
    .bind(kid.clone())
    .bind(pkcs8.to_vec())
    .bind(now)
    .bind(signs_from)
    .execute(&mut *conn)
    .await
    .map_err(store)?;
    Ok(Rotation {
        kid,
        signs_from: crate::clock::rfc3339(signs_from),
        retiring: retiring
            .into_iter()
            .map(|kid| Retiring {
                kid,
                retire_after: crate::clock::rfc3339(retire_after),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(signs_from: Millis, retire_after: Option<Millis>) -> StoredKey {
        StoredKey {
            pkcs8: generate_signing_key().unwrap(),
            signs_from,
            retire_after,
        }
    }

    fn tokens() -> AccessTokens {
        AccessTokens::new(
            &[stored(0, None)],
            "https://auth.example".into(),
            900_000,
            0,
        )
        .unwrap()
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let tokens = tokens();
        let now = 1_700_000_000_000;
        let (token, expires) = tokens
            .issue("u1", "g1", "s1", TokenRole::Patient, now)
            .unwrap();
        assert_eq!(expires, now + 900_000);
        let claims = tokens.verify(token.expose(), now + 1000).unwrap();
        assert_eq!(claims.sub, "u1");
        assert_eq!(claims.sid, "s1");
        assert_eq!(claims.role, TokenRole::Patient);
        assert!(matches!(
            tokens.verify(token.expose(), expires),
            Err(TokenError::Expired)
        ));
    }

    #[test]
    fn another_key_or_a_tampered_token_is_refused() {
        let (one, two) = (tokens(), tokens());
        let (token, _) = one
            .issue("u1", "g1", "s1", TokenRole::Clinician, 0)
            .unwrap();
        assert!(matches!(
            two.verify(token.expose(), 0),
            Err(TokenError::Invalid)
        ));
        let mut tampered = token.expose().to_owned();
        tampered.insert(tampered.len() / 2, 'x');
        assert!(one.verify(&tampered, 0).is_err());
        assert!(one.verify("not.a.jwt", 0).is_err());
    }

    fn kid(token: &SecretString) -> String {
        jsonwebtoken::decode_header(token.expose())
            .unwrap()
            .kid
            .unwrap()
    }

    #[test]
    fn a_new_key_signs_from_its_time_and_the_old_one_checks_until_it_retires() {
        let keys = [stored(0, Some(3_000_000)), stored(1_000_000, None)];
        let issuer = String::from("https://auth.example");
        let tokens = AccessTokens::new(&keys, issuer, 900_000, 500_000).unwrap();
        let old_kid = key_id(&keys[0].pkcs8).unwrap();
        let new_kid = key_id(&keys[1].pkcs8).unwrap();
        let (before, _) = tokens
            .issue("u1", "g1", "s1", TokenRole::Patient, 500_000)
            .unwrap();
        assert_eq!(kid(&before), old_kid, "the next key does not sign yet");
        assert_eq!(tokens.jwks()["keys"].as_array().unwrap().len(), 2);

        tokens.replace(&keys, 1_000_000).unwrap();
        let (after, _) = tokens
            .issue("u1", "g1", "s1", TokenRole::Patient, 1_000_000)
            .unwrap();
        assert_eq!(kid(&after), new_kid);
        tokens.verify(before.expose(), 1_000_001).unwrap();
        tokens.verify(after.expose(), 1_000_001).unwrap();

        tokens.replace(&keys, 3_000_000).unwrap();
        let jwks = tokens.jwks();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
        assert_eq!(jwks["keys"][0]["kid"], new_kid.as_str());
        // A token naming a retired key (its own expiry aside) checks no more.
        assert!(matches!(
            tokens.verify(before.expose(), 0),
            Err(TokenError::Invalid)
        ));
    }

    #[test]
    fn without_a_key_that_may_sign_nothing_changes() {
        let tokens = tokens();
        let (token, _) = tokens
            .issue("u1", "g1", "s1", TokenRole::Patient, 0)
            .unwrap();
        let only_later = [stored(5_000, None)];
        assert!(matches!(
            tokens.replace(&only_later, 0),
            Err(TokenError::Key)
        ));
        tokens.verify(token.expose(), 0).unwrap();
    }

    #[test]
    fn the_jwks_key_checks_tokens() {
        let tokens = tokens();
        let (token, _) = tokens
            .issue("u1", "g1", "s1", TokenRole::Patient, 0)
            .unwrap();
        let jwks = tokens.jwks();
        let x = jwks["keys"][0]["x"].as_str().unwrap();
        let key = DecodingKey::from_ed_components(x).unwrap();
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&[AUDIENCE]);
        validation.validate_exp = false;
        assert!(jsonwebtoken::decode::<Claims>(token.expose(), &key, &validation).is_ok());
    }
}
