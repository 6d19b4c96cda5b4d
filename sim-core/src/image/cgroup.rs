//! A container's cgroup: the memory limit, the CPU quota (CFS bandwidth) and CPU shares that
//! `docker run --memory/--cpus/--cpu-shares` set, and the accounting the kernel keeps for it
//! (`cpu.stat`: usage, periods, throttled periods and time; memory in use).
//!
//! CPU time is accounted exactly, in integers, between *changes* (a hog starts or ends, a
//! container stops, the host's cores change): between two changes every running hog gets a
//! constant share of the host's cores, so the simulation settles the accounts at each change
//! and views add the time since. No tick events are needed for throttling to accumulate.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::host::quantity::{KIB, MIB};

/// The CFS bandwidth period Docker uses with `--cpus`: 100 ms (`cpu.cfs_period_us` default
/// 100000; kernel docs `Documentation/scheduler/sched-bwc.rst`; Docker `--cpus` = quota/period).
pub const CFS_PERIOD_MS: u64 = 100;

/// Default `--cpu-shares` (cgroup v1 `cpu.shares` default 1024; Docker docs "Runtime options
/// with Memory, CPUs, and GPUs").
pub const DEFAULT_CPU_SHARES: u64 = 1024;

/// Smallest memory limit the daemon accepts: "Minimum memory limit allowed is 6MB"
/// (moby `daemon/daemon_unix.go` `linuxMinMemory` = 6 MiB).
pub const MIN_MEMORY_BYTES: u64 = 6 * MIB;

/// ASSUMPTION: the resident memory of a small idle process (`sleep`, a shell, `stress`'s
/// parent): 512 KiB. Real figures for busybox programs are a few hundred KiB.
pub const IDLE_PROCESS_RSS_BYTES: u64 = 512 * KIB;

/// ASSUMPTION: how fast a memory hog (`stress --vm`, `tail /dev/zero`) touches new memory:
/// 1 GiB/s, i.e. 1 MiB per ms. Page-faulting fresh 4 KiB pages runs at roughly 1–3 GB/s on
/// current hardware; the sandbox takes the round lower figure so an OOM kill is a visible
/// instant (300 MiB take 300 ms) rather than a jump.
pub const HOG_ALLOC_BYTES_PER_MS: u64 = MIB;

/// The phases of a container's start, in order, with their durations (ms).
///
/// - create namespaces: 9 ms — Khan, "Decomposing Docker Container Startup Performance"
///   (arXiv:2602.15214, 2026): namespace creation takes 8–10 ms (<1.5 % of the start) on an
///   Azure Premium SSD VM.
/// - cgroup: 5 ms — ASSUMPTION (mkdir in cgroupfs and a few writes; no published figure found).
/// - mount rootfs: 20 ms — ASSUMPTION (one overlay mount plus /proc, /sys, /dev bind mounts).
/// - exec process: 534 ms — derived: Khan measured the whole `docker run` at 568 ms on the same
///   tier and found it "dominated by runtime overhead"; this phase carries what the three
///   phases above leave of that total (daemon, containerd, shim, runc init, exec).
///   For scale: Scrivano (Red Hat, "How I decreased the time to create and destroy an OCI
///   container to 5 milliseconds", 2022) measured `crun run` alone at 159 ms in 2017 and ≈5 ms
///   after kernel and crun fixes, so the OCI runtime itself is a small part of the total.
///
/// The phases are actions on the simulation's queue, each ending at its own instant; the
/// container's command runs (PID 1 exists, its cgroup's CPU account starts, `State.StartedAt`)
/// when the last one ends, and `docker run`/`docker start` return then.
/// ASSUMPTION: much of the runtime overhead the derived phase carries happens in the daemon and
/// containerd before the namespaces exist; the sandbox draws it last, as one phase, because only
/// the total and the instant the process runs are measured. ASSUMPTION: `docker create` takes
/// no simulated time and `docker start` takes the whole 568 ms measured for `docker run`.
pub const START_PHASES_MS: [(&str, u64); 4] = [
    ("create namespaces", 9),
    ("cgroup", 5),
    ("mount rootfs", 20),
    ("exec process", 534),
];

/// The limits Docker writes into a container's cgroup.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// `--memory`: `memory.max` (none = unlimited).
    pub memory_bytes: Option<u64>,
    /// `--cpus` in thousandths of a core: quota = cpus × period (none = no quota).
    pub cpu_millicores: Option<u64>,
    /// `--cpu-shares` (relative weight under contention; default 1024).
    pub cpu_shares: Option<u64>,
}

impl Limits {
    /// The shares in effect.
    pub fn shares(&self) -> u64 {
        self.cpu_shares.unwrap_or(DEFAULT_CPU_SHARES).max(2)
    }
}

/// What the kernel has accounted for a cgroup up to `settled_ms`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CpuAccount {
    /// The instant the figures below are exact for.
    pub settled_ms: u64,
    /// CPU time used (µs), `cpu.stat usage_usec`.
    pub usage_usec: u64,
    /// Time (ms) with at least one runnable hog: periods are counted from it.
    pub active_ms: u64,
    /// Time (ms) the group ran into its quota.
    pub throttled_active_ms: u64,
    /// `cpu.stat throttled_usec`.
    pub throttled_usec: u64,
}

/// The `cpu.stat` figures of a cgroup at an instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CpuStat {
    /// `usage_usec`.
    pub usage_usec: u64,
    /// `nr_periods`: CFS periods in which the group was runnable (only with a quota).
    pub nr_periods: u64,
    /// `nr_throttled`: periods in which it used up its quota.
    pub nr_throttled: u64,
    /// `throttled_usec`.
    pub throttled_usec: u64,
    /// Its current rate, in thousandths of a core.
    pub millicores: u64,
}

/// The CPU a cgroup gets while the set of hogs stays as it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rate {
    /// Thousandths of a core it gets.
    pub millicores: u64,
    /// Thousandths of a core its runnable threads would use unconstrained.
    pub demand: u64,
    /// True when the quota, not contention, holds it back (it is being throttled).
    pub throttled: bool,
}

/// What one cgroup asks of the CPU scheduler.
#[derive(Clone, Copy, Debug)]
pub struct Demand {
    /// Runnable CPU-bound threads.
    pub threads: u64,
    /// Quota in thousandths of a core, if any.
    pub quota: Option<u64>,
    /// Weight.
    pub shares: u64,
}

/// Shares `cores` among the groups as CFS does in the long run: each group gets at most its
/// threads (one core each) and its quota; the rest is divided in proportion to shares, and what
/// a capped group cannot use goes to the others (weighted max-min fairness). Integers only.
pub fn allocate(cores: u64, demands: &BTreeMap<String, Demand>) -> BTreeMap<String, Rate> {
    let capacity = cores * 1000;
    let mut out = BTreeMap::new();
    let mut open: Vec<(&String, u64, u64)> = Vec::new(); // (id, cap, weight)
    for (id, d) in demands {
        let demand = (d.threads * 1000).min(capacity);
        let cap = d.quota.map_or(demand, |q| q.min(demand));
        out.insert(
            id.clone(),
            Rate {
                millicores: 0,
                demand,
                throttled: d.quota.is_some_and(|q| q < demand),
            },
        );
        if cap > 0 {
            open.push((id, cap, d.shares.max(1)));
        }
    }
    let mut left = capacity;
    while !open.is_empty() {
        let weights: u64 = open.iter().map(|o| o.2).sum();
        // Groups whose cap is below their fair share take their cap; repeat with the rest.
        let capped: Vec<usize> = open
            .iter()
            .enumerate()
            .filter(|(_, o)| o.1 * weights <= left * o.2)
            .map(|(i, _)| i)
            .collect();
        if capped.is_empty() {
            for (id, _, w) in &open {
                if let Some(r) = out.get_mut(*id) {
                    r.millicores = left * w / weights;
                }
            }
            break;
        }
        for i in capped.into_iter().rev() {
            let (id, cap, _) = open.remove(i);
            left -= cap;
            if let Some(r) = out.get_mut(id) {
                r.millicores = cap;
            }
        }
    }
    // Contention (not the quota) holds a group back when it got less than its quota.
    for (id, r) in out.iter_mut() {
        if let Some(q) = demands.get(id).and_then(|d| d.quota) {
            r.throttled = r.throttled && r.millicores >= q;
        }
    }
    out
}

impl CpuAccount {
    /// Adds the time from `settled_ms` to `now_ms` at `rate`.
    pub fn settle(&mut self, rate: Rate, now_ms: u64) {
        let dt = now_ms.saturating_sub(self.settled_ms);
        *self = self.advanced(rate, dt);
        self.settled_ms = now_ms;
    }

    fn advanced(&self, rate: Rate, dt_ms: u64) -> CpuAccount {
        let mut a = self.clone();
        a.usage_usec += rate.millicores * dt_ms;
        if let Some(wait) =
            (dt_ms * 1000 * rate.demand.saturating_sub(rate.millicores)).checked_div(rate.demand)
        {
            a.active_ms += dt_ms;
            if rate.throttled {
                a.throttled_active_ms += dt_ms;
                // Each period, the threads run until the quota is spent, then wait: the wait
                // is (demand − quota)/demand of the period.
                a.throttled_usec += wait;
            }
        }
        a
    }

    /// The `cpu.stat` figures at `now_ms`, given the rate in effect since `settled_ms`.
    pub fn stat(&self, rate: Rate, now_ms: u64, has_quota: bool) -> CpuStat {
        let a = self.advanced(rate, now_ms.saturating_sub(self.settled_ms));
        CpuStat {
            usage_usec: a.usage_usec,
            nr_periods: if has_quota {
                a.active_ms / CFS_PERIOD_MS
            } else {
                0
            },
            nr_throttled: a.throttled_active_ms / CFS_PERIOD_MS,
            throttled_usec: a.throttled_usec,
            millicores: rate.millicores,
        }
    }
}

/// Why a size did not parse: Docker's flag error, to be completed by the caller.
pub fn parse_docker_bytes(text: &str) -> Result<u64, String> {
    // go-units `RAMInBytes`: `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$`, binary multiples.
    let invalid = || format!("invalid size: '{text}'");
    if text.is_empty() || text.len() > 32 {
        return Err(invalid());
    }
    let num_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (num, rest) = text.split_at(num_end);
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let mut chars = rest.chars().peekable();
    let mut unit: u64 = 1;
    if let Some(c) = chars.peek().copied() {
        let shift = match c.to_ascii_lowercase() {
            'k' => Some(10),
            'm' => Some(20),
            'g' => Some(30),
            't' => Some(40),
            'p' => Some(50),
            _ => None,
        };
        if let Some(s) = shift {
            unit = 1u64 << s;
            chars.next();
        }
    }
    if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'i')) {
        chars.next();
    }
    if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'b')) {
        chars.next();
    }
    if chars.next().is_some() || num.is_empty() || num.starts_with('.') {
        return Err(invalid());
    }
    let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
    if frac.contains('.') || whole.is_empty() {
        return Err(invalid());
    }
    let whole: u64 = whole.parse().map_err(|_| invalid())?;
    let mut bytes = whole.checked_mul(unit).ok_or_else(invalid)?;
    if !frac.is_empty() {
        // Go truncates the float product to an integer.
        let digits = &frac[..frac.len().min(9)];
        let f: u64 = digits.parse().map_err(|_| invalid())?;
        let scale = 10u64.pow(digits.len() as u32);
        bytes += u64::try_from(u128::from(f) * u128::from(unit) / u128::from(scale))
            .map_err(|_| invalid())?;
    }
    Ok(bytes)
}

/// Parses `--cpus` (a decimal such as `0.5`, `1.25`, `2`) into thousandths of a core; `Err` is
/// the flag's reason (docker `opts.NanoCPUs`: "failed to parse 0.x5 as a rational number").
pub fn parse_cpus(text: &str) -> Result<u64, String> {
    let invalid = || format!("failed to parse {text} as a rational number");
    if text.is_empty() || text.len() > 16 {
        return Err(invalid());
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid());
    }
    if whole.is_empty() && frac.is_empty() {
        return Err(invalid());
    }
    let w: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| invalid())?
    };
    let mut milli = w.checked_mul(1000).ok_or_else(invalid)?;
    let digits: String = frac.chars().chain("000".chars()).take(3).collect();
    milli += digits.parse::<u64>().map_err(|_| invalid())?;
    Ok(milli)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_sizes_are_binary_and_case_insensitive() {
        assert_eq!(parse_docker_bytes("256m").unwrap(), 256 * MIB);
        assert_eq!(parse_docker_bytes("256Mi").unwrap(), 256 * MIB);
        assert_eq!(parse_docker_bytes("256MB").unwrap(), 256 * MIB);
        assert_eq!(parse_docker_bytes("1g").unwrap(), 1024 * MIB);
        assert_eq!(parse_docker_bytes("1.5g").unwrap(), 1536 * MIB);
        assert_eq!(parse_docker_bytes("4096").unwrap(), 4096);
        assert_eq!(parse_docker_bytes("64k").unwrap(), 64 * KIB);
        for bad in ["12Q", "", "m", "1..5m", "-1m", "1mm"] {
            assert_eq!(
                parse_docker_bytes(bad).unwrap_err(),
                format!("invalid size: '{bad}'")
            );
        }
    }

    #[test]
    fn cpus_parse_to_millicores() {
        assert_eq!(parse_cpus("0.5").unwrap(), 500);
        assert_eq!(parse_cpus("2").unwrap(), 2000);
        assert_eq!(parse_cpus("1.25").unwrap(), 1250);
        assert!(parse_cpus("half").is_err());
    }

    #[test]
    fn shares_divide_a_contended_core_in_proportion() {
        let d = |threads, quota, shares| Demand {
            threads,
            quota,
            shares,
        };
        let demands = BTreeMap::from([
            ("a".to_string(), d(1, None, 1024)),
            ("b".to_string(), d(1, None, 512)),
        ]);
        let r = allocate(1, &demands);
        assert_eq!((r["a"].millicores, r["b"].millicores), (666, 333));
        // With two cores each single-threaded hog gets a whole core: no contention.
        let r = allocate(2, &demands);
        assert_eq!((r["a"].millicores, r["b"].millicores), (1000, 1000));
        // A quota caps a group and the rest goes to the other.
        let demands = BTreeMap::from([
            ("a".to_string(), d(1, Some(500), 1024)),
            ("b".to_string(), d(1, None, 1024)),
        ]);
        let r = allocate(1, &demands);
        assert_eq!((r["a"].millicores, r["b"].millicores), (500, 500));
        assert!(r["a"].throttled && !r["b"].throttled);
    }
}
