//! Container output: what a container's processes wrote to stdout and stderr, line by line,
//! with the simulated instant each line was written, as a runtime's log file keeps it (the
//! kubelet's CRI log under `/var/log/pods`, Docker's `json-file` log). `kubectl logs` and
//! `docker logs` read it; nothing here records an event, so writing and reading logs leave the
//! trace as it was.
//!
//! Lines come from what the model knows a container runs (see
//! [`crate::cluster::workload`] for a pod's command, [`crate::image::container`] for `docker
//! run`), and from the startup banner of the few servers the registry ships ([`Server`]).
//! stdout and stderr are kept as one stream, interleaved, which is how both commands print them
//! to a terminal. Requests the traffic model sends to a pod are not logged (nginx would write
//! an access-log line for each): ASSUMPTION, a log per request would grow with every simulated
//! second of traffic, and the traffic panel already counts them.
//!
//! A line may be written ahead of its instant (a script's `sleep 5; echo b` is known when the
//! container starts): readers pass the instant they read at and see only what was written by
//! then ([`ContainerLog::lines`]).

use std::collections::VecDeque;

use serde::Serialize;

use crate::time::SimTime;

/// Most lines one container log keeps; the oldest go first. ASSUMPTION: a simulator's bound,
/// far below the kubelet's rotation (`containerLogMaxSize` 10 MiB × `containerLogMaxFiles` 5,
/// kubelet config defaults) and Docker's `json-file` driver (unbounded by default).
pub const MAX_LOG_LINES: usize = 1_000;

/// Most bytes (line text, without newlines) one container log keeps; the oldest lines go first.
/// ASSUMPTION: as [`MAX_LOG_LINES`].
pub const MAX_LOG_BYTES: usize = 64 * 1024;

/// A server image whose process prints a startup banner when it starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Server {
    /// nginx, through the official image's `/docker-entrypoint.sh`, at `version`.
    Nginx {
        /// `NGINX_VERSION` of the image (`1.27.2`).
        version: Box<str>,
    },
    /// `redis-server`, at `version`.
    Redis {
        /// `REDIS_VERSION` of the image (`7.4.1`).
        version: Box<str>,
    },
}

impl Server {
    /// The server a process is, from its program (`nginx`, `redis-server`; what an entrypoint
    /// script execs) and the image's environment (for the version it prints).
    pub fn of(program: &str, env: &[String]) -> Option<Server> {
        let version = |key: &str| -> Box<str> {
            env.iter()
                .find_map(|e| e.strip_prefix(key)?.strip_prefix('='))
                .unwrap_or("")
                .into()
        };
        match crate::image::fs::base_name(program) {
            "nginx" => Some(Server::Nginx {
                version: version("NGINX_VERSION"),
            }),
            "redis-server" => Some(Server::Redis {
                version: version("REDIS_VERSION"),
            }),
            _ => None,
        }
    }

    /// The banner's lines as written at `at`.
    ///
    /// nginx: the lines of the official `nginx:*-alpine` image's `/docker-entrypoint.sh` and
    /// its `/docker-entrypoint.d/` scripts (nginxinc/docker-nginx `entrypoint/`), then nginx's
    /// own notices on stderr in its error-log format. ASSUMPTION: abridged to three notices (no
    /// `built by`, `OS:`, `getrlimit` or one line per worker process); the sandbox's nginx image
    /// stands for the real one and does not hold those scripts itself.
    ///
    /// redis: `redis-server` 7.4 started without a config file, as `docker logs` of the
    /// official image shows it (`PID:ROLE DD Mon YYYY HH:MM:SS.mmm LEVEL message`); the host
    /// warnings a real machine may add (memory overcommit) are left out.
    pub fn lines(&self, at: SimTime) -> Vec<String> {
        match self {
            Server::Nginx { version } => {
                let e = "/docker-entrypoint.sh";
                let d = "/docker-entrypoint.d";
                let stamp = nginx_time(at);
                vec![
                    format!("{e}: {d}/ is not empty, will attempt to perform configuration"),
                    format!("{e}: Looking for shell scripts in {d}/"),
                    format!("{e}: Launching {d}/10-listen-on-ipv6-by-default.sh"),
                    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf".into(),
                    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf".into(),
                    format!("{e}: Sourcing {d}/15-local-resolvers.envsh"),
                    format!("{e}: Launching {d}/20-envsubst-on-templates.sh"),
                    format!("{e}: Launching {d}/30-tune-worker-processes.sh"),
                    format!("{e}: Configuration complete; ready for start up"),
                    format!("{stamp} [notice] 1#1: using the \"epoll\" event method"),
                    format!("{stamp} [notice] 1#1: nginx/{version}"),
                    format!("{stamp} [notice] 1#1: start worker processes"),
                ]
            }
            Server::Redis { version } => {
                let stamp = redis_time(at);
                vec![
                    format!("1:C {stamp} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
                    format!("1:C {stamp} * Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, just started"),
                    format!("1:C {stamp} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf"),
                    format!("1:M {stamp} * monotonic clock: POSIX clock_gettime"),
                    format!("1:M {stamp} * Running mode=standalone, port=6379."),
                    format!("1:M {stamp} * Server initialized"),
                    format!("1:M {stamp} * Ready to accept connections tcp"),
                ]
            }
        }
    }
}

/// What a log holds: one line, or a server's banner (kept as one entry, expanded when read, so
/// that a thousand nginx pods do not each hold a dozen copies of the same text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
enum Entry {
    Line { at: SimTime, text: Box<str> },
    Banner { at: SimTime, server: Server },
}

impl Entry {
    fn at(&self) -> SimTime {
        match self {
            Entry::Line { at, .. } | Entry::Banner { at, .. } => *at,
        }
    }

    /// (lines, bytes) it counts for against the bounds.
    fn size(&self) -> (usize, usize) {
        match self {
            Entry::Line { text, .. } => (1, text.len()),
            Entry::Banner { at, server } => {
                let lines = server.lines(*at);
                (lines.len(), lines.iter().map(String::len).sum())
            }
        }
    }
}

/// One line read from a log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// When it was written.
    pub at: SimTime,
    /// Its text, without the newline.
    pub text: String,
}

/// The log of one container (Docker: across its restarts; a pod's container: one per run),
/// bounded by [`MAX_LOG_LINES`] and [`MAX_LOG_BYTES`], oldest entries dropped first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ContainerLog {
    entries: VecDeque<Entry>,
    lines: usize,
    bytes: usize,
}

impl ContainerLog {
    /// Writes one line at `at`.
    pub fn write_line(&mut self, at: SimTime, text: &str) {
        self.push(Entry::Line {
            at,
            text: text.into(),
        });
    }

    /// Writes what a process printed at `at` (text with newlines), one line per line.
    pub fn write_output(&mut self, at: SimTime, text: &str) {
        for line in text.lines() {
            self.write_line(at, line);
        }
    }

    /// Writes a server's startup banner at `at`.
    pub fn write_banner(&mut self, at: SimTime, server: Server) {
        self.push(Entry::Banner { at, server });
    }

    fn push(&mut self, e: Entry) {
        let (lines, bytes) = e.size();
        self.entries.push_back(e);
        self.lines += lines;
        self.bytes += bytes;
        while self.lines > MAX_LOG_LINES || self.bytes > MAX_LOG_BYTES {
            let Some(old) = self.entries.pop_front() else {
                break;
            };
            let (l, b) = old.size();
            self.lines -= l;
            self.bytes -= b;
        }
    }

    /// Gives back the room kept for more entries (for a log written once).
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }

    /// Lines kept (written or still to come).
    pub fn len(&self) -> usize {
        self.lines
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.lines == 0
    }

    /// The lines written at or before `until`, oldest first.
    pub fn lines(&self, until: SimTime) -> Vec<LogLine> {
        self.lines_from(SimTime::ZERO, until)
    }

    /// The lines of a log written relative to `base` (each entry's instant an offset from
    /// it, so the runs of many pods that printed the same thing can share one log), at or
    /// before `until`, oldest first, with their instants in simulated time.
    pub fn lines_from(&self, base: SimTime, until: SimTime) -> Vec<LogLine> {
        let mut out = Vec::new();
        let Some(until) = until.as_ms().checked_sub(base.as_ms()) else {
            return out;
        };
        for e in self.entries.iter().take_while(|e| e.at().as_ms() <= until) {
            let at = base.plus_ms(e.at().as_ms());
            match e {
                Entry::Line { text, .. } => out.push(LogLine {
                    at,
                    text: text.to_string(),
                }),
                Entry::Banner { server, .. } => out.extend(
                    server
                        .lines(at)
                        .into_iter()
                        .map(|text| LogLine { at, text }),
                ),
            }
        }
        out
    }
}

/// Prints `lines` as `kubectl logs` and `docker logs` do: the last `tail` of them (all when
/// `None`), each prefixed with its instant when `timestamps`, one per line.
pub fn render(lines: &[LogLine], tail: Option<usize>, timestamps: bool) -> String {
    let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
    let mut out = String::new();
    for l in &lines[skip..] {
        if timestamps {
            out.push_str(&rfc3339_nano_fixed(l.at));
            out.push(' ');
        }
        out.push_str(&l.text);
        out.push('\n');
    }
    out
}

/// Civil time of a simulated instant: (year, month, day, hour, minute, second, ms, weekday
/// with 0 = Sunday), from the fixed epoch simulated time zero stands for.
fn civil(at: SimTime) -> (i64, u32, u32, u64, u64, u64, u64, usize) {
    let ms = at.as_ms();
    let secs = crate::image::config::SIM_EPOCH_UNIX_S + i64::try_from(ms / 1000).unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let (y, m, d) = crate::image::config::civil_from_days(days);
    let rem = secs.rem_euclid(86_400).unsigned_abs();
    // 1970-01-01 was a Thursday.
    let weekday = usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0);
    (
        y,
        m,
        d,
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        ms % 1000,
        weekday,
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

fn month(m: u32) -> &'static str {
    MONTHS[(m.clamp(1, 12) - 1) as usize]
}

/// The timestamp `kubectl logs --timestamps` and `docker logs -t` print: RFC 3339 in UTC with
/// nanoseconds always nine digits (the kubelet's `timeFormatOut`,
/// `2006-01-02T15:04:05.000000000Z07:00`; Docker's `RFC3339NanoFixed`).
pub fn rfc3339_nano_fixed(at: SimTime) -> String {
    let (y, mo, d, h, mi, s, ms, _) = civil(at);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}000000Z")
}

/// What `date` prints with no arguments in a container (TZ unset: UTC): its default format
/// `%a %b %e %H:%M:%S %Z %Y` (BusyBox and coreutils alike), `Wed Jan  1 00:00:05 UTC 2025`.
pub fn date_default(at: SimTime) -> String {
    let (y, mo, d, h, mi, s, _, wd) = civil(at);
    format!(
        "{} {} {d:>2} {h:02}:{mi:02}:{s:02} UTC {y}",
        DAYS[wd],
        month(mo)
    )
}

/// nginx's error-log time (`2025/01/01 00:00:05`, local time: UTC in a container).
fn nginx_time(at: SimTime) -> String {
    let (y, mo, d, h, mi, s, _, _) = civil(at);
    format!("{y:04}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02}")
}

/// redis's log time (`01 Jan 2025 00:00:05.000`).
fn redis_time(at: SimTime) -> String {
    let (y, mo, d, h, mi, s, ms, _) = civil(at);
    format!("{d:02} {} {y} {h:02}:{mi:02}:{s:02}.{ms:03}", month(mo))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_in_each_tools_format() {
        let t = SimTime(5_250);
        assert_eq!(rfc3339_nano_fixed(t), "2025-01-01T00:00:05.250000000Z");
        assert_eq!(date_default(t), "Wed Jan  1 00:00:05 UTC 2025");
        assert_eq!(nginx_time(t), "2025/01/01 00:00:05");
        assert_eq!(redis_time(t), "01 Jan 2025 00:00:05.250");
        // 2025-03-10 is a Monday.
        let later = SimTime((31 + 28 + 9) * 86_400_000 + 13 * 3_600_000);
        assert_eq!(date_default(later), "Mon Mar 10 13:00:00 UTC 2025");
    }

    #[test]
    fn a_log_keeps_its_last_lines_within_both_bounds() {
        let mut log = ContainerLog::default();
        for i in 0..MAX_LOG_LINES + 5 {
            log.write_line(SimTime(i as u64), &format!("line {i}"));
        }
        assert_eq!(log.len(), MAX_LOG_LINES);
        let lines = log.lines(SimTime(u64::MAX));
        assert_eq!(lines[0].text, "line 5");
        let mut big = ContainerLog::default();
        let long = "x".repeat(1000);
        for i in 0..100 {
            big.write_line(SimTime(i), &long);
        }
        assert_eq!(big.len(), MAX_LOG_BYTES / 1000);
    }

    #[test]
    fn lines_written_ahead_are_read_only_once_their_instant_came() {
        let mut log = ContainerLog::default();
        log.write_line(SimTime(0), "a");
        log.write_line(SimTime(5_000), "b");
        let text = |until| render(&log.lines(SimTime(until)), None, false);
        assert_eq!(text(4_999), "a\n");
        assert_eq!(text(5_000), "a\nb\n");
        assert_eq!(
            render(&log.lines(SimTime(9_000)), Some(1), true),
            "2025-01-01T00:00:05.000000000Z b\n"
        );
    }
}
