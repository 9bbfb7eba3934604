//! SQLite out of space (`sqlite_max_megabytes`, which gives the same
//! `SQLITE_FULL` a full disk does): writes are refused with a clear 503
//! (`unavailable`, never a 500), what was stored before stays whole, the
//! file passes `PRAGMA integrity_check`, and with room again the same
//! database carries on: the sessions and backups made before are there.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use common::{Backend, Device, TestServer, unique_email};
use rand::Rng;
use serde_json::json;
use sqlx::Row;

/// What the loop got to store before the database was full.
struct Stored {
    token: String,
    user_id: String,
    envelope: Vec<u8>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sqlite_database_refuses_writes_clearly_and_loses_nothing() {
    let server = TestServer::start_with(Backend::Sqlite, |settings| {
        settings.sqlite_max_megabytes = 1;
        settings.send_limit_per_ip = 1_000_000;
    })
    .await;
    let mut stored: Vec<Stored> = Vec::new();
    let mut refusal = None;
    for _ in 0..400 {
        let device = Device::new();
        let email = unique_email();
        let started = server
            .start_request(
                &device,
                json!({"email": email, "firstName": "Full", "lastName": "Disk", "role": "clinician"}),
            )
            .await;
        if started.status != 200 {
            refusal = Some(started);
            break;
        }
        let code = server.code_in_message(&email, 1).await;
        let completed = server
            .complete(&device, started.body["requestId"].as_str().unwrap(), &code)
            .await;
        if completed.status != 200 {
            refusal = Some(completed);
            break;
        }
        let token = completed.body["accessToken"].as_str().unwrap().to_owned();
        let user_id = completed.body["userId"].as_str().unwrap().to_owned();
        let mut envelope = vec![0u8; 8 * 1024];
        rand::rng().fill_bytes(&mut envelope);
        let backup = server
            .put(
                "/v1/me/backups/password",
                &token,
                &json!({"envelope": base64::engine::general_purpose::STANDARD.encode(&envelope)}),
            )
            .await;
        if backup.status != 200 {
            refusal = Some(backup);
            break;
        }
        stored.push(Stored {
            token,
            user_id,
            envelope,
        });
    }
    let refusal = refusal.expect("1 MiB filled up");
    refusal.error(503, "unavailable");
    assert!(
        refusal.body["message"]
            .as_str()
            .unwrap()
            .contains("cannot store anything more"),
        "{}",
        refusal.body
    );
    assert!(
        stored.len() >= 10,
        "only {} stored before full",
        stored.len()
    );

    // Whole and consistent, read straight from the file.
    let pool = sqlx::SqlitePool::connect(&server.database_url)
        .await
        .unwrap();
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(verdict, "ok");
    for backup in &stored {
        let row = sqlx::query(
            "SELECT envelope FROM key_backups WHERE user_id = $1 AND kind = 'password'",
        )
        .bind(&backup.user_id)
        .fetch_one(&pool)
        .await
        .unwrap();
        let envelope: Vec<u8> = row.get("envelope");
        assert_eq!(
            envelope, backup.envelope,
            "a backup stored before the disk filled changed"
        );
    }
    pool.close().await;

    // Room again (an operator raised the limit, or freed the disk): the same
    // database carries on, with everything made before.
    let roomy = server
        .another_instance(|settings| {
            settings.sqlite_max_megabytes = 16;
            settings.send_limit_per_ip = 1_000_000;
        })
        .await;
    server.stop().await;
    for backup in stored.iter().take(5) {
        roomy.get("/v1/me", Some(&backup.token)).await.ok();
        let fetched = roomy
            .get("/v1/me/backups/password", Some(&backup.token))
            .await;
        let envelope = base64::engine::general_purpose::STANDARD
            .decode(fetched.ok()["envelope"].as_str().unwrap())
            .unwrap();
        assert_eq!(envelope, backup.envelope);
    }
    let after = roomy
        .start_request(&Device::new(), json!({"email": unique_email()}))
        .await;
    after.ok();
    roomy.stop().await;
}
