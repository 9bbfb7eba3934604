//! The `carekey-server` binary as a child process on a fixed loopback port,
//! for the tests that kill it (SIGKILL: no shutdown hook runs) or take its
//! database away and start it again on the same address.
//! `CAREKEY_TEST_SERVER_LOG=FILE` appends its logs there; otherwise they are
//! dropped.

use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_carekey-server");

pub struct ServerProcess {
    child: Option<tokio::process::Child>,
    pub port: u16,
    env: Vec<(String, String)>,
    /// Where the OPRF key file is when the test names none: one for an
    /// instance and its siblings, as a deployment on PostgreSQL has.
    _keys: std::sync::Arc<tempfile::TempDir>,
}

impl ServerProcess {
    /// Not started yet: `launch` starts it with `env` (`CAREKEY_*`).
    pub fn new(env: &[(&str, &str)]) -> Self {
        let keys = std::sync::Arc::new(tempfile::tempdir().expect("temp dir"));
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        if !env.iter().any(|(key, _)| key == "CAREKEY_OPRF_KEY_FILE") {
            let file = keys.path().join("oprf-keys.json");
            env.push(("CAREKEY_OPRF_KEY_FILE".into(), file.display().to_string()));
        }
        ServerProcess {
            child: None,
            port: free_port(),
            env,
            _keys: keys,
        }
    }

    /// Another instance with the same settings, on a port of its own.
    pub fn sibling(&self) -> Self {
        ServerProcess {
            child: None,
            port: free_port(),
            env: self.env.clone(),
            _keys: self._keys.clone(),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the binary and waits until `/readyz` answers 200.
    pub async fn launch(&mut self) {
        let child = tokio::process::Command::new(BINARY)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("CAREKEY_LISTEN", format!("127.0.0.1:{}", self.port))
            .stdout(std::process::Stdio::null())
            .stderr(match std::env::var("CAREKEY_TEST_SERVER_LOG") {
                Ok(path) => std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .expect("the server log file opens")
                    .into(),
                Err(_) => std::process::Stdio::null(),
            })
            .kill_on_drop(true)
            .spawn()
            .expect("the server binary starts");
        self.child = Some(child);
        let http = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(answer) = http.get(format!("{}/readyz", self.url())).send().await
                && answer.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become ready after a (re)start");
    }

    /// SIGKILL, and waits for the process to be gone.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().expect("SIGKILL");
            child.wait().await.expect("the killed server is reaped");
        }
    }

    /// Whether the process ended by itself.
    pub fn exited(&mut self) -> bool {
        self.child
            .as_mut()
            .is_none_or(|child| !matches!(child.try_wait(), Ok(None)))
    }
}

/// A loopback port free now (a restarted server must come back on the same
/// address its clients use).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// A subcommand's refusal (`--json`): exit status 2, and on standard output
/// the JSON error whose message contains `words`.
pub fn assert_refused(output: &std::process::Output, words: &str) {
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_default();
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(words), "{words}: {answer}");
}
