//! What the benchmarks share: rounds from the command line, medians.

use std::time::Duration;

/// Rounds: the first number among the arguments, else `benchmarking` when
/// run by `cargo bench` (which passes `--bench`), else `smoke` (under
/// `cargo test`, as a smoke test).
pub fn rounds(benchmarking: usize, smoke: usize) -> usize {
    let is_bench = std::env::args().any(|argument| argument == "--bench");
    std::env::args()
        .skip(1)
        .find_map(|argument| argument.parse().ok())
        .unwrap_or(if is_bench { benchmarking } else { smoke })
}

pub fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Of sorted samples.
pub fn percentile(samples: &[Duration], fraction: f64) -> Duration {
    let index = ((samples.len() - 1) as f64 * fraction).round() as usize;
    samples[index]
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
