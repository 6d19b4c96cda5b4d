//! Plain-data views of the host for the browser's Host tab: the VM stack and the container stack
//! side by side, the host memory bar, and the boot race (a Gantt chart of boot phases read from
//! the event log). Pure functions of the simulation: the web crate only draws them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::profile::{self, BootPhase, Profile};
use super::{Host, VmState};
use crate::event::EventKind;
use crate::image::container::Status;
use crate::sim::Sim;

/// Everything the Host tab draws.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostView {
    /// Hardware: cores.
    pub cores: u32,
    /// Hardware: memory.
    pub memory_bytes: u64,
    /// Host OS (`PRETTY_NAME`).
    pub os: String,
    /// Host kernel (shared by every container).
    pub kernel: String,
    /// Hypervisor.
    pub hypervisor: String,
    /// Container runtime.
    pub runtime: String,
    /// One guest block per VM, by name.
    pub vms: Vec<VmBlock>,
    /// Image layer stacks (bins/libs), each drawn once however many containers use it.
    pub images: Vec<ImageBlock>,
    /// One app per container.
    pub containers: Vec<ContainerBlock>,
    /// The host memory bar, left to right.
    pub memory: Vec<MemorySegment>,
    /// Host memory nothing reserves.
    pub memory_free_bytes: u64,
    /// The boot race: one row per VM and container that started.
    pub gantt: Vec<GanttRow>,
    /// Where each phase's duration comes from, per profile.
    pub legend: Vec<PhaseSource>,
    /// The current simulated time.
    pub now_ms: u64,
}

/// A VM in the VM stack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VmBlock {
    /// Name.
    pub name: String,
    /// `full` or `microvm`.
    pub profile: String,
    /// `full VM` or `microVM`.
    pub kind: String,
    /// `qemu` or `firecracker`.
    pub vmm: String,
    /// The guest OS (`PRETTY_NAME` of its image).
    pub guest_os: String,
    /// The guest's own kernel.
    pub guest_kernel: String,
    /// `running`, `booting` or `stopped` (the colour).
    pub state: String,
    /// The state as `vm list` says it.
    pub state_text: String,
    /// The boot phase in progress, while booting.
    pub phase: Option<String>,
    /// Guest memory (reserved at power-on).
    pub memory_bytes: u64,
}

/// An image's layers as the container stack's bins/libs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImageBlock {
    /// The reference containers were started from (first container's).
    pub reference: String,
    /// Short ImageID.
    pub id: String,
    /// Number of layers.
    pub layers: usize,
    /// Bytes of layer content.
    pub size_bytes: u64,
    /// The containers that share these layers.
    pub containers: Vec<String>,
}

/// A container in the container stack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContainerBlock {
    /// Name.
    pub name: String,
    /// Short ImageID of its image (links it to an [`ImageBlock`]).
    pub image_id: String,
    /// `running`, `starting` (its start's phases are under way), `created` or `exited`.
    pub state: String,
}

/// One segment of the host memory bar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemorySegment {
    /// The VM or container it belongs to.
    pub owner: String,
    /// `guest-os`, `vmm`, `app` (a VM's) or `container`.
    pub kind: String,
    /// Bytes.
    pub bytes: u64,
}

/// One row of the boot race.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GanttRow {
    /// VM or container name.
    pub name: String,
    /// `vm` or `container`.
    pub kind: String,
    /// `full`, `microvm` or `container`.
    pub profile: String,
    /// When the latest start began.
    pub start_ms: u64,
    /// When it was ready (running), if it got there.
    pub end_ms: Option<u64>,
    /// Its phases, in order.
    pub bars: Vec<GanttBar>,
}

/// One phase of a boot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GanttBar {
    /// `firmware`, `kernel`, `init`, `services`, `app`, or a container's start phase:
    /// `create namespaces`, `cgroup`, `mount rootfs`, `exec process`.
    pub phase: String,
    /// Start, simulated ms.
    pub start_ms: u64,
    /// End, simulated ms.
    pub end_ms: u64,
}

/// A sourced phase duration for the legend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhaseSource {
    /// `full`, `microvm` or `container`.
    pub profile: String,
    /// The phase.
    pub phase: String,
    /// Its modelled duration.
    pub duration_ms: u64,
    /// Where the figure comes from.
    pub source: String,
}

fn state_name(state: &VmState) -> &'static str {
    match state {
        VmState::Stopped => "stopped",
        VmState::Booting { .. } => "booting",
        VmState::Running { .. } => "running",
    }
}

/// The source of a phase's duration, in a few words (the constants in [`profile`] hold the full
/// quotation).
pub fn phase_source(profile: Profile, phase: BootPhase) -> &'static str {
    match (profile, phase) {
        (Profile::Full, BootPhase::Firmware) => "SeaBIOS under QEMU, mean of 3 (capstan #145)",
        (Profile::Full, BootPhase::Kernel) => {
            "systemd-analyze, Ubuntu cloud image (cloud-init #4535)"
        }
        (Profile::Full, BootPhase::Init) => "ASSUMPTION: part of the sourced 12.240 s user space",
        (Profile::Full, BootPhase::Services) => "rest of 12.240 s user space (cloud-init #4535)",
        (Profile::Microvm, BootPhase::Firmware) => "none: direct kernel boot (Firecracker spec)",
        (Profile::Microvm, BootPhase::Kernel) => {
            "≤125 ms to /sbin/init (Firecracker SPECIFICATION.md)"
        }
        (Profile::Microvm, _) => "ASSUMPTION: minimal init execs the app",
        (_, BootPhase::App) => "ASSUMPTION: the app's own start, same for all",
    }
}

/// The Host tab's view of the simulation.
pub fn host_view(sim: &Sim) -> HostView {
    let host: &Host = sim.host();
    let engine = sim.docker();
    let vms = host
        .vms
        .values()
        .map(|vm| VmBlock {
            name: vm.name.clone(),
            profile: vm.profile.name().into(),
            kind: vm.profile.kind().into(),
            vmm: vm.profile.vmm().into(),
            guest_os: match vm.profile {
                Profile::Microvm => "minimal rootfs".into(),
                Profile::Full => profile::image(&vm.image)
                    .map_or_else(|| vm.image.clone(), |i| i.pretty_name.to_string()),
            },
            guest_kernel: vm.guest_kernel().into(),
            state: state_name(&vm.state).into(),
            state_text: vm.state_text(),
            phase: match &vm.state {
                VmState::Booting { phase, .. } => Some(phase.name().to_string()),
                _ => None,
            },
            memory_bytes: vm.memory_bytes,
        })
        .collect();

    let mut images: BTreeMap<String, ImageBlock> = BTreeMap::new();
    let mut containers = Vec::new();
    let mut memory = Vec::new();
    for vm in host.vms.values().filter(|v| v.reserved_bytes() > 0) {
        let guest_os = vm.profile.guest_os_bytes().min(vm.memory_bytes);
        for (kind, bytes) in [
            ("guest-os", guest_os),
            ("vmm", vm.profile.vmm_overhead_bytes()),
            ("app", vm.memory_bytes - guest_os),
        ] {
            memory.push(MemorySegment {
                owner: vm.name.clone(),
                kind: kind.into(),
                bytes,
            });
        }
    }
    let mut by_seq: Vec<_> = engine.containers.values().collect();
    by_seq.sort_by_key(|c| c.seq);
    for c in by_seq {
        let id = c.image_id.short().to_string();
        let block = images.entry(id.clone()).or_insert_with(|| {
            let layers = engine.images.get(&c.image_id).map(|i| &i.layers);
            ImageBlock {
                reference: c.image_ref.clone(),
                id: id.clone(),
                layers: layers.map_or(0, Vec::len),
                size_bytes: layers.map_or(0, |l| l.iter().map(|l| l.size()).sum()),
                containers: Vec::new(),
            }
        });
        block.containers.push(c.name.clone());
        let state = match c.state.status {
            _ if c.is_starting() => "starting",
            Status::Created => "created",
            Status::Running => "running",
            Status::Exited => "exited",
        };
        if c.state.status == Status::Running {
            // A container reserves nothing: it costs what its processes use.
            memory.push(MemorySegment {
                owner: c.name.clone(),
                kind: "container".into(),
                bytes: c.memory_usage(sim.now().as_ms()),
            });
        }
        containers.push(ContainerBlock {
            name: c.name.clone(),
            image_id: id,
            state: state.into(),
        });
    }

    HostView {
        cores: host.cores,
        memory_bytes: host.memory_bytes,
        os: host.os.clone(),
        kernel: host.kernel.clone(),
        hypervisor: host.hypervisor.clone(),
        runtime: host.runtime.clone(),
        vms,
        images: images.into_values().collect(),
        containers,
        memory,
        memory_free_bytes: host
            .memory_free_bytes()
            .saturating_sub(engine.containers_memory_bytes(sim.now().as_ms())),
        gantt: gantt(sim),
        legend: legend(),
        now_ms: sim.now().as_ms(),
    }
}

/// Every profile's phases with their durations and sources.
pub fn legend() -> Vec<PhaseSource> {
    let mut out = Vec::new();
    for p in [Profile::Microvm, Profile::Full] {
        for phase in BootPhase::ALL {
            out.push(PhaseSource {
                profile: p.name().into(),
                phase: phase.name().into(),
                duration_ms: p.phase_ms(phase),
                source: phase_source(p, phase).into(),
            });
        }
    }
    for (phase, ms) in crate::image::cgroup::START_PHASES_MS {
        out.push(PhaseSource {
            profile: "container".into(),
            phase: phase.into(),
            duration_ms: ms,
            source: container_phase_source(phase).into(),
        });
    }
    out
}

/// The source of a container start phase's duration, in a few words (the doc comment of
/// [`crate::image::cgroup::START_PHASES_MS`] holds the full citation).
pub fn container_phase_source(phase: &str) -> &'static str {
    match phase {
        "create namespaces" => "8–10 ms measured (Khan, arXiv:2602.15214)",
        "exec process" => "rest of the 568 ms docker run measured (Khan, arXiv:2602.15214)",
        _ => "ASSUMPTION: no published figure found",
    }
}

/// The boot race from the event log: each VM's latest boot (from `VmStarting` through its
/// `VmBootPhase` events to `VmRunning`) and each container's latest start (its
/// `ContainerStartPhase` events, each recorded when the phase ends, to `ContainerStarted`).
/// Rows in order of start.
pub fn gantt(sim: &Sim) -> Vec<GanttRow> {
    // Keyed by object; the value holds the id of the starting event, to keep start order.
    let mut rows: BTreeMap<(String, String), (u64, GanttRow)> = BTreeMap::new();
    let profiles: BTreeMap<&str, &str> = sim
        .host()
        .vms
        .values()
        .map(|v| (v.name.as_str(), v.profile.name()))
        .collect();
    for e in sim.log() {
        let t = e.time.as_ms();
        let key = (e.object.kind.clone(), e.object.name.clone());
        match (&e.kind, e.object.kind.as_str()) {
            (EventKind::VmStarting { .. }, "vm") => {
                let profile = profiles.get(e.object.name.as_str()).copied();
                rows.insert(
                    key,
                    (
                        e.id.0,
                        GanttRow {
                            name: e.object.name.clone(),
                            kind: "vm".into(),
                            profile: profile.unwrap_or("vm").into(),
                            start_ms: t,
                            end_ms: None,
                            bars: Vec::new(),
                        },
                    ),
                );
            }
            (EventKind::VmBootPhase { phase, duration_ms }, "vm") => {
                if let Some((_, row)) = rows.get_mut(&key) {
                    row.bars.push(GanttBar {
                        phase: phase.clone(),
                        start_ms: t.saturating_sub(*duration_ms),
                        end_ms: t,
                    });
                }
            }
            (EventKind::VmRunning { .. }, "vm") => {
                if let Some((_, row)) = rows.get_mut(&key) {
                    row.end_ms = Some(t);
                }
            }
            (EventKind::VmDeleted, "vm") => {
                rows.remove(&key);
            }
            (
                EventKind::ContainerStartPhase {
                    phase,
                    offset_ms,
                    duration_ms,
                },
                "container",
            ) => {
                let began = t.saturating_sub(*duration_ms);
                // The first phase's end opens the row of a new start.
                if *offset_ms == 0 {
                    rows.insert(
                        key.clone(),
                        (
                            e.id.0,
                            GanttRow {
                                name: e.object.name.clone(),
                                kind: "container".into(),
                                profile: "container".into(),
                                start_ms: began,
                                end_ms: None,
                                bars: Vec::new(),
                            },
                        ),
                    );
                }
                if let Some((_, row)) = rows.get_mut(&key) {
                    row.bars.push(GanttBar {
                        phase: phase.clone(),
                        start_ms: began,
                        end_ms: t,
                    });
                }
            }
            (EventKind::ContainerStarted, "container") => {
                if let Some((_, row)) = rows.get_mut(&key) {
                    row.end_ms = Some(t);
                }
            }
            (EventKind::ContainerRemoved, "container") => {
                rows.remove(&key);
            }
            _ => {}
        }
    }
    let mut rows: Vec<(u64, GanttRow)> = rows.into_values().collect();
    rows.sort_by_key(|(id, row)| (row.start_ms, *id));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// The latest density experiment (`host density`), for the Host tab to draw: how many instances
/// of each kind fit on the host and what stopped the next one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DensityView {
    /// When the experiment ran (simulated ms).
    pub time_ms: u64,
    /// Host memory.
    pub memory_bytes: u64,
    /// Host memory free before the first instance (not reserved by VMs, not held by containers'
    /// processes); every row starts from it.
    pub free_memory_bytes: u64,
    /// Host disk free before the first instance.
    pub free_disk_bytes: u64,
    /// The cap on instances of one kind (`--max`).
    pub max: u64,
    /// One row per kind: the VM profiles measured (full, then microVM), then the container.
    pub rows: Vec<super::density::DensityRow>,
}

/// The result of the latest `host density` in the event log, or `None` when there is none (or
/// the timeline stands before it). A plain-data reading of the `DensityMeasured` event: the
/// experiment ran on a copy of the host, so nothing else in the simulation reflects it.
pub fn density_view(sim: &Sim) -> Option<DensityView> {
    sim.log().iter().rev().find_map(|e| match &e.kind {
        EventKind::DensityMeasured {
            memory_bytes,
            free_memory_bytes,
            free_disk_bytes,
            max,
            rows,
        } => Some(DensityView {
            time_ms: e.time.as_ms(),
            memory_bytes: *memory_bytes,
            free_memory_bytes: *free_memory_bytes,
            free_disk_bytes: *free_disk_bytes,
            max: *max,
            rows: rows.clone(),
        }),
        _ => None,
    })
}
