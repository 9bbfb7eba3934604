//! Each person's language, against a real server on port 0 (SQLite and
//! PostgreSQL): a French patient's codes by email (through a real SMTP
//! server, read back as a mail program decodes it) and by SMS, and her
//! security notices, are French; whoever has no language gets the server's
//! default; a language is changed, and one the server lacks is kept and
//! falls back to the default;
//! a magic link's page is in the language of the login, else the browser's.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, SupportServer, TestServer, unique_email, unique_phone, with_smtp};
use serde_json::json;

on_both_databases!(
    a_french_patient_gets_her_codes_and_notices_in_french,
    whoever_has_no_language_gets_the_server_default,
    a_person_changes_her_language_and_one_the_server_lacks_falls_back_to_the_default,
    a_link_s_page_is_in_the_login_s_language_else_the_browser_s,
);

/// The code in a mail's decoded text.
fn code_of(text: &str) -> String {
    common::code_in(&json!({ "body": text }))
}

async fn a_french_patient_gets_her_codes_and_notices_in_french(backend: Backend) {
    let sink = SupportServer::smtp_sink(0).await;
    let port = sink.port;
    let server = TestServer::start_with(backend, |settings| {
        with_smtp(settings, port);
        // Email by SMTP; SMS to the outbox.
        settings.channel = "smtp,outbox".into();
    })
    .await;
    let clinician_phone = unique_phone();
    let clinician = server
        .sign_in(json!({
            "phone": clinician_phone,
            "firstName": "Gregory",
            "lastName": "House",
            "role": "clinician",
        }))
        .await;
    let clinician_sms = &server.wait_for_messages(&clinician_phone, 1).await[0];
    assert!(
        clinician_sms["body"]
            .as_str()
            .unwrap()
            .starts_with("Your CareKey code is "),
        "no language given: the default, English: {clinician_sms}"
    );

    // She registers from an app in Belgian French.
    let email = unique_email();
    let device = Device::new();
    let request_id = server
        .request_id(
            &device,
            json!({
                "email": email,
                "firstName": "Amélie",
                "lastName": "Dubois",
                "role": "patient",
                "responsibleClinicianId": clinician.user_id,
                "language": "fr-BE",
            }),
        )
        .await;
    let mail = sink.wait_for(1).await[0].clone();
    assert_eq!(mail["to"], json!([email]));
    let text = mail["text"].as_str().unwrap();
    let code = code_of(text);
    assert_eq!(
        mail["subject"],
        format!("Votre code CareKey\u{a0}: {code}"),
        "{mail}"
    );
    assert!(text.starts_with("Bonjour,"), "{text}");
    assert!(
        text.contains(&format!("Votre code CareKey est {code}")),
        "{text}"
    );
    assert!(
        text.contains("Il est valable ") && text.contains(" minutes, sur l'appareil"),
        "{text}"
    );
    assert!(text.contains("communiquez jamais"), "{text}");
    let session = server.complete(&device, &request_id, &code).await;
    let token = session.ok()["accessToken"].as_str().unwrap().to_owned();
    let me = server.get("/v1/me", Some(&token)).await;
    assert_eq!(me.ok()["language"], "fr", "the account keeps her language");

    // Her phone's code comes by SMS, in French: the account's language.
    let phone = unique_phone();
    server
        .post_as("/v1/me/phone", &token, &json!({"phone": phone}))
        .await
        .ok();
    let sms = &server.wait_for_messages(&phone, 1).await[0];
    let body = sms["body"].as_str().unwrap();
    assert!(
        body.starts_with("Votre code CareKey est ")
            && body.contains("Ne le communiquez à personne."),
        "{body}"
    );
    assert!(
        body.ends_with(&format!("@auth.carekey.test #{}", common::code_in(sms))),
        "{body}"
    );

    // A second key is a notice, in French too.
    let patient = common::Registered {
        user_id: me.body["userId"].as_str().unwrap().to_owned(),
        access_token: token.clone(),
        refresh_token: String::new(),
        device,
    };
    server.register_key(&patient).await;
    server.register_key(&patient).await;
    let notice = sink.wait_for(2).await[1].clone();
    assert_eq!(
        notice["subject"], "CareKey\u{a0}: une modification de votre compte",
        "{notice}"
    );
    let text = notice["text"].as_str().unwrap();
    assert!(
        text.contains("Une nouvelle clé de chiffrement (empreinte "),
        "{text}"
    );
    assert!(!text.contains('{') && !text.contains("$"), "{text}");
    sink.stop().await;
    server.stop().await;
}

async fn whoever_has_no_language_gets_the_server_default(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        settings.default_language = "nl".into();
    })
    .await;
    let email = unique_email();
    let registered = server
        .sign_in(json!({
            "email": email,
            "firstName": "Anke",
            "lastName": "Peeters",
            "role": "clinician",
        }))
        .await;
    let message = &server.wait_for_messages(&email, 1).await[0];
    let code = common::code_in(message);
    assert_eq!(message["subject"], format!("Uw CareKey-code: {code}"));
    let me = server.get("/v1/me", Some(&registered.access_token)).await;
    assert!(
        me.ok().get("language").is_none(),
        "no language of hers is kept: she follows the default: {}",
        me.body
    );
    // An address no account uses is told so in the language asked for,
    // else the default.
    let stranger = unique_email();
    server
        .start_request(&Device::new(), json!({"email": stranger}))
        .await
        .ok();
    server
        .start_request(&Device::new(), json!({"email": stranger, "language": "id"}))
        .await
        .ok();
    let told = server.wait_for_messages(&stranger, 2).await;
    assert_eq!(
        told[0]["subject"],
        "CareKey: geen account gebruikt dit adres"
    );
    assert_eq!(
        told[1]["subject"],
        "CareKey: tidak ada akun yang memakai alamat ini"
    );
    server.stop().await;
}

async fn a_person_changes_her_language_and_one_the_server_lacks_falls_back_to_the_default(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let user = server
        .sign_in(json!({
            "email": email,
            "firstName": "Siti",
            "lastName": "Rahayu",
            "role": "clinician",
        }))
        .await;
    for not_a_tag in ["français", "fr_BE!", "", "x"] {
        server
            .put(
                "/v1/me/language",
                &user.access_token,
                &json!({"language": not_a_tag}),
            )
            .await
            .error(400, "invalid_request");
    }
    // A language the server has no catalog in is kept as she chose it; her
    // messages come in the server's default until an operator adds it.
    let kept = server
        .put(
            "/v1/me/language",
            &user.access_token,
            &json!({"language": "de-ch"}),
        )
        .await;
    assert_eq!(kept.ok()["language"], "de-CH");
    server
        .start_request(&Device::new(), json!({"email": email}))
        .await
        .ok();
    let message = &server.wait_for_messages(&email, 2).await[1];
    assert_eq!(
        message["subject"],
        format!("Your CareKey code: {}", common::code_in(message))
    );
    let changed = server
        .put(
            "/v1/me/language",
            &user.access_token,
            &json!({"language": "id-ID"}),
        )
        .await;
    assert_eq!(changed.ok()["language"], "id");
    // A login from a client that gives no language: her own.
    let device = Device::new();
    server
        .start_request(&device, json!({"email": email}))
        .await
        .ok();
    let message = &server.wait_for_messages(&email, 3).await[2];
    assert_eq!(
        message["subject"],
        format!("Kode CareKey Anda: {}", common::code_in(message))
    );
    // The app's language, when it gives one, is the one she reads now.
    server
        .start_request(&Device::new(), json!({"email": email, "language": "nl"}))
        .await
        .ok();
    let message = &server.wait_for_messages(&email, 4).await[3];
    assert_eq!(
        message["subject"],
        format!("Uw CareKey-code: {}", common::code_in(message))
    );
    let me = server.get("/v1/me", Some(&user.access_token)).await;
    assert_eq!(
        me.ok()["language"],
        "id",
        "a start names a language for its message; it never changes the account's"
    );
    server.stop().await;
}

async fn a_link_s_page_is_in_the_login_s_language_else_the_browser_s(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    server
        .start_request(
            &Device::new(),
            json!({
                "email": email,
                "firstName": "Budi",
                "lastName": "Santoso",
                "role": "clinician",
                "language": "id",
                "deviceName": "CareKey di Linux",
            }),
        )
        .await
        .ok();
    let message = &server.wait_for_messages(&email, 1).await[0];
    let path = common::link_path(message);
    // The login's language wins over the browser's.
    let page = server
        .send(
            server
                .http
                .get(server.url(&path))
                .header("accept-language", "fr-BE,fr;q=0.9"),
        )
        .await;
    let html = page.body.as_str().unwrap();
    assert!(html.contains("<html lang=\"id\">"), "{html}");
    assert!(html.contains("<h1>Masuk ke CareKey</h1>"), "{html}");
    assert!(html.contains(">Buka CareKey</a>"), "{html}");
    assert!(
        html.contains("pukul"),
        "the date as Indonesian writes it: {html}"
    );
    assert!(html.contains("&quot;CareKey di Linux&quot;"), "{html}");

    // A link that is no link: the browser's language.
    let broken = server
        .send(
            server
                .http
                .get(server.url("/l/not-a-link"))
                .header("accept-language", "nl-BE, nl;q=0.9, en;q=0.5"),
        )
        .await;
    assert_eq!(broken.status, 404);
    let html = broken.body.as_str().unwrap();
    assert!(html.contains("<html lang=\"nl\">"), "{html}");
    assert!(html.contains("Dit is geen CareKey-link"), "{html}");
    let unknown = server
        .send(
            server
                .http
                .get(server.url("/l/not-a-link"))
                .header("accept-language", "de-CH"),
        )
        .await;
    assert!(
        unknown
            .body
            .as_str()
            .unwrap()
            .contains("This is not a CareKey link"),
        "a language the server lacks: its default"
    );
    server.stop().await;
}
