//! The `vm` family: create, list, start, stop, delete and exec into virtual machines. A start
//! boots through timed phases on the event queue (see [`crate::host`]); errors name the command,
//! the VM and, when something does not fit, the shortfall.

use std::fmt::Write as _;

use super::{shell_quote, CommandSpec, Family, Invocation, Plan};
use crate::error::{CommandError, Result};
use crate::event::{EventKind, ObjectRef};
use crate::host::profile::{self, BootPhase, Profile};
use crate::host::quantity::{format_bytes, parse_bytes, KIB, MIB};
use crate::host::{GuestHog, Vm, VmState};
use crate::image::format::table;
use crate::limits;
use crate::sim::Sim;
use crate::time::{format_duration_ms, SimTime};

/// The vm family.
pub(super) const FAMILY: Family = Family {
    name: "vm",
    commands: &[CommandSpec {
        name: "vm",
        usage: "vm create|list|start|stop|delete|exec ...",
        summary: "create, boot and inspect virtual machines (full distribution or microVM)",
        help: "vm create NAME [--profile full|microvm] [--image ubuntu-24.04] [--cpus N] [--memory 2Gi]\n\
               vm list                 NAME PROFILE STATE CPUS MEMORY GUEST KERNEL UPTIME\n\
               vm start NAME           power on: reserve memory + VMM overhead, boot in phases\n\
               \x20                       (firmware, kernel, init, services, app); step or run\n\
               \x20                       to watch them\n\
               vm stop NAME            power off at once (as virsh destroy); memory is released\n\
               vm delete NAME          remove a stopped VM and its disk image\n\
               vm exec NAME CMD...     in a running VM: uname [-r|-s|-n|-m], hostname,\n\
               \x20                       cat /etc/os-release, free [-k|-m]\n\
               Images: debian-12, ubuntu-22.04, ubuntu-24.04. A full VM boots its image's kernel \
               in seconds; a Firecracker microVM boots the kernel its VMM is given in ≤125 ms.",
        schedulable: true,
        handles_redirect: false,
        plan,
    }],
};

fn err(message: impl Into<String>) -> CommandError {
    CommandError::Virt(message.into())
}

fn usage(message: impl Into<String>) -> CommandError {
    FAMILY.commands[0].usage_error(message)
}

fn plan(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let args: Vec<&str> = inv.args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["create", rest @ ..] => plan_create(sim, rest),
        ["list" | "ls"] => Ok(Plan::Output(list(sim))),
        ["list" | "ls", extra, ..] => Err(usage(format!("unexpected argument \"{extra}\""))),
        ["start", name] => plan_start(sim, name),
        ["stop", name] => plan_stop(sim, name),
        ["delete" | "rm", name] => plan_delete(sim, name),
        ["start" | "stop" | "delete" | "rm"] => Err(usage(format!("{} needs a VM name", args[0]))),
        ["start" | "stop" | "delete" | "rm", _, extra, ..] => {
            Err(usage(format!("unexpected argument \"{extra}\"")))
        }
        ["exec", name, cmd @ ..] if !cmd.is_empty() => plan_exec(sim, name, cmd),
        ["exec", ..] => Err(usage("exec needs a VM name and a command")),
        [] => Err(usage("expected create, list, start, stop, delete or exec")),
        [other, ..] => Err(usage(format!("unknown subcommand \"{other}\""))),
    }
}

/// A VM name is its guest's hostname: an RFC 1123 label.
fn valid_name(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn find<'a>(sim: &'a Sim, sub: &str, name: &str) -> Result<&'a Vm> {
    sim.host()
        .vms
        .get(name)
        .ok_or_else(|| err(format!("vm {sub} {name}: no VM named \"{name}\"")))
}

fn plan_create(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let host = sim.host();
    let mut name = None;
    let (mut profile_text, mut image_text, mut cpus_text, mut memory_text) =
        (None, None, None, None);
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if let Some(flag) = a.strip_prefix("--") {
            let (flag, inline) = match flag.split_once('=') {
                Some((f, v)) => (f, Some(v)),
                None => (flag, None),
            };
            let slot = match flag {
                "profile" => &mut profile_text,
                "image" => &mut image_text,
                "cpus" => &mut cpus_text,
                "memory" => &mut memory_text,
                _ => return Err(usage(format!("unknown flag: --{flag}"))),
            };
            let value = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    *args
                        .get(i)
                        .ok_or_else(|| usage(format!("flag needs an argument: --{flag}")))?
                }
            };
            *slot = Some(value);
        } else if name.is_none() {
            name = Some(a);
        } else {
            return Err(usage(format!("unexpected argument \"{a}\"")));
        }
        i += 1;
    }
    let Some(name) = name else {
        return Err(usage("create needs a VM name"));
    };
    if !valid_name(name) {
        return Err(err(format!(
            "vm create: invalid name \"{name}\": use 1 to 63 lowercase letters, digits and \
             hyphens, starting and ending with a letter or digit (it becomes the guest's hostname)"
        )));
    }
    let fail = |reason: String| err(format!("vm create {name}: {reason}"));
    if host.vms.contains_key(name) {
        return Err(fail(format!("a VM named \"{name}\" already exists")));
    }
    if host.vms.len() >= limits::MAX_VMS {
        return Err(fail(format!(
            "the host already holds {} VMs, the most the sandbox allows",
            limits::MAX_VMS
        )));
    }
    let profile = match profile_text {
        None => Profile::Full,
        Some(p) => Profile::parse(p)
            .ok_or_else(|| fail(format!("unknown profile \"{p}\": use full or microvm")))?,
    };
    let image_name = image_text.unwrap_or(profile::DEFAULT_IMAGE);
    let image = profile::image(image_name).ok_or_else(|| {
        let names: Vec<&str> = profile::IMAGES.iter().map(|i| i.name).collect();
        fail(format!(
            "unknown image \"{image_name}\": available images: {}",
            names.join(", ")
        ))
    })?;
    let cpus = match cpus_text {
        None => profile.default_cpus(),
        Some(c) => c.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            fail(format!(
                "invalid --cpus \"{c}\": must be a whole number of 1 or more"
            ))
        })?,
    };
    if cpus > host.cores {
        return Err(fail(format!(
            "{cpus} vCPUs requested, but the host has {} cores; a VM cannot have more vCPUs than \
             the host has cores",
            host.cores
        )));
    }
    let memory_bytes = match memory_text {
        None => profile.default_memory_bytes(),
        Some(m) => parse_bytes(m).map_err(|e| fail(e.to_string()))?,
    };
    if memory_bytes <= profile.guest_os_bytes() {
        return Err(fail(format!(
            "--memory {} is too small: the guest OS of a {} VM alone takes {}",
            memory_text.unwrap_or(""),
            profile.name(),
            format_bytes(profile.guest_os_bytes())
        )));
    }
    if memory_bytes > limits::MAX_HOST_MEMORY_BYTES {
        return Err(fail(format!(
            "--memory {} is more than the largest host the sandbox models ({})",
            memory_text.unwrap_or(""),
            format_bytes(limits::MAX_HOST_MEMORY_BYTES)
        )));
    }
    let disk_bytes = profile.disk_bytes();
    let disk_free = host.disk_free_bytes();
    if disk_bytes > disk_free {
        return Err(fail(format!(
            "not enough disk: its disk image needs {}, host has {} free (short by {})",
            format_bytes(disk_bytes),
            format_bytes(disk_free),
            format_bytes(disk_bytes - disk_free)
        )));
    }
    let vm = Vm {
        name: name.to_string(),
        profile,
        image: image.name.to_string(),
        cpus,
        memory_bytes,
        disk_bytes,
        state: VmState::Stopped,
        boots: 0,
        started_at: None,
        vmm_pid: None,
        guest_hogs: Vec::new(),
    };
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let text = format!(
            "VM {} created: {}, {}, {} vCPU{}, {} memory, {} disk",
            vm.name,
            vm.profile.name(),
            vm.image,
            vm.cpus,
            if vm.cpus == 1 { "" } else { "s" },
            format_bytes(vm.memory_bytes),
            format_bytes(vm.disk_bytes)
        );
        sim.record(
            EventKind::VmCreated {
                profile: vm.profile.name().to_string(),
                image: vm.image.clone(),
                cpus: vm.cpus,
                memory_bytes: vm.memory_bytes,
                disk_bytes: vm.disk_bytes,
            },
            ObjectRef::new("vm", vm.name.clone()),
            Some(id),
            text.clone(),
        );
        sim.host.vms.insert(vm.name.clone(), vm);
        format!("{text}\n")
    })))
}

fn list(sim: &Sim) -> String {
    let now = sim.now();
    let mut rows = vec![[
        "NAME", "PROFILE", "STATE", "CPUS", "MEMORY", "GUEST", "KERNEL", "UPTIME",
    ]
    .map(String::from)
    .to_vec()];
    for vm in sim.host().vms.values() {
        let uptime = match (&vm.state, vm.started_at) {
            (VmState::Stopped, _) | (_, None) => "-".to_string(),
            (_, Some(t)) => format_duration_ms(now.as_ms() - t.as_ms()),
        };
        rows.push(vec![
            vm.name.clone(),
            vm.profile.name().into(),
            vm.state_text(),
            vm.cpus.to_string(),
            format_bytes(vm.memory_bytes),
            vm.image.clone(),
            vm.guest_kernel().into(),
            uptime,
        ]);
    }
    table(&rows)
}

fn plan_start(sim: &Sim, name: &str) -> Result<Plan> {
    let vm = find(sim, "start", name)?;
    let fail = |reason: String| err(format!("vm start {name}: {reason}"));
    if !matches!(vm.state, VmState::Stopped) {
        return Err(fail(format!("VM is already {}", vm.state_text())));
    }
    let host = sim.host();
    if vm.cpus > host.cores {
        return Err(fail(format!(
            "{} vCPUs, but the host has {} cores",
            vm.cpus, host.cores
        )));
    }
    let overhead = vm.profile.vmm_overhead_bytes();
    let needs = vm.memory_bytes + overhead;
    // Containers' processes use host memory too (they reserve nothing beyond it).
    let free = host
        .memory_free_bytes()
        .saturating_sub(sim.docker.containers_memory_bytes(sim.now().as_ms()));
    if needs > free {
        return Err(fail(format!(
            "not enough memory: needs {} + {} {} overhead, host has {} free (short by {})",
            format_bytes(vm.memory_bytes),
            format_bytes(overhead),
            vm.profile.vmm(),
            format_bytes(free),
            format_bytes(needs - free)
        )));
    }
    sim.check_schedule("vm start")?;
    let profile = vm.profile;
    let name = name.to_string();
    Ok(Plan::Effect(Box::new(move |sim, id| {
        crate::host::begin_boot(sim, &name, id);
        let phases: Vec<String> = BootPhase::ALL
            .iter()
            .map(|p| format!("{} {}", p.name(), format_duration_ms(profile.phase_ms(*p))))
            .collect();
        format!(
            "starting {name} ({}): {}; running at {} (step or run to watch)\n",
            profile.kind(),
            phases.join(", "),
            sim.now().plus_ms(profile.boot_ms())
        )
    })))
}

fn plan_stop(sim: &Sim, name: &str) -> Result<Plan> {
    let vm = find(sim, "stop", name)?;
    if matches!(vm.state, VmState::Stopped) {
        return Err(err(format!("vm stop {name}: VM is not running")));
    }
    let released = vm.reserved_bytes();
    let name = name.to_string();
    Ok(Plan::Effect(Box::new(move |sim, id| {
        if let Some(vm) = sim.host.vms.get_mut(&name) {
            vm.state = VmState::Stopped;
            vm.guest_hogs.clear();
            vm.started_at = None;
            vm.vmm_pid = None;
        }
        // A boot in progress ends here: its remaining phases leave the queue.
        sim.cancel_scheduled(
            |a| matches!(a, crate::sim::Action::VmBootPhase { vm, .. } if *vm == name),
        );
        let text = format!(
            "{name} powered off: released {} of host memory",
            format_bytes(released)
        );
        sim.record(
            EventKind::VmStopped {
                released_bytes: released,
            },
            ObjectRef::new("vm", name.clone()),
            Some(id),
            text.clone(),
        );
        format!("{text}\n")
    })))
}

fn plan_delete(sim: &Sim, name: &str) -> Result<Plan> {
    let vm = find(sim, "delete", name)?;
    if !matches!(vm.state, VmState::Stopped) {
        return Err(err(format!(
            "vm delete {name}: VM is {}; stop it first",
            vm.state_text()
        )));
    }
    let disk = vm.disk_bytes;
    let name = name.to_string();
    Ok(Plan::Effect(Box::new(move |sim, id| {
        sim.host.vms.remove(&name);
        let text = format!("VM {name} deleted: freed {} of disk", format_bytes(disk));
        sim.record(
            EventKind::VmDeleted,
            ObjectRef::new("vm", name.clone()),
            Some(id),
            text.clone(),
        );
        format!("{text}\n")
    })))
}

fn plan_exec(sim: &Sim, name: &str, cmd: &[&str]) -> Result<Plan> {
    let vm = find(sim, "exec", name)?;
    let fail = |reason: String| err(format!("vm exec {name}: {reason}"));
    if !vm.is_running() {
        return Err(fail(format!(
            "VM is not running (state: {}); start it and wait for it to boot",
            vm.state_text()
        )));
    }
    let image = profile::image(&vm.image);
    if let [prog, args @ ..] = cmd {
        if crate::image::fs::base_name(prog) == "stress" {
            return plan_guest_stress(sim, vm, args, cmd);
        }
    }
    let output = match cmd {
        ["uname"] | ["uname", "-s"] => "Linux\n".to_string(),
        ["uname", "-r"] => format!("{}\n", vm.guest_kernel()),
        ["uname", "-n"] | ["hostname"] => format!("{}\n", vm.name),
        ["uname", "-m"] => "x86_64\n".to_string(),
        ["cat", "/etc/os-release" | "/usr/lib/os-release"] => {
            image.map_or(String::new(), |i| i.os_release.to_string())
        }
        ["ps"] | ["ps", "-e" | "-A"] => guest_ps(vm, sim.now()),
        ["ls", "/"] | ["ls", "-a" | "-A", "/"] => guest_root(vm),
        ["free", rest @ ..] => {
            let unit = match rest {
                [] | ["-k"] => KIB,
                ["-m"] => MIB,
                [flag, ..] => {
                    return Err(fail(format!(
                        "free: option \"{flag}\" is not modelled (use free, free -k or free -m)"
                    )))
                }
            };
            free(vm, unit, sim.now())
        }
        _ => {
            return Err(fail(format!(
                "\"{}\" is not modelled in the guest yet; try uname -r, hostname, \
                 cat /etc/os-release, ls /, ps, free or stress",
                cmd.join(" ")
            )))
        }
    };
    let words: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    let command = shell_quote(&words);
    let name = name.to_string();
    Ok(Plan::Effect(Box::new(move |sim, id| {
        sim.record(
            EventKind::VmExec {
                command: command.clone(),
                exit_code: 0,
            },
            ObjectRef::new("vm", name.clone()),
            Some(id),
            format!("exec in {name}: {command}"),
        );
        output
    })))
}

/// `ps -e` in the guest: the guest kernel's own process table, from its own PID 1. The host's
/// processes (and the other VMs') are not in it; the host sees this whole VM as one VMM process.
/// ASSUMPTION: the PIDs and CPU times are plausible values for a freshly booted guest.
fn guest_ps(vm: &Vm, now: SimTime) -> String {
    let procs: &[(u32, &str, &str)] = match vm.profile {
        crate::host::profile::Profile::Full => &[
            (1, "00:00:01", "systemd"),
            (2, "00:00:00", "kthreadd"),
            (318, "00:00:00", "systemd-journal"),
            (371, "00:00:00", "systemd-udevd"),
            (540, "00:00:00", "systemd-network"),
            (562, "00:00:00", "systemd-resolve"),
            (611, "00:00:00", "cron"),
            (640, "00:00:00", "sshd"),
            (655, "00:00:00", "agetty"),
            (1042, "00:00:00", "ps"),
        ],
        crate::host::profile::Profile::Microvm => &[
            (1, "00:00:00", "init"),
            (2, "00:00:00", "kthreadd"),
            (97, "00:00:00", "ps"),
        ],
    };
    let mut out = String::from(
        "    PID TTY          TIME CMD
",
    );
    let (ps_pid, rest) = procs.split_last().expect("the table ends with ps");
    for (pid, time, cmd) in rest {
        let _ = writeln!(out, "{pid:>7} {:<8} {time:>8} {cmd}", "?");
    }
    for hog in vm.guest_hogs.iter().filter(|h| h.is_running(now)) {
        let _ = writeln!(out, "{:>7} {:<8} {:>8} stress", hog.pid, "?", "00:00:00");
    }
    let _ = writeln!(
        out,
        "{:>7} {:<8} {:>8} {}",
        ps_pid.0, "?", ps_pid.1, ps_pid.2
    );
    out
}

/// `ls /` in the guest: the guest's own root filesystem, not the host's and not an image's.
/// Full VM: the Ubuntu 24.04 cloud image's top level (the same usrmerge layout as the host's,
/// [`crate::host::isolation_view::HOST_ROOT`]). MicroVM: ASSUMPTION, a minimal rootfs of the
/// kind Firecracker's getting-started guide builds (busybox-style top level).
fn guest_root(vm: &Vm) -> String {
    let names: Vec<&str> = match vm.profile {
        crate::host::profile::Profile::Full => crate::host::isolation_view::HOST_ROOT
            .iter()
            .map(|(n, _)| *n)
            .collect(),
        crate::host::profile::Profile::Microvm => vec![
            "bin", "dev", "etc", "home", "lib", "proc", "root", "run", "sbin", "sys", "tmp", "usr",
            "var",
        ],
    };
    let mut out = names.join("\n");
    out.push('\n');
    out
}

/// First guest PID a `stress` started by `vm exec` gets. ASSUMPTION: a little above the
/// guest's last boot-time process (see [`guest_ps`]).
fn first_hog_pid(vm: &Vm) -> u32 {
    let base = match vm.profile {
        crate::host::profile::Profile::Full => 1100,
        crate::host::profile::Profile::Microvm => 120,
    };
    vm.guest_hogs
        .iter()
        .map(|h| h.pid + 1)
        .max()
        .unwrap_or(base)
        .max(base)
}

/// Guest memory left for processes: the guest's memory less the guest OS's share and what the
/// running `stress` processes hold.
fn guest_available(vm: &Vm, now: SimTime) -> u64 {
    let held: u64 = vm
        .guest_hogs
        .iter()
        .filter(|h| h.is_running(now))
        .map(|h| h.bytes)
        .sum();
    vm.memory_bytes
        .saturating_sub(vm.profile.guest_os_bytes())
        .saturating_sub(held)
}

/// `vm exec NAME stress …`: a memory or CPU hog inside the guest. A memory hog larger than
/// what the guest has left is killed by the *guest* kernel's OOM killer (stress then reports
/// the worker's signal 9 and exits 1); the host is untouched, because the VM reserved all its
/// memory at power-on. One that fits keeps running in the guest (until `--timeout`, or until
/// the VM stops) and shows in the guest's `ps` and `free`.
fn plan_guest_stress(sim: &Sim, vm: &Vm, args: &[&str], cmd: &[&str]) -> Result<Plan> {
    let name = vm.name.clone();
    let s = crate::image::process::parse_stress(args)
        .map_err(|e| err(format!("vm exec {name}: {e}")))?;
    let now = sim.now();
    let pid = first_hog_pid(vm);
    let idle = crate::image::cgroup::IDLE_PROCESS_RSS_BYTES;
    let wanted = u64::from(s.vm).saturating_mul(s.vm_bytes) + idle * (1 + u64::from(s.cpu));
    let available = guest_available(vm, now);
    let words: Vec<String> = cmd.iter().map(|w| w.to_string()).collect();
    let command = shell_quote(&words);
    let mut output = format!(
        "stress: info: [{pid}] dispatching hogs: {} cpu, 0 io, {} vm, 0 hdd\n",
        s.cpu, s.vm
    );
    if wanted > available {
        // The first vm worker is the one the kernel picks: it holds the most.
        let victim = pid + 1 + s.cpu;
        let _ = write!(
            output,
            "stress: FAIL: [{pid}] (415) <-- worker {victim} got signal 9\n\
             stress: WARN: [{pid}] (417) now reaping child worker processes\n\
             stress: FAIL: [{pid}] (451) failed run completed in 0s\n"
        );
        let bytes = s.vm_bytes;
        return Ok(Plan::Effect(Box::new(move |sim, id| {
            let exec = sim.record(
                EventKind::VmExec {
                    command: command.clone(),
                    exit_code: 1,
                },
                ObjectRef::new("vm", name.clone()),
                Some(id),
                format!("exec in {name}: {command} (exit code 1)"),
            );
            sim.record(
                EventKind::VmGuestOomKilled {
                    pid: victim,
                    bytes,
                    available_bytes: available,
                },
                ObjectRef::new("vm", name.clone()),
                Some(exec),
                format!(
                    "{name}: the guest kernel's OOM killer killed stress worker (guest PID \
                     {victim}): it wanted {}, the guest had {} left; the host is untouched",
                    format_bytes(bytes),
                    format_bytes(available)
                ),
            );
            output
        })));
    }
    let until = s.timeout_ms.map(|ms| now.plus_ms(ms));
    if let Some(t) = until {
        let _ = writeln!(
            output,
            "(runs in the guest until {t}, then stress: info: [{pid}] successful run completed)"
        );
    }
    Ok(Plan::Effect(Box::new(move |sim, id| {
        if let Some(vm) = sim.host.vms.get_mut(&name) {
            vm.guest_hogs.push(GuestHog {
                pid,
                command: command.clone(),
                bytes: wanted,
                until,
            });
        }
        sim.record(
            EventKind::VmExec {
                command: command.clone(),
                exit_code: 0,
            },
            ObjectRef::new("vm", name.clone()),
            Some(id),
            format!(
                "exec in {name}: {command} started as guest PID {pid}, holding {}",
                format_bytes(wanted)
            ),
        );
        output
    })))
}

/// `free` as the guest sees it: its own memory, of which the guest OS takes its share. The host's
/// memory is invisible from inside a VM.
fn free(vm: &Vm, unit: u64, now: SimTime) -> String {
    let total = vm.memory_bytes / unit;
    let free = guest_available(vm, now) / unit;
    let used = total - free;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<7}{:>13}{:>12}{:>12}{:>12}{:>12}{:>12}",
        "", "total", "used", "free", "shared", "buff/cache", "available"
    );
    let _ = writeln!(
        out,
        "{:<7}{:>13}{:>12}{:>12}{:>12}{:>12}{:>12}",
        "Mem:", total, used, free, 0, 0, free
    );
    let _ = writeln!(out, "{:<7}{:>13}{:>12}{:>12}", "Swap:", 0, 0, 0);
    out
}
