//! The server answers as its OpenAPI document says, on both databases:
//! Schemathesis (PyPI, in the test virtualenv) reads `/openapi.json` of a
//! real server and sends it generated requests, valid and invalid, with a
//! real session where the operation needs one (tests/support/
//! conformance_auth.py logs in through the outbox), following the
//! document's links between operations. Every check is on: no 5xx, no status,
//! content type, header or body the document does not declare, valid data
//! accepted and invalid data refused, no hang past the request timeout.
//!
//! The CI run is short (`CAREKEY_CONFORMANCE_EXAMPLES`, 8 examples per
//! operation by default); `tests/conformance.sh` runs it long and reports
//! the case count.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer, python};
use std::path::{Path, PathBuf};

fn support_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support")
}

/// The `schemathesis` beside the test Python (`tests/setup.sh` installs it):
/// a missing one fails the test, it never skips.
fn schemathesis() -> PathBuf {
    let python = PathBuf::from(python());
    let beside = python.with_file_name("schemathesis");
    assert!(
        beside.is_file(),
        "{} is missing: run `bash tests/setup.sh` (it installs Schemathesis into \
         target/test-python) and set CAREKEY_TEST_PYTHON",
        beside.display()
    );
    beside
}

async fn the_server_answers_as_its_openapi_document_says(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        // Every generated start sends a message from 127.0.0.1: the
        // per-address limit would answer 429 to the logins the hooks make.
        settings.send_limit_per_ip = 1_000_000;
        settings.send_limit_per_phone_prefix = 1_000_000;
    })
    .await;
    let examples = std::env::var("CAREKEY_CONFORMANCE_EXAMPLES").unwrap_or_else(|_| "8".into());
    let seed = std::env::var("CAREKEY_CONFORMANCE_SEED").unwrap_or_else(|_| "20261203".into());
    let report = tempfile::tempdir().unwrap();
    let output = tokio::process::Command::new(schemathesis())
        .arg("--config-file")
        .arg(support_dir().join("schemathesis.toml"))
        .args(["run", &server.url("/openapi.json")])
        .args(["--max-examples", &examples, "--seed", &seed])
        .arg("--report-junit-path")
        .arg(report.path().join("junit.xml"))
        .args(["--report", "junit", "--no-color"])
        .env("SCHEMATHESIS_HOOKS", "conformance_auth")
        .env("PYTHONPATH", support_dir())
        .env("CAREKEY_CONFORMANCE_URL", server.url(""))
        .env("CAREKEY_CONFORMANCE_OUTBOX", &server.outbox)
        .kill_on_drop(true)
        .output()
        .await
        .expect("Schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}\n{stderr}");
    assert!(
        output.status.success(),
        "Schemathesis found the server and its document disagreeing ({backend:?}):\n{stdout}\n{stderr}"
    );
    // A run that tested nothing is not a pass.
    let junit = std::fs::read_to_string(report.path().join("junit.xml")).unwrap();
    let operations = junit.matches("<testcase").count();
    assert!(
        operations >= 40,
        "only {operations} operations tested:\n{stdout}"
    );
    server.stop().await;
}

on_both_databases!(the_server_answers_as_its_openapi_document_says);
