//! The density experiment: how many instances of one kind fit on the host, started one after
//! another until the next one does not fit. A VM holds its guest memory plus its VMM's overhead
//! (and a disk image); a container holds only what its processes hold.
//!
//! The experiment runs on a copy of the host's free memory and disk: it changes nothing. Every
//! figure comes from the model: [`Vm::reserved_bytes`] and [`Profile::disk_bytes`] for a VM,
//! [`crate::image::process::Activity::rss_bytes`] of the processes a container's command starts
//! for a container.

use serde::{Deserialize, Serialize};

use super::profile::Profile;
use super::quantity::format_bytes;
use super::{Vm, VmState};
use crate::time::SimTime;

/// One part of what an instance costs in host memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DensityPart {
    /// `guest` (a VM's guest memory), `vmm` (its VMM's own memory) or `process` (one process of
    /// a container).
    pub kind: String,
    /// For people: `guest memory`, `qemu overhead`, `PID 1: nginx -g daemon off;`.
    pub label: String,
    /// Bytes of host memory.
    pub bytes: u64,
}

/// The result of one kind of the experiment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DensityRow {
    /// `vm` or `container`.
    pub kind: String,
    /// `full`, `microvm` or `container`.
    pub profile: String,
    /// What was started: the guest image (`ubuntu-24.04`) or the container image as typed.
    pub image: String,
    /// Host memory one instance holds (the sum of `parts`).
    pub per_instance_bytes: u64,
    /// What that memory is made of.
    pub parts: Vec<DensityPart>,
    /// Disk one instance takes (a VM's disk image; 0 for a container, whose image layers are
    /// shared by all of them).
    pub disk_bytes: u64,
    /// How many started.
    pub started: u64,
    /// What stopped the next one: `memory`, `disk` or `max` (the experiment's cap).
    pub limited_by: String,
    /// The same, for people: `host memory: 1.2 GiB free, next VM needs 2.0 GiB`.
    pub limit: String,
    /// Host memory still free after the last one started.
    pub memory_left_bytes: u64,
}

/// What the experiment starts from and how far it may go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Host memory free before the first instance (not reserved by VMs, not held by
    /// containers' processes).
    pub memory_free_bytes: u64,
    /// Host disk free before the first instance.
    pub disk_free_bytes: u64,
    /// Most instances of one kind to start.
    pub max: u64,
}

/// Starts VMs of `profile` with `memory_bytes` of guest memory one by one until the next does
/// not fit in the host's free memory or disk, or `budget.max` have started.
pub fn vm_row(profile: Profile, image: &str, memory_bytes: u64, budget: &Budget) -> DensityRow {
    // What a powered-on VM of this shape holds, from the model's own accounting.
    let vm = Vm {
        name: String::new(),
        profile,
        image: image.to_string(),
        cpus: profile.default_cpus(),
        memory_bytes,
        disk_bytes: profile.disk_bytes(),
        state: VmState::Running {
            since: SimTime::ZERO,
        },
        boots: 1,
        started_at: Some(SimTime::ZERO),
        vmm_pid: None,
        guest_hogs: Vec::new(),
    };
    let needs = vm.reserved_bytes();
    let disk = vm.disk_bytes;
    let (mut memory_free, mut disk_free) = (budget.memory_free_bytes, budget.disk_free_bytes);
    let mut started = 0;
    let (limited_by, limit) = loop {
        if started >= budget.max {
            break max_reached(budget.max, memory_free);
        }
        if needs > memory_free {
            break (
                "memory".to_string(),
                format!(
                    "host memory: {} free, next VM needs {}",
                    format_bytes(memory_free),
                    format_bytes(needs)
                ),
            );
        }
        if disk > disk_free {
            break (
                "disk".to_string(),
                format!(
                    "host disk: {} free, next VM's disk image needs {}",
                    format_bytes(disk_free),
                    format_bytes(disk)
                ),
            );
        }
        memory_free -= needs;
        disk_free -= disk;
        started += 1;
    };
    DensityRow {
        kind: "vm".into(),
        profile: profile.name().into(),
        image: image.to_string(),
        per_instance_bytes: needs,
        parts: vec![
            DensityPart {
                kind: "guest".into(),
                label: "guest memory".into(),
                bytes: memory_bytes,
            },
            DensityPart {
                kind: "vmm".into(),
                label: format!("{} overhead", profile.vmm()),
                bytes: profile.vmm_overhead_bytes(),
            },
        ],
        disk_bytes: disk,
        started,
        limited_by,
        limit,
        memory_left_bytes: memory_free,
    }
}

/// Starts containers whose command starts `processes` (label and resident memory of each) one by
/// one until the next does not fit in the host's free memory, or `budget.max` have started.
pub fn container_row(image: &str, processes: Vec<(String, u64)>, budget: &Budget) -> DensityRow {
    let needs: u64 = processes.iter().map(|(_, b)| *b).sum();
    let mut memory_free = budget.memory_free_bytes;
    let mut started = 0;
    let (limited_by, limit) = loop {
        if started >= budget.max {
            break max_reached(budget.max, memory_free);
        }
        // A command that holds no memory at all would never fill the host; `max` stops it.
        if needs > memory_free {
            break (
                "memory".to_string(),
                format!(
                    "host memory: {} free, next container needs {}",
                    format_bytes(memory_free),
                    format_bytes(needs)
                ),
            );
        }
        memory_free -= needs;
        started += 1;
    };
    DensityRow {
        kind: "container".into(),
        profile: "container".into(),
        image: image.to_string(),
        per_instance_bytes: needs,
        parts: processes
            .into_iter()
            .map(|(label, bytes)| DensityPart {
                kind: "process".into(),
                label,
                bytes,
            })
            .collect(),
        disk_bytes: 0,
        started,
        limited_by,
        limit,
        memory_left_bytes: memory_free,
    }
}

fn max_reached(max: u64, memory_free: u64) -> (String, String) {
    (
        "max".to_string(),
        format!(
            "--max {max} reached ({} of host memory still free)",
            format_bytes(memory_free)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::quantity::{GIB, KIB, MIB};

    fn budget(memory: u64, disk: u64, max: u64) -> Budget {
        Budget {
            memory_free_bytes: memory,
            disk_free_bytes: disk,
            max,
        }
    }

    #[test]
    fn vms_stop_at_the_first_that_does_not_fit_in_memory_or_disk() {
        let row = vm_row(
            Profile::Microvm,
            "ubuntu-24.04",
            128 * MIB,
            &budget(GIB, 100 * GIB, 99),
        );
        assert_eq!(row.started, GIB / (133 * MIB));
        assert_eq!(row.limited_by, "memory");
        assert_eq!(row.memory_left_bytes, GIB - row.started * 133 * MIB);
        let row = vm_row(
            Profile::Full,
            "ubuntu-24.04",
            GIB,
            &budget(64 * GIB, 25 * GIB, 99),
        );
        assert_eq!((row.started, row.limited_by.as_str()), (2, "disk"));
        let row = vm_row(
            Profile::Full,
            "ubuntu-24.04",
            GIB,
            &budget(64 * GIB, 500 * GIB, 3),
        );
        assert_eq!((row.started, row.limited_by.as_str()), (3, "max"));
    }

    #[test]
    fn containers_stop_when_their_processes_no_longer_fit() {
        let row = container_row(
            "x",
            vec![("PID 1".into(), 512 * KIB)],
            &budget(MIB + 1, 0, 99),
        );
        assert_eq!((row.started, row.limited_by.as_str()), (2, "memory"));
        assert_eq!(row.memory_left_bytes, 1);
        let row = container_row("x", Vec::new(), &budget(0, 0, 5));
        assert_eq!((row.started, row.limited_by.as_str()), (5, "max"));
    }
}
