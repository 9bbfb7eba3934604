//! The clinic's other systems, told of each registration through the
//! durable queue (Konsulin's integrations): the omnichannel contact webhook
//! and the FHIR R4 Patient.
//!
//! Both run as queue jobs written in the registration's own transaction, so
//! a registration and its jobs exist together; a system that is down delays
//! its job (retried with backoff), never loses it. Both are idempotent, so a
//! retry after a lost answer creates nothing twice:
//!
//! - **Omnichannel**: a JSON `contact.created` event signed as Standard
//!   Webhooks specifies (`webhook-id`, `webhook-timestamp`,
//!   `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`);
//!   the id is the job's, the same on every attempt, for the receiver to
//!   drop repeats.
//! - **FHIR**: the Patient with the same phone (else email) gets our
//!   identifier by a versioned update (`If-Match`, read again and retried on
//!   412); when there is none, a conditional create (`If-None-Exist` on our
//!   identifier) makes one. A Patient that already carries our identifier is
//!   left alone.
//!
//! An account deleted by its owner or an operator is told to both as well:
//! `contact.deleted` (the user id, role and time, no name or contact), and
//! on FHIR our identifier is taken off the Patient that carries it (a
//! versioned update, as above); a Patient we created (ours is its only
//! identifier) is also marked inactive, while one the clinic had before
//! stays active: the clinic's record is the clinic's, only the link to an
//! account that no longer exists goes.

use crate::accounts::User;
use crate::clock::{Millis, rfc3339};
use crate::error::ServiceError;
use crate::outbound::answers;
use crate::outbound::queue::{self, Deliver, DeliveryError, SealedJob, TransportName};
use crate::secrets::QueueSealer;
use crate::settings::Settings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{Role, SecretString};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;
use std::time::Duration;
use zeroize::Zeroizing;

/// How many times a FHIR update is read again after a 412 within one attempt.
const FHIR_CONFLICT_RETRIES: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum IntegrationConfigError {
    #[error("omnichannel_webhook_secret must be set with omnichannel_webhook_url")]
    MissingSecret,
    #[error("omnichannel_webhook_secret must be whsec_ followed by base64 (Standard Webhooks)")]
    MalformedSecret,
    #[error("{0} must be an http(s) URL")]
    NotAUrl(&'static str),
    #[error("cannot build the HTTP client for the integrations")]
    Client,
}

/// What happened to the account a job tells of. Jobs queued before
/// deletions were told have none: they are registrations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactEvent {
    #[default]
    Created,
    Deleted,
}

impl ContactEvent {
    fn is_created(&self) -> bool {
        *self == ContactEvent::Created
    }
}

/// What the other systems learn of an account. Sealed in its queue job
/// (a registration holds names and contact details; a deletion none).
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    #[serde(default, skip_serializing_if = "ContactEvent::is_created")]
    pub event: ContactEvent,
    pub user_id: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Only a number the person proved (logged in with).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub registered_at: String,
}

impl Registration {
    fn of(user: &User, now: Millis) -> Self {
        Registration {
            event: ContactEvent::Created,
            user_id: user.id.clone(),
            role: user.role,
            first_name: user.first_name.clone(),
            last_name: user.last_name.clone(),
            email: user.email.clone(),
            phone: user.phone.clone().filter(|_| user.phone_verified),
            registered_at: rfc3339(now),
        }
    }

    /// A deletion: the id and role only; `registered_at` holds the time of
    /// the deletion.
    fn deleted(user: &User, now: Millis) -> Self {
        Registration {
            event: ContactEvent::Deleted,
            user_id: user.id.clone(),
            role: user.role,
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phone: None,
            registered_at: rfc3339(now),
        }
    }
}

struct Omnichannel {
    url: String,
    secret: Zeroizing<Vec<u8>>,
}

struct Fhir {
    base: String,
    token: Option<SecretString>,
    identifier_system: String,
}

pub struct Integrations {
    http: reqwest::Client,
    omnichannel: Option<Omnichannel>,
    fhir: Option<Fhir>,
}

fn http_url(name: &'static str, value: &str) -> Result<String, IntegrationConfigError> {
    let trimmed = value.trim().trim_end_matches('/');
    if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
        Ok(trimmed.to_owned())
    } else {
        Err(IntegrationConfigError::NotAUrl(name))
    }
}

impl Integrations {
    pub fn from_settings(
        settings: &Settings,
        public_url: &str,
    ) -> Result<Self, IntegrationConfigError> {
        let omnichannel = match &settings.omnichannel_webhook_url {
            None => None,
            Some(url) => {
                let secret = settings
                    .omnichannel_webhook_secret
                    .as_ref()
                    .ok_or(IntegrationConfigError::MissingSecret)?;
                let encoded = secret
                    .expose()
                    .strip_prefix("whsec_")
                    .ok_or(IntegrationConfigError::MalformedSecret)?;
                let secret = Zeroizing::new(
                    STANDARD
                        .decode(encoded)
                        .map_err(|_| IntegrationConfigError::MalformedSecret)?,
                );
                Some(Omnichannel {
                    url: http_url("omnichannel_webhook_url", url)?,
                    secret,
                })
            }
        };
        let fhir = match &settings.fhir_base_url {
            None => None,
            Some(base) => Some(Fhir {
                base: http_url("fhir_base_url", base)?,
                token: settings.fhir_bearer_token.clone(),
                identifier_system: settings
                    .fhir_identifier_system
                    .clone()
                    .unwrap_or_else(|| format!("{public_url}/users")),
            }),
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(
                settings.provider_timeout_seconds.max(1),
            ))
            .build()
            .map_err(|_| IntegrationConfigError::Client)?;
        Ok(Integrations {
            http,
            omnichannel,
            fhir,
        })
    }

    /// The jobs a registration makes on this server.
    fn destinations(&self, user: &User) -> Vec<TransportName> {
        let mut destinations = Vec::new();
        if self.omnichannel.is_some() {
            destinations.push(TransportName::Omnichannel);
        }
        // A clinician is a FHIR Practitioner, which the clinic manages itself.
        if self.fhir.is_some() && user.role == Role::Patient {
            destinations.push(TransportName::Fhir);
        }
        destinations
    }

    /// Tells one system of one registration; answers what the system calls
    /// it (the Patient's id), when it says.
    pub async fn deliver(
        &self,
        transport: TransportName,
        job_id: &str,
        registration: &Registration,
    ) -> Result<Option<String>, DeliveryError> {
        let deleted = registration.event == ContactEvent::Deleted;
        match (transport, &self.omnichannel, &self.fhir) {
            (TransportName::Omnichannel, Some(omnichannel), _) => {
                self.send_contact(omnichannel, job_id, registration).await
            }
            (TransportName::Fhir, _, Some(fhir)) if deleted => {
                self.unlink_patient(fhir, &registration.user_id).await
            }
            (TransportName::Fhir, _, Some(fhir)) => self.link_patient(fhir, registration).await,
            _ => Err(DeliveryError::transient(
                transport,
                "not configured on this instance",
            )),
        }
    }

    async fn send_contact(
        &self,
        omnichannel: &Omnichannel,
        job_id: &str,
        registration: &Registration,
    ) -> Result<Option<String>, DeliveryError> {
        let transport = TransportName::Omnichannel;
        let body = match registration.event {
            ContactEvent::Created => json!({
                "type": "contact.created",
                "timestamp": registration.registered_at,
                "data": registration,
            }),
            ContactEvent::Deleted => json!({
                "type": "contact.deleted",
                "timestamp": registration.registered_at,
                "data": {
                    "userId": registration.user_id,
                    "role": registration.role,
                    "deletedAt": registration.registered_at,
                },
            }),
        }
        .to_string();
        let webhook_id = format!("msg_{job_id}");
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp().to_string();
        let signature =
            standard_webhooks_signature(&omnichannel.secret, &webhook_id, &timestamp, &body);
        let response = self
            .http
            .post(&omnichannel.url)
            .header("webhook-id", &webhook_id)
            .header("webhook-timestamp", &timestamp)
            .header("webhook-signature", signature)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|error| answers::unreachable(transport, &error))?;
        let status = response.status();
        if status.is_success() {
            return Ok(None);
        }
        Err(answers::status_error(transport, status))
    }

    fn fhir_request(
        &self,
        fhir: &Fhir,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .request(method, format!("{}/{path}", fhir.base))
            .header(reqwest::header::ACCEPT, "application/fhir+json");
        if let Some(token) = &fhir.token {
            request = request.bearer_auth(token.expose());
        }
        request
    }

    async fn fhir_json(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, Value), DeliveryError> {
        let response = request
            .send()
            .await
            .map_err(|error| answers::unreachable(TransportName::Fhir, &error))?;
        let status = response.status();
        let body = answers::read_body(response).await;
        Ok((status, answers::json_of(&body)))
    }

    /// The searchset of `Patient?<query>`.
    async fn search_patients(&self, fhir: &Fhir, query: &str) -> Result<Value, DeliveryError> {
        let request = self.fhir_request(fhir, reqwest::Method::GET, &format!("Patient?{query}"));
        let (status, bundle) = self.fhir_json(request).await?;
        if !status.is_success() {
            return Err(answers::status_error(TransportName::Fhir, status));
        }
        Ok(bundle)
    }

    /// A versioned update of Patient `id`: its reference once written, or
    /// none when the Patient changed since it was read (412: read it again).
    async fn update_patient(
        &self,
        fhir: &Fhir,
        id: &str,
        if_match: String,
        patient: &Value,
    ) -> Result<Option<String>, DeliveryError> {
        let request = self
            .fhir_request(fhir, reqwest::Method::PUT, &format!("Patient/{id}"))
            .header(reqwest::header::IF_MATCH, if_match)
            .header(reqwest::header::CONTENT_TYPE, "application/fhir+json")
            .body(patient.to_string());
        let (status, _) = self.fhir_json(request).await?;
        if status == reqwest::StatusCode::PRECONDITION_FAILED {
            tracing::info!(patient = %id, "FHIR Patient changed meanwhile; reading it again");
            return Ok(None);
        }
        if !status.is_success() {
            return Err(answers::status_error(TransportName::Fhir, status));
        }
        Ok(Some(format!("Patient/{id}")))
    }

    /// The Patient carrying our identifier for `user_id` loses it, and is
    /// marked inactive if ours was its only identifier (we made it). None
    /// carrying it: nothing to do.
    async fn unlink_patient(
        &self,
        fhir: &Fhir,
        user_id: &str,
    ) -> Result<Option<String>, DeliveryError> {
        let transport = TransportName::Fhir;
        let ours = json!({"system": fhir.identifier_system, "value": user_id});
        let token = format!("{}|{user_id}", fhir.identifier_system);
        let token =
            percent_encoding::utf8_percent_encode(&token, percent_encoding::NON_ALPHANUMERIC);
        for _ in 0..FHIR_CONFLICT_RETRIES {
            let bundle = self
                .search_patients(fhir, &format!("identifier={token}"))
                .await?;
            let Some((id, if_match, patient)) = unlinking(&bundle, &ours)? else {
                return Ok(None);
            };
            if let Some(reference) = self.update_patient(fhir, &id, if_match, &patient).await? {
                return Ok(Some(reference));
            }
        }
        Err(DeliveryError::transient(
            transport,
            "the Patient kept changing while our identifier was taken off",
        ))
    }

    /// The Patient with this person's phone (else email) gets our
    /// identifier; with none, one is created, conditionally.
    async fn link_patient(
        &self,
        fhir: &Fhir,
        registration: &Registration,
    ) -> Result<Option<String>, DeliveryError> {
        let transport = TransportName::Fhir;
        let ours = json!({"system": fhir.identifier_system, "value": registration.user_id});
        let search = match (&registration.phone, &registration.email) {
            (Some(phone), _) => Some(("phone", phone)),
            (None, Some(email)) => Some(("email", email)),
            (None, None) => None,
        };
        if let Some((parameter, value)) = search {
            for _ in 0..FHIR_CONFLICT_RETRIES {
                let value = percent_encoding::utf8_percent_encode(
                    value,
                    percent_encoding::NON_ALPHANUMERIC,
                );
                let bundle = self
                    .search_patients(fhir, &format!("{parameter}={value}"))
                    .await?;
                let (id, if_match, patient) = match linking(&bundle, &ours)? {
                    Linking::Create => break,
                    Linking::Linked(reference) => return Ok(Some(reference)),
                    Linking::Update {
                        id,
                        if_match,
                        patient,
                    } => (id, if_match, patient),
                };
                if let Some(reference) = self.update_patient(fhir, &id, if_match, &patient).await? {
                    return Ok(Some(reference));
                }
            }
        }
        let mut telecom = Vec::new();
        if let Some(phone) = &registration.phone {
            telecom.push(json!({"system": "phone", "value": phone, "use": "mobile"}));
        }
        if let Some(email) = &registration.email {
            telecom.push(json!({"system": "email", "value": email}));
        }
        let patient = json!({
            "resourceType": "Patient",
            "identifier": [ours],
            "active": true,
            "name": [{"family": registration.last_name, "given": [registration.first_name]}],
            "telecom": telecom,
        });
        let condition = format!(
            "identifier={}|{}",
            fhir.identifier_system, registration.user_id
        );
        let request = self
            .fhir_request(fhir, reqwest::Method::POST, "Patient")
            .header("If-None-Exist", condition)
            .header(reqwest::header::CONTENT_TYPE, "application/fhir+json")
            .body(patient.to_string());
        let (status, created) = self.fhir_json(request).await?;
        if !status.is_success() {
            return Err(answers::status_error(transport, status));
        }
        Ok(created["id"]
            .as_str()
            .filter(|id| is_fhir_id(id))
            .map(|id| format!("Patient/{id}")))
    }
}

/// `v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`.
pub fn standard_webhooks_signature(secret: &[u8], id: &str, timestamp: &str, body: &str) -> String {
    let digest = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.as_bytes());
            mac.update(b".");
            mac.update(body.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; this arm cannot run.
        Err(_) => Vec::new(),
    };
    format!("v1,{}", STANDARD.encode(digest))
}

/// What the answer to a Patient search asks of us.
#[derive(Debug, PartialEq)]
pub enum Linking {
    /// No Patient has this phone or email: create one.
    Create,
    /// The Patient found already carries our identifier: its reference.
    Linked(String),
    /// Put `patient` (the one found, with our identifier added) back as
    /// `Patient/{id}`, if it is still at the version `if_match` names.
    Update {
        id: String,
        if_match: String,
        patient: Value,
    },
}

/// FHIR's `id` type (R4 §2.24.0.1): 1 to 64 of `A-Z a-z 0-9 - .`. An id
/// goes into a URL path and a version into a header, so anything else from
/// the server is refused rather than sent back.
fn is_fhir_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'.')
}

/// The `If-Match` for a versioned update of `patient` (its weak ETag).
fn if_match_of(patient: &Value) -> Result<String, DeliveryError> {
    patient
        .pointer("/meta/versionId")
        .and_then(Value::as_str)
        .filter(|version| is_fhir_id(version))
        .map(|version| format!("W/\"{version}\""))
        .ok_or_else(|| {
            DeliveryError::permanent(
                TransportName::Fhir,
                "the FHIR server gave a Patient without a valid meta.versionId",
            )
        })
}

/// Reads a searchset `bundle` for the Patient to give our identifier
/// `ours` (`{"system", "value"}`). The FHIR server is another system: a
/// Patient without a usable id or version is a permanent error, not a guess.
pub fn linking(bundle: &Value, ours: &Value) -> Result<Linking, DeliveryError> {
    let transport = TransportName::Fhir;
    let Some(mut patient) = bundle
        .pointer("/entry/0/resource")
        .filter(|resource| resource["resourceType"] == "Patient")
        .cloned()
    else {
        return Ok(Linking::Create);
    };
    let Some(id) = patient["id"].as_str().filter(|id| is_fhir_id(id)) else {
        return Err(DeliveryError::permanent(
            transport,
            "the FHIR server gave a Patient without a valid id",
        ));
    };
    let id = id.to_owned();
    let identifiers = patient["identifier"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if identifiers.iter().any(|identifier| {
        identifier["system"] == ours["system"] && identifier["value"] == ours["value"]
    }) {
        return Ok(Linking::Linked(format!("Patient/{id}")));
    }
    let if_match = if_match_of(&patient)?;
    let mut with_ours = identifiers;
    with_ours.push(ours.clone());
    patient["identifier"] = Value::Array(with_ours);
    Ok(Linking::Update {
        id,
        if_match,
        patient,
    })
}

/// A searchset `bundle` read for the Patient carrying our identifier
/// `ours`: its id, the `If-Match` of its version, and the Patient without
/// ours (and inactive if ours was its only one). None when no Patient
/// carries it.
pub fn unlinking(
    bundle: &Value,
    ours: &Value,
) -> Result<Option<(String, String, Value)>, DeliveryError> {
    let transport = TransportName::Fhir;
    let Some(mut patient) = bundle
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.get("resource"))
        .find(|resource| {
            resource["resourceType"] == "Patient"
                && resource["identifier"]
                    .as_array()
                    .is_some_and(|identifiers| {
                        identifiers.iter().any(|identifier| {
                            identifier["system"] == ours["system"]
                                && identifier["value"] == ours["value"]
                        })
                    })
        })
        .cloned()
    else {
        return Ok(None);
    };
    let Some(id) = patient["id"]
        .as_str()
        .filter(|id| is_fhir_id(id))
        .map(str::to_owned)
    else {
        return Err(DeliveryError::permanent(
            transport,
            "the FHIR server gave a Patient without a valid id",
        ));
    };
    let if_match = if_match_of(&patient)?;
    let others: Vec<Value> = patient["identifier"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|identifier| {
            !(identifier["system"] == ours["system"] && identifier["value"] == ours["value"])
        })
        .cloned()
        .collect();
    if others.is_empty() {
        patient["active"] = Value::Bool(false);
        if let Some(fields) = patient.as_object_mut() {
            fields.remove("identifier");
        }
    } else {
        patient["identifier"] = Value::Array(others);
    }
    Ok(Some((id, if_match, patient)))
}

/// The integrations carry the jobs that are registrations and deletions.
impl Deliver for Integrations {
    fn carries(&self, transport: TransportName) -> bool {
        matches!(transport, TransportName::Omnichannel | TransportName::Fhir)
    }

    fn deliver<'a>(
        &'a self,
        transport: TransportName,
        job_id: &'a str,
        body: &'a [u8],
    ) -> futures::future::BoxFuture<'a, Result<Option<String>, DeliveryError>> {
        Box::pin(async move {
            let registration: Registration = serde_json::from_slice(body).map_err(|_| {
                DeliveryError::permanent(transport, "sealed body missing or unreadable")
            })?;
            Integrations::deliver(self, transport, job_id, &registration).await
        })
    }
}

/// What queues the jobs that tell the clinic's systems, in the caller's
/// transaction (leased to this instance): a running server has one
/// (`AppState::teller`); the command line has none, and its deletions are
/// not told.
pub struct Teller<'a> {
    pub integrations: &'a Integrations,
    pub sealer: &'a QueueSealer,
    pub lease_ms: Millis,
}

impl Teller<'_> {
    /// The jobs that tell the other systems of `user`'s registration; hand
    /// them to the local lane once committed.
    pub async fn registration(
        &self,
        conn: &mut sqlx::AnyConnection,
        user: &User,
        now: Millis,
    ) -> Result<Vec<SealedJob>, ServiceError> {
        self.enqueue(conn, user, &Registration::of(user, now), now)
            .await
    }

    /// The jobs that tell the other systems that `user`'s account was
    /// deleted (none for a guest, never announced); hand them to the local
    /// lane once committed.
    pub async fn deletion(
        &self,
        conn: &mut sqlx::AnyConnection,
        user: &User,
        now: Millis,
    ) -> Result<Vec<SealedJob>, ServiceError> {
        if user.guest {
            return Ok(Vec::new());
        }
        self.enqueue(conn, user, &Registration::deleted(user, now), now)
            .await
    }

    async fn enqueue(
        &self,
        conn: &mut sqlx::AnyConnection,
        user: &User,
        registration: &Registration,
        now: Millis,
    ) -> Result<Vec<SealedJob>, ServiceError> {
        let plain = Zeroizing::new(
            serde_json::to_vec(registration)
                .map_err(|_| ServiceError::Internal("registration encoding".into()))?,
        );
        let mut jobs = Vec::new();
        for transport in self.integrations.destinations(user) {
            let id = crate::db::new_id(now);
            let sealed = self
                .sealer
                .seal(&id, &plain)
                .map_err(|error| ServiceError::Internal(error.to_string()))?;
            let job = SealedJob {
                id,
                transport,
                sealed,
            };
            queue::enqueue(conn, &job, now, self.lease_ms).await?;
            jobs.push(job);
        }
        Ok(jobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deletion_takes_our_identifier_off_and_deactivates_only_a_patient_we_made() {
        let ours = json!({"system": "https://auth.example/users", "value": "u1"});
        let bundle = |identifiers: Value| {
            json!({"resourceType": "Bundle", "entry": [{"resource": {
                "resourceType": "Patient", "id": "p1", "meta": {"versionId": "7"},
                "active": true, "identifier": identifiers}}]})
        };
        let mrn = json!({"system": "https://clinic.example/mrn", "value": "MRN-1"});
        let (id, if_match, kept) = unlinking(&bundle(json!([mrn, ours])), &ours)
            .unwrap()
            .unwrap();
        assert_eq!((id.as_str(), if_match.as_str()), ("p1", "W/\"7\""));
        assert_eq!(kept["identifier"], json!([mrn]));
        assert_eq!(kept["active"], true);
        let (_, _, made) = unlinking(&bundle(json!([ours])), &ours).unwrap().unwrap();
        assert_eq!(made["active"], false);
        assert!(made.get("identifier").is_none());
        // None carries ours (or nothing was found): nothing to do.
        assert!(unlinking(&bundle(json!([mrn])), &ours).unwrap().is_none());
        assert!(
            unlinking(&json!({"resourceType": "Bundle"}), &ours)
                .unwrap()
                .is_none()
        );
        // A Patient we cannot address is the server's error, not a guess.
        let mut broken = bundle(json!([ours]));
        broken["entry"][0]["resource"]["id"] = json!("../x");
        assert!(unlinking(&broken, &ours).is_err());
    }

    #[test]
    fn the_signature_follows_standard_webhooks() {
        // The example of the Standard Webhooks reference libraries.
        let secret = STANDARD.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = standard_webhooks_signature(
            &secret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn secrets_and_urls_are_checked() {
        let settings = |url: &str, secret: Option<&str>| Settings {
            omnichannel_webhook_url: Some(url.into()),
            omnichannel_webhook_secret: secret.map(Into::into),
            ..Settings::default()
        };
        let error = |settings: Settings| {
            Integrations::from_settings(&settings, "https://auth.example")
                .err()
                .map(|error| error.to_string())
                .unwrap_or_default()
        };
        assert!(error(settings("https://hooks.example/h", None)).contains("must be set"));
        assert!(error(settings("https://hooks.example/h", Some("plain"))).contains("whsec_"));
        assert!(error(settings("hooks.example", Some("whsec_AAAA"))).contains("http(s) URL"));
        assert!(
            Integrations::from_settings(
                &settings(
                    "https://hooks.example/h",
                    Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                ),
                "https://auth.example"
            )
            .is_ok()
        );
    }
}
