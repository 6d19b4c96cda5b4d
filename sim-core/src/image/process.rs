//! Processes of a container: each has a PID in the container's PID namespace (its command is
//! PID 1) and another in the host's (allocated in order by the host kernel), a user, a command
//! and what it does to the CPU and memory (idle, CPU hog, memory hog).
//!
//! Workloads (`stress --cpu N`, `stress --vm N --vm-bytes B`, `tail /dev/zero`) run over
//! simulated time: CPU is shared by [`super::cgroup::allocate`], memory grows at
//! [`super::cgroup::HOG_ALLOC_BYTES_PER_MS`] until the hog has what it asked for (or the cgroup's
//! limit is crossed and the OOM killer picks a process).

use serde::Serialize;

use super::cgroup::{parse_docker_bytes, HOG_ALLOC_BYTES_PER_MS, IDLE_PROCESS_RSS_BYTES};

/// What a process does with the machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Activity {
    /// Sleeps or waits (a shell, `sleep`, a server with no load, `stress`'s parent).
    Idle,
    /// Spins on the CPU (one thread).
    CpuHog,
    /// Touches memory until it holds `target_bytes` (and spins while doing so, as
    /// `stress --vm` does).
    MemHog {
        /// What it will hold when done (`None`: grows without end, as `tail /dev/zero`).
        target_bytes: Option<u64>,
    },
}

impl Activity {
    /// Resident memory of a process doing this after `running_ms` (a memory hog grows at
    /// [`HOG_ALLOC_BYTES_PER_MS`] up to its target; everything else holds
    /// [`IDLE_PROCESS_RSS_BYTES`]).
    pub fn rss_bytes(&self, running_ms: u64) -> u64 {
        match self {
            Activity::MemHog { target_bytes } => {
                let grown = running_ms.saturating_mul(HOG_ALLOC_BYTES_PER_MS);
                IDLE_PROCESS_RSS_BYTES + target_bytes.map_or(grown, |t| grown.min(t))
            }
            _ => IDLE_PROCESS_RSS_BYTES,
        }
    }
}

/// The processes a command starts, parent first: a workload's parent and its workers, or one
/// process that idles (see [`Activity`]).
pub fn activities(work: Option<&Workload>) -> Vec<Activity> {
    let parent = match work {
        Some(Workload::TailZero) => Activity::MemHog { target_bytes: None },
        _ => Activity::Idle,
    };
    let mut all = vec![parent];
    if let Some(Workload::Stress(s)) = work {
        all.extend(std::iter::repeat_n(Activity::CpuHog, s.cpu as usize));
        all.extend(std::iter::repeat_n(
            Activity::MemHog {
                target_bytes: Some(s.vm_bytes),
            },
            s.vm as usize,
        ));
    }
    all
}

/// One process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Process {
    /// PID in the container's namespace.
    pub pid: u32,
    /// Parent's PID in the container's namespace (0 for PID 1: its parent is outside).
    pub ppid: u32,
    /// PID in the host's namespace.
    pub host_pid: u32,
    /// Parent's PID in the host's namespace.
    pub host_ppid: u32,
    /// User name as `ps` shows it.
    pub user: String,
    /// argv.
    pub argv: Vec<String>,
    /// When it started (simulated ms).
    pub started_ms: u64,
    /// What it does.
    pub activity: Activity,
    /// The `stress` run it belongs to (its parent's PID in the namespace), if any.
    pub stress_group: Option<u32>,
}

impl Process {
    /// The command line as `ps` shows it.
    pub fn command(&self) -> String {
        self.argv.join(" ")
    }

    /// Resident memory at `now_ms`.
    pub fn rss_bytes(&self, now_ms: u64) -> u64 {
        self.activity
            .rss_bytes(now_ms.saturating_sub(self.started_ms))
    }

    /// True when it wants a CPU all the time.
    pub fn is_cpu_bound(&self) -> bool {
        !matches!(self.activity, Activity::Idle)
    }
}

/// A parsed `stress` command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stress {
    /// `--cpu N` workers.
    pub cpu: u32,
    /// `--vm N` workers.
    pub vm: u32,
    /// `--vm-bytes B` per vm worker (default 256 MB).
    pub vm_bytes: u64,
    /// `--timeout N` in ms.
    pub timeout_ms: Option<u64>,
}

/// Most workers one `stress` may start in the sandbox.
pub const MAX_STRESS_WORKERS: u32 = 64;

/// Parses `stress` arguments (stress 1.0.4's flags; `--io` and `--hdd` are not modelled).
/// `Err` is stress's message.
pub fn parse_stress(args: &[&str]) -> Result<Stress, String> {
    let mut s = Stress {
        cpu: 0,
        vm: 0,
        // stress(1): "--vm-bytes B  malloc B bytes per vm worker (default is 256MB)".
        vm_bytes: 256 * 1024 * 1024,
        timeout_ms: None,
    };
    let mut i = 0;
    let count = |v: &str, flag: &str| -> Result<u32, String> {
        v.parse::<u32>()
            .ok()
            .filter(|n| *n <= MAX_STRESS_WORKERS)
            .ok_or_else(|| {
                format!(
                    "stress: FAIL: [1] (244) invalid number of {flag} workers: {v} (the sandbox allows 0 to {MAX_STRESS_WORKERS})"
                )
            })
    };
    while i < args.len() {
        let flag = args[i];
        let value = args.get(i + 1).copied();
        let need = || format!("stress: FAIL: [1] (244) option {flag} requires an argument");
        match flag {
            "-c" | "--cpu" => s.cpu = count(value.ok_or_else(need)?, "cpu")?,
            "-m" | "--vm" => s.vm = count(value.ok_or_else(need)?, "vm")?,
            "--vm-bytes" => {
                let v = value.ok_or_else(need)?;
                s.vm_bytes = parse_docker_bytes(v)
                    .map_err(|_| format!("stress: FAIL: [1] (279) invalid number: {v}"))?;
            }
            "-t" | "--timeout" => {
                let v = value.ok_or_else(need)?;
                let (num, mult) = match v.strip_suffix('s') {
                    Some(n) => (n, 1000),
                    None => match v.strip_suffix('m') {
                        Some(n) => (n, 60_000),
                        None => match v.strip_suffix('h') {
                            Some(n) => (n, 3_600_000),
                            None => (v, 1000),
                        },
                    },
                };
                let n: u64 = num
                    .parse()
                    .ok()
                    .filter(|n| (1..=86_400).contains(n))
                    .ok_or_else(|| format!("stress: FAIL: [1] (279) invalid timeout: {v}"))?;
                s.timeout_ms = Some(n * mult);
            }
            "-i" | "--io" | "-d" | "--hdd" => {
                return Err(format!(
                    "stress: the sandbox models CPU (--cpu) and memory (--vm) hogs only, not {flag}"
                ))
            }
            other => {
                return Err(format!(
                    "stress: FAIL: [1] (244) unrecognized option: {other}"
                ))
            }
        }
        i += 2;
    }
    if s.cpu == 0 && s.vm == 0 {
        return Err("stress: FAIL: [1] (244) no work to do (give --cpu N or --vm N)".into());
    }
    Ok(s)
}

/// The workload a container command or exec starts, if it is one the sandbox models.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Workload {
    /// `stress …`.
    Stress(Stress),
    /// `tail /dev/zero`: one process reading an endless line into memory.
    TailZero,
}

/// Recognizes a workload command; `Ok(None)` for everything else.
pub fn workload(argv: &[String]) -> Result<Option<Workload>, String> {
    let words: Vec<&str> = argv.iter().map(String::as_str).collect();
    match words.as_slice() {
        [prog, rest @ ..] if super::fs::base_name(prog) == "stress" => {
            parse_stress(rest).map(|s| Some(Workload::Stress(s)))
        }
        [prog, "/dev/zero"] if super::fs::base_name(prog) == "tail" => Ok(Some(Workload::TailZero)),
        _ => Ok(None),
    }
}
