//! Docker CLI output conventions: human sizes and durations (go-units), and the tabwriter
//! column layout (`minwidth 10, padding 3`) of `docker images`, `docker history`, `docker ps`.

/// `units.HumanSizeWithPrecision(size, 3)`: decimal units, three significant digits
/// (`7.8MB`, `0B`, `12B`, `5.21kB`, `123MB`).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    format!("{}{}", g3(v), UNITS[i])
}

/// Go's `%.3g` for values in [0, 1000): three significant digits, trailing zeros dropped.
fn g3(v: f64) -> String {
    let digits_before = if v < 1.0 {
        1
    } else {
        (v.log10().floor() as i32) + 1
    };
    let decimals = (3 - digits_before).max(0) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    // Rounding can reach 1000 (999.5 → "1000"); Go prints 1e+03, docker never shows it since
    // the unit loop divides first. Keep the plain number.
    s
}

/// `units.HumanDuration` (what `docker images` prints before "ago").
pub fn human_duration(ms: u64) -> String {
    let seconds = ms / 1000;
    let minutes = seconds / 60;
    let hours_rounded = (ms as f64 / 3_600_000.0 + 0.5) as u64;
    if seconds < 1 {
        "Less than a second".into()
    } else if seconds == 1 {
        "1 second".into()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours_rounded == 1 {
        "About an hour".into()
    } else if hours_rounded < 48 {
        format!("{hours_rounded} hours")
    } else if hours_rounded < 24 * 7 * 2 {
        format!("{} days", hours_rounded / 24)
    } else if hours_rounded < 24 * 30 * 2 {
        format!("{} weeks", hours_rounded / 24 / 7)
    } else if hours_rounded < 24 * 365 * 2 {
        format!("{} months", hours_rounded / 24 / 30)
    } else {
        format!("{} years", ms / 3_600_000 / 24 / 365)
    }
}

/// `… ago` from a creation time and now (both simulated ms).
pub fn ago(created_ms: i64, now_ms: i64) -> String {
    format!(
        "{} ago",
        human_duration(now_ms.saturating_sub(created_ms).max(0) as u64)
    )
}

/// Lays out rows as Go's `tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)` does: every column but
/// the last padded to max(10, widest cell + 3) characters.
pub fn table(rows: &[Vec<String>]) -> String {
    crate::host::process::tabwrite(rows, 10, 3)
        .lines()
        .map(|line| format!("{}\n", line.trim_end()))
        .collect()
}

/// Go's `Ellipsis(s, n)` as the CLI uses it for CREATED BY: at most `n` characters, the last
/// one `…` when cut.
pub fn ellipsis(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_print_as_the_docker_cli_prints_them() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(12), "12B");
        assert_eq!(human_size(7_800_000), "7.8MB");
        assert_eq!(human_size(5_210), "5.21kB");
        assert_eq!(human_size(78_123_456), "78.1MB");
        assert_eq!(human_size(123_456_789), "123MB");
        assert_eq!(human_duration(500), "Less than a second");
        assert_eq!(human_duration(45_000), "45 seconds");
        assert_eq!(human_duration(60_000), "About a minute");
        assert_eq!(human_duration(120_000), "2 minutes");
        assert_eq!(human_duration(3_600_000), "About an hour");
        assert_eq!(human_duration(120 * 86_400_000), "4 months");
    }

    #[test]
    fn table_pads_columns_like_tabwriter() {
        let t = table(&[
            vec!["REPOSITORY".into(), "TAG".into(), "SIZE".into()],
            vec!["alpine".into(), "3.20".into(), "7.8MB".into()],
        ]);
        assert_eq!(
            t,
            "REPOSITORY   TAG       SIZE\nalpine       3.20      7.8MB\n"
        );
    }
}
