//! `carekey-load`: N concurrent users run full passwordless flows against a
//! CareKey server on this machine: start, read the code from the outbox file,
//! complete. It prints full flows per second and latency percentiles.
//! With `--mix` (the soak run) each user, once registered with a key, does a
//! mix of what the app does: logins, refreshes, backups, notes (samples,
//! stored then read) and guests; it prints each kind's count and errors.
//!
//! Bounded on purpose: loopback servers only, at most 256 users and an hour.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clap::Parser;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

#[derive(Parser, Debug)]
#[command(
    name = "carekey-load",
    about = "Full-flow load test for a CareKey server on this machine"
)]
struct Args {
    /// Base URL of the server (loopback only)
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The server's outbox file (CAREKEY_OUTBOX_FILE), where codes are read
    #[arg(long)]
    outbox: PathBuf,
    /// Concurrent users
    #[arg(long, default_value_t = 16)]
    users: usize,
    /// Seconds of measured load
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Seconds of load before measuring starts
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Print the results as one JSON object
    #[arg(long)]
    json: bool,
    /// Mixed flows (logins, refreshes, backups, samples, guests) instead of
    /// logins only
    #[arg(long)]
    mix: bool,
}

/// An RSA-2048 public key (SubjectPublicKeyInfo DER, base64) every load user
/// registers: the server checks its form, and samples are wrapped "for" it
/// (the load never decrypts, so nobody needs its private half).
const LOAD_PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvop4X3qWPMW7w1IpKm+mu/42QtcM7K7HcQQ93lHUeVTy6FQnVJUBF4W4M/vrfXn2jxSXHCfDbUCUHJ26sqvpc5yYRO8EPTZl0y26Z5eX+DrfOM0iXteFLuXp3koyQkPUGFbUan0QqPzmtYbibtP/EZGQ1YVOagF+uXlsGX2VntSFJSR+p8g5zblJZhxzhcNlk0NzOXT6ClTIF948XGM6rV1H6a5ab7TRWJvSsZTpCy8fAC5u09AI9B7rbty5OST75mMcXH2Y9iMoHpBr7Wo2/oE5f5ZmLP24dVAd5q72wxFkoVbuVlowCI1Vqzck7IOk6A+zKHz6yjajdE/5f9f72wIDAQAB";

/// The kinds of call `--mix` makes, and how many in a hundred.
const MIX: [(&str, u32); 5] = [
    ("login", 30),
    ("refresh", 25),
    ("backup", 15),
    ("sample", 20),
    ("guest", 10),
];

#[derive(Debug, thiserror::Error)]
enum LoadError {
    #[error("refusing {0}: this tool only loads servers on loopback")]
    NotLoopback(String),
    #[error("users must be 1 to 256 and duration 1 to 86400 seconds (a day)")]
    OutOfBounds,
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("the server at {0} does not answer /healthz")]
    Unreachable(String),
}

type Waiters = Arc<Mutex<HashMap<String, oneshot::Sender<String>>>>;

/// `--mix`: per kind of call, how many succeeded and failed.
type Tally = HashMap<&'static str, (u64, u64)>;

#[derive(Default)]
struct Samples {
    flows: u64,
    errors: u64,
    start_us: Vec<u64>,
    complete_us: Vec<u64>,
    flow_us: Vec<u64>,
}

fn check_bounds(args: &Args) -> Result<(), LoadError> {
    let url =
        reqwest::Url::parse(&args.url).map_err(|_| LoadError::NotLoopback(args.url.clone()))?;
    let host = url
        .host_str()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err(LoadError::NotLoopback(args.url.clone()));
    }
    if !(1..=256).contains(&args.users)
        || !(1..=86_400).contains(&args.duration)
        || args.warmup > 60
    {
        return Err(LoadError::OutOfBounds);
    }
    Ok(())
}

/// The first word of 6 to 10 digits in a message body: a word of its own,
/// because a link's token can hold a run of digits.
fn code_in(body: &str) -> Option<String> {
    body.split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .find(|word| (6..=10).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned)
}

/// Follows the outbox from its current end (or its start, if it does not
/// exist yet) and hands each code to whoever waits for that address.
async fn follow_outbox(path: PathBuf, waiters: Waiters) {
    use std::io::{Read, Seek};
    let existed = path.exists();
    // Plain reads of a regular file return at once; tokio's file type would
    // send each one to its blocking pool, costing the tool two thread switches
    // a read, which the machine it measures would then lack.
    let mut file = loop {
        match std::fs::File::open(&path) {
            Ok(file) => break file,
            Err(_) => tokio::time::sleep(Duration::from_millis(1)).await,
        }
    };
    if existed && file.seek(std::io::SeekFrom::End(0)).is_err() {
        return;
    }
    let mut pending = Vec::new();
    let mut chunk = vec![0u8; 256 * 1024];
    loop {
        let read = match file.read(&mut chunk) {
            Ok(read) => read,
            Err(_) => return,
        };
        if read == 0 {
            tokio::time::sleep(Duration::from_micros(300)).await;
            continue;
        }
        pending.extend_from_slice(&chunk[..read]);
        while let Some(end) = pending.iter().position(|&byte| byte == b'\n') {
            let line: Vec<u8> = pending.drain(..=end).collect();
            let Ok(message) = serde_json::from_slice::<Value>(&line) else {
                continue;
            };
            let (Some(to), Some(code)) = (
                message["to"].as_str(),
                message["body"].as_str().and_then(code_in),
            ) else {
                continue;
            };
            let waiter = waiters.lock().ok().and_then(|mut map| map.remove(to));
            if let Some(waiter) = waiter {
                let _ = waiter.send(code);
            }
        }
    }
}

async fn post(client: &reqwest::Client, url: &str, body: &Value) -> Result<Value, String> {
    send(client.post(url).json(body)).await
}

/// The JSON answer of a call, or its status and body as the error.
async fn send(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("{status}: {body}"))
    }
}

struct User {
    client: reqwest::Client,
    base: String,
    email: String,
    waiters: Waiters,
    warm_at: Instant,
    stop_at: Instant,
}

impl User {
    async fn run(self, samples: Arc<Mutex<Samples>>) {
        let mut registered = false;
        let mut local = Samples::default();
        let mut last_error = None;
        while Instant::now() < self.stop_at {
            match self.flow(registered).await {
                Ok((start, complete, flow, began)) => {
                    registered = true;
                    if began >= self.warm_at && Instant::now() <= self.stop_at {
                        local.flows += 1;
                        local.start_us.push(start);
                        local.complete_us.push(complete);
                        local.flow_us.push(flow);
                    }
                }
                Err(error) => {
                    local.errors += 1;
                    last_error = Some(error);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
        if let Some(error) = last_error {
            eprintln!("{}: last error: {error}", self.email);
        }
        if let Ok(mut all) = samples.lock() {
            all.flows += local.flows;
            all.errors += local.errors;
            all.start_us.extend(local.start_us);
            all.complete_us.extend(local.complete_us);
            all.flow_us.extend(local.flow_us);
        }
    }

    /// One start → code → complete; answers the three latencies in µs and when it began.
    async fn flow(&self, registered: bool) -> Result<(u64, u64, u64, Instant), String> {
        self.login(registered)
            .await
            .map(|(start, complete, flow, began, _)| (start, complete, flow, began))
    }

    /// One login; answers its latencies, when it began, and the session.
    async fn login(&self, registered: bool) -> Result<(u64, u64, u64, Instant, Value), String> {
        let verifier = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let (sender, receiver) = oneshot::channel();
        if let Ok(mut map) = self.waiters.lock() {
            map.insert(self.email.clone(), sender);
        }
        let body = if registered {
            json!({"email": self.email, "deviceChallenge": challenge})
        } else {
            json!({"email": self.email, "firstName": "Load", "lastName": "Test", "role": "clinician", "deviceChallenge": challenge})
        };
        let began = Instant::now();
        let started = post(&self.client, &format!("{}/v1/auth/start", self.base), &body).await?;
        let start_done = Instant::now();
        let code = tokio::time::timeout(Duration::from_secs(10), receiver)
            .await
            .map_err(|_| String::from("no code within 10 s"))?
            .map_err(|_| String::from("outbox follower stopped"))?;
        let complete_began = Instant::now();
        let session = post(
            &self.client,
            &format!("{}/v1/auth/complete", self.base),
            &json!({"requestId": started["requestId"], "code": code, "deviceVerifier": verifier}),
        )
        .await?;
        let done = Instant::now();
        let micros =
            |from: Instant, to: Instant| u64::try_from((to - from).as_micros()).unwrap_or(u64::MAX);
        Ok((
            micros(began, start_done),
            micros(complete_began, done),
            micros(began, done),
            began,
            session,
        ))
    }

    /// `--mix`: registers (with a key), then does a random mix of calls
    /// until the end, counting each kind's successes and failures.
    async fn run_mixed(self, tally: Arc<Mutex<Tally>>) {
        let mut local = Tally::new();
        let mut session = loop {
            if Instant::now() >= self.stop_at {
                return;
            }
            match self.login(false).await {
                Ok((.., session)) => break session,
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        let token = |session: &Value| session["accessToken"].as_str().unwrap_or("").to_owned();
        let user_id = session["userId"].as_str().unwrap_or("").to_owned();
        let key = send(
            self.client
                .post(format!("{}/v1/keys", self.base))
                .bearer_auth(token(&session))
                .json(&json!({"publicKey": LOAD_PUBLIC_KEY, "algorithm": "RSA-OAEP-SHA256"})),
        )
        .await;
        let key_id = match key {
            Ok(key) => key["keyId"].as_str().unwrap_or("").to_owned(),
            Err(error) => {
                eprintln!("{}: cannot register the load key: {error}", self.email);
                return;
            }
        };
        let mut last_error = None;
        while Instant::now() < self.stop_at {
            let roll = (uuid::Uuid::new_v4().as_u128() % 100) as u32;
            let mut cumulative = 0;
            let kind = MIX
                .iter()
                .find(|(_, share)| {
                    cumulative += share;
                    roll < cumulative
                })
                .map_or("login", |(kind, _)| *kind);
            let outcome = match kind {
                "login" => self.login(true).await.map(|(.., fresh)| {
                    session = fresh;
                }),
                "refresh" => send(
                    self.client
                        .post(format!("{}/v1/auth/refresh", self.base))
                        .json(&json!({"refreshToken": session["refreshToken"]})),
                )
                .await
                .map(|fresh| {
                    session = fresh;
                }),
                "backup" => {
                    let envelope = base64::engine::general_purpose::STANDARD
                        .encode(uuid::Uuid::new_v4().as_bytes().repeat(64));
                    send(
                        self.client
                            .put(format!("{}/v1/me/backups/password", self.base))
                            .bearer_auth(token(&session))
                            .json(&json!({"envelope": envelope})),
                    )
                    .await
                    .map(drop)
                }
                "sample" => self.sample(&token(&session), &user_id, &key_id).await,
                _ => send(
                    self.client
                        .post(format!("{}/v1/auth/guest", self.base))
                        .json(&json!({"deviceName": "carekey-load"})),
                )
                .await
                .map(drop),
            };
            let counts = local.entry(kind).or_default();
            match outcome {
                Ok(()) => counts.0 += 1,
                Err(error) => {
                    counts.1 += 1;
                    last_error = Some(format!("{kind}: {error}"));
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
        if let Some(error) = last_error {
            eprintln!("{}: last error: {error}", self.email);
        }
        if let Ok(mut all) = tally.lock() {
            for (kind, (ok, failed)) in local {
                let counts = all.entry(kind).or_default();
                counts.0 += ok;
                counts.1 += failed;
            }
        }
    }

    /// A note: stored (its content key "wrapped" for the load key), then read
    /// back.
    async fn sample(&self, token: &str, user_id: &str, key_id: &str) -> Result<(), String> {
        let id = uuid::Uuid::new_v4().to_string();
        let bytes = |n: usize| {
            base64::engine::general_purpose::STANDARD
                .encode(uuid::Uuid::new_v4().as_bytes().repeat(n))
        };
        send(
            self.client
                .post(format!("{}/v1/samples", self.base))
                .bearer_auth(token)
                .json(&json!({"id": id, "ciphertext": bytes(32),
                    "keys": [{"recipientId": user_id, "keyId": key_id, "wrappedKey": bytes(16)}]})),
        )
        .await?;
        send(
            self.client
                .get(format!("{}/v1/samples/{id}", self.base))
                .bearer_auth(token),
        )
        .await
        .map(drop)
    }
}

fn percentile(sorted: &[u64], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64) * fraction).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

async fn run(args: Args) -> Result<Value, LoadError> {
    check_bounds(&args)?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.users * 2)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| LoadError::Client(e.to_string()))?;
    let base = args.url.trim_end_matches('/').to_owned();
    client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .ok()
        .filter(|response| response.status().is_success())
        .ok_or_else(|| LoadError::Unreachable(base.clone()))?;
    let waiters: Waiters = Arc::default();
    let follower = tokio::spawn(follow_outbox(args.outbox.clone(), waiters.clone()));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let run_id = uuid::Uuid::new_v4().simple().to_string();
    let now = Instant::now();
    let warm_at = now + Duration::from_secs(args.warmup);
    let stop_at = warm_at + Duration::from_secs(args.duration);
    let samples = Arc::new(Mutex::new(Samples::default()));
    let tally = Arc::new(Mutex::new(Tally::new()));
    let users: Vec<_> = (0..args.users)
        .map(|index| {
            let user = User {
                client: client.clone(),
                base: base.clone(),
                email: format!("load-{}-{index}@bench.carekey.test", &run_id[..8]),
                waiters: waiters.clone(),
                warm_at,
                stop_at,
            };
            if args.mix {
                tokio::spawn(user.run_mixed(tally.clone()))
            } else {
                tokio::spawn(user.run(samples.clone()))
            }
        })
        .collect();
    for user in users {
        let _ = user.await;
    }
    follower.abort();
    if args.mix {
        let tally = std::mem::take(&mut *tally.lock().map_err(|_| LoadError::OutOfBounds)?);
        let calls: serde_json::Map<String, Value> = tally
            .into_iter()
            .map(|(kind, (ok, errors))| (kind.to_owned(), json!({"ok": ok, "errors": errors})))
            .collect();
        return Ok(json!({"users": args.users, "seconds": args.duration, "mix": calls}));
    }
    let mut samples = std::mem::take(&mut *samples.lock().map_err(|_| LoadError::OutOfBounds)?);
    samples.start_us.sort_unstable();
    samples.complete_us.sort_unstable();
    samples.flow_us.sort_unstable();
    Ok(json!({
        "users": args.users,
        "seconds": args.duration,
        "flows": samples.flows,
        "errors": samples.errors,
        "flowsPerSecond": samples.flows as f64 / args.duration as f64,
        "completeMs": {"p50": percentile(&samples.complete_us, 0.50), "p99": percentile(&samples.complete_us, 0.99), "max": percentile(&samples.complete_us, 1.0)},
        "startMs": {"p50": percentile(&samples.start_us, 0.50), "p99": percentile(&samples.start_us, 0.99)},
        "flowMs": {"p50": percentile(&samples.flow_us, 0.50), "p99": percentile(&samples.flow_us, 0.99)},
    }))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let as_json = args.json;
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("carekey-load: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(report) => {
            if as_json || report.get("mix").is_some() {
                println!("{report}");
            } else {
                println!(
                    "{} users, {} s: {} full flows ({:.0}/s), {} errors\n\
                     complete: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms\n\
                     start:    p50 {:.2} ms, p99 {:.2} ms\n\
                     flow:     p50 {:.2} ms, p99 {:.2} ms (start, code delivered, complete)",
                    report["users"],
                    report["seconds"],
                    report["flows"],
                    report["flowsPerSecond"].as_f64().unwrap_or(0.0),
                    report["errors"],
                    report["completeMs"]["p50"].as_f64().unwrap_or(0.0),
                    report["completeMs"]["p99"].as_f64().unwrap_or(0.0),
                    report["completeMs"]["max"].as_f64().unwrap_or(0.0),
                    report["startMs"]["p50"].as_f64().unwrap_or(0.0),
                    report["startMs"]["p99"].as_f64().unwrap_or(0.0),
                    report["flowMs"]["p50"].as_f64().unwrap_or(0.0),
                    report["flowMs"]["p99"].as_f64().unwrap_or(0.0),
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("carekey-load: {error}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(url: &str) -> Args {
        Args {
            url: url.into(),
            outbox: PathBuf::from("x"),
            users: 16,
            duration: 10,
            warmup: 1,
            json: false,
            mix: false,
        }
    }

    #[test]
    fn only_loopback_servers_are_loaded() {
        assert!(check_bounds(&args("http://127.0.0.1:8080")).is_ok());
        assert!(check_bounds(&args("http://localhost:1")).is_ok());
        assert!(check_bounds(&args("http://[::1]:1")).is_ok());
        assert!(check_bounds(&args("http://10.0.0.1:8080")).is_err());
        assert!(check_bounds(&args("https://example.com")).is_err());
        let mut too_many = args("http://127.0.0.1:1");
        too_many.users = 10_000;
        assert!(check_bounds(&too_many).is_err());
    }

    #[test]
    fn codes_are_found_in_bodies() {
        assert_eq!(
            code_in("Your CareKey code is 123456. It works").as_deref(),
            Some("123456")
        );
        assert_eq!(code_in("@host #98765432").as_deref(), Some("98765432"));
        assert_eq!(code_in("valid 10 minutes"), None);
    }

    #[test]
    fn percentiles_pick_ranks() {
        let data: Vec<u64> = (1..=100).map(|n| n * 1000).collect();
        assert_eq!(percentile(&data, 0.5), 50.0);
        assert_eq!(percentile(&data, 0.99), 99.0);
        assert_eq!(percentile(&data, 1.0), 100.0);
    }
}
