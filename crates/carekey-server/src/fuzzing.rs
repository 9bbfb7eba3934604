//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz, libFuzzer):
//! one per parser of what reaches the server from outside: people's
//! contacts as typed, a WhatsApp notification (after its signature), the
//! answers of the providers it calls (Twilio, the WhatsApp Cloud API, the
//! captcha verifiers, a FHIR server), and the JSON bodies of the public API,
//! sent through the real router on a real SQLite database.
//!
//! Invariant: an entry point never panics on any input unless a property
//! is broken, so every crash libFuzzer reports is a bug. Compiled with the
//! `fuzz` feature (the fuzz crate turns it on) and for the tests;
//! `carekey-core`'s tests replay every saved finding in `fuzz/regressions/`.
//! It stands above every flow, like `app`.

use crate::app::Prepared;
use crate::error::ServiceError;
use crate::identity::{Contact, normalise_email, normalise_phone};
use crate::outbound::answers::{self, LONGEST_ANSWER};
use crate::outbound::channels::ANSWER_SHAPES;
use crate::outbound::integrations::{Linking, linking, unlinking};
use crate::settings::CaptchaKind;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};
use std::net::SocketAddr;
use std::sync::OnceLock;
use tower::ServiceExt;

/// Emails and phone numbers as a requester types them: what the server
/// accepts is normalised, normalising it again changes nothing, and the
/// contact built from it keys and masks (for logs) without panicking.
pub fn contact(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(email) = normalise_email(&text) {
        assert_eq!(normalise_email(&email).as_deref(), Ok(email.as_str()));
    }
    if let Ok(phone) = normalise_phone(&text) {
        assert!(phone.starts_with('+') && phone[1..].bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(normalise_phone(&phone).as_deref(), Ok(phone.as_str()));
    }
    for contact in [Contact::email(&text), Contact::phone(&text)]
        .into_iter()
        .flatten()
    {
        let _ = (contact.masked(), contact.key());
    }
}

/// A WhatsApp Cloud API notification whose signature was checked: any body
/// is read or refused as a bad request, and a reference found in a message
/// is one the bot issues.
pub fn whatsapp_notification(data: &[u8]) {
    match crate::login::whatsapp::received(data) {
        Ok(messages) => {
            for message in messages {
                if let Some(reference) = message.reference {
                    assert_eq!(
                        crate::login::whatsapp::find_reference(&reference).as_deref(),
                        Some(reference.as_str())
                    );
                }
            }
        }
        Err(error) => assert!(matches!(error, ServiceError::InvalidRequest(_))),
    }
}

/// The providers' answers. The first byte chooses the provider, the next
/// two the HTTP status; the rest is the body. Every answer gives a result
/// (never a panic), ids kept are short and printable, a refusal is never
/// taken for a success, and the FHIR server's ids go back only as FHIR ids.
pub fn provider_answer(data: &[u8]) {
    let [which, high, low, body @ ..] = data else {
        return;
    };
    let body = &body[..body.len().min(LONGEST_ANSWER)];
    let Ok(status) = reqwest::StatusCode::from_u16(100 + u16::from_be_bytes([*high, *low]) % 900)
    else {
        return;
    };
    match which % 5 {
        shape @ 0..=1 => {
            let shape = ANSWER_SHAPES[usize::from(shape)];
            let answer = answers::read_send_answer(shape, status, body);
            match answer {
                Ok(id) => {
                    assert!(status.is_success());
                    assert!(id.is_none_or(
                        |id| id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
                    ));
                }
                Err(error) => {
                    assert!(!status.is_success());
                    assert!(error.summary.len() < 80, "{}", error.summary);
                }
            }
        }
        kind @ 2..=3 => {
            let kind = if kind == 2 {
                CaptchaKind::Recaptcha
            } else {
                CaptchaKind::Friendlycaptcha
            };
            let verdict = crate::outbound::captcha::verdict(kind, 0.5, status, body);
            if verdict.is_ok() {
                let answer: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
                assert_eq!(answer["success"], true);
            }
        }
        _ => {
            let bundle = answers::json_of(body);
            let ours = serde_json::json!({"system": "urn:carekey:user", "value": "u1"});
            if let Ok(Linking::Update {
                id,
                if_match,
                patient,
            }) = linking(&bundle, &ours)
            {
                assert!(
                    id.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                );
                assert!(axum::http::HeaderValue::from_str(&if_match).is_ok());
                let identifiers = patient["identifier"].as_array();
                assert!(identifiers.is_some_and(|list| list.contains(&ours)));
            }
            // A deletion takes ours off; a Patient left with none is inactive.
            if let Ok(Some((id, if_match, patient))) = unlinking(&bundle, &ours) {
                assert!(
                    id.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                );
                assert!(axum::http::HeaderValue::from_str(&if_match).is_ok());
                match patient["identifier"].as_array() {
                    Some(list) => assert!(!list.is_empty() && !list.contains(&ours)),
                    None => assert_eq!(patient["active"], false),
                }
            }
        }
    }
}

/// A server on a SQLite file in a folder of its own, with its router, the
/// routes that take a body, and a session of a registered patient.
struct ApiHarness {
    runtime: tokio::runtime::Runtime,
    router: Router,
    routes: Vec<(Method, String)>,
    bearer: String,
    user_id: String,
    _prepared: Prepared,
    _dir: tempfile::TempDir,
}

fn harness() -> &'static ApiHarness {
    static HARNESS: OnceLock<ApiHarness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|error| panic!("a runtime for the harness: {error}"));
        // One runtime for everything: the pool's tasks and the job drain
        // run whenever an input is sent through it.
        let (router, routes, bearer, user_id, prepared, dir) = runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap_or_else(|error| panic!("a folder: {error}"));
            // Limits high enough that the fuzzer reaches the handlers, not
            // only the rate limiter; the outbox in the folder.
            let settings = crate::Settings {
                database_url: format!("sqlite://{}", dir.path().join("fuzz.db").display()),
                outbox_file: dir.path().join("outbox.jsonl").display().to_string(),
                send_limit_per_identifier: 1_000_000,
                send_limit_per_identifier_total: 1_000_000,
                send_limit_per_ip: 1_000_000,
                send_limit_per_phone_prefix: 1_000_000,
                ..crate::Settings::default()
            };
            let address = SocketAddr::from(([127, 0, 0, 1], 8080));
            let mut prepared = crate::app::prepare(&settings, crate::Clock::system(), address)
                .await
                .unwrap_or_else(|error| panic!("the server's state: {error}"));
            // Queued jobs are dropped: delivering them is not what is fuzzed.
            let mut jobs = std::mem::replace(
                &mut prepared.local_jobs,
                tokio::sync::mpsc::unbounded_channel().1,
            );
            tokio::spawn(async move { while jobs.recv().await.is_some() {} });
            let state = prepared.state.clone();
            let (bearer, user_id) = patient_session(&state)
                .await
                .unwrap_or_else(|error| panic!("a patient's session: {error}"));
            let (_, document) = crate::app::routes::api().split_for_parts();
            let routes = with_bodies(&document);
            assert!(routes.len() > 20, "{routes:?}");
            let router = crate::app::routes::router(state);
            (router, routes, bearer, user_id, prepared, dir)
        });
        ApiHarness {
            runtime,
            router,
            routes,
            bearer,
            user_id,
            _prepared: prepared,
            _dir: dir,
        }
    })
}

/// Registers a patient and opens a session, as a completed login does.
async fn patient_session(state: &crate::state::AppState) -> Result<(String, String), ServiceError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let registration = crate::accounts::Registration {
        first_name: "Fuzz".into(),
        last_name: "Patient".into(),
        role: carekey_api::Role::Patient,
        responsible_clinician_id: None,
        email: Some("fuzz.patient@example.org".into()),
        phone: None,
        invitation_id: None,
        language: None,
    };
    let user = crate::accounts::create(&mut tx, &registration, &state.group_id, now).await?;
    let user_id = user.id.clone();
    let issued = crate::sessions::open(state, &mut tx, user, (None, None), now).await?;
    tx.commit().await?;
    Ok((issued.access_token.expose().to_owned(), user_id))
}

/// The documented operations that read a request body.
fn with_bodies(document: &utoipa::openapi::OpenApi) -> Vec<(Method, String)> {
    let json = serde_json::to_value(document).unwrap_or_default();
    let mut routes = Vec::new();
    for (path, item) in json["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            if operation.get("requestBody").is_some() {
                routes.push((method, path.clone()));
            }
        }
    }
    routes.sort();
    routes
}

/// A JSON body to one of the public API's operations that take one. The
/// first byte chooses the operation; the second whether it is sent with
/// the patient's bearer token, which id fills the path, and the client's
/// address. The server answers every body with a status below 500 and an
/// `{code, message}` error, or a success; a panic or a 500 is a bug.
pub fn api_body(data: &[u8]) {
    let Some((operation, status, error)) = send(data) else {
        return;
    };
    assert!(status < 500, "{operation}: {status}");
    if (400..500).contains(&status) {
        assert!(
            error["code"].is_string() && error["message"].is_string(),
            "{operation}: {status} {error}"
        );
    }
}

/// Sends an [`api_body`] input: the operation as sent, the status, and
/// the body when it is JSON.
fn send(data: &[u8]) -> Option<(String, u16, serde_json::Value)> {
    let [route, flags, body @ ..] = data else {
        return None;
    };
    let harness = harness();
    let (method, path) = &harness.routes[usize::from(*route) % harness.routes.len()];
    let id = match flags >> 1 & 3 {
        0 => harness.user_id.as_str(),
        1 => "0190a0b2-7c1e-7000-8000-4f6e3c2d1a00",
        2 => "x",
        _ => "",
    };
    let path = path
        .replace("{id}", id)
        .replace(
            "{kind}",
            if flags & 8 == 0 {
                "password"
            } else {
                "recovery"
            },
        )
        .replace("{token}", "x.y");
    let mut request = Request::builder()
        .method(method.clone())
        .uri(&path)
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/json");
    if flags & 1 == 1 {
        request = request.header("authorization", format!("Bearer {}", harness.bearer));
    }
    let mut request = request.body(Body::from(body.to_vec())).ok()?;
    let peer = SocketAddr::from(([10, 0, flags >> 4, *route], 40000));
    request.extensions_mut().insert(ConnectInfo(peer));
    let (status, bytes) = harness.runtime.block_on(async {
        let Ok(response) = harness.router.clone().oneshot(request).await;
        let status = response.status();
        (
            status,
            axum::body::to_bytes(response.into_body(), 1 << 20).await,
        )
    });
    let json = bytes
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    Some((format!("{method} {path}"), status.as_u16(), json))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_points_hold_on_real_inputs() {
        contact(b"Ann.Example@Example.ORG");
        contact(b"+32 470 12 34 56");
        whatsapp_notification(
            br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[{"from":"32470123456","id":"wamid.1","type":"text","text":{"body":"Log me in: CK-ABCDEFGH"}}]}}]}]}"#,
        );
        whatsapp_notification(b"[]");
        provider_answer(b"\x00\x00\x65{\"sid\":\"SM123\"}");
        provider_answer(b"\x01\x01\x2c{\"error\":{\"code\":131026}}");
        provider_answer(b"\x02\x00\x64{\"success\":true,\"score\":0.9}");
        provider_answer(b"\x04\x00\x64{\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"3\"}}}]}");
    }

    #[test]
    fn the_api_harness_reaches_the_handlers_with_and_without_a_session() {
        let harness = harness();
        let index = |method: Method, path: &str| {
            harness
                .routes
                .iter()
                .position(|route| route.0 == method && route.1 == path)
                .unwrap() as u8
        };
        let start = index(Method::POST, "/v1/auth/start");
        let mut input = vec![start, 0];
        input.extend_from_slice(
            br#"{"email":"someone@example.org","deviceChallenge":"x","role":"PATIENT","firstName":"A","lastName":"B"}"#,
        );
        let (_, status, answer) = send(&input).unwrap();
        assert_eq!(status, 400, "{answer}");
        assert_eq!(answer["code"], "invalid_request", "{answer}");
        api_body(&input);
        let settings = index(Method::PUT, "/v1/me/settings");
        let body = br#"{"unknown": [1, 2, {}]}"#;
        let anonymous = [&[settings, 0][..], body].concat();
        assert_eq!(send(&anonymous).unwrap().1, 401);
        let with_session = [&[settings, 1][..], body].concat();
        let (operation, status, answer) = send(&with_session).unwrap();
        assert_eq!(operation, "PUT /v1/me/settings");
        assert!(
            status == 200 || status == 400 || status == 422,
            "{status} {answer}"
        );
        api_body(&with_session);
        api_body(&[settings, 1, 0xff, 0xfe]);
    }
}
