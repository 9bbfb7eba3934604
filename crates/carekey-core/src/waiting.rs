//! Long waits at a person's pace. A login waits on the server (an approval
//! from another device, a WhatsApp message) for as long as the login lives,
//! which is minutes, not one request: each long poll asks the server to hold
//! [`HOLD_SECONDS`] and allows the request [`MARGIN`] more than that, so the
//! client never gives up before the server answers "still pending"; a
//! request that fails on the way (the network dropped, the server
//! restarting) is asked again after a [`Backoff`], never the end of the
//! login. Only the server's answer, or the login ending on this device,
//! ends a wait.

use rand::RngExt;
use serde::Serialize;
use std::time::Duration;

/// How long each long poll asks the server to hold the answer.
pub const HOLD_SECONDS: u32 = 20;

/// What a long poll may take beyond the hold: the server's answer after a
/// full hold, on a slow network or a busy server.
pub const MARGIN: Duration = Duration::from_secs(15);

/// The whole-request timeout of a long poll holding `hold_seconds`.
pub fn long_poll_timeout(hold_seconds: u32) -> Duration {
    Duration::from_secs(u64::from(hold_seconds)) + MARGIN
}

/// What a wait reports as it goes, so the screen shows it is alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "state"
)]
pub enum WaitState {
    /// The server holds the request; nothing yet.
    Waiting,
    /// The server could not be reached; the wait asks again in this many
    /// seconds.
    Reconnecting { retry_in_seconds: u64 },
}

/// Delays between tries after failures: 1 s doubling to 15 s, each with up
/// to a fifth more at random, so that the clients of a restarted server do
/// not all come back in the same instant.
#[derive(Debug, Default)]
pub struct Backoff {
    failures: u32,
}

const FIRST: Duration = Duration::from_secs(1);
const LONGEST: Duration = Duration::from_secs(15);

impl Backoff {
    /// The delay before the next try after one more failure.
    pub fn next_delay(&mut self) -> Duration {
        let doubled = FIRST.saturating_mul(1u32 << self.failures.min(5));
        self.failures = self.failures.saturating_add(1);
        let base = doubled.min(LONGEST);
        let jitter = rand::rng().random_range(0..=base.as_millis() / 5);
        base + Duration::from_millis(u64::try_from(jitter).unwrap_or(0))
    }

    /// An answer came: the next failure starts from the shortest delay.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_fifteen_seconds_and_starts_over_after_an_answer() {
        let mut backoff = Backoff::default();
        let delays: Vec<Duration> = (0..7).map(|_| backoff.next_delay()).collect();
        for (delay, base) in delays.iter().zip([1, 2, 4, 8, 15, 15, 15]) {
            let base = Duration::from_secs(base);
            assert!(*delay >= base && *delay <= base + base / 5, "{delay:?}");
        }
        backoff.reset();
        assert!(backoff.next_delay() < Duration::from_millis(1201));
    }

    #[test]
    fn the_screen_reads_each_state_in_camel_case() {
        let json = serde_json::to_value(WaitState::Reconnecting {
            retry_in_seconds: 4,
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"state": "reconnecting", "retryInSeconds": 4})
        );
        let json = serde_json::to_value(WaitState::Waiting).unwrap();
        assert_eq!(json, serde_json::json!({"state": "waiting"}));
    }

    #[test]
    fn a_long_poll_outlives_the_servers_hold() {
        assert!(long_poll_timeout(HOLD_SECONDS) >= Duration::from_secs(30));
    }
}
