//! A plain-data view of one container's isolation for the Host tab: its processes as the host
//! sees them and as they look inside its PID namespace (PID 1 inside = a host PID outside), its
//! root directory (the image's merged filesystem) beside the host's `/`, and its cgroup at
//! work (memory in use against the limit, CPU against the quota, time throttled), with the
//! processes the OOM killer killed since it last started, read from their `OomKilled` events.
//!
//! Read-only over [`Sim`]: every figure comes from the same functions `docker top`, `docker
//! stats`, the host's `ps` and the cgroup files use ([`crate::command::isolation`]); nothing
//! here parses command output.

use serde::Serialize;

use super::process::HOST_PID_NS;
use crate::command::isolation::{cpu_stat, host_processes, rates};
use crate::event::EventKind;
use crate::image::cgroup::CFS_PERIOD_MS;
use crate::image::container::{Container, Status};
use crate::image::fs::Node;
use crate::sim::Sim;

/// The exit status of a process the OOM killer killed: 128 + SIGKILL (9).
pub const OOM_EXIT_CODE: i32 = 128 + 9;

/// The host's `/`, top level. ASSUMPTION: a fresh Ubuntu 24.04 server install (usrmerge:
/// `bin`, `lib`, `lib64` and `sbin` are links into `/usr`); the sandbox does not model the
/// host's files beyond this listing.
pub const HOST_ROOT: &[(&str, Option<&str>)] = &[
    ("bin", Some("usr/bin")),
    ("boot", None),
    ("dev", None),
    ("etc", None),
    ("home", None),
    ("lib", Some("usr/lib")),
    ("lib64", Some("usr/lib64")),
    ("lost+found", None),
    ("media", None),
    ("mnt", None),
    ("opt", None),
    ("proc", None),
    ("root", None),
    ("run", None),
    ("sbin", Some("usr/sbin")),
    ("snap", None),
    ("srv", None),
    ("sys", None),
    ("tmp", None),
    ("usr", None),
    ("var", None),
];

/// Host processes shown beside a container's for context: init, containerd and dockerd
/// (the PIDs of [`super::process::HOST_PROCESSES`]).
const CONTEXT_PIDS: [u32; 3] = [1, 804, 951];

/// The isolation view: which containers can be looked at, and the one looked at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IsolationView {
    /// Every container, in order of creation.
    pub choices: Vec<IsolationChoice>,
    /// The container shown: the one asked for while it exists, else the one the latest
    /// container event names, else the first.
    pub current: Option<ContainerIsolation>,
}

/// A container in the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IsolationChoice {
    /// Name.
    pub name: String,
    /// `running`, `created` or `exited`.
    pub state: String,
    /// `State.OOMKilled`.
    pub oom_killed: bool,
}

/// One container's isolation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContainerIsolation {
    /// Name.
    pub name: String,
    /// 12-digit id (also its hostname: its own UTS namespace).
    pub short_id: String,
    /// The image as the user named it.
    pub image: String,
    /// `running`, `created` or `exited`.
    pub state: String,
    /// The exit code, once exited.
    pub exit_code: Option<i32>,
    /// `State.OOMKilled`: the OOM killer killed one of its processes since it last started.
    pub oom_killed: bool,
    /// `hostname` inside (its UTS namespace).
    pub hostname: String,
    /// `uname -r` inside: the host's kernel, shared.
    pub kernel: String,
    /// The host's PID namespace inode (`/proc/1/ns/pid` on the host).
    pub host_pid_ns: u64,
    /// The container's PID namespace inode, while it runs.
    pub pid_ns: Option<u64>,
    /// Processes, one row each, in host PID order: a few of the host's own for context
    /// (invisible inside), the container's shim, then the container's processes (live and
    /// OOM-killed).
    pub processes: Vec<ProcessRow>,
    /// Host processes not listed (the rest of the host's, VMMs, other containers').
    pub other_host_processes: usize,
    /// `ls /` inside: the top level of the image's merged filesystem with the writable layer.
    pub root: Vec<RootEntry>,
    /// `ls /` on the host.
    pub host_root: Vec<RootEntry>,
    /// Where the container's `/` lives on the host (overlay2's `MergedDir`).
    pub root_on_host: String,
    /// The memory cgroup.
    pub memory: MemoryGauge,
    /// The CPU cgroup.
    pub cpu: CpuGauge,
    /// The latest OOM kill since it last started.
    pub last_oom: Option<OomMark>,
}

/// One process row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcessRow {
    /// `host` (the host's own), `shim` (the container's `containerd-shim`) or `container`.
    pub owner: String,
    /// PID on the host.
    pub host_pid: u32,
    /// Parent's PID on the host, when known.
    pub host_ppid: Option<u32>,
    /// PID inside the container's namespace; `None` when the process is not in it.
    pub pid: Option<u32>,
    /// Parent's PID inside (0: outside the namespace); `None` when not in it or not known.
    pub ppid: Option<u32>,
    /// PID namespace inode.
    pub pid_ns: Option<u64>,
    /// User.
    pub user: String,
    /// Command line.
    pub command: String,
    /// Resident memory, for a container's live process.
    pub rss_bytes: Option<u64>,
    /// CPU time (ms), as `docker top` accounts it.
    pub cpu_ms: u64,
    /// `running` or `killed`.
    pub status: String,
    /// Exit status of a killed process (137).
    pub exit_code: Option<i32>,
    /// Why it ended (`OOMKilled`).
    pub reason: Option<String>,
    /// The event that recorded its end.
    pub event_id: Option<u64>,
}

/// One entry of a root directory's top level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RootEntry {
    /// Name.
    pub name: String,
    /// `dir`, `file` or `symlink`.
    pub kind: String,
    /// A link's target.
    pub target: Option<String>,
}

/// Memory in use against the limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemoryGauge {
    /// In use now (`memory.current`: its processes' resident memory).
    pub usage_bytes: u64,
    /// `--memory` (`memory.max`), if set.
    pub limit_bytes: Option<u64>,
    /// What the OOM killer enforces: the limit, or the host's memory without one.
    pub enforced_bytes: u64,
    /// Processes in the cgroup (`pids.current`).
    pub pids: usize,
}

/// CPU against the quota.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CpuGauge {
    /// What it gets now, in thousandths of a core.
    pub millicores: u64,
    /// What its runnable threads would use unconstrained.
    pub demand_millicores: u64,
    /// `--cpus` in thousandths of a core (quota / period), if set.
    pub quota_millicores: Option<u64>,
    /// `--cpu-shares` in effect.
    pub shares: u64,
    /// The host's cores.
    pub host_cores: u32,
    /// True when the quota holds it back now.
    pub throttled_now: bool,
    /// `cpu.stat usage_usec`.
    pub usage_usec: u64,
    /// `cpu.stat nr_periods`.
    pub nr_periods: u64,
    /// `cpu.stat nr_throttled`.
    pub nr_throttled: u64,
    /// `cpu.stat throttled_usec`.
    pub throttled_usec: u64,
    /// The CFS period.
    pub period_ms: u64,
}

/// An OOM kill, from its `OomKilled` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OomMark {
    /// The event.
    pub event_id: u64,
    /// When (simulated ms).
    pub time_ms: u64,
    /// True while it is the latest thing that happened: after it came only events of its own
    /// instant and the clock's advance, no new command (the frame being viewed is the one that
    /// crossed it).
    pub now: bool,
    /// PID inside.
    pub pid: u32,
    /// PID on the host.
    pub host_pid: u32,
    /// Its command.
    pub command: String,
    /// The cgroup's memory in use when the limit was crossed.
    pub usage_bytes: u64,
    /// The limit crossed.
    pub limit_bytes: u64,
    /// 137.
    pub exit_code: i32,
}

fn state_name(c: &Container) -> &'static str {
    match c.state.status {
        Status::Created => "created",
        Status::Running => "running",
        Status::Exited => "exited",
    }
}

fn entry(name: &str, node: &Node) -> RootEntry {
    let (kind, target) = match node {
        Node::Dir(_) => ("dir", None),
        Node::File(..) => ("file", None),
        Node::Symlink(_, t) => ("symlink", Some(t.clone())),
    };
    RootEntry {
        name: name.to_string(),
        kind: kind.into(),
        target,
    }
}

/// The Host tab's isolation view; `picked` names the container the user chose.
pub fn isolation_view(sim: &Sim, picked: Option<&str>) -> IsolationView {
    let engine = sim.docker();
    let mut list: Vec<&Container> = engine.containers.values().collect();
    list.sort_by_key(|c| c.seq);
    let choices = list
        .iter()
        .map(|c| IsolationChoice {
            name: c.name.clone(),
            state: state_name(c).into(),
            oom_killed: c.oom_killed,
        })
        .collect();
    let latest = sim
        .log()
        .iter()
        .rev()
        .filter(|e| e.object.kind == "container")
        .find_map(|e| list.iter().find(|c| c.name == e.object.name));
    let current = picked
        .and_then(|p| list.iter().find(|c| c.name == p))
        .or(latest)
        .or(list.first())
        .map(|c| container_isolation(sim, c));
    IsolationView { choices, current }
}

fn container_isolation(sim: &Sim, c: &Container) -> ContainerIsolation {
    let now_ms = sim.now().as_ms();
    let host = sim.host();
    let running = c.is_running();

    // OOM kills since the container's latest start (its events name it as their object).
    let started = sim
        .log()
        .iter()
        .rev()
        .find(|e| {
            e.object.kind == "container"
                && e.object.name == c.name
                && matches!(e.kind, EventKind::ContainerStarted)
        })
        .map(|e| e.id);
    let kills: Vec<OomMark> = sim
        .log()
        .iter()
        .filter(|e| started.is_some_and(|s| e.id > s))
        .filter(|e| e.object.kind == "container" && e.object.name == c.name)
        .filter_map(|e| match &e.kind {
            EventKind::OomKilled {
                pid,
                host_pid,
                command,
                usage_bytes,
                limit_bytes,
            } => Some(OomMark {
                event_id: e.id.0,
                time_ms: e.time.as_ms(),
                now: sim
                    .log()
                    .iter()
                    .skip_while(|l| l.id <= e.id)
                    .all(|l| match l.kind {
                        EventKind::ClockAdvanced { .. } => true,
                        EventKind::CommandRun { .. } => false,
                        _ => l.time == e.time,
                    }),
                pid: *pid,
                host_pid: *host_pid,
                command: command.clone(),
                usage_bytes: *usage_bytes,
                limit_bytes: *limit_bytes,
                exit_code: OOM_EXIT_CODE,
            }),
            _ => None,
        })
        .collect();

    let all = host_processes(sim);
    let own = format!("container/{}", c.name);
    let mut processes: Vec<ProcessRow> = Vec::new();
    let mut shown = 0;
    for p in &all {
        let owner = if p.owner == own {
            "container"
        } else if Some(p.pid) == c.shim_pid {
            "shim"
        } else if p.owner == "host" && CONTEXT_PIDS.contains(&p.pid) {
            "host"
        } else {
            continue;
        };
        shown += 1;
        let inside = owner == "container";
        let live = inside
            .then(|| c.processes.iter().find(|q| q.host_pid == p.pid))
            .flatten();
        processes.push(ProcessRow {
            owner: owner.into(),
            host_pid: p.pid,
            host_ppid: Some(p.ppid),
            pid: inside.then_some(p.ns_pid),
            ppid: live.map(|q| q.ppid),
            pid_ns: Some(p.pid_ns),
            user: p.user.clone(),
            command: p.command.clone(),
            rss_bytes: live.map(|q| q.rss_bytes(now_ms)),
            cpu_ms: p.cpu_ms,
            status: "running".into(),
            exit_code: None,
            reason: None,
            event_id: None,
        });
    }
    let pid_ns = c
        .shim_pid
        .map(super::process::container_pid_ns)
        .filter(|_| running);
    for k in &kills {
        processes.push(ProcessRow {
            owner: "container".into(),
            host_pid: k.host_pid,
            host_ppid: None,
            pid: Some(k.pid),
            ppid: None,
            pid_ns,
            user: String::new(),
            command: k.command.clone(),
            rss_bytes: None,
            cpu_ms: 0,
            status: "killed".into(),
            exit_code: Some(k.exit_code),
            reason: Some("OOMKilled".into()),
            event_id: Some(k.event_id),
        });
    }
    processes.sort_by_key(|r| (r.host_pid, r.event_id));

    let merged = c.rootfs.merged();
    let root = merged.children("").map(|(p, n)| entry(p, n)).collect();
    let host_root = HOST_ROOT
        .iter()
        .map(|(name, target)| RootEntry {
            name: (*name).into(),
            kind: if target.is_some() { "symlink" } else { "dir" }.into(),
            target: target.map(str::to_string),
        })
        .collect();

    let rate = rates(sim).get(&c.id).copied().unwrap_or_default();
    let stat = cpu_stat(sim, c);
    let enforced = c
        .limits
        .memory_bytes
        .unwrap_or(host.memory_bytes)
        .min(host.memory_bytes);

    ContainerIsolation {
        name: c.name.clone(),
        short_id: c.short_id().to_string(),
        image: c.image_ref.clone(),
        state: state_name(c).into(),
        exit_code: (c.state.status == Status::Exited).then_some(c.state.exit_code),
        oom_killed: c.oom_killed,
        hostname: c.short_id().to_string(),
        kernel: host.kernel.clone(),
        host_pid_ns: HOST_PID_NS,
        pid_ns,
        processes,
        other_host_processes: all.len() - shown,
        root,
        host_root,
        root_on_host: format!("/var/lib/docker/overlay2/{}/merged", c.layer_dir()),
        memory: MemoryGauge {
            usage_bytes: if running { c.memory_usage(now_ms) } else { 0 },
            limit_bytes: c.limits.memory_bytes,
            enforced_bytes: enforced,
            pids: if running { c.processes.len() } else { 0 },
        },
        cpu: CpuGauge {
            millicores: stat.millicores,
            demand_millicores: rate.demand,
            quota_millicores: c.limits.cpu_millicores,
            shares: c.limits.shares(),
            host_cores: host.cores,
            throttled_now: rate.throttled,
            usage_usec: stat.usage_usec,
            nr_periods: stat.nr_periods,
            nr_throttled: stat.nr_throttled,
            throttled_usec: stat.throttled_usec,
            period_ms: CFS_PERIOD_MS,
        },
        last_oom: kills.last().cloned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Session, SimConfig};

    fn run(script: &str) -> Session {
        let mut s = Session::new(SimConfig { seed: 11 });
        let _ = s.submit(script);
        s
    }

    #[test]
    fn pid_1_inside_maps_to_a_host_pid_in_another_namespace() {
        let s = run("docker pull alpine:3.20\ndocker run -d --name web alpine:3.20 sleep infinity");
        let v = isolation_view(s.sim(), None).current.expect("web");
        assert_eq!(v.name, "web");
        let init = v
            .processes
            .iter()
            .find(|p| p.pid == Some(1))
            .expect("PID 1");
        let c = s.sim().docker().find_container("web").unwrap();
        assert_eq!(init.host_pid, c.processes[0].host_pid);
        assert_eq!(init.host_ppid, c.shim_pid);
        assert_ne!(v.pid_ns, Some(HOST_PID_NS));
        assert!(v
            .processes
            .iter()
            .any(|p| p.owner == "host" && p.pid.is_none()));
        assert!(v.root.iter().any(|e| e.name == "etc" && e.kind == "dir"));
        assert!(v.host_root.iter().any(|e| e.name == "boot"));
        assert_eq!(v.kernel, s.sim().host().kernel);
    }

    #[test]
    fn an_oom_killed_worker_shows_as_killed_with_137_and_the_container_keeps_running() {
        let s = run("docker pull alpine:3.20\n\
             docker run -d --name hog --memory 64Mi alpine:3.20 sleep infinity\n\
             docker exec hog stress --vm 1 --vm-bytes 300M\n\
             run 1s");
        let v = isolation_view(s.sim(), Some("hog")).current.unwrap();
        assert_eq!(v.state, "running");
        assert!(v.oom_killed);
        let killed: Vec<&ProcessRow> = v
            .processes
            .iter()
            .filter(|p| p.status == "killed")
            .collect();
        assert_eq!(killed.len(), 1);
        assert_eq!(killed[0].exit_code, Some(137));
        assert_eq!(killed[0].reason.as_deref(), Some("OOMKilled"));
        let oom = v.last_oom.unwrap();
        // The frame that crossed the kill shows it as happening; the next command does not.
        assert!(oom.now);
        assert_eq!(oom.limit_bytes, 64 << 20);
        assert!(oom.usage_bytes > oom.limit_bytes);
        assert_eq!(v.memory.limit_bytes, Some(64 << 20));
        assert!(v.memory.usage_bytes < 64 << 20);
        let mut s = s;
        let _ = s.submit("docker top hog");
        let v = isolation_view(s.sim(), Some("hog")).current.unwrap();
        assert!(!v.last_oom.unwrap().now);
    }

    #[test]
    fn pid_1_killed_by_the_oom_killer_shows_with_the_exited_container() {
        let s = run("docker pull alpine:3.20\n\
             docker run -d --name hog --memory 64Mi alpine:3.20 tail /dev/zero\n\
             run 1s");
        let v = isolation_view(s.sim(), None).current.unwrap();
        assert_eq!((v.state.as_str(), v.exit_code), ("exited", Some(137)));
        assert_eq!(v.pid_ns, None);
        let killed = v.processes.iter().find(|p| p.status == "killed").unwrap();
        assert_eq!(killed.pid, Some(1));
        assert_eq!(killed.command, "tail /dev/zero");
        assert_eq!(v.memory.usage_bytes, 0);
        assert!(v.processes.iter().all(|p| p.owner != "shim"));
    }

    #[test]
    fn a_quota_shows_throttled_time() {
        let s = run("docker pull alpine:3.20\n\
             docker run -d --name web --cpus 0.5 alpine:3.20 sleep infinity\n\
             docker exec web stress --cpu 1\n\
             run 10s");
        let v = isolation_view(s.sim(), Some("web")).current.unwrap();
        assert_eq!(v.cpu.quota_millicores, Some(500));
        assert_eq!(v.cpu.millicores, 500);
        assert_eq!(v.cpu.demand_millicores, 1000);
        assert!(v.cpu.throttled_now);
        assert_eq!(v.cpu.throttled_usec, 5_000_000);
    }
}
