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

mod common;

use carekey_core::KeyPair;
use common::{median, ms, percentile};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let rounds = common::rounds(31, 2);
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
        ms(ours_median),
        ms(percentile(&ours, 0.1)),
        ms(percentile(&ours, 0.9))
    );
    println!(
        "  openssl genpkey:     median {:>7.1} ms  p10 {:>7.1}  p90 {:>7.1}  (process start alone {:.1} ms)",
        ms(theirs_median),
        ms(percentile(&theirs, 0.1)),
        ms(percentile(&theirs, 0.9)),
        ms(median(&mut start_only))
    );
    println!(
        "  ratio carekey / openssl: {:.2} (target: at most 2.00)",
        ours_median.as_secs_f64() / theirs_median.as_secs_f64()
    );
}
