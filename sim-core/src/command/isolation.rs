//! Isolation seen from both sides: a container's processes in their PID namespace and on the
//! host (`docker top`, in-container `ps`, the host's `ps`), its root, hostname and kernel, and
//! its cgroup at work (`docker stats`, `cpu.stat`, OOM kills) while workloads run over
//! simulated time.
//!
//! CPU accounting follows [`crate::image::cgroup`]: before anything changes which processes
//! want the CPU (a start, a stop, a workload, an OOM kill, `host set --cores`), every
//! container's account is settled up to now with the rates in effect; views add the time since.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::docker::err;
use super::{CommandSpec, Invocation, Plan};
use crate::error::Result;
use crate::event::{EventId, EventKind, ObjectRef};
use crate::host::process::{
    busybox_time, container_pid_ns, procps_time, tabwrite, HostProcess, HOST_PID_NS, HOST_PROCESSES,
};
use crate::host::quantity::{KIB, MIB};
use crate::image::cgroup::START_PHASES_MS;
use crate::image::cgroup::{allocate, CpuStat, Demand, Rate, CFS_PERIOD_MS};
use crate::image::container::{Container, Starting};
use crate::image::format::table;
use crate::image::process::{activities, workload, Activity, Process, Stress, Workload};
use crate::sim::{Action, Sim};

/// What a scheduled [`Action::Workload`] does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum WorkloadStep {
    /// The container's memory crosses its limit now: the OOM killer picks a process.
    OomKill,
    /// A `stress --timeout` run (its parent's PID in the namespace) ends.
    StressTimeout {
        /// The stress parent's PID in the container's namespace.
        group: u32,
    },
}

fn now(sim: &Sim) -> u64 {
    sim.now().as_ms()
}

/// The CPU each running container gets while the set of hogs stays as it is.
pub(crate) fn rates(sim: &Sim) -> BTreeMap<String, Rate> {
    let demands: BTreeMap<String, Demand> = sim
        .docker
        .containers
        .values()
        .filter(|c| c.is_running())
        .map(|c| {
            (
                c.id.clone(),
                Demand {
                    threads: c.processes.iter().filter(|p| p.is_cpu_bound()).count() as u64,
                    quota: c.limits.cpu_millicores,
                    shares: c.limits.shares(),
                },
            )
        })
        .collect();
    allocate(u64::from(sim.host.cores), &demands)
}

/// Settles every container's CPU account up to now (call before changing what runs).
pub(crate) fn settle_cpu(sim: &mut Sim) {
    let rates = rates(sim);
    let t = now(sim);
    for c in sim.docker.containers.values_mut() {
        let rate = rates.get(&c.id).copied().unwrap_or_default();
        c.cpu.settle(rate, t);
    }
}

/// A container's `cpu.stat` now.
pub fn cpu_stat(sim: &Sim, c: &Container) -> CpuStat {
    let rate = rates(sim).get(&c.id).copied().unwrap_or_default();
    c.cpu
        .stat(rate, now(sim), c.limits.cpu_millicores.is_some())
}

/// The limit the OOM killer enforces: the cgroup's, or the host's memory without one.
fn memory_limit(sim: &Sim, c: &Container) -> u64 {
    c.limits
        .memory_bytes
        .unwrap_or(sim.host.memory_bytes)
        .min(sim.host.memory_bytes)
}

fn user_of(c: &Container) -> String {
    let u = c.config.user.split(':').next().unwrap_or("");
    if u.is_empty() || u == "0" {
        "root".into()
    } else {
        u.to_string()
    }
}

/// Allocates one PID in the container's namespace and one on the host.
fn alloc_pids(sim: &mut Sim, id: &str) -> (u32, u32) {
    let host_pid = sim.host.next_pid;
    sim.host.next_pid = sim.host.next_pid.saturating_add(1);
    let pid = match sim.docker.containers.get_mut(id) {
        Some(c) => {
            c.next_pid = c.next_pid.saturating_add(1);
            c.next_pid - 1
        }
        None => 0,
    };
    (pid, host_pid)
}

/// Adds processes for `argv` to a running container: a workload's parent and workers, or one
/// idle process. `parent` is the (namespace, host) PID of the parent, or `None` for PID 1 (whose
/// parent is the shim). Returns the new process's namespace and host PID, and the workload.
fn spawn(
    sim: &mut Sim,
    id: &str,
    argv: &[String],
    parent: Option<(u32, u32)>,
) -> (u32, u32, Option<Workload>) {
    let t = now(sim);
    let Some(c) = sim.docker.containers.get(id) else {
        return (0, 0, None);
    };
    let user = user_of(c);
    let shim = c.shim_pid.unwrap_or(0);
    let work = workload(argv).ok().flatten();
    let (ppid, host_ppid) = parent.unwrap_or((0, shim));
    let mut activities = activities(work.as_ref()).into_iter();
    let activity = activities.next().unwrap_or(Activity::Idle);
    let (pid, host_pid) = alloc_pids(sim, id);
    let stress_group = matches!(work, Some(Workload::Stress(_))).then_some(pid);
    let mut procs = vec![Process {
        pid,
        ppid,
        host_pid,
        host_ppid,
        user: user.clone(),
        argv: argv.to_vec(),
        started_ms: t,
        activity,
        stress_group,
    }];
    // A stress run's workers.
    for activity in activities {
        let (wpid, whost) = alloc_pids(sim, id);
        procs.push(Process {
            pid: wpid,
            ppid: pid,
            host_pid: whost,
            host_ppid: host_pid,
            user: user.clone(),
            argv: argv.to_vec(),
            started_ms: t,
            activity,
            stress_group,
        });
    }
    if let Some(c) = sim.docker.containers.get_mut(id) {
        c.processes.extend(procs);
    }
    (pid, host_pid, work)
}

/// The processes `argv` starts as a container's command (what [`spawn`] puts in the container),
/// each with a label and its resident memory at the instant it starts. Commands that run to
/// completion or exit at once are not asked about: only a command that keeps running holds memory.
pub(crate) fn start_processes(argv: &[String]) -> Vec<(String, u64)> {
    let command = argv.join(" ");
    let work = workload(argv).ok().flatten();
    activities(work.as_ref())
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let label = match (i, a) {
                (0, _) => format!("PID 1: {command}"),
                (_, Activity::CpuHog) => format!("PID {}: cpu worker", i + 1),
                _ => format!("PID {}: vm worker", i + 1),
            };
            (label, a.rss_bytes(0))
        })
        .collect()
}

fn stress_line(pid: u32, s: &Stress) -> String {
    format!(
        "stress: info: [{pid}] dispatching hogs: {} cpu, 0 io, {} vm, 0 hdd\n",
        s.cpu, s.vm
    )
}

/// Begins a container's start (the caller has checked that it can start): the first of its
/// phases ([`START_PHASES_MS`]) goes on the queue; each phase's end schedules the next, and the
/// last one's end starts the command ([`finish_start_phase`]). Until then the container is not
/// running: it has no processes and its status is what it was.
pub(crate) fn begin_start(sim: &mut Sim, id: &str, cause: EventId) {
    let began_ms = now(sim);
    let Some(c) = sim.docker.containers.get_mut(id) else {
        return;
    };
    c.starts += 1;
    c.starting = Some(Starting {
        start: c.starts,
        phase: 0,
        began_ms,
    });
    let start = c.starts;
    schedule_start_phase(sim, id, start, 0, cause);
}

fn schedule_start_phase(sim: &mut Sim, id: &str, start: u64, phase: usize, cause: EventId) {
    let Some((_, ms)) = START_PHASES_MS.get(phase) else {
        return;
    };
    let at = sim.now().plus_ms(*ms);
    // The plan checked that the queue has room for the first phase; each later phase takes the
    // place its predecessor left.
    sim.schedule(
        at,
        Action::ContainerStartPhase {
            container: id.to_string(),
            start,
            phase,
            scheduled_by: cause,
        },
    );
}

/// The end of one phase of a container's start: records it, then schedules the next phase or,
/// after the last, starts the command. A phase of a start that was stopped (or of a container
/// since removed) does nothing.
pub(crate) fn finish_start_phase(
    sim: &mut Sim,
    id: &str,
    start: u64,
    phase: usize,
    scheduled_by: EventId,
) {
    let Some(c) = sim.docker.containers.get_mut(id) else {
        return;
    };
    let Some(starting) = c.starting.as_mut() else {
        return;
    };
    if starting.start != start || starting.phase != phase {
        return;
    }
    let Some((name, ms)) = START_PHASES_MS.get(phase).copied() else {
        return;
    };
    let offset_ms = START_PHASES_MS[..phase].iter().map(|(_, ms)| ms).sum();
    let last = phase + 1 == START_PHASES_MS.len();
    if last {
        c.starting = None;
    } else {
        starting.phase = phase + 1;
    }
    let cname = c.name.clone();
    let done = sim.record(
        EventKind::ContainerStartPhase {
            phase: name.to_string(),
            offset_ms,
            duration_ms: ms,
        },
        ObjectRef::new("container", cname.clone()),
        Some(scheduled_by),
        format!("{cname}: {name} done in {ms} ms (from +{offset_ms} ms)"),
    );
    if !last {
        schedule_start_phase(sim, id, start, phase + 1, done);
        return;
    }
    let output = super::docker_container::complete_start(sim, id, done);
    match sim.awaited_start.as_mut() {
        Some((awaited, out)) if awaited == id => out.push_str(&output),
        _ if output.is_empty() => {}
        _ => {
            sim.scheduled_output
                .push_str(&format!("[{}] container {cname}\n", sim.now()));
            for l in output.lines() {
                sim.scheduled_output.push_str(&format!("  | {l}\n"));
            }
        }
    }
}

/// Waits, as the docker CLI does, until the start of container `id` has ended: processes every
/// instant up to the end of its last phase (a VM booting meanwhile goes on booting; commands
/// scheduled meanwhile run). Returns what scheduled commands printed meanwhile, and what the
/// container's command printed. A command run by the queue (`after`) cannot move time: its
/// container starts on its own, and the output shows up in the `step`/`run` that reaches it.
pub(crate) fn wait_for_start(sim: &mut Sim, id: &str) -> (String, String) {
    if !sim.can_wait() {
        return (String::new(), String::new());
    }
    // The last phase ends at the latest this long after the start began.
    let total_ms: u64 = START_PHASES_MS.iter().map(|(_, ms)| ms).sum();
    let deadline = match sim
        .docker
        .containers
        .get(id)
        .and_then(|c| c.starting.as_ref())
    {
        Some(s) => s.began_ms + total_ms,
        None => return (String::new(), String::new()),
    };
    sim.awaited_start = Some((id.to_string(), String::new()));
    while sim
        .docker
        .containers
        .get(id)
        .is_some_and(Container::is_starting)
        && sim.next_time().is_some_and(|t| t.as_ms() <= deadline)
        && !sim.is_paused()
    {
        sim.step();
    }
    let own = sim
        .awaited_start
        .take()
        .map(|(_, out)| out)
        .unwrap_or_default();
    (std::mem::take(&mut sim.scheduled_output), own)
}

/// Takes every queued phase of container `id`'s start out of the queue (it was stopped or
/// removed while starting).
pub(crate) fn cancel_start(sim: &mut Sim, id: &str) {
    if let Some(c) = sim.docker.containers.get_mut(id) {
        c.starting = None;
    }
    sim.cancel_scheduled(
        |a| matches!(a, Action::ContainerStartPhase { container, .. } if container == id),
    );
}

/// After a container's command started and keeps running: a new PID namespace (its command is
/// PID 1, child of a new `containerd-shim` on the host), a fresh cgroup account, and the
/// workload's schedule. Returns what the command prints as it starts.
pub(crate) fn container_started(sim: &mut Sim, id: &str, cause: EventId) -> String {
    let t = now(sim);
    let shim = sim.host.next_pid;
    sim.host.next_pid = sim.host.next_pid.saturating_add(1);
    let Some(c) = sim.docker.containers.get_mut(id) else {
        return String::new();
    };
    c.shim_pid = Some(shim);
    c.next_pid = 1;
    c.processes.clear();
    c.oom_killed = false;
    c.cpu = crate::image::cgroup::CpuAccount {
        settled_ms: t,
        ..Default::default()
    };
    let argv = c.argv();
    let (pid, host_pid, work) = spawn(sim, id, &argv, None);
    let out = workload_started(sim, id, pid, host_pid, work.as_ref(), cause);
    reschedule_oom(sim, id, cause);
    out
}

fn workload_started(
    sim: &mut Sim,
    id: &str,
    pid: u32,
    host_pid: u32,
    work: Option<&Workload>,
    cause: EventId,
) -> String {
    let Some(work) = work else {
        return String::new();
    };
    let Some(c) = sim.docker.containers.get(id) else {
        return String::new();
    };
    let name = c.name.clone();
    let command = c
        .processes
        .iter()
        .find(|p| p.pid == pid)
        .map(Process::command)
        .unwrap_or_default();
    let started = sim.record(
        EventKind::WorkloadStarted {
            command: command.clone(),
            pid,
            host_pid,
        },
        ObjectRef::new("container", name.clone()),
        Some(cause),
        format!("{name}: {command} started as PID {pid} (host PID {host_pid})"),
    );
    match work {
        Workload::Stress(s) => {
            if let Some(ms) = s.timeout_ms {
                if sim.check_schedule("stress").is_ok() {
                    let at = sim.now().plus_ms(ms);
                    sim.schedule(
                        at,
                        Action::Workload {
                            container: id.to_string(),
                            step: WorkloadStep::StressTimeout { group: pid },
                            scheduled_by: started,
                        },
                    );
                }
            }
            stress_line(pid, s)
        }
        Workload::TailZero => String::new(),
    }
}

/// After a container's processes ended (it exited, was stopped or killed).
pub(crate) fn container_stopped(sim: &mut Sim, id: &str) {
    if let Some(c) = sim.docker.containers.get_mut(id) {
        c.processes.clear();
        c.shim_pid = None;
    }
    sim.cancel_scheduled(|a| matches!(a, Action::Workload { container, .. } if container == id));
}

/// Schedules the instant the container's memory will cross its limit, if it will.
fn reschedule_oom(sim: &mut Sim, id: &str, cause: EventId) {
    sim.cancel_scheduled(|a| {
        matches!(a, Action::Workload { container, step: WorkloadStep::OomKill, .. } if container == id)
    });
    let Some(c) = sim.docker.containers.get(id) else {
        return;
    };
    let limit = memory_limit(sim, c);
    let t0 = now(sim);
    // Memory only grows while hogs allocate: find the first instant it exceeds the limit.
    let horizon = t0 + limit / crate::image::cgroup::HOG_ALLOC_BYTES_PER_MS + 2;
    if c.memory_usage(horizon) <= limit {
        return;
    }
    let (mut lo, mut hi) = (t0, horizon);
    if c.memory_usage(lo) > limit {
        hi = lo;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if c.memory_usage(mid) > limit {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    if sim.check_schedule("oom").is_err() {
        return;
    }
    sim.schedule(
        crate::time::SimTime(hi),
        Action::Workload {
            container: id.to_string(),
            step: WorkloadStep::OomKill,
            scheduled_by: cause,
        },
    );
}

/// Runs a scheduled workload step.
pub(crate) fn apply(sim: &mut Sim, id: &str, step: WorkloadStep, scheduled_by: EventId) {
    let Some(c) = sim.docker.containers.get(id) else {
        return;
    };
    if !c.is_running() {
        return;
    }
    settle_cpu(sim);
    match step {
        WorkloadStep::OomKill => oom_kill(sim, id, scheduled_by),
        WorkloadStep::StressTimeout { group } => {
            end_group(sim, id, group, 0, scheduled_by);
            reschedule_oom(sim, id, scheduled_by);
        }
    }
}

/// Ends a `stress` run: its parent and workers leave; when the parent was PID 1 the container
/// exits with the parent's code. A run that already ended (its parent is gone: an OOM kill
/// ended it before its `--timeout`) does not end again, and its pending timeout is dropped.
fn end_group(sim: &mut Sim, id: &str, group: u32, code: i32, cause: EventId) {
    let Some(c) = sim.docker.containers.get_mut(id) else {
        return;
    };
    let Some(command) = c
        .processes
        .iter()
        .find(|p| p.pid == group)
        .map(Process::command)
    else {
        return;
    };
    c.processes.retain(|p| p.stress_group != Some(group));
    let name = c.name.clone();
    sim.cancel_scheduled(|a| {
        matches!(a, Action::Workload { container, step: WorkloadStep::StressTimeout { group: g }, .. }
            if container == id && *g == group)
    });
    let ended = sim.record(
        EventKind::WorkloadEnded {
            command: command.clone(),
            exit_code: code,
        },
        ObjectRef::new("container", name.clone()),
        Some(cause),
        format!("{name}: {command} (PID {group}) exited with code {code}"),
    );
    if group == 1 {
        super::docker_container::exited(sim, id, code, ended);
    }
}

fn oom_kill(sim: &mut Sim, id: &str, cause: EventId) {
    let t = now(sim);
    let Some(c) = sim.docker.containers.get(id) else {
        return;
    };
    let limit = memory_limit(sim, c);
    let usage = c.memory_usage(t);
    if usage <= limit {
        return;
    }
    // The OOM killer picks the process with the most memory (oom_badness ≈ its RSS); ties go
    // to the youngest.
    let Some(victim) = c
        .processes
        .iter()
        .max_by_key(|p| (p.rss_bytes(t), p.pid))
        .cloned()
    else {
        return;
    };
    let name = c.name.clone();
    let by_cgroup = c.limits.memory_bytes.is_some_and(|l| l <= limit);
    let kb = victim.rss_bytes(t) / KIB;
    let killed = sim.record(
        EventKind::OomKilled {
            pid: victim.pid,
            host_pid: victim.host_pid,
            command: victim.command(),
            usage_bytes: usage,
            limit_bytes: limit,
        },
        ObjectRef::new("container", name.clone()),
        Some(cause),
        format!(
            "{}: Killed process {} ({}) total-vm:{kb}kB, anon-rss:{kb}kB in {name} (PID {} inside); \
             exit status 137 = 128 + SIGKILL",
            if by_cgroup {
                "Memory cgroup out of memory"
            } else {
                "Out of memory"
            },
            victim.host_pid,
            victim.argv.first().map_or("", |a| crate::image::fs::base_name(a)),
            victim.pid
        ),
    );
    if let Some(c) = sim.docker.containers.get_mut(id) {
        c.oom_killed = true;
        c.processes.retain(|p| p.pid != victim.pid);
    }
    if victim.pid == 1 {
        super::docker_container::exited(sim, id, 128 + 9, killed);
        return;
    }
    // stress's parent sees its worker die of a signal, kills the other workers and exits 1
    // ("stress: FAIL: [1] (415) <-- worker 7 got signal 9").
    if let Some(group) = victim.stress_group.filter(|g| *g != victim.pid) {
        end_group(sim, id, group, 1, killed);
    }
    reschedule_oom(sim, id, killed);
}

// ---------------------------------------------------------------------------------------------
// Commands inside a container (`docker exec C …`).

/// What an exec of a program the isolation model answers does.
pub(crate) enum ExecOutcome {
    /// Prints this (a view: `ps`, `uname`, `hostname`, `free`, cgroup files).
    Print(String),
    /// Starts a workload in the background of the exec.
    Workload,
}

/// Answers `argv` when it is a program this model owns; `None` lets the shell run it.
pub(crate) fn exec_view(sim: &Sim, c: &Container, argv: &[String]) -> Result<Option<ExecOutcome>> {
    let words: Vec<&str> = argv.iter().map(String::as_str).collect();
    let Some((prog, rest)) = words.split_first() else {
        return Ok(None);
    };
    let prog = crate::image::fs::base_name(prog);
    let out = match (prog, rest) {
        ("ps", _) => container_ps(sim, c),
        ("uname", ["-r"]) => format!("{}\n", sim.host.kernel),
        ("uname", ["-n"]) | ("hostname", []) => format!("{}\n", c.short_id()),
        ("uname", ["-a"]) => format!(
            "Linux {} {} #1 SMP PREEMPT_DYNAMIC x86_64 Linux\n",
            c.short_id(),
            sim.host.kernel
        ),
        ("free", []) | ("free", ["-k"]) => container_free(sim, c, KIB),
        ("free", ["-m"]) => container_free(sim, c, MIB),
        ("cat", [path]) => match cgroup_file(sim, c, path) {
            Some(text) => text,
            None => return Ok(None),
        },
        ("stress" | "tail", _) => match workload(argv) {
            Ok(Some(_)) => return Ok(Some(ExecOutcome::Workload)),
            Ok(None) => return Ok(None),
            Err(e) => return Err(err(e)),
        },
        _ => return Ok(None),
    };
    Ok(Some(ExecOutcome::Print(out)))
}

/// Runs an exec: a view prints; a workload starts as a new process of the container (its
/// parent is the exec's own process, reparented to PID 1 as `docker exec` processes are).
/// Every exec takes a PID in the container's namespace and one on the host.
pub(crate) fn exec(sim: &mut Sim, id: &str, argv: &[String], cause: EventId) -> Option<String> {
    let c = sim.docker.containers.get(id)?;
    let outcome = exec_view(sim, c, argv).ok().flatten();
    match outcome {
        None => {
            alloc_pids(sim, id);
            None
        }
        Some(ExecOutcome::Print(text)) => {
            alloc_pids(sim, id);
            Some(text)
        }
        Some(ExecOutcome::Workload) => {
            settle_cpu(sim);
            let (pid, host_pid, work) = spawn(sim, id, argv, Some((0, 0)));
            // An exec'd process's parent is the runtime outside the namespace (shown as 0).
            let shim = sim
                .docker
                .containers
                .get(id)
                .and_then(|c| c.shim_pid)
                .unwrap_or(0);
            if let Some(c) = sim.docker.containers.get_mut(id) {
                if let Some(p) = c.processes.iter_mut().find(|p| p.pid == pid) {
                    p.host_ppid = shim;
                }
            }
            let out = workload_started(sim, id, pid, host_pid, work.as_ref(), cause);
            reschedule_oom(sim, id, cause);
            Some(out)
        }
    }
}

/// Per-process CPU time: the cgroup's usage shared evenly among its CPU-bound processes
/// (they are identical hogs; the sandbox does not account threads one by one).
fn process_cpu_ms(sim: &Sim, c: &Container, p: &Process) -> u64 {
    if !p.is_cpu_bound() {
        return 0;
    }
    let n = c.processes.iter().filter(|q| q.is_cpu_bound()).count() as u64;
    cpu_stat(sim, c).usage_usec / 1000 / n.max(1)
}

/// busybox `ps` inside a container: only its own namespace, PIDs from 1, `ps` itself last.
fn container_ps(sim: &Sim, c: &Container) -> String {
    let mut out = String::from("PID   USER     TIME  COMMAND\n");
    let row = |pid: u32, user: &str, time: &str, cmd: &str| {
        format!("{pid:>5} {user:<8} {time:>5} {cmd}\n")
    };
    for p in &c.processes {
        let time = busybox_time(process_cpu_ms(sim, c, p));
        out.push_str(&row(p.pid, &p.user, &time, &p.command()));
    }
    out.push_str(&row(c.next_pid, &user_of(c), "0:00", "ps"));
    out
}

/// `free` inside a container: the host's memory, as /proc/meminfo is not namespaced; the
/// cgroup's limit does not show here (only in `docker stats` and memory.max).
fn container_free(sim: &Sim, _c: &Container, unit: u64) -> String {
    let total = sim.host.memory_bytes;
    let containers = sim.docker.containers_memory_bytes(now(sim));
    let used = (sim.host.memory_reserved_bytes() + containers).min(total);
    let free = total - used;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<7}{:>13}{:>12}{:>12}{:>12}{:>12}{:>12}",
        "", "total", "used", "free", "shared", "buff/cache", "available"
    );
    let _ = writeln!(
        out,
        "{:<7}{:>13}{:>12}{:>12}{:>12}{:>12}{:>12}",
        "Mem:",
        total / unit,
        used / unit,
        free / unit,
        0,
        0,
        free / unit
    );
    let _ = writeln!(out, "{:<7}{:>13}{:>12}{:>12}", "Swap:", 0, 0, 0);
    out
}

/// The cgroup v2 files a container sees at `/sys/fs/cgroup` (its own cgroup is its root).
fn cgroup_file(sim: &Sim, c: &Container, path: &str) -> Option<String> {
    let file = path.strip_prefix("/sys/fs/cgroup/")?;
    let t = now(sim);
    Some(match file {
        "cpu.stat" => {
            let s = cpu_stat(sim, c);
            format!(
                "usage_usec {}\nuser_usec {}\nsystem_usec 0\nnr_periods {}\nnr_throttled {}\nthrottled_usec {}\n",
                s.usage_usec, s.usage_usec, s.nr_periods, s.nr_throttled, s.throttled_usec
            )
        }
        "cpu.max" => match c.limits.cpu_millicores {
            Some(m) => format!("{} {}\n", m * CFS_PERIOD_MS, CFS_PERIOD_MS * 1000),
            None => format!("max {}\n", CFS_PERIOD_MS * 1000),
        },
        // cgroup v2 maps shares to weight: 1 + ((shares − 2) × 9999) / 262142 (runc).
        "cpu.weight" => format!("{}\n", 1 + (c.limits.shares() - 2) * 9999 / 262_142),
        "memory.max" => c
            .limits
            .memory_bytes
            .map_or("max\n".to_string(), |m| format!("{m}\n")),
        "memory.current" => format!("{}\n", c.memory_usage(t)),
        "pids.current" => format!("{}\n", c.processes.len()),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// docker top / docker stats.

/// The simulation's wall clock as `HH:MM` (it starts at 2025-01-01T00:00:00Z).
fn stime(ms: u64) -> String {
    let m = ms / 60_000;
    format!("{:02}:{:02}", m / 60 % 24, m % 60)
}

/// `docker top C`: the container's processes as the host's `ps -ef` shows them (host PIDs).
pub(super) fn plan_top(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let [name] = args else {
        return Err(err("\"docker top\" requires at least 1 argument.\nSee 'docker top --help'.\n\nUsage:  docker top CONTAINER [ps OPTIONS]\n\nDisplay the running processes of a container"));
    };
    let c = sim.docker.find_container(name).ok_or_else(|| {
        err(format!(
            "Error response from daemon: No such container: {name}"
        ))
    })?;
    if !c.is_running() {
        return Err(err(format!(
            "Error response from daemon: container {} is not running",
            c.id
        )));
    }
    let mut rows = vec![["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
        .map(String::from)
        .to_vec()];
    let t = now(sim);
    for p in &c.processes {
        let cpu_ms = process_cpu_ms(sim, c, p);
        let life = t.saturating_sub(p.started_ms).max(1);
        rows.push(vec![
            p.user.clone(),
            p.host_pid.to_string(),
            p.host_ppid.to_string(),
            (cpu_ms * 100 / life).to_string(),
            stime(p.started_ms),
            "?".into(),
            procps_time(cpu_ms),
            p.command(),
        ]);
    }
    Ok(Plan::Output(tabwrite(&rows, 20, 3)))
}

/// go-units `BytesSize`: binary units, `%.4g`.
fn bytes_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    let digits_before = if v < 1.0 {
        1
    } else {
        (v.log10().floor() as i32) + 1
    };
    let decimals = (4 - digits_before).max(0) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}{}", UNITS[i])
}

/// Hundredths as `12.34%`.
fn percent(hundredths: u64) -> String {
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// `docker stats --no-stream [-a] [C...]`.
pub(super) fn plan_stats(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let mut no_stream = false;
    let mut all = false;
    let mut names = Vec::new();
    for a in args {
        match *a {
            "--no-stream" => no_stream = true,
            "-a" | "--all" => all = true,
            f if f.starts_with('-') => {
                return Err(err(format!(
                    "unknown flag: {f}\nSee 'docker stats --help'."
                )))
            }
            n => names.push(n),
        }
    }
    if !no_stream {
        return Err(err(
            "docker stats: the sandbox's terminal cannot show a live stream; use docker stats --no-stream",
        ));
    }
    let mut list: Vec<&Container> = Vec::new();
    for n in &names {
        list.push(sim.docker.find_container(n).ok_or_else(|| {
            err(format!(
                "Error response from daemon: No such container: {n}"
            ))
        })?);
    }
    if names.is_empty() {
        list = sim
            .docker
            .containers
            .values()
            .filter(|c| all || c.is_running())
            .collect();
        list.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(b.seq.cmp(&a.seq)));
    }
    let t = now(sim);
    let mut rows = vec![[
        "CONTAINER ID",
        "NAME",
        "CPU %",
        "MEM USAGE / LIMIT",
        "MEM %",
        "NET I/O",
        "BLOCK I/O",
        "PIDS",
    ]
    .map(String::from)
    .to_vec()];
    for c in list {
        let (cpu, usage, pids) = if c.is_running() {
            (
                cpu_stat(sim, c).millicores * 10,
                c.memory_usage(t),
                c.processes.len(),
            )
        } else {
            (0, 0, 0)
        };
        // Without --memory the limit shown is the host's memory.
        let limit = c.limits.memory_bytes.unwrap_or(sim.host.memory_bytes);
        let mem_pct = u64::try_from(u128::from(usage) * 10_000 / u128::from(limit.max(1)))
            .unwrap_or(u64::MAX);
        rows.push(vec![
            c.short_id().to_string(),
            c.name.clone(),
            percent(cpu),
            format!("{} / {}", bytes_size(usage), bytes_size(limit)),
            percent(mem_pct),
            "0B / 0B".into(),
            "0B / 0B".into(),
            pids.to_string(),
        ]);
    }
    Ok(Plan::Output(table(&rows)))
}

// ---------------------------------------------------------------------------------------------
// The host's `ps`.

/// Every process on the host: its own, each VM's VMM, each container's shim and processes.
pub fn host_processes(sim: &Sim) -> Vec<HostProcess> {
    let mut list: Vec<HostProcess> = HOST_PROCESSES
        .iter()
        .map(|(pid, ppid, user, cmd)| HostProcess {
            pid: *pid,
            ppid: *ppid,
            user: user.to_string(),
            pid_ns: HOST_PID_NS,
            ns_pid: *pid,
            owner: "host".into(),
            cpu_ms: 0,
            command: cmd.to_string(),
        })
        .collect();
    for vm in sim.host.vms.values() {
        let Some(pid) = vm.vmm_pid else { continue };
        let command = match vm.profile {
            crate::host::profile::Profile::Full => format!(
                "/usr/bin/qemu-system-x86_64 -name {} -enable-kvm -smp {} -m {}",
                vm.name,
                vm.cpus,
                vm.memory_bytes / MIB
            ),
            crate::host::profile::Profile::Microvm => format!(
                "/usr/bin/firecracker --id {} --api-sock /run/firecracker/{}.sock",
                vm.name, vm.name
            ),
        };
        list.push(HostProcess {
            pid,
            ppid: 1,
            user: "root".into(),
            pid_ns: HOST_PID_NS,
            ns_pid: pid,
            owner: format!("vm/{}", vm.name),
            cpu_ms: 0,
            command,
        });
    }
    for c in sim.docker.containers.values() {
        let Some(shim) = c.shim_pid else { continue };
        list.push(HostProcess {
            pid: shim,
            ppid: 1,
            user: "root".into(),
            pid_ns: HOST_PID_NS,
            ns_pid: shim,
            owner: "host".into(),
            cpu_ms: 0,
            command: format!(
                "/usr/bin/containerd-shim-runc-v2 -namespace moby -id {} -address /run/containerd/containerd.sock",
                c.id
            ),
        });
        for p in &c.processes {
            list.push(HostProcess {
                pid: p.host_pid,
                ppid: p.host_ppid,
                user: p.user.clone(),
                pid_ns: container_pid_ns(shim),
                ns_pid: p.pid,
                owner: format!("container/{}", c.name),
                cpu_ms: process_cpu_ms(sim, c, p),
                command: p.command(),
            });
        }
    }
    list.sort_by_key(|p| p.pid);
    list
}

/// The host family's `ps`.
pub(super) const PS: CommandSpec = CommandSpec {
    name: "ps",
    usage: "ps",
    summary: "every process on the host, with its PID namespace and what it belongs to",
    help:
        "ps    the host kernel's process table: host PID and parent, user, PID namespace\n\
           \x20     (inode, as /proc/PID/ns/pid shows it), the PID inside that namespace, and\n\
           \x20     whose it is: the host's, a container's (PID 1 inside is a host PID outside),\n\
           \x20     or a VM's VMM (the guest's processes live in the guest kernel: vm exec NAME ps)",
    schedulable: true,
    handles_redirect: false,
    plan: plan_host_ps,
};

fn plan_host_ps(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    if let Some(a) = inv.args.first() {
        return Err(PS.usage_error(format!(
            "unexpected argument \"{a}\" (the sandbox's ps always shows every process)"
        )));
    }
    let mut rows = vec![[
        "PID", "PPID", "USER", "PIDNS", "NSPID", "WHERE", "TIME", "CMD",
    ]
    .map(String::from)
    .to_vec()];
    for p in host_processes(sim) {
        rows.push(vec![
            p.pid.to_string(),
            p.ppid.to_string(),
            p.user,
            p.pid_ns.to_string(),
            p.ns_pid.to_string(),
            p.owner,
            procps_time(p.cpu_ms),
            p.command,
        ]);
    }
    Ok(Plan::Output(tabwrite(&rows, 0, 2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_as_go_units_bytes_size() {
        assert_eq!(bytes_size(256 * MIB), "256MiB");
        assert_eq!(bytes_size(512 * KIB), "512KiB");
        assert_eq!(bytes_size(1536 * KIB), "1.5MiB");
        assert_eq!(bytes_size(16 * 1024 * MIB), "16GiB");
        assert_eq!(bytes_size(0), "0B");
        assert_eq!(percent(5000), "50.00%");
        assert_eq!(stime(3_600_000 + 120_000), "01:02");
    }
}
