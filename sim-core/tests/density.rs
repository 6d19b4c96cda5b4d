//! The density experiment (`host density`): VMs of a profile, then containers of an image, started
//! one by one on a copy of the host until the next does not fit. VM density is limited by guest
//! memory (plus the VMM's overhead, and disk images); container density by the memory of the
//! containers' processes. The real host is unchanged; bad flags change nothing.

use sim_core::host::density::DensityRow;
use sim_core::host::profile::{self, Profile};
use sim_core::host::quantity::{GIB, MIB};
use sim_core::host::view::density_view;
use sim_core::image::cgroup::IDLE_PROCESS_RSS_BYTES;
use sim_core::{EventKind, Session, SimConfig};

mod common;
use common::ok;

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

/// The `host` family's usage line, as its usage errors print it.
const HOST_USAGE: &str =
    "host show   |   host set [--cores N] [--memory QUANTITY] [--disk QUANTITY]   |   \
     host density [--vm-profile full|microvm] [--vm-memory QUANTITY] [--image IMAGE] [--max N]";

/// Runs `command` and returns the rows of the experiment it recorded.
fn density(s: &mut Session, command: &str) -> Vec<DensityRow> {
    ok(s, command);
    let view = density_view(s.sim()).expect("a density experiment in the log");
    assert_eq!(view.time_ms, s.sim().now().as_ms());
    view.rows
}

fn row<'a>(rows: &'a [DensityRow], profile: &str) -> &'a DensityRow {
    rows.iter()
        .find(|r| r.profile == profile)
        .unwrap_or_else(|| panic!("no {profile} row in {rows:?}"))
}

#[test]
fn vm_density_is_free_memory_over_guest_memory_plus_vmm_overhead() {
    let mut s = session();
    let rows = density(&mut s, "host density");
    let free = s.sim().host().memory_free_bytes();
    assert_eq!(free, 16 * GIB);
    for p in [Profile::Full, Profile::Microvm] {
        let r = row(&rows, p.name());
        let each = p.default_memory_bytes() + p.vmm_overhead_bytes();
        assert_eq!(r.per_instance_bytes, each);
        assert_eq!(r.started, free / each, "{}", p.name());
        assert_eq!(r.memory_left_bytes, free - r.started * each);
        assert_eq!(r.limited_by, "memory");
        assert_eq!(
            r.parts.iter().map(|p| p.bytes).sum::<u64>(),
            r.per_instance_bytes
        );
    }
    // 16 GiB / (1 GiB + 30 MiB) = 15; 16 GiB / (128 MiB + 5 MiB) = 123.
    assert_eq!(row(&rows, "full").started, 15);
    assert_eq!(row(&rows, "microvm").started, 123);
    assert_eq!(
        row(&rows, "full").limit,
        "host memory: 574 MiB free, next VM needs 1.0 GiB"
    );

    // Larger guests: fewer of them. VMs already powered on leave less to start from.
    let rows = density(
        &mut s,
        "vm create big --memory 4Gi\nvm start big\nhost density --vm-profile full --vm-memory 2Gi",
    );
    let free = 16 * GIB - (4 * GIB + profile::FULL_VMM_OVERHEAD_BYTES);
    let each = 2 * GIB + profile::FULL_VMM_OVERHEAD_BYTES;
    assert_eq!(rows.len(), 2);
    assert_eq!(row(&rows, "full").started, free / each);
    assert_eq!(row(&rows, "full").started, 5);
}

#[test]
fn full_vms_are_also_limited_by_their_disk_images() {
    let mut s = session();
    let rows = density(
        &mut s,
        "host set --disk 25Gi\nhost density --vm-profile full",
    );
    let r = row(&rows, "full");
    assert_eq!(r.started, 25 * GIB / profile::FULL_DISK_BYTES);
    assert_eq!(r.limited_by, "disk");
    assert_eq!(
        r.limit,
        "host disk: 5.0 GiB free, next VM's disk image needs 10.0 GiB"
    );
}

#[test]
fn a_microvm_costs_less_than_a_full_vm_so_more_of_them_fit() {
    let mut s = session();
    let full = density(&mut s, "host density --vm-profile full --vm-memory 512Mi");
    let micro = density(
        &mut s,
        "host density --vm-profile microvm --vm-memory 512Mi",
    );
    let (full, micro) = (row(&full, "full"), row(&micro, "microvm"));
    // Same guest memory: the difference is the VMM's overhead, 30 MiB (QEMU) against 5 MiB
    // (Firecracker).
    assert_eq!(full.per_instance_bytes, 512 * MIB + 30 * MIB);
    assert_eq!(micro.per_instance_bytes, 512 * MIB + 5 * MIB);
    assert_eq!(full.started, 16 * GIB / (542 * MIB));
    assert_eq!(micro.started, 16 * GIB / (517 * MIB));
    assert!(micro.started > full.started);
}

#[test]
fn container_density_is_limited_by_its_processes_memory() {
    let mut s = session();
    let rows = density(&mut s, "host set --memory 1Gi\nhost density");
    let c = row(&rows, "container");
    assert_eq!(c.kind, "container");
    assert_eq!(c.image, "nginx:1.27-alpine");
    // Its default command is one process that idles: it holds the idle process's memory, and
    // no guest kernel, no VMM.
    assert_eq!(c.parts.len(), 1);
    assert_eq!(c.per_instance_bytes, IDLE_PROCESS_RSS_BYTES);
    assert_eq!(c.started, GIB / IDLE_PROCESS_RSS_BYTES);
    assert_eq!(c.limited_by, "memory");
    assert_eq!(c.memory_left_bytes, 0);
    assert!(c.started > 100 * row(&rows, "microvm").started);

    // What running containers' processes hold is not free: a memory hog of 100 MiB leaves room
    // for 200 fewer idle containers (plus its own processes).
    let rows = density(
        &mut s,
        "docker run -d --name hog alpine:3.20 stress --vm 1 --vm-bytes 100M\nrun 1s\nhost density",
    );
    let held = 100 * MIB + 2 * IDLE_PROCESS_RSS_BYTES;
    assert_eq!(
        row(&rows, "container").started,
        (GIB - held) / IDLE_PROCESS_RSS_BYTES
    );
}

#[test]
fn max_caps_each_kind_and_says_so() {
    let mut s = session();
    let rows = density(&mut s, "host density --max 7");
    assert!(rows.iter().all(|r| r.started <= 7));
    let c = row(&rows, "container");
    assert_eq!((c.started, c.limited_by.as_str()), (7, "max"));
    assert!(c.limit.starts_with("--max 7 reached"), "{}", c.limit);
    // 15 full VMs would fit in memory: 7 is the cap. With a cap above 15, memory stops them.
    assert_eq!(row(&rows, "full").limited_by, "max");
    let rows = density(&mut s, "host density --max 20 --vm-profile full");
    assert_eq!(row(&rows, "full").started, 15);
}

#[test]
fn the_experiment_leaves_the_real_host_unchanged() {
    let mut s = session();
    ok(
        &mut s,
        "vm create a --profile microvm\nvm start a\ndocker run -d --name web nginx:1.27-alpine",
    );
    let host = s.sim().host().clone();
    let now = s.sim().now();
    let scheduled = s.sim().scheduled();
    let containers = s.sim().docker().containers.len();
    let out = ok(&mut s, "host density");
    assert!(out.contains("nothing was started"), "{out}");
    assert_eq!(s.sim().host(), &host);
    assert_eq!(s.sim().now(), now);
    assert_eq!(s.sim().scheduled(), scheduled);
    assert_eq!(s.sim().docker().containers.len(), containers);
    // One event carries the result.
    let last = s.sim().log().last().unwrap();
    assert!(matches!(last.kind, EventKind::DensityMeasured { .. }));
    assert_eq!(last.object.to_string(), "host/host");
}

#[test]
fn the_view_reads_the_latest_experiment_and_follows_the_timeline() {
    let mut s = session();
    assert_eq!(density_view(s.sim()), None);
    ok(&mut s, "host density --max 3");
    ok(&mut s, "host density --max 5 --vm-profile microvm");
    let v = density_view(s.sim()).unwrap();
    assert_eq!(v.max, 5);
    assert_eq!(v.memory_bytes, 16 * GIB);
    assert_eq!(v.free_memory_bytes, 16 * GIB);
    let profiles: Vec<&str> = v.rows.iter().map(|r| r.profile.as_str()).collect();
    assert_eq!(profiles, ["microvm", "container"]);
    s.seek(1);
    assert_eq!(density_view(s.sim()).unwrap().max, 3);
    s.seek(0);
    assert_eq!(density_view(s.sim()), None);
}

#[test]
fn the_output_is_a_table_of_kinds() {
    let mut s = session();
    let out = ok(&mut s, "host density");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Density on this host: 16.0 GiB memory (16.0 GiB free), 500.0 GiB disk (500.0 GiB free); \
         at most 100000 of each kind"
    );
    assert!(lines[1].starts_with("KIND"), "{out}");
    assert!(lines[1].contains("PER INSTANCE") && lines[1].contains("LIMITED BY"));
    assert!(lines[2].starts_with("full VM "), "{out}");
    assert!(lines[2].contains("1.0 GiB guest memory + 30 MiB qemu overhead"));
    assert!(lines[3].starts_with("microVM "), "{out}");
    assert!(
        lines[4].starts_with("container (nginx:1.27-alpine) "),
        "{out}"
    );
    assert!(lines[4].contains("512 KiB (1 process × 512 KiB)"), "{out}");
    assert!(lines[4].contains("32768"), "{out}");
}

#[test]
fn bad_flags_get_usage_style_errors_and_change_nothing() {
    let setup = "vm create a --profile microvm";
    let cases = [
        (
            "host density --bogus",
            format!("host: unknown flag: --bogus\nusage: {HOST_USAGE}"),
        ),
        (
            "host density --max",
            format!("host: flag needs an argument: --max\nusage: {HOST_USAGE}"),
        ),
        (
            "host density extra",
            format!("host: unexpected argument \"extra\"\nusage: {HOST_USAGE}"),
        ),
        (
            "host density --max 0",
            "host density: invalid --max \"0\": must be a whole number from 1 to 1000000".into(),
        ),
        (
            "host density --max 1000001",
            "host density: invalid --max \"1000001\": must be a whole number from 1 to 1000000"
                .into(),
        ),
        (
            "host density --vm-profile lxc",
            "host density: unknown --vm-profile \"lxc\": use full or microvm".into(),
        ),
        (
            "host density --vm-memory 2G",
            "host density: invalid quantity \"2G\": use a whole number of bytes, or a whole \
             number followed by Ki, Mi, Gi or Ti (such as 512Mi or 2Gi)"
                .into(),
        ),
        (
            "host density --vm-profile full --vm-memory 64Mi",
            "host density: --vm-memory 64Mi is too small: the guest OS of a full VM alone takes \
             110 MiB"
                .into(),
        ),
        (
            "host density --image nosuch:1",
            "host density: --image nosuch:1: Error response from daemon: pull access denied for \
             nosuch, repository does not exist or may require 'docker login': denied: requested \
             access to the resource is denied"
                .into(),
        ),
        (
            "host density --image alpine:3.20",
            "host density: --image alpine:3.20: its default command \"/bin/sh\" exits at once, so \
             no container of it stays running to hold memory; pick an image that runs a service, \
             such as nginx:1.27-alpine"
                .into(),
        ),
    ];
    for (bad, message) in cases {
        common::assert_fails_and_changes_nothing_in(session(), setup, bad, &message);
    }
}
