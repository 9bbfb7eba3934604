//! Access tokens: short-lived JWTs signed with the server's Ed25519 key,
//! published as a JWKS so other services can check them without calling us.

use crate::clock::Millis;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use carekey_api::{Role, SecretString};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
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

pub struct AccessTokens {
    signing: SigningKey,
    /// The JWS header, encoded once.
    encoded_header: String,
    decoding: DecodingKey,
    validation: Validation,
    header: Header,
    public_key: [u8; 32],
    issuer: String,
    ttl_ms: Millis,
}

/// A new Ed25519 key as PKCS#8 DER, the form kept in the database.
pub fn generate_signing_key() -> Result<Zeroizing<Vec<u8>>, TokenError> {
    let key = SigningKey::generate(&mut crate::secrets::os_random());
    key.to_pkcs8_der()
        .map(|der| Zeroizing::new(der.as_bytes().to_vec()))
        .map_err(|_| TokenError::Key)
}

impl AccessTokens {
    pub fn new(pkcs8_der: &[u8], issuer: String, ttl_ms: Millis) -> Result<Self, TokenError> {
        let key = SigningKey::from_pkcs8_der(pkcs8_der).map_err(|_| TokenError::Key)?;
        let public_key = key.verifying_key().to_bytes();
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(URL_SAFE_NO_PAD.encode(&Sha256::digest(public_key)[..12]));
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_audience(&[AUDIENCE]);
        validation.set_issuer(&[issuer.as_str()]);
        // Expiry is checked against the server's clock (which tests move), below.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        let encoded_header =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).map_err(|_| TokenError::Key)?);
        Ok(AccessTokens {
            signing: key,
            encoded_header,
            decoding: DecodingKey::from_ed_der(&public_key),
            validation,
            header,
            public_key,
            issuer,
            ttl_ms,
        })
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
        let mut token = String::with_capacity(self.encoded_header.len() + payload.len() * 2 + 90);
        token.push_str(&self.encoded_header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let signature = ed25519_dalek::Signer::sign(&self.signing, token.as_bytes());
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature.to_bytes(), &mut token);
        Ok((SecretString::new(token), expires))
    }

    pub fn verify(&self, token: &str, now: Millis) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|_| TokenError::Invalid)?;
        if data.claims.exp.saturating_mul(1000) <= now {
            return Err(TokenError::Expired);
        }
        Ok(data.claims)
    }

    /// The public half as a JSON Web Key Set (RFC 8037 OKP key).
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({
            "keys": [{
                "kty": "OKP",
                "crv": "Ed25519",
                "alg": "EdDSA",
                "use": "sig",
                "kid": self.header.kid,
                "x": URL_SAFE_NO_PAD.encode(self.public_key),
            }]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> AccessTokens {
        let der = generate_signing_key().unwrap();
        AccessTokens::new(&der, "https://auth.example".into(), 900_000).unwrap()
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
