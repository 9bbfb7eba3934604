//! Time as the server sees it. Tests and embedders may move it by hand, so that
//! expiry and cooldowns are tested without sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

#[derive(Clone, Default)]
pub struct Clock {
    /// Added to the system time; only a [`Clock::manual`] clock is ever moved.
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn system() -> Self {
        Clock::default()
    }

    /// A clock that starts at the system time and moves with it, plus whatever
    /// [`Clock::advance`] adds. Clones share the offset.
    pub fn manual() -> Self {
        Clock::default()
    }

    pub fn advance(&self, by: std::time::Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(by, Ordering::SeqCst);
    }

    pub fn now_ms(&self) -> Millis {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        system.saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }
}

/// RFC 3339 in UTC with milliseconds, as BioT writes it: `2024-12-03T12:48:30.979Z`.
/// For people: `22 Nov 2026, 10:05 UTC`.
pub fn readable(at: Millis) -> String {
    let nanos = i128::from(at) * 1_000_000;
    match time::OffsetDateTime::from_unix_timestamp_nanos(nanos) {
        Ok(moment) => {
            let month = moment.month().to_string();
            format!(
                "{} {} {}, {:02}:{:02} UTC",
                moment.day(),
                &month[..month.len().min(3)],
                moment.year(),
                moment.hour(),
                moment.minute()
            )
        }
        Err(_) => rfc3339(at),
    }
}

pub fn rfc3339(at: Millis) -> String {
    let nanos = i128::from(at) * 1_000_000;
    match time::OffsetDateTime::from_unix_timestamp_nanos(nanos) {
        Ok(moment) => {
            let (year, month, day) = (moment.year(), u8::from(moment.month()), moment.day());
            format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
                moment.hour(),
                moment.minute(),
                moment.second(),
                moment.millisecond()
            )
        }
        Err(_) => String::from("1970-01-01T00:00:00.000Z"),
    }
}

pub fn seconds(value: u64) -> Millis {
    i64::try_from(value)
        .unwrap_or(i64::MAX / 1000)
        .saturating_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_people_write_them() {
        assert_eq!(readable(1_795_341_900_000), "22 Nov 2026, 10:05 UTC");
    }

    #[test]
    fn formats_like_biot() {
        assert_eq!(rfc3339(1_733_230_110_979), "2024-12-03T12:48:30.979Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn a_manual_clock_moves_for_all_its_clones() {
        let clock = Clock::manual();
        let twin = clock.clone();
        let before = twin.now_ms();
        clock.advance(std::time::Duration::from_secs(120));
        assert!(twin.now_ms() - before >= 120_000);
    }
}
