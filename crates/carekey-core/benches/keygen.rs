//! RSA-2048 key generation: CareKey's (the `rsa` crate, as the app runs it,
//! progress reports included) against OpenSSL's
//! `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` on the same
//! machine, interleaved in one run. Prime search time varies a lot from key
//! to key, so medians over many keys are compared.
//!
//! `cargo bench -p carekey-core --bench keygen [-- ROUNDS]` (default 31).
//! Under `cargo test` (no `--bench` flag) it runs 2 rounds, as a smoke test.

// A benchmark reports by printing and fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use carekey_core::KeyPair;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn percentile(samples: &[Duration], fraction: f64) -> Duration {
    let index = ((samples.len() - 1) as f64 * fraction).round() as usize;
    samples[index]
}

fn openssl_once() -> Duration {
    let started = Instant::now();
    let status = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl is installed");
    assert!(status.success(), "openssl genpkey failed");
    started.elapsed()
}

fn carekey_once() -> Duration {
    let started = Instant::now();
    let mut reports = 0u64;
    let pair = KeyPair::generate(|_| reports += 1).unwrap();
    let elapsed = started.elapsed();
    assert!(reports > 0 && pair.fingerprint().is_ok());
    elapsed
}

fn main() {
    let benchmarking = std::env::args().any(|argument| argument == "--bench");
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|argument| argument.parse().ok())
        .unwrap_or(if benchmarking { 31 } else { 2 });
    // The process start of `openssl` is part of its figure; measure it alone
    // to report it (it is small next to key generation).
    let mut start_only: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            Command::new("openssl")
                .arg("version")
                .stdout(Stdio::null())
                .status()
                .unwrap();
            started.elapsed()
        })
        .collect();
    let mut ours = Vec::with_capacity(rounds);
    let mut theirs = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        ours.push(carekey_once());
        theirs.push(openssl_once());
    }
    let (ours_median, theirs_median) = (median(&mut ours), median(&mut theirs));
    println!("RSA-2048 key generation, {rounds} keys each, interleaved");
    println!(
        "  carekey (rsa crate): median {:>7.1} ms  p10 {:>7.1}  p90 {:>7.1}",
        ours_median.as_secs_f64() * 1e3,
        percentile(&ours, 0.1).as_secs_f64() * 1e3,
        percentile(&ours, 0.9).as_secs_f64() * 1e3
    );
    println!(
        "  openssl genpkey:     median {:>7.1} ms  p10 {:>7.1}  p90 {:>7.1}  (process start alone {:.1} ms)",
        theirs_median.as_secs_f64() * 1e3,
        percentile(&theirs, 0.1).as_secs_f64() * 1e3,
        percentile(&theirs, 0.9).as_secs_f64() * 1e3,
        median(&mut start_only).as_secs_f64() * 1e3
    );
    println!(
        "  ratio carekey / openssl: {:.2} (target: at most 2.00)",
        ours_median.as_secs_f64() / theirs_median.as_secs_f64()
    );
}
