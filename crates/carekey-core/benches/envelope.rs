//! Sealing and opening a key backup at the desktop Argon2id costs (64 MiB,
//! t=3, p=4) against the reference C implementation (Debian's `argon2`
//! command) with the same costs, interleaved in one run. The envelope adds
//! XChaCha20-Poly1305 and, when opening, the check of each keypair against
//! its public key; both are small next to Argon2.
//!
//! The `argon2` crate is built with its `parallel` feature: the four lanes
//! are filled by rayon's threads, as the reference fills them with one
//! thread per lane. The same seal inside a one-thread rayon pool is reported
//! too, to show what the lanes are worth on this machine.
//!
//! `cargo bench -p carekey-core --bench envelope [-- ROUNDS]` (default 21).
//! Under `cargo test` it runs 1 round, as a smoke test.

// A benchmark reports by printing and fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_core::KeyPair;
use carekey_core::envelope::{self, Argon2Params, Purpose, Secret};
use common::{median, ms, percentile};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "tidal-mango-orbit-velvet-42";
const OWNER: &str = "0190a0b2-0000-7000-8000-000000000001";

/// `argon2 SALT -id -t 3 -m 16 -p 4 -l 32 -r`, the password on stdin.
fn reference_once(params: Argon2Params) -> Duration {
    let log2_kib = params.memory_kib.trailing_zeros();
    assert_eq!(1 << log2_kib, params.memory_kib, "a power of two");
    let started = Instant::now();
    let mut child = Command::new("argon2")
        .args([
            "carekey-bench-salt",
            "-id",
            "-t",
            &params.iterations.to_string(),
            "-m",
            &log2_kib.to_string(),
            "-p",
            &params.lanes.to_string(),
            "-l",
            "32",
            "-r",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the argon2 command is installed (Debian package argon2)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PASSWORD.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let elapsed = started.elapsed();
    assert!(output.status.success(), "argon2 failed");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim().len(), 64);
    elapsed
}

fn seal_once(pair: &KeyPair, params: Argon2Params) -> (Duration, Vec<u8>) {
    let started = Instant::now();
    let sealed = envelope::seal(
        Purpose::PasswordBackup,
        &Secret::Password(PASSWORD),
        OWNER,
        std::slice::from_ref(pair),
        params,
    )
    .unwrap();
    (started.elapsed(), sealed)
}

fn open_once(sealed: &[u8]) -> Duration {
    let started = Instant::now();
    let pairs = envelope::open(
        sealed,
        Purpose::PasswordBackup,
        &Secret::Password(PASSWORD),
        OWNER,
    )
    .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(pairs.len(), 1);
    elapsed
}

fn line(name: &str, samples: &mut [Duration]) -> Duration {
    let middle = median(samples);
    println!(
        "  {name:<34} median {:>7.1} ms  p10 {:>7.1}  p90 {:>7.1}",
        ms(middle),
        ms(percentile(samples, 0.1)),
        ms(percentile(samples, 0.9))
    );
    middle
}

fn main() {
    let rounds = common::rounds(21, 1);
    let params = Argon2Params::DESKTOP;
    let pair = KeyPair::generate(|_| {}).unwrap();
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (mut seals, mut opens, mut references, mut sequential) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (sealing, sealed) = seal_once(&pair, params);
        seals.push(sealing);
        references.push(reference_once(params));
        opens.push(open_once(&sealed));
        sequential.push(one_thread.install(|| seal_once(&pair, params).0));
    }
    println!(
        "Backup envelope at {} MiB, t={}, p={}; {rounds} rounds, interleaved, {} CPUs",
        params.memory_kib / 1024,
        params.iterations,
        params.lanes,
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    let sealing = line("carekey seal (parallel lanes)", &mut seals);
    let opening = line("carekey open (parallel lanes)", &mut opens);
    let reference = line("argon2 command (reference C)", &mut references);
    let alone = line("carekey seal, one rayon thread", &mut sequential);
    println!(
        "  ratio seal / reference: {:.2}, open / reference: {:.2} (target: at most 1.20)",
        sealing.as_secs_f64() / reference.as_secs_f64(),
        opening.as_secs_f64() / reference.as_secs_f64()
    );
    println!(
        "  parallel lanes save {:.0}% of a seal here",
        100.0 * (1.0 - sealing.as_secs_f64() / alone.as_secs_f64())
    );
}
