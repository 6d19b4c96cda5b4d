//! Simulated time: integer milliseconds, injected, never read from the OS.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::error::CommandError;

/// A point in simulated time, in milliseconds since the simulation started.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SimTime(pub u64);

/// The longest single `run` accepted: 30 simulated days. A limit, so that no command can ask the
/// simulation for an unbounded amount of work.
pub const MAX_RUN_MS: u64 = 30 * 24 * 60 * 60 * 1000;

impl SimTime {
    /// Time zero: the start of every simulation.
    pub const ZERO: SimTime = SimTime(0);

    /// Milliseconds since the start.
    pub fn as_ms(self) -> u64 {
        self.0
    }

    /// This time plus `ms` milliseconds, saturating at the largest representable time.
    pub fn plus_ms(self, ms: u64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }
}

impl fmt::Display for SimTime {
    /// `HH:MM:SS` with `.mmm` only when the milliseconds are not zero (as the event log shows it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % 1000;
        let total_s = self.0 / 1000;
        let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
        if ms == 0 {
            write!(f, "{h:02}:{m:02}:{s:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{s:02}.{ms:03}")
        }
    }
}

/// Parses a duration such as `500ms`, `30s`, `2m`, `1h` or `1m30s` into milliseconds.
///
/// Units are `ms`, `s`, `m` and `h`; several number-unit pairs may follow each other, largest
/// unit first, as Go and kubectl print durations.
pub fn parse_duration_ms(text: &str) -> Result<u64, CommandError> {
    let invalid = || CommandError::InvalidDuration(text.to_string());
    if text.is_empty() || text.len() > 32 {
        return Err(invalid());
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut total: u64 = 0;
    let mut last_unit_ms = u64::MAX;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return Err(invalid());
        }
        let number: u64 = text[start..i].parse().map_err(|_| invalid())?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit_ms = match &text[unit_start..i] {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return Err(invalid()),
        };
        if unit_ms >= last_unit_ms {
            return Err(invalid());
        }
        last_unit_ms = unit_ms;
        total = number
            .checked_mul(unit_ms)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(invalid)?;
    }
    Ok(total)
}

/// Formats milliseconds the way the duration parser reads them back (`1m30s`, `500ms`, `0s`).
pub fn format_duration_ms(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, unit_ms) in [("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)] {
        if rest >= unit_ms {
            out.push_str(&format!("{}{}", rest / unit_ms, unit));
            rest %= unit_ms;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_unit() {
        assert_eq!(parse_duration_ms("500ms").unwrap(), 500);
        assert_eq!(parse_duration_ms("30s").unwrap(), 30_000);
        assert_eq!(parse_duration_ms("2m").unwrap(), 120_000);
        assert_eq!(parse_duration_ms("1h").unwrap(), 3_600_000);
        assert_eq!(parse_duration_ms("1m30s").unwrap(), 90_000);
        assert_eq!(parse_duration_ms("0s").unwrap(), 0);
    }

    #[test]
    fn malformed_durations_are_rejected_with_the_unit_hint() {
        for bad in [
            "5x",
            "",
            "s",
            "10",
            "1.5s",
            "-3s",
            "30s1m",
            "1s1s",
            "99999999999999999999h",
        ] {
            let err = parse_duration_ms(bad).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid duration \"{bad}\": use a number followed by ms, s, m or h")
            );
        }
    }

    #[test]
    fn durations_format_and_parse_back() {
        for ms in [0, 1, 999, 1000, 90_000, 3_723_004] {
            assert_eq!(parse_duration_ms(&format_duration_ms(ms)).unwrap(), ms);
        }
    }

    #[test]
    fn sim_time_displays_as_clock() {
        assert_eq!(SimTime(0).to_string(), "00:00:00");
        assert_eq!(SimTime(55_000).to_string(), "00:00:55");
        assert_eq!(SimTime(3_723_004).to_string(), "01:02:03.004");
    }
}
