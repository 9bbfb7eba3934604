//! Making phone numbers E.164 (`phone::to_e164`), as the app does before
//! sending one and the server does for every start, registration and
//! WhatsApp message: numbers typed in national and international form for
//! several countries, in turn, so the rules of many countries are in use
//! at once, as they are on a server that serves many countries.
//!
//! `cargo bench -p carekey-core --bench phone [-- ROUNDS]` (default 2000
//! rounds of the list). Under `cargo test` it runs 20 rounds, as a smoke
//! test.

// A benchmark reports by printing and fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_core::phone::to_e164;
use common::{median, ms, percentile};
use std::time::{Duration, Instant};

/// As typed: (number, the country picked), and whether it is valid.
const TYPED: &[(&str, &str, bool)] = &[
    ("0470 12 34 56", "BE", true),
    ("+32 470 12 34 56", "BE", true),
    ("06 12 34 56 78", "FR", true),
    ("+33 6 12 34 56 78", "FR", true),
    ("06-12345678", "NL", true),
    ("0812-3456-7890", "ID", true),
    ("+62 812 3456 7890", "ID", true),
    ("(201) 555-0123", "US", true),
    ("0151 23456789", "DE", true),
    ("07400 123456", "GB", true),
    ("+41 78 123 45 67", "CH", true),
    ("0470 12 34", "BE", false),
    ("12345", "US", false),
    ("+999 1234", "FR", false),
];

fn main() {
    let rounds = common::rounds(2000, 20);
    for (typed, country, valid) in TYPED {
        assert_eq!(
            to_e164(typed, Some(country)).is_ok(),
            *valid,
            "{typed} in {country}"
        );
    }
    let mut samples = Vec::with_capacity(rounds * TYPED.len());
    for _ in 0..rounds {
        for (typed, country, _) in TYPED {
            let started = Instant::now();
            let _ = std::hint::black_box(to_e164(typed, Some(country)));
            samples.push(started.elapsed());
        }
    }
    let total: Duration = samples.iter().sum();
    let per_call = total / u32::try_from(samples.len()).unwrap_or(u32::MAX);
    let middle = median(&mut samples);
    let p99 = percentile(&samples, 0.99);
    println!(
        "phone::to_e164: {} calls, {:.1} µs mean, {:.1} µs median, {:.1} µs p99",
        samples.len(),
        ms(per_call) * 1e3,
        ms(middle) * 1e3,
        ms(p99) * 1e3,
    );
}
