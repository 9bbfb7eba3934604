//! What providers answer, read once for every provider: a body read up to a
//! bound, a failure to connect, an HTTP refusal, and the JSON answer of an
//! HTTP messaging API (Twilio, the WhatsApp Cloud API).
//!
//! Invariants: an answer is untrusted input, so a reader never panics on it
//! and never reads more than [`LONGEST_ANSWER`] bytes (a provider that
//! streams without end cannot exhaust the server's memory); what is kept of
//! it is an id (bounded, printable) and a numeric code, never free text,
//! which may quote the recipient's number or the message. Retries follow
//! the status: 5xx, 408 and 429 (and what a provider names as throttling)
//! are retried; other refusals are permanent, so a bad number is not
//! retried for hours.

use crate::outbound::queue::{DeliveryError, TransportName};
use reqwest::StatusCode;

/// The most of a provider's answer that is read; a longer one is cut, and
/// then is not JSON.
pub const LONGEST_ANSWER: usize = 64 * 1024;

/// The longest message id kept from a provider; a longer one is not an id.
const LONGEST_PROVIDER_ID: usize = 128;

/// The body of `response`, at most [`LONGEST_ANSWER`] bytes; what cannot be
/// read ends it (an answer is only ever evidence, never required).
pub async fn read_body(mut response: reqwest::Response) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = LONGEST_ANSWER - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() == LONGEST_ANSWER {
            break;
        }
    }
    body
}

/// The body as JSON, or `null` when it is not JSON.
pub fn json_of(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).unwrap_or(serde_json::Value::Null)
}

/// A provider that could not be reached: always worth a retry.
pub fn unreachable(transport: TransportName, error: &reqwest::Error) -> DeliveryError {
    let summary = if error.is_timeout() {
        "timed out"
    } else {
        "connection failed"
    };
    DeliveryError::transient(transport, summary)
}

/// Whether a refusal with this status is worth a retry.
fn retryable(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
}

/// A refusal by status alone (the clinic's systems). 409 is retried too: a
/// FHIR server answers it to a write that raced another.
pub fn status_error(transport: TransportName, status: StatusCode) -> DeliveryError {
    let summary = format!("HTTP {}", status.as_u16());
    if retryable(status) || status == StatusCode::CONFLICT {
        DeliveryError::transient(transport, summary)
    } else {
        DeliveryError::permanent(transport, summary)
    }
}

/// Where an HTTP messaging API's JSON answer keeps what the queue needs.
pub struct AnswerShape {
    pub transport: TransportName,
    /// The provider's name in a summary: "HTTP 400 (Twilio error 21211)".
    pub provider: &'static str,
    /// JSON pointer to the message id in a success.
    pub id_at: &'static str,
    /// JSON pointer to the numeric error code in a refusal.
    pub code_at: &'static str,
    /// Error codes that mean "slow down": retried whatever the status.
    pub throttling: &'static [i64],
}

/// The provider's message id from a success, or the delivery error of a
/// refusal.
pub fn read_send_answer(
    shape: &AnswerShape,
    status: StatusCode,
    body: &[u8],
) -> Result<Option<String>, DeliveryError> {
    let answer = json_of(body);
    if status.is_success() {
        return Ok(answer
            .pointer(shape.id_at)
            .and_then(serde_json::Value::as_str)
            .filter(|id| {
                !id.is_empty()
                    && id.len() <= LONGEST_PROVIDER_ID
                    && id.bytes().all(|byte| byte.is_ascii_graphic())
            })
            .map(str::to_owned));
    }
    let code = answer
        .pointer(shape.code_at)
        .and_then(serde_json::Value::as_i64);
    let summary = match code {
        Some(code) => format!("HTTP {} ({} error {code})", status.as_u16(), shape.provider),
        None => format!("HTTP {}", status.as_u16()),
    };
    let throttled = code.is_some_and(|code| shape.throttling.contains(&code));
    if retryable(status) || throttled {
        Err(DeliveryError::transient(shape.transport, summary))
    } else {
        Err(DeliveryError::permanent(shape.transport, summary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: AnswerShape = AnswerShape {
        transport: TransportName::Whatsapp,
        provider: "WhatsApp",
        id_at: "/messages/0/id",
        code_at: "/error/code",
        throttling: &[130429],
    };

    #[test]
    fn a_success_gives_the_id_only_when_it_looks_like_one() {
        let ok = |body: &str| read_send_answer(&SHAPE, StatusCode::OK, body.as_bytes());
        assert_eq!(
            ok(r#"{"messages":[{"id":"wamid.HBgL"}]}"#).unwrap(),
            Some("wamid.HBgL".into())
        );
        assert_eq!(ok("not json").unwrap(), None);
        assert_eq!(ok(r#"{"messages":[{"id":""}]}"#).unwrap(), None);
        assert_eq!(ok(r#"{"messages":[{"id":"two words"}]}"#).unwrap(), None);
        let long = format!(r#"{{"messages":[{{"id":"{}"}}]}}"#, "x".repeat(129));
        assert_eq!(ok(&long).unwrap(), None);
    }

    #[test]
    fn refusals_keep_the_numeric_code_and_retry_only_what_may_pass_later() {
        let refused = |status: u16, body: &str| {
            read_send_answer(
                &SHAPE,
                StatusCode::from_u16(status).unwrap(),
                body.as_bytes(),
            )
            .unwrap_err()
        };
        let bad_number = refused(400, r#"{"error":{"code":131026,"message":"+32470123456"}}"#);
        assert!(bad_number.permanent);
        assert_eq!(bad_number.summary, "HTTP 400 (WhatsApp error 131026)");
        assert!(!refused(400, r#"{"error":{"code":130429}}"#).permanent);
        assert!(!refused(429, "").permanent);
        assert!(!refused(408, "").permanent);
        assert!(!refused(503, "<html>").permanent);
        assert_eq!(refused(503, "<html>").summary, "HTTP 503");
        assert!(refused(401, "{}").permanent);
    }

    #[test]
    fn a_conflict_is_retried_for_the_clinic_systems() {
        assert!(!status_error(TransportName::Fhir, StatusCode::CONFLICT).permanent);
        assert!(status_error(TransportName::Fhir, StatusCode::UNPROCESSABLE_ENTITY).permanent);
    }
}
