//! The machine under everything: a host with cores, memory and disk, a host OS and kernel, a
//! hypervisor (KVM) and a container runtime (containerd/runc), and the VMs it runs.
//!
//! VMs boot in timed phases ([`profile::BootPhase`]) through the simulation's event queue, so
//! `step` and `run` show them one at a time. Memory is reserved when a VM starts (its configured
//! memory plus the VMM's overhead) and released when it stops. Containers arrive with the docker
//! engine; the host's process table (its own daemons, VMMs, container shims and processes) is
//! [`process`], filled from both.

pub mod bench;
pub mod density;
pub mod isolation_view;
pub mod process;
pub mod profile;
pub mod quantity;
pub mod view;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::event::{EventId, EventKind, ObjectRef};
use crate::sim::{Action, Sim};
use crate::time::SimTime;
use profile::{BootPhase, Profile};
use quantity::{format_bytes, GIB};

/// ASSUMPTION: the sandbox's default host, a small teaching server (8 cores, 16 GiB, 500 GiB).
pub const DEFAULT_CORES: u32 = 8;
/// See [`DEFAULT_CORES`].
pub const DEFAULT_MEMORY_BYTES: u64 = 16 * GIB;
/// See [`DEFAULT_CORES`].
pub const DEFAULT_DISK_BYTES: u64 = 500 * GIB;

/// The host kernel release: Ubuntu 24.04's GA kernel line (`uname -r` on the host and, since
/// containers share it, in every container and every `RUN` of a build).
pub const HOST_KERNEL: &str = "6.8.0-45-generic";

/// The host machine and its VMs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Host {
    /// Physical CPU cores.
    pub cores: u32,
    /// Physical memory.
    pub memory_bytes: u64,
    /// Local disk.
    pub disk_bytes: u64,
    /// The host OS (`PRETTY_NAME`).
    pub os: String,
    /// The host kernel release (`uname -r` on the host, and in every container).
    pub kernel: String,
    /// The hypervisor and the VMMs it runs.
    pub hypervisor: String,
    /// The container runtime.
    pub runtime: String,
    /// The VMs, by name.
    pub vms: BTreeMap<String, Vm>,
    /// The next PID the host kernel hands out (PIDs are allocated in order, as Linux does
    /// until `pid_max` wraps).
    pub next_pid: u32,
}

impl Default for Host {
    fn default() -> Self {
        Host {
            cores: DEFAULT_CORES,
            memory_bytes: DEFAULT_MEMORY_BYTES,
            disk_bytes: DEFAULT_DISK_BYTES,
            os: "Ubuntu 24.04.1 LTS".into(),
            kernel: HOST_KERNEL.into(),
            hypervisor: "KVM (QEMU for full VMs, Firecracker for microVMs)".into(),
            runtime: "containerd with runc".into(),
            vms: BTreeMap::new(),
            next_pid: process::FIRST_FREE_PID,
        }
    }
}

impl Host {
    /// Host memory reserved by VMs that are booting or running (guest memory + VMM overhead).
    pub fn memory_reserved_bytes(&self) -> u64 {
        self.vms.values().map(Vm::reserved_bytes).sum()
    }

    /// Host memory not reserved.
    pub fn memory_free_bytes(&self) -> u64 {
        self.memory_bytes
            .saturating_sub(self.memory_reserved_bytes())
    }

    /// Disk taken by VM disk images (allocated when a VM is created).
    pub fn disk_used_bytes(&self) -> u64 {
        self.vms.values().map(|v| v.disk_bytes).sum()
    }

    /// Disk not taken by VM disk images.
    pub fn disk_free_bytes(&self) -> u64 {
        self.disk_bytes.saturating_sub(self.disk_used_bytes())
    }

    /// The VM with the most vCPUs, if any (a VM may not have more vCPUs than the host has cores).
    pub fn widest_vm(&self) -> Option<&Vm> {
        self.vms
            .values()
            .max_by_key(|v| (v.cpus, std::cmp::Reverse(&v.name)))
    }
}

/// Where a VM is in its life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum VmState {
    /// Defined, powered off: holds its disk, no memory.
    Stopped,
    /// Powered on and in a boot phase: its memory is reserved.
    Booting {
        /// The phase in progress.
        phase: BootPhase,
        /// When the phase began.
        phase_started: SimTime,
    },
    /// Booted: running its app.
    Running {
        /// When it finished booting.
        since: SimTime,
    },
}

/// A virtual machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Vm {
    /// Its name (also its hostname).
    pub name: String,
    /// Full distribution VM or microVM.
    pub profile: Profile,
    /// The guest image's name.
    pub image: String,
    /// Virtual CPUs.
    pub cpus: u32,
    /// Guest memory.
    pub memory_bytes: u64,
    /// Its disk image.
    pub disk_bytes: u64,
    /// Where it is in its life.
    pub state: VmState,
    /// Counts the VM's starts: queued boot phases of an earlier start (one that was stopped)
    /// carry an older number and do nothing when their time comes.
    pub boots: u64,
    /// When the current boot began.
    pub started_at: Option<SimTime>,
    /// The host PID of its VMM process (`qemu-system-x86_64` or `firecracker`) while powered on.
    pub vmm_pid: Option<u32>,
    /// Workloads started in the guest with `vm exec NAME stress …`; gone when the VM stops.
    pub guest_hogs: Vec<GuestHog>,
}

/// A `stress` process running inside a VM's guest kernel. Its memory comes out of the guest's
/// own memory (reserved on the host when the VM powered on), so it never changes the host's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GuestHog {
    /// Its PID in the guest.
    pub pid: u32,
    /// The command as typed.
    pub command: String,
    /// Guest memory it holds.
    pub bytes: u64,
    /// When `--timeout` ends it, if given.
    pub until: Option<SimTime>,
}

impl GuestHog {
    /// True while it runs at `now`.
    pub fn is_running(&self, now: SimTime) -> bool {
        self.until.is_none_or(|u| now < u)
    }
}

impl Vm {
    /// Host memory the VM holds: nothing when stopped; guest memory plus the VMM's overhead once
    /// it is powered on, from the first boot phase on.
    pub fn reserved_bytes(&self) -> u64 {
        match self.state {
            VmState::Stopped => 0,
            _ => self.memory_bytes + self.profile.vmm_overhead_bytes(),
        }
    }

    /// The guest kernel release: a full VM runs its image's kernel; a Firecracker microVM runs
    /// the kernel its VMM was given.
    pub fn guest_kernel(&self) -> &'static str {
        match self.profile {
            Profile::Microvm => profile::MICROVM_KERNEL,
            Profile::Full => profile::image(&self.image).map_or("unknown", |i| i.kernel),
        }
    }

    /// The state as `vm list` shows it.
    pub fn state_text(&self) -> String {
        match &self.state {
            VmState::Stopped => "stopped".into(),
            VmState::Booting { phase, .. } => format!("booting ({})", phase.name()),
            VmState::Running { .. } => "running".into(),
        }
    }

    /// True when it is running (booted).
    pub fn is_running(&self) -> bool {
        matches!(self.state, VmState::Running { .. })
    }
}

/// Starts a VM's boot (the caller has checked that it is stopped and fits): reserves its memory,
/// records `VmStarting` and schedules the end of the first phase.
pub(crate) fn begin_boot(sim: &mut Sim, name: &str, cause: EventId) {
    let now = sim.now();
    let Some(vm) = sim.host.vms.get_mut(name) else {
        return;
    };
    vm.boots += 1;
    vm.started_at = Some(now);
    vm.guest_hogs.clear();
    vm.vmm_pid = Some(sim.host.next_pid);
    sim.host.next_pid = sim.host.next_pid.saturating_add(1);
    vm.state = VmState::Booting {
        phase: BootPhase::Firmware,
        phase_started: now,
    };
    let boots = vm.boots;
    let (reserved, overhead, memory, profile) = (
        vm.reserved_bytes(),
        vm.profile.vmm_overhead_bytes(),
        vm.memory_bytes,
        vm.profile,
    );
    let started = sim.record(
        EventKind::VmStarting {
            reserved_bytes: reserved,
        },
        ObjectRef::new("vm", name),
        Some(cause),
        format!(
            "{} {} powered on: reserved {} + {} {} overhead of host memory; booting",
            profile.kind(),
            name,
            format_bytes(memory),
            format_bytes(overhead),
            profile.vmm()
        ),
    );
    let at = now.plus_ms(profile.phase_ms(BootPhase::Firmware));
    sim.schedule(
        at,
        Action::VmBootPhase {
            vm: name.to_string(),
            boot: boots,
            phase: BootPhase::Firmware,
            scheduled_by: started,
        },
    );
}

/// The end of a boot phase: records it, then schedules the next phase or marks the VM running.
/// A phase of a boot that was stopped (or of a VM since deleted) does nothing.
pub(crate) fn finish_phase(
    sim: &mut Sim,
    name: &str,
    boot: u64,
    phase: BootPhase,
    scheduled_by: EventId,
) {
    let now = sim.now();
    let Some(vm) = sim.host.vms.get_mut(name) else {
        return;
    };
    let current = matches!(vm.state, VmState::Booting { phase: p, .. } if p == phase);
    if vm.boots != boot || !current {
        return;
    }
    let profile = vm.profile;
    let started_at = vm.started_at.unwrap_or(now);
    let next = BootPhase::ALL
        .iter()
        .skip_while(|p| **p != phase)
        .nth(1)
        .copied();
    vm.state = match next {
        Some(p) => VmState::Booting {
            phase: p,
            phase_started: now,
        },
        None => VmState::Running { since: now },
    };
    let duration_ms = profile.phase_ms(phase);
    let object = ObjectRef::new("vm", name);
    let done = sim.record(
        EventKind::VmBootPhase {
            phase: phase.name().to_string(),
            duration_ms,
        },
        object.clone(),
        Some(scheduled_by),
        format!(
            "{name}: {} phase done in {}",
            phase.name(),
            crate::time::format_duration_ms(duration_ms)
        ),
    );
    match next {
        Some(p) => sim.schedule(
            now.plus_ms(profile.phase_ms(p)),
            Action::VmBootPhase {
                vm: name.to_string(),
                boot,
                phase: p,
                scheduled_by: done,
            },
        ),
        None => {
            let boot_ms = now.as_ms() - started_at.as_ms();
            sim.record(
                EventKind::VmRunning { boot_ms },
                object,
                Some(done),
                format!(
                    "{name} is running: booted in {}",
                    crate::time::format_duration_ms(boot_ms)
                ),
            );
        }
    }
}
