//! Password backups hardened by the server's OPRF (issue 18), against a
//! real server on port 0, on SQLite and PostgreSQL: the device's half is
//! computed here with `voprf` as the app does (blind, finalize with the
//! proof checked), so what is tested is the wire and the counting.
//!
//! Each evaluation for opening is a try taken before it is made; ten
//! without a confirmation and the eleventh locks; a right password after
//! nine wrong ones starts the count again; the lock outlives a restart and
//! holds on another instance; concurrent tries cannot take more than ten;
//! a new backup is evaluated under a new context, so evaluations no longer
//! serve the old envelope.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Backend, Registered, TestServer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use voprf::{EvaluationElement, Group, Proof, Ristretto255, VoprfClient};

on_both_databases!(a_backup_sealed_under_a_context_is_evaluated_under_it_and_counts_every_try);
on_both_databases!(the_eleventh_unconfirmed_try_locks_and_a_new_backup_unlocks);
on_both_databases!(a_right_password_after_nine_wrong_ones_starts_the_count_again);
on_both_databases!(the_lock_outlives_a_restart_and_holds_on_another_instance);
on_both_databases!(concurrent_tries_cannot_take_more_than_ten);
on_both_databases!(what_is_not_a_sealing_context_or_an_element_is_refused);
on_both_databases!(a_lost_key_file_is_told_not_guessed_with);
on_both_databases!(an_operator_rotates_and_retires_backup_keys);
on_both_databases!(sealing_is_limited_per_hour_and_a_refused_element_is_not_counted);
on_both_databases!(a_rotation_reaches_running_instances_without_a_restart);

/// Instances on PostgreSQL must share one key: without `oprf_key_file` the
/// server does not start, naming the setting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_on_postgresql_needs_its_oprf_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = common::new_postgres_database().await;
    let settings = carekey_server::Settings {
        oprf_key_file: None,
        ..common::base_settings(dir.path(), &database_url)
    };
    let refused = carekey_server::start(settings).await;
    assert!(
        matches!(
            refused,
            Err(carekey_server::StartError::Setting("oprf_key_file", _))
        ),
        "{:?}",
        refused.err()
    );
}

/// The device's half: blinds `input`, has the server evaluate it at `path`,
/// checks the proof against `expected_key` (or the answer's key when
/// sealing) and answers the OPRF output with the server's answer.
async fn evaluate(
    server: &TestServer,
    user: &Registered,
    path: &str,
    input: &[u8],
    expected_key: Option<&[u8]>,
) -> (Vec<u8>, Value) {
    let blinded = VoprfClient::<Ristretto255>::blind(input, &mut rand_core_06::OsRng).unwrap();
    let answer = server
        .post_as(
            path,
            &user.access_token,
            &json!({"blindedElement": STANDARD.encode(blinded.message.serialize())}),
        )
        .await;
    let body = answer.ok().clone();
    let field = |name: &str| STANDARD.decode(body[name].as_str().unwrap()).unwrap();
    let public_key = expected_key.map_or_else(|| field("publicKey"), <[u8]>::to_vec);
    assert_eq!(field("publicKey"), public_key, "the backup's key");
    let output = blinded
        .state
        .finalize(
            input,
            &EvaluationElement::deserialize(&field("evaluatedElement")).unwrap(),
            &Proof::deserialize(&field("proof")).unwrap(),
            Ristretto255::deserialize_elem(&public_key).unwrap(),
        )
        .expect("the proof verifies");
    (output.to_vec(), body)
}

/// What a device sealing under `password` keeps: the context, the key and
/// the OPRF output (standing in for the envelope key's derivation).
struct Sealed {
    context: String,
    public_key: Vec<u8>,
    output: Vec<u8>,
}

fn confirmation(output: &[u8]) -> Vec<u8> {
    Sha256::digest([b"test confirmation".as_slice(), output].concat()).to_vec()
}

async fn seal_and_store(server: &TestServer, user: &Registered, password: &str) -> Sealed {
    let (output, answer) = evaluate(
        server,
        user,
        "/v1/me/backups/password/oprf/seal",
        password.as_bytes(),
        None,
    )
    .await;
    assert!(answer.get("triesLeft").is_none(), "sealing is no try");
    let context = answer["context"].as_str().unwrap().to_owned();
    let public_key = STANDARD
        .decode(answer["publicKey"].as_str().unwrap())
        .unwrap();
    let stored = server
        .put(
            "/v1/me/backups/password",
            &user.access_token,
            &json!({
                "envelope": STANDARD.encode(b"a sealed envelope"),
                "oprf": {
                    "context": context,
                    "confirmationHash": STANDARD.encode(Sha256::digest(confirmation(&output))),
                },
            }),
        )
        .await;
    assert_eq!(stored.ok()["triesLeft"], 10);
    Sealed {
        context,
        public_key,
        output,
    }
}

/// Instances share the key file and follow it while they run. After an
/// operator's rotation every instance seals under the new key, opens what
/// another sealed under it, and still opens the older backups; after a
/// retirement they go on. A key file made unreadable while they run (a
/// botched hand edit) leaves them on the keys they had.
async fn a_rotation_reaches_running_instances_without_a_restart(backend: Backend) {
    let server = TestServer::start(backend).await;
    let second = server.another_instance(|_| {}).await;
    let patient = server.register_clinician().await;
    let old = seal_and_store(&server, &patient, "tidal-mango-orbit").await;
    let answer = open(&second, &patient, &old, "tidal-mango-orbit").await;
    let old_key = answer["keyId"].as_str().unwrap().to_owned();
    assert_eq!(
        tries_left(&server, &patient).await,
        10,
        "opened and confirmed"
    );

    let (status, rotated) = operator(&server, &["backup-keys", "rotate"]).await;
    assert_eq!(status, 0, "{rotated}");
    let new_key = rotated["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["current"] == true)
        .map(|key| key["keyId"].as_str().unwrap().to_owned())
        .unwrap();
    assert_ne!(new_key, old_key);
    for instance in [&server, &second] {
        let answer = open(instance, &patient, &old, "tidal-mango-orbit").await;
        assert_eq!(answer["keyId"], old_key.as_str());
        assert_eq!(
            answer["currentKeyId"],
            new_key.as_str(),
            "no restart needed"
        );
        assert_eq!(
            tries_left(instance, &patient).await,
            10,
            "opened and confirmed"
        );
    }
    // Sealed again through one instance, opened through the other.
    let renewed = seal_and_store(&second, &patient, "tidal-mango-orbit").await;
    let answer = open(&server, &patient, &renewed, "tidal-mango-orbit").await;
    assert_eq!(answer["keyId"], new_key.as_str());
    assert_eq!(
        tries_left(&server, &patient).await,
        10,
        "opened and confirmed"
    );

    let (status, retired) = operator(&server, &["backup-keys", "retire", &old_key]).await;
    assert_eq!(status, 0, "{retired}");
    std::fs::write(server.oprf_key_file(), "not a key file").unwrap();
    for instance in [&server, &second] {
        let answer = open(instance, &patient, &renewed, "tidal-mango-orbit").await;
        assert_eq!(answer["keyId"], new_key.as_str());
        assert_eq!(
            tries_left(instance, &patient).await,
            10,
            "opened and confirmed"
        );
    }
    second.stop().await;
    server.stop().await;
}

async fn open(server: &TestServer, user: &Registered, sealed: &Sealed, password: &str) -> Value {
    let (output, answer) = evaluate(
        server,
        user,
        "/v1/me/backups/password/oprf",
        password.as_bytes(),
        Some(&sealed.public_key),
    )
    .await;
    assert_eq!(answer["context"], sealed.context.as_str());
    if output == sealed.output {
        let confirmed = server
            .post_as(
                "/v1/me/backups/password/oprf/confirm",
                &user.access_token,
                &json!({"confirmation": STANDARD.encode(confirmation(&output))}),
            )
            .await;
        assert_eq!(confirmed.status, 204, "{:?}", confirmed.body);
    }
    answer
}

async fn try_opening(server: &TestServer, user: &Registered) -> common::Answer {
    let blinded = VoprfClient::<Ristretto255>::blind(b"guess", &mut rand_core_06::OsRng).unwrap();
    server
        .post_as(
            "/v1/me/backups/password/oprf",
            &user.access_token,
            &json!({"blindedElement": STANDARD.encode(blinded.message.serialize())}),
        )
        .await
}

async fn tries_left(server: &TestServer, user: &Registered) -> Value {
    let listed = server.get("/v1/me/backups", Some(&user.access_token)).await;
    listed.ok()["backups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|backup| backup["kind"] == "password")
        .map(|backup| backup["triesLeft"].clone())
        .unwrap()
}

async fn audit_actions(server: &TestServer, user: &Registered, action: &str) -> usize {
    let audit = server.get("/v1/me/audit", Some(&user.access_token)).await;
    audit.ok()["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == action)
        .count()
}

async fn a_backup_sealed_under_a_context_is_evaluated_under_it_and_counts_every_try(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let patient = server.register_clinician().await;
    let sealed = seal_and_store(&server, &patient, "tidal-mango-orbit").await;

    // The right password gives the same output as at sealing, under the
    // same key and context, and is confirmed: the count is back at 10.
    let answer = open(&server, &patient, &sealed, "tidal-mango-orbit").await;
    assert_eq!(answer["triesLeft"], 9, "this try counted");
    assert_eq!(answer["keyId"], answer["currentKeyId"]);
    assert_eq!(tries_left(&server, &patient).await, 10);
    // A wrong one gives another output, and counts.
    let answer = open(&server, &patient, &sealed, "tidal-mango-orbiT").await;
    assert_eq!(answer["triesLeft"], 9);
    assert_eq!(tries_left(&server, &patient).await, 9);
    assert_eq!(audit_actions(&server, &patient, "password_tried").await, 2);
    assert_eq!(
        audit_actions(&server, &patient, "password_confirmed").await,
        1
    );

    // Someone else's session evaluates nothing of hers: it has no backup.
    let other = server.register_clinician().await;
    try_opening(&server, &other).await.error(404, "no_backup");
    server.stop().await;
}

async fn the_eleventh_unconfirmed_try_locks_and_a_new_backup_unlocks(backend: Backend) {
    let server = TestServer::start(backend).await;
    let patient = server.register_clinician().await;
    let sealed = seal_and_store(&server, &patient, "tidal-mango-orbit").await;
    for left in (0..10).rev() {
        let answer = try_opening(&server, &patient).await;
        assert_eq!(answer.ok()["triesLeft"], left);
    }
    assert_eq!(tries_left(&server, &patient).await, 0);
    // The eleventh is refused and locks; the right password is refused too.
    try_opening(&server, &patient)
        .await
        .error(423, "backup_locked");
    let blinded =
        VoprfClient::<Ristretto255>::blind(b"tidal-mango-orbit", &mut rand_core_06::OsRng).unwrap();
    server
        .post_as(
            "/v1/me/backups/password/oprf",
            &patient.access_token,
            &json!({"blindedElement": STANDARD.encode(blinded.message.serialize())}),
        )
        .await
        .error(423, "backup_locked");
    // A confirmation (from before) does not unlock it either.
    server
        .post_as(
            "/v1/me/backups/password/oprf/confirm",
            &patient.access_token,
            &json!({"confirmation": STANDARD.encode(confirmation(&sealed.output))}),
        )
        .await
        .error(423, "backup_locked");
    assert_eq!(audit_actions(&server, &patient, "password_locked").await, 1);
    assert_eq!(audit_actions(&server, &patient, "password_tried").await, 10);
    // She is told, once, at her address.
    let email = server.email_of(&patient).await;
    let told = server.wait_for_messages(&email, 2).await;
    assert!(
        told[1].to_string().contains("tried 10 times in a row"),
        "{}",
        told[1]
    );

    // An operator, having checked who asks, lifts the lock: ten tries again,
    // under the same context (recorded in the operators' audit).
    let unlocked = server
        .admin(
            reqwest::Method::POST,
            &format!("/admin/v1/users/{}/unlock-backup", patient.user_id),
            None,
        )
        .await;
    assert_eq!(unlocked.ok()["wasLocked"], true);
    assert_eq!(tries_left(&server, &patient).await, 10);
    let answer = open(&server, &patient, &sealed, "tidal-mango-orbit").await;
    assert_eq!(answer["triesLeft"], 9);
    let again = server
        .admin(
            reqwest::Method::POST,
            &format!("/admin/v1/users/{}/unlock-backup", patient.user_id),
            None,
        )
        .await;
    assert_eq!(again.ok()["wasLocked"], false, "confirmed: nothing to lift");
    let audit = server
        .admin(reqwest::Method::GET, "/admin/v1/audit", None)
        .await;
    assert!(audit.ok().to_string().contains("unlock-backup"));
    for _ in 0..10 {
        try_opening(&server, &patient).await.ok();
    }
    try_opening(&server, &patient)
        .await
        .error(423, "backup_locked");

    // A new backup (sealed with the key, from the recovery key or another
    // device) is evaluated under a new context: the lock is lifted, and
    // evaluations under it say nothing of the old envelope.
    let renewed = seal_and_store(&server, &patient, "tidal-mango-orbit").await;
    assert_ne!(renewed.context, sealed.context);
    assert_ne!(renewed.public_key, sealed.public_key);
    assert_ne!(
        renewed.output, sealed.output,
        "the old envelope's key is gone"
    );
    let answer = open(&server, &patient, &renewed, "tidal-mango-orbit").await;
    assert_eq!(answer["triesLeft"], 9);
    server.stop().await;
}

async fn a_right_password_after_nine_wrong_ones_starts_the_count_again(backend: Backend) {
    let server = TestServer::start(backend).await;
    let patient = server.register_clinician().await;
    let sealed = seal_and_store(&server, &patient, "tidal-mango-orbit").await;
    for _ in 0..9 {
        try_opening(&server, &patient).await.ok();
    }
    let answer = open(&server, &patient, &sealed, "tidal-mango-orbit").await;
    assert_eq!(
        answer["triesLeft"], 0,
        "the tenth try was the last one left"
    );
    assert_eq!(
        tries_left(&server, &patient).await,
        10,
        "confirmed: again 10"
    );
    for left in (0..10).rev() {
        assert_eq!(try_opening(&server, &patient).await.ok()["triesLeft"], left);
    }
    server.stop().await;
}

async fn the_lock_outlives_a_restart_and_holds_on_another_instance(backend: Backend) {
    let server = TestServer::start(backend).await;
    let patient = server.register_clinician().await;
    let sealed = seal_and_store(&server, &patient, "tidal-mango-orbit").await;
    for _ in 0..5 {
        try_opening(&server, &patient).await.ok();
    }
    // Another instance on the same database and key file counts on.
    let second = server.another_instance(|_| {}).await;
    for left in (0..5).rev() {
        assert_eq!(try_opening(&second, &patient).await.ok()["triesLeft"], left);
    }
    try_opening(&server, &patient)
        .await
        .error(423, "backup_locked");
    try_opening(&second, &patient)
        .await
        .error(423, "backup_locked");
    // Both stop; a fresh start on the same database keeps the lock, and the
    // same key file evaluates as before.
    second.stop().await;
    let restarted = server.another_instance(|_| {}).await;
    server.stop().await;
    try_opening(&restarted, &patient)
        .await
        .error(423, "backup_locked");
    let renewed = seal_and_store(&restarted, &patient, "tidal-mango-orbit").await;
    assert_eq!(renewed.output.len(), sealed.output.len());
    let answer = open(&restarted, &patient, &renewed, "tidal-mango-orbit").await;
    assert_eq!(answer["keyId"], answer["currentKeyId"]);
    restarted.stop().await;
}

async fn concurrent_tries_cannot_take_more_than_ten(backend: Backend) {
    let server = TestServer::start(backend).await;
    let second = server.another_instance(|_| {}).await;
    let patient = server.register_clinician().await;
    seal_and_store(&server, &patient, "tidal-mango-orbit").await;
    let tries = (0..24).map(|n| {
        let instance = if n % 2 == 0 { &server } else { &second };
        try_opening(instance, &patient)
    });
    let answers = futures::future::join_all(tries).await;
    let evaluated = answers.iter().filter(|answer| answer.status == 200).count();
    let locked = answers.iter().filter(|answer| answer.status == 423).count();
    assert_eq!((evaluated, locked), (10, 14), "every try is taken once");
    let mut left: Vec<i64> = answers
        .iter()
        .filter(|answer| answer.status == 200)
        .map(|answer| answer.body["triesLeft"].as_i64().unwrap())
        .collect();
    left.sort_unstable();
    assert_eq!(left, (0..10).collect::<Vec<_>>());
    assert_eq!(audit_actions(&server, &patient, "password_locked").await, 1);
    second.stop().await;
    server.stop().await;
}

async fn what_is_not_a_sealing_context_or_an_element_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let patient = server.register_clinician().await;
    // Nothing stored yet: no try to take.
    try_opening(&server, &patient).await.error(404, "no_backup");
    // A context the server did not give for sealing is refused, and so is
    // one given to someone else.
    let other = server.register_clinician().await;
    let (_, theirs) = evaluate(
        &server,
        &other,
        "/v1/me/backups/password/oprf/seal",
        b"x",
        None,
    )
    .await;
    for context in [
        STANDARD.encode([7u8; 16]),
        theirs["context"].as_str().unwrap().to_owned(),
    ] {
        server
            .put(
                "/v1/me/backups/password",
                &patient.access_token,
                &json!({
                    "envelope": STANDARD.encode(b"e"),
                    "oprf": {"context": context, "confirmationHash": STANDARD.encode([0u8; 32])},
                }),
            )
            .await
            .error(400, "invalid_request");
    }
    assert_eq!(server.count("key_backups").await, 0, "nothing was stored");
    // A recovery backup is not bound to the OPRF.
    let (_, mine) = evaluate(
        &server,
        &patient,
        "/v1/me/backups/password/oprf/seal",
        b"x",
        None,
    )
    .await;
    server
        .put(
            "/v1/me/backups/recovery",
            &patient.access_token,
            &json!({
                "envelope": STANDARD.encode(b"e"),
                "oprf": {"context": mine["context"], "confirmationHash": STANDARD.encode([0u8; 32])},
            }),
        )
        .await
        .error(400, "invalid_request");
    // Not an element: the identity, garbage, the wrong length.
    for element in [
        STANDARD.encode([0u8; 32]),
        STANDARD.encode([0xffu8; 32]),
        STANDARD.encode([1u8; 31]),
        "not base64".into(),
    ] {
        server
            .post_as(
                "/v1/me/backups/password/oprf/seal",
                &patient.access_token,
                &json!({"blindedElement": element}),
            )
            .await
            .error(400, "invalid_request");
    }
    // A format 1 password backup leaves the OPRF out: nothing to try.
    let stored = server
        .put(
            "/v1/me/backups/password",
            &patient.access_token,
            &json!({"envelope": STANDARD.encode(b"format 1")}),
        )
        .await;
    assert!(stored.ok().get("triesLeft").is_none());
    try_opening(&server, &patient).await.error(404, "no_backup");
    // Without a session, nothing.
    let anonymous = server
        .post(
            "/v1/me/backups/password/oprf",
            &json!({"blindedElement": STANDARD.encode([1u8; 32])}),
        )
        .await;
    assert_eq!(anonymous.status, 401);
    server.stop().await;
}

/// Sealing is not a try, but each one costs the server an evaluation:
/// `backup_fetches_per_hour` (10) of them an hour, per account. What is
/// not an element is refused before it counts, and another account's
/// sealing is its own.
async fn sealing_is_limited_per_hour_and_a_refused_element_is_not_counted(backend: Backend) {
    let server = TestServer::start(backend).await;
    let patient = server.register_clinician().await;
    let seal = |token: String, element: String| {
        let server = &server;
        async move {
            server
                .post_as(
                    "/v1/me/backups/password/oprf/seal",
                    &token,
                    &json!({"blindedElement": element}),
                )
                .await
        }
    };
    let token = patient.access_token.clone();
    let element = || {
        let blinded = VoprfClient::<Ristretto255>::blind(b"x", &mut rand_core_06::OsRng).unwrap();
        STANDARD.encode(blinded.message.serialize())
    };
    for _ in 0..3 {
        seal(token.clone(), STANDARD.encode([0xffu8; 32]))
            .await
            .error(400, "invalid_request");
    }
    for _ in 0..10 {
        seal(token.clone(), element()).await.ok();
    }
    let refused = seal(token.clone(), element()).await;
    assert!(
        refused.error(429, "rate_limited")["retryAfter"]
            .as_u64()
            .is_some_and(|seconds| seconds > 0 && seconds <= 3600),
        "{}",
        refused.body
    );
    let other = server.register_clinician().await;
    seal(other.access_token.clone(), element()).await.ok();
    // An hour later (the access token has expired by then: refreshed).
    server.advance(3601);
    let refreshed = server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": patient.refresh_token}),
        )
        .await;
    let token = refreshed.ok()["accessToken"].as_str().unwrap().to_owned();
    seal(token, element()).await.ok();
    server.stop().await;
}

/// The key file is lost (deleted, or not restored with the database): the
/// server starts with a new key, and a backup sealed under the old one is
/// told as such (`backup_key_lost`), not evaluated under the new key and
/// counted as a wrong password. Its owner's recovery key still opens her
/// recovery backup, which the server never needed a key for.
async fn a_lost_key_file_is_told_not_guessed_with(backend: Backend) {
    let server = TestServer::start(backend).await;
    let patient = server.register_clinician().await;
    let sealed = seal_and_store(&server, &patient, "tidal-mango-orbit").await;
    server
        .put(
            "/v1/me/backups/recovery",
            &patient.access_token,
            &json!({"envelope": STANDARD.encode(b"sealed under the recovery key")}),
        )
        .await
        .ok();
    let key_file = server.oprf_key_file();
    assert!(key_file.exists());
    std::fs::remove_file(&key_file).unwrap();
    let restarted = server.another_instance(|_| {}).await;
    server.stop().await;
    let lost = try_opening(&restarted, &patient).await;
    assert_eq!(
        lost.error(410, "backup_key_lost")["code"],
        "backup_key_lost"
    );
    assert_eq!(
        tries_left(&restarted, &patient).await,
        9,
        "that try counted"
    );
    let recovery = restarted
        .get("/v1/me/backups/recovery", Some(&patient.access_token))
        .await;
    assert_eq!(
        STANDARD
            .decode(recovery.ok()["envelope"].as_str().unwrap())
            .unwrap(),
        b"sealed under the recovery key"
    );
    // A new password backup is sealed under the new key.
    let renewed = seal_and_store(&restarted, &patient, "tidal-mango-orbit").await;
    assert_ne!(renewed.public_key, sealed.public_key);
    let answer = open(&restarted, &patient, &renewed, "tidal-mango-orbit").await;
    assert_eq!(answer["triesLeft"], 9);
    restarted.stop().await;
}

/// `carekey-server --json ARGS` beside `server`, on its database and key
/// file: the exit status and what it printed.
async fn operator(server: &TestServer, args: &[&str]) -> (i32, Value) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_carekey-server"))
        .arg("--json")
        .args(args)
        .env("CAREKEY_DATABASE_URL", &server.database_url)
        .env("CAREKEY_OPRF_KEY_FILE", server.oprf_key_file())
        .output()
        .await
        .unwrap();
    let printed = if output.stdout.is_empty() {
        &output.stderr
    } else {
        &output.stdout
    };
    (
        output.status.code().unwrap(),
        serde_json::from_slice(printed).unwrap_or(Value::Null),
    )
}

/// An operator rotates the backup keys: new backups are sealed under the
/// new key, the old one stays while a stored backup needs it (retiring it
/// is refused), and goes once that backup was sealed again.
async fn an_operator_rotates_and_retires_backup_keys(backend: Backend) {
    let server = TestServer::start(backend).await;
    let patient = server.register_clinician().await;
    seal_and_store(&server, &patient, "tidal-mango-orbit").await;
    let (status, listed) = operator(&server, &["backup-keys", "list"]).await;
    assert_eq!(status, 0, "{listed}");
    let old_key = listed["keys"][0]["keyId"].as_str().unwrap().to_owned();
    assert_eq!(listed["keys"][0]["current"], true);
    assert_eq!(listed["keys"][0]["backups"], 1);

    let (status, rotated) = operator(&server, &["backup-keys", "rotate"]).await;
    assert_eq!(status, 0, "{rotated}");
    let keys = rotated["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    let new_key = keys
        .iter()
        .find(|key| key["current"] == true)
        .map(|key| key["keyId"].as_str().unwrap().to_owned())
        .unwrap();
    assert_ne!(new_key, old_key);
    let (status, refused) = operator(&server, &["backup-keys", "retire", &old_key]).await;
    assert_eq!(status, 2, "refused while a backup needs it: {refused}");

    // A server started after the rotation (running ones follow the file,
    // `a_rotation_reaches_running_instances_without_a_restart`): her backup still opens
    // (under the old key, which the answer names beside the current one),
    // and her device seals it again under the new one.
    let restarted = server.another_instance(|_| {}).await;
    server.stop().await;
    let blinded = VoprfClient::<Ristretto255>::blind(b"x", &mut rand_core_06::OsRng).unwrap();
    let answer = restarted
        .post_as(
            "/v1/me/backups/password/oprf",
            &patient.access_token,
            &json!({"blindedElement": STANDARD.encode(blinded.message.serialize())}),
        )
        .await;
    assert_eq!(answer.ok()["keyId"], old_key.as_str());
    assert_eq!(answer.ok()["currentKeyId"], new_key.as_str());
    let (_, resealed) = evaluate(
        &restarted,
        &patient,
        "/v1/me/backups/password/oprf/seal",
        b"tidal-mango-orbit",
        None,
    )
    .await;
    assert_eq!(resealed["keyId"], new_key.as_str());
    seal_and_store(&restarted, &patient, "tidal-mango-orbit").await;
    let (status, retired) = operator(&restarted, &["backup-keys", "retire", &old_key]).await;
    assert_eq!(status, 0, "{retired}");
    assert_eq!(retired["keys"].as_array().unwrap().len(), 1);
    assert_eq!(retired["keys"][0]["backups"], 1);
    restarted.stop().await;
}
