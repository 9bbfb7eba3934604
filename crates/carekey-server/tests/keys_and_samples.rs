//! Key backups, key transfers, the audit log and encrypted data samples over
//! HTTP, against a real server on port 0, once on SQLite and once on
//! PostgreSQL. Envelopes and ciphertexts are opaque to the server, so plain
//! bytes stand in for them here; the client core's tests seal real ones.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Backend, TestServer};
use serde_json::{Value, json};

on_both_databases!(
    backups_are_versioned_limited_and_audited,
    a_transfer_waits_for_the_same_user_and_is_taken_once,
    samples_are_shared_with_the_responsible_clinician_only,
);

fn envelope(fill: u8, len: usize) -> String {
    STANDARD.encode(vec![fill; len])
}

async fn backups_are_versioned_limited_and_audited(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        settings.backup_fetches_per_hour = 3;
        // The test waits out the hourly window on one access token.
        settings.access_token_ttl_seconds = 7200;
    })
    .await;
    let user = server.register_clinician().await;
    let token = user.access_token.as_str();
    let path = "/v1/me/backups/password";

    server
        .get("/v1/me/backups", None)
        .await
        .error(401, "invalid_token");
    server
        .put(path, "forged", &json!({"envelope": envelope(1, 100)}))
        .await
        .error(401, "invalid_token");
    let first = server
        .put(path, token, &json!({"envelope": envelope(1, 1900)}))
        .await;
    assert_eq!(first.ok()["version"], 1);
    assert_eq!(first.ok()["kind"], "password");
    // Written against a version that is no longer the latest: refused.
    server
        .put(
            path,
            token,
            &json!({"envelope": envelope(2, 1900), "expectedVersion": 0}),
        )
        .await
        .error(409, "version_conflict");
    let second = server
        .put(
            path,
            token,
            &json!({"envelope": envelope(2, 1900), "expectedVersion": 1}),
        )
        .await;
    assert_eq!(second.ok()["version"], 2);
    for bad in [
        json!({"envelope": "not base64!"}),
        json!({"envelope": ""}),
        json!({"envelope": envelope(3, 8 * 1024 + 1)}),
        json!({}),
    ] {
        server
            .put(path, token, &bad)
            .await
            .error(400, "invalid_request");
    }
    server
        .put(
            "/v1/me/backups/diary",
            token,
            &json!({"envelope": envelope(1, 10)}),
        )
        .await
        .error(400, "invalid_request");

    let listed = server.get("/v1/me/backups", Some(token)).await;
    assert_eq!(listed.ok()["backups"].as_array().unwrap().len(), 1);
    assert!(listed.ok()["backups"][0].get("envelope").is_none());

    // Fetches: the latest envelope, three an hour, each recorded.
    let fetched = server.get(path, Some(token)).await;
    assert_eq!(fetched.ok()["envelope"], envelope(2, 1900));
    assert_eq!(fetched.ok()["version"], 2);
    server
        .get("/v1/me/backups/recovery", Some(token))
        .await
        .error(404, "no_backup");
    server.get(path, Some(token)).await.ok();
    let limited = server.get(path, Some(token)).await;
    limited.error(429, "rate_limited");
    assert!(limited.headers.get("retry-after").is_some());
    // Another user's fetches count apart.
    let other = server.register_clinician().await;
    server
        .get(path, Some(&other.access_token))
        .await
        .error(404, "no_backup");
    server.advance(3600);
    server.get(path, Some(token)).await.ok();

    let audit = server.get("/v1/me/audit", Some(token)).await;
    let events = audit.ok()["events"].as_array().unwrap().clone();
    let actions: Vec<(&str, &str)> = events
        .iter()
        .map(|event| {
            (
                event["action"].as_str().unwrap(),
                event["detail"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            ("backup_fetched", "password"),
            ("backup_fetched", "password"),
            ("backup_fetched", "recovery"),
            ("backup_fetched", "password"),
            ("backup_stored", "password"),
            ("backup_stored", "password"),
        ],
        "newest first; the refused fetch is not there"
    );
    assert!(events.iter().all(|event| event["ip"] == "127.0.0.1"));
    let theirs = server.get("/v1/me/audit", Some(&other.access_token)).await;
    assert_eq!(theirs.ok()["events"].as_array().unwrap().len(), 1);
    server.stop().await;
}

async fn a_transfer_waits_for_the_same_user_and_is_taken_once(backend: Backend) {
    let running = TestServer::start(backend).await;
    let server = &running;
    let user = server.register_clinician().await;
    let other = server.register_clinician().await;
    let offer = |token: String| async move {
        let answer = server
            .post_as(
                "/v1/me/transfers",
                &token,
                &json!({"envelope": envelope(7, 1900)}),
            )
            .await;
        answer.ok()["transferId"].as_str().unwrap().to_owned()
    };
    let take = |id: String, token: String| async move {
        server
            .post_as(&format!("/v1/me/transfers/{id}/take"), &token, &json!({}))
            .await
    };
    let id = offer(user.access_token.clone()).await;
    take(id.clone(), other.access_token.clone())
        .await
        .error(404, "unknown_transfer");
    let taken = take(id.clone(), user.access_token.clone()).await;
    assert_eq!(taken.ok()["envelope"], envelope(7, 1900));
    take(id.clone(), user.access_token.clone())
        .await
        .error(404, "unknown_transfer");
    take("nonsense".into(), user.access_token.clone())
        .await
        .error(404, "unknown_transfer");

    let late = offer(user.access_token.clone()).await;
    server.advance(301);
    take(late.clone(), user.access_token.clone())
        .await
        .error(410, "transfer_expired");
    take(late, user.access_token.clone())
        .await
        .error(404, "unknown_transfer");
    server
        .post_as(
            "/v1/me/transfers",
            &user.access_token,
            &json!({"envelope": "%%"}),
        )
        .await
        .error(400, "invalid_request");
    server
        .post("/v1/me/transfers", &json!({"envelope": envelope(7, 10)}))
        .await
        .error(401, "invalid_token");
    running.stop().await;
}

async fn samples_are_shared_with_the_responsible_clinician_only(backend: Backend) {
    let running = TestServer::start(backend).await;
    let server = &running;
    let doctor = server.register_clinician().await;
    let doctor_key = server.register_key(&doctor).await;
    let stranger = server.register_clinician().await;
    let stranger_key = server.register_key(&stranger).await;
    let patient = server.register_patient(&doctor.user_id).await;
    let patient_key = server.register_key(&patient).await;
    server.accept_patient(&doctor, &patient.user_id).await;

    // Public keys: one's own, one's clinician's, one's patients'; no one else's.
    let keys_of = |of: &str, token: &str| {
        let (path, token) = (format!("/v1/users/{of}/keys"), token.to_owned());
        async move { server.get(&path, Some(&token)).await }
    };
    for (of, token) in [
        (&doctor.user_id, &patient.access_token),
        (&patient.user_id, &doctor.access_token),
        (&patient.user_id, &patient.access_token),
    ] {
        assert_eq!(
            keys_of(of, token).await.ok()["keys"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }
    keys_of(&patient.user_id, &stranger.access_token)
        .await
        .error(404, "not_found");
    keys_of(&stranger.user_id, &patient.access_token)
        .await
        .error(404, "not_found");

    let id = uuid::Uuid::new_v4().to_string();
    let wrapped = |recipient: &str, key_id: &str| json!({"recipientId": recipient, "keyId": key_id, "wrappedKey": STANDARD.encode([9u8; 256])});
    let sample = |id: &str, keys: Vec<Value>| json!({"id": id, "ciphertext": STANDARD.encode(b"\x01opaque ciphertext"), "keys": keys});
    let token = patient.access_token.clone();
    let create = |body: Value| {
        let token = token.clone();
        async move { server.post_as("/v1/samples", &token, &body).await }
    };
    for (keys, code) in [
        // Shared with a clinician who is not hers.
        (
            vec![
                wrapped(&patient.user_id, &patient_key),
                wrapped(&stranger.user_id, &stranger_key),
            ],
            "invalid_recipient",
        ),
        // Her clinician, but a key he never registered.
        (
            vec![
                wrapped(&patient.user_id, &patient_key),
                wrapped(&doctor.user_id, &stranger_key),
            ],
            "invalid_recipient",
        ),
        // Not wrapped for herself.
        (
            vec![wrapped(&doctor.user_id, &doctor_key)],
            "invalid_recipient",
        ),
        (vec![], "invalid_request"),
        (
            vec![
                wrapped(&patient.user_id, &patient_key),
                wrapped(&patient.user_id, &patient_key),
            ],
            "invalid_request",
        ),
    ] {
        create(sample(&id, keys)).await.error(400, code);
    }
    create(sample(
        "not-a-uuid",
        vec![wrapped(&patient.user_id, &patient_key)],
    ))
    .await
    .error(400, "invalid_request");
    let mut bad = sample(&id, vec![wrapped(&patient.user_id, &patient_key)]);
    bad["ciphertext"] = json!("%%%");
    create(bad).await.error(400, "invalid_request");

    let good = sample(
        &id,
        vec![
            wrapped(&patient.user_id, &patient_key),
            wrapped(&doctor.user_id, &doctor_key),
        ],
    );
    let created = create(good.clone()).await;
    assert_eq!(created.ok()["ownerName"], "Daenerys Targaryen");
    assert_eq!(created.ok()["keys"].as_array().unwrap().len(), 1);
    create(good).await.error(400, "invalid_request");

    // Each reader gets the sample with the key wrapped for them only.
    let list = |token: &str| {
        let token = token.to_owned();
        async move { server.get("/v1/samples", Some(&token)).await }
    };
    let hers = list(&patient.access_token).await;
    assert_eq!(
        hers.ok()["samples"][0]["keys"][0]["keyId"],
        patient_key.as_str()
    );
    let his = list(&doctor.access_token).await;
    let his = his.ok()["samples"].as_array().unwrap().clone();
    assert_eq!(his.len(), 1);
    assert_eq!(his[0]["ownerId"], patient.user_id.as_str());
    assert_eq!(his[0]["keys"].as_array().unwrap().len(), 1);
    assert_eq!(his[0]["keys"][0]["keyId"], doctor_key.as_str());
    assert_eq!(
        his[0]["ciphertext"],
        STANDARD.encode(b"\x01opaque ciphertext")
    );
    let nothing = list(&stranger.access_token).await;
    assert!(nothing.ok()["samples"].as_array().unwrap().is_empty());
    server
        .get(&format!("/v1/samples/{id}"), Some(&stranger.access_token))
        .await
        .error(404, "not_found");
    let one = server
        .get(&format!("/v1/samples/{id}"), Some(&doctor.access_token))
        .await;
    assert_eq!(one.ok()["id"], id.as_str());
    running.stop().await;
}
