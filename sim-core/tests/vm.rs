//! Behaviour of the host and VM model through a session: boot phases on the event queue with
//! their sourced durations, memory reservation and shortfalls, the guest's own kernel, errors
//! that change nothing, determinism.

use sim_core::host::profile::{self, Profile};
use sim_core::host::quantity::{GIB, MIB};
use sim_core::{EventKind, Session, SimConfig};

mod common;
use common::ok_last as ok;

/// The `host` family's usage line, as its usage errors print it.
const HOST_USAGE: &str =
    "host show   |   host set [--cores N] [--memory QUANTITY] [--disk QUANTITY]   |   \
     host density [--vm-profile full|microvm] [--vm-memory QUANTITY] [--image IMAGE] [--max N]";

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

fn assert_fails_and_changes_nothing(setup: &str, bad: &str, message: &str) {
    common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
}

/// `(time_ms, phase)` of every finished boot phase.
type Phases = Vec<(u64, String)>;

/// The finished boot phases of `vm`, and the `VmRunning` event's time and `boot_ms`.
fn boot_trace(s: &Session, vm: &str) -> (Phases, Option<(u64, u64)>) {
    let mut phases = Vec::new();
    let mut running = None;
    for e in s.sim().log() {
        if e.object.kind != "vm" || e.object.name != vm {
            continue;
        }
        match &e.kind {
            EventKind::VmBootPhase { phase, .. } => phases.push((e.time.as_ms(), phase.clone())),
            EventKind::VmRunning { boot_ms } => running = Some((e.time.as_ms(), *boot_ms)),
            _ => {}
        }
    }
    (phases, running)
}

#[test]
fn a_microvm_goes_through_its_phases_in_order_and_runs_within_125_ms() {
    let mut s = session();
    ok(
        &mut s,
        "vm create fc --profile microvm\nvm start fc\nrun 1s",
    );
    let (phases, running) = boot_trace(&s, "fc");
    assert_eq!(
        phases,
        vec![
            (0, "firmware".to_string()),
            (125, "kernel".to_string()),
            (125, "init".to_string()),
            (125, "services".to_string()),
            (125, "app".to_string()),
        ]
    );
    assert_eq!(running, Some((125, 125)));
    assert!(Profile::Microvm.boot_ms() <= 125);
}

#[test]
fn a_full_vm_boots_in_the_documented_seconds_phase_by_phase() {
    let mut s = session();
    ok(&mut s, "vm create web --memory 2Gi\nvm start web\nrun 1m");
    let (phases, running) = boot_trace(&s, "web");
    let firmware = profile::FULL_FIRMWARE_MS;
    let kernel = firmware + profile::FULL_KERNEL_MS;
    let init = kernel + profile::FULL_INIT_MS;
    let services = init + profile::FULL_SERVICES_MS;
    assert_eq!(
        phases,
        vec![
            (firmware, "firmware".to_string()),
            (kernel, "kernel".to_string()),
            (init, "init".to_string()),
            (services, "services".to_string()),
            (services, "app".to_string()),
        ]
    );
    // 0.969 s SeaBIOS + 2.851 s kernel + 12.240 s user space (of which 1 s assumed for init).
    assert_eq!(running, Some((16_060, 16_060)));
}

#[test]
fn step_shows_a_full_vm_boot_one_phase_at_a_time() {
    let mut s = session();
    ok(&mut s, "vm create web\nvm start web");
    let mut seen = Vec::new();
    for _ in 0..3 {
        let out = ok(&mut s, "step");
        assert_eq!(out.matches("VmBootPhase").count(), 1, "{out}");
        let list = ok(&mut s, "vm list");
        seen.push((
            out.lines().next().unwrap_or("").to_string(),
            list.lines().nth(1).unwrap_or("").to_string(),
        ));
    }
    assert!(seen[0].0.starts_with("00:00:00.969"), "{seen:?}");
    assert!(seen[0].1.contains("booting (kernel)"), "{seen:?}");
    assert!(seen[1].0.starts_with("00:00:03.820"), "{seen:?}");
    assert!(seen[1].1.contains("booting (init)"), "{seen:?}");
    assert!(seen[2].0.starts_with("00:00:04.820"), "{seen:?}");
    assert!(seen[2].1.contains("booting (services)"), "{seen:?}");
    // The app phase takes no modelled time: it ends in the same instant as the services.
    let out = ok(&mut s, "step");
    assert!(out.starts_with("00:00:16.060  3 event(s)"), "{out}");
    assert!(out.contains("services phase done in 11s240ms"), "{out}");
    assert!(out.contains("app phase done in 0s"), "{out}");
    assert!(
        out.contains("VmRunning vm/web: web is running: booted in 16s60ms"),
        "{out}"
    );
    assert!(ok(&mut s, "vm list").contains("running"));
}

#[test]
fn every_boot_event_points_at_the_one_before_it() {
    let mut s = session();
    ok(&mut s, "vm create web\nvm start web\nrun 30s");
    let log = s.sim().log();
    let vm_events: Vec<_> = log.iter().filter(|e| e.object.name == "web").collect();
    for pair in vm_events.windows(2).skip(1) {
        assert_eq!(pair[1].cause, Some(pair[0].id), "{:?}", pair[1]);
    }
}

#[test]
fn starting_a_vm_reserves_its_memory_plus_the_vmm_overhead() {
    let mut s = session();
    ok(
        &mut s,
        "vm create web --memory 2Gi\nvm create fc --profile microvm\nvm start web\nvm start fc",
    );
    let host = s.sim().host();
    let expected = 2 * GIB + 30 * MIB + 128 * MIB + 5 * MIB;
    assert_eq!(host.memory_reserved_bytes(), expected);
    assert_eq!(host.memory_free_bytes(), 16 * GIB - expected);
    ok(&mut s, "vm stop web");
    assert_eq!(s.sim().host().memory_reserved_bytes(), 128 * MIB + 5 * MIB);
}

#[test]
fn a_vm_that_does_not_fit_fails_naming_the_shortfall_and_changes_nothing() {
    assert_fails_and_changes_nothing(
        "host set --memory 4Gi\nvm create a --memory 2Gi\nvm create web --memory 2Gi\nvm start a",
        "vm start web",
        "vm start web: not enough memory: needs 2.0 GiB + 30 MiB qemu overhead, host has 2.0 GiB \
         free (short by 60 MiB)",
    );
    assert_fails_and_changes_nothing(
        "host set --memory 1Gi\nvm create web --memory 2Gi",
        "vm start web",
        "vm start web: not enough memory: needs 2.0 GiB + 30 MiB qemu overhead, host has 1.0 GiB \
         free (short by 1.0 GiB)",
    );
    assert_fails_and_changes_nothing(
        "host set --disk 15Gi\nvm create a",
        "vm create b",
        "vm create b: not enough disk: its disk image needs 10.0 GiB, host has 5.0 GiB free \
         (short by 5.0 GiB)",
    );
}

#[test]
fn uname_in_a_vm_prints_the_guest_kernel_not_the_hosts() {
    let mut s = session();
    ok(
        &mut s,
        "vm create web\nvm create fc --profile microvm\nvm start web\nvm start fc\nrun 20s",
    );
    let host_kernel = s.sim().host().kernel.clone();
    assert_eq!(host_kernel, "6.8.0-45-generic");
    assert!(ok(&mut s, "host show").contains("Kernel:      6.8.0-45-generic"));
    let web = ok(&mut s, "vm exec web uname -r");
    assert_eq!(web, "6.8.0-31-generic\n");
    let fc = ok(&mut s, "vm exec fc uname -r");
    assert_eq!(fc, "5.10.204\n");
    assert_ne!(web.trim(), host_kernel);
    assert_ne!(fc.trim(), host_kernel);
    assert_eq!(ok(&mut s, "vm exec web hostname"), "web\n");
    assert!(ok(&mut s, "vm exec web cat /etc/os-release")
        .starts_with("PRETTY_NAME=\"Ubuntu 24.04 LTS\"\n"));
}

#[test]
fn free_in_a_vm_shows_the_guest_memory_with_the_guest_os_share_used() {
    let mut s = session();
    ok(&mut s, "vm create web --memory 2Gi\nvm start web\nrun 20s");
    let out = ok(&mut s, "vm exec web free -m");
    assert_eq!(
        out,
        "               total        used        free      shared  buff/cache   available\n\
         Mem:            2048         110        1938           0           0        1938\n\
         Swap:              0           0           0\n"
    );
}

#[test]
fn host_show_and_vm_list_print_tables_with_units() {
    let mut s = session();
    ok(&mut s, "host set --cores 16 --memory 64Gi --disk 1Ti\nvm create web --cpus 2 --memory 2Gi\nvm start web");
    let show = ok(&mut s, "host show");
    assert!(show.contains("Hypervisor:  KVM"), "{show}");
    assert!(show.contains("Runtime:     containerd"), "{show}");
    assert!(
        show.contains("cpu        16 cores   2 vCPUs    -\n"),
        "{show}"
    );
    assert!(
        show.contains("memory     64.0 GiB   2.0 GiB    62.0 GiB\n"),
        "{show}"
    );
    assert!(
        show.contains("disk       1.0 TiB    10.0 GiB   1014.0 GiB\n"),
        "{show}"
    );
    ok(&mut s, "run 5s");
    let list = ok(&mut s, "vm list");
    assert_eq!(
        list,
        "NAME      PROFILE   STATE                CPUS      MEMORY    GUEST          KERNEL             UPTIME\n\
         web       full      booting (services)   2         2.0 GiB   ubuntu-24.04   6.8.0-31-generic   5s\n"
    );
}

#[test]
fn host_set_refuses_to_shrink_below_what_vms_use_and_changes_nothing() {
    let setup = "vm create web --cpus 4 --memory 4Gi\nvm start web";
    assert_fails_and_changes_nothing(
        setup,
        "host set --memory 2Gi",
        "host set: cannot shrink memory to 2.0 GiB: powered-on VMs reserve 4.0 GiB (short by \
         2.0 GiB); stop some VMs first",
    );
    assert_fails_and_changes_nothing(
        setup,
        "host set --cores 2",
        "host set: cannot set 2 cores: VM web has 4 vCPUs; a VM cannot have more vCPUs than the \
         host has cores",
    );
    assert_fails_and_changes_nothing(
        setup,
        "host set --disk 5Gi",
        "host set: cannot shrink disk to 5.0 GiB: VM disk images use 10.0 GiB (short by 5.0 \
         GiB); delete some VMs first",
    );
}

#[test]
fn bad_input_gets_a_clear_error_and_changes_nothing() {
    let setup = "vm create web\nvm create fc --profile microvm\nvm start fc\nrun 1s";
    let quantity = |q: &str, cmd: &str| {
        format!(
            "{cmd}: invalid quantity \"{q}\": use a whole number of bytes, or a whole number \
             followed by Ki, Mi, Gi or Ti (such as 512Mi or 2Gi)"
        )
    };
    let cases: Vec<(&str, String)> = vec![
        ("vm create x --memory 12Q", quantity("12Q", "vm create x")),
        ("vm create x --memory 1.5Gi", quantity("1.5Gi", "vm create x")),
        ("host set --memory 64G", quantity("64G", "host set")),
        (
            "vm create x --cpus 99",
            "vm create x: 99 vCPUs requested, but the host has 8 cores; a VM cannot have more \
             vCPUs than the host has cores"
                .into(),
        ),
        (
            "vm create x --cpus 0",
            "vm create x: invalid --cpus \"0\": must be a whole number of 1 or more".into(),
        ),
        (
            "vm create x --profile tiny",
            "vm create x: unknown profile \"tiny\": use full or microvm".into(),
        ),
        (
            "vm create x --image centos-7",
            "vm create x: unknown image \"centos-7\": available images: debian-12, \
             ubuntu-22.04, ubuntu-24.04"
                .into(),
        ),
        (
            "vm create x --memory 64Mi",
            "vm create x: --memory 64Mi is too small: the guest OS of a full VM alone takes \
             110 MiB"
                .into(),
        ),
        (
            "vm create Web_1",
            "vm create: invalid name \"Web_1\": use 1 to 63 lowercase letters, digits and \
             hyphens, starting and ending with a letter or digit (it becomes the guest's \
             hostname)"
                .into(),
        ),
        (
            "vm create web",
            "vm create web: a VM named \"web\" already exists".into(),
        ),
        (
            "vm start nope",
            "vm start nope: no VM named \"nope\"".into(),
        ),
        (
            "vm start fc",
            "vm start fc: VM is already running".into(),
        ),
        ("vm stop web", "vm stop web: VM is not running".into()),
        (
            "vm delete fc",
            "vm delete fc: VM is running; stop it first".into(),
        ),
        (
            "vm exec web uname -r",
            "vm exec web: VM is not running (state: stopped); start it and wait for it to boot"
                .into(),
        ),
        (
            "vm exec fc ls -l /",
            "vm exec fc: \"ls -l /\" is not modelled in the guest yet; try uname -r, hostname, \
             cat /etc/os-release, ls /, ps, free or stress"
                .into(),
        ),
        (
            "host set --cores 0",
            "host set: invalid --cores \"0\": must be a whole number from 1 to 1024".into(),
        ),
        (
            "host set",
            format!("host: nothing to set: give --cores, --memory or --disk\nusage: {HOST_USAGE}"),
        ),
        (
            "vm frobnicate",
            "vm: unknown subcommand \"frobnicate\"\nusage: vm create|list|start|stop|delete|exec ..."
                .into(),
        ),
    ];
    for (bad, message) in cases {
        assert_fails_and_changes_nothing(setup, bad, &message);
    }
}

#[test]
fn exec_during_boot_is_refused_until_the_vm_runs() {
    assert_fails_and_changes_nothing(
        "vm create web\nvm start web\nrun 2s",
        "vm exec web uname -r",
        "vm exec web: VM is not running (state: booting (kernel)); start it and wait for it to \
         boot",
    );
}

#[test]
fn stopping_a_booting_vm_drops_its_remaining_phases_and_a_restart_boots_afresh() {
    let mut s = session();
    ok(&mut s, "vm create web\nvm start web\nrun 2s");
    assert_eq!(s.sim().scheduled(), 1);
    ok(&mut s, "vm stop web");
    assert_eq!(
        s.sim().scheduled(),
        0,
        "the remaining boot phases left the queue"
    );
    ok(&mut s, "run 30s");
    let (phases, running) = boot_trace(&s, "web");
    assert_eq!(phases, vec![(969, "firmware".to_string())]);
    assert_eq!(running, None);
    assert_eq!(s.sim().host().memory_reserved_bytes(), 0);
    ok(
        &mut s,
        "vm start web\nrun 1s\nvm stop web\nvm start web\nrun 1m",
    );
    let (_, running) = boot_trace(&s, "web");
    assert_eq!(running, Some((32_000 + 1_000 + 16_060, 16_060)));
    assert_eq!(s.sim().scheduled(), 0);
}

#[test]
fn a_deleted_vm_gives_its_disk_back() {
    let mut s = session();
    ok(&mut s, "vm create web\nvm delete web");
    assert_eq!(s.sim().host().disk_used_bytes(), 0);
    assert!(s.sim().host().vms.is_empty());
}

#[test]
fn the_same_script_gives_the_same_trace_hash() {
    let script = "host set --cores 4 --memory 8Gi\nvm create web --memory 2Gi\n\
                  vm create fc --profile microvm\nvm start web\nvm start fc\nstep 3\n\
                  vm exec fc uname -r\nrun 30s\nvm exec web free\nvm stop web\nvm delete web";
    let run = || {
        let mut s = session();
        ok(&mut s, script);
        (s.sim().trace_hash(), s.sim().state_fingerprint())
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
    // Seeking back to the start and forward replays to the same trace.
    let mut s = session();
    ok(&mut s, script);
    let end = s.total_frames();
    s.seek(0);
    s.seek(end);
    assert_eq!(s.sim().trace_hash(), a.0);
}

#[test]
fn a_microvm_that_does_not_fit_names_the_firecracker_overhead() {
    assert_fails_and_changes_nothing(
        "host set --memory 1Gi\nvm create fc --profile microvm --memory 1Gi",
        "vm start fc",
        "vm start fc: not enough memory: needs 1.0 GiB + 5 MiB firecracker overhead, host has \
         1.0 GiB free (short by 5 MiB)",
    );
}

#[test]
fn more_bad_input_gets_a_clear_error_and_changes_nothing() {
    let setup = "vm create web";
    let cases = [
        (
            "host set --memory 0",
            "host set: --memory 0 is out of range: must be more than 0 and at most 16Ti",
        ),
        (
            "host set --cores",
            &format!("host: flag needs an argument: --cores\nusage: {HOST_USAGE}"),
        ),
        (
            "host set --swap 1Gi",
            &format!("host: unknown flag: --swap\nusage: {HOST_USAGE}"),
        ),
        (
            "vm create",
            "vm: create needs a VM name\nusage: vm create|list|start|stop|delete|exec ...",
        ),
        (
            "vm create x --gpus 1",
            "vm: unknown flag: --gpus\nusage: vm create|list|start|stop|delete|exec ...",
        ),
        ("vm exec nope hostname", "vm exec nope: no VM named \"nope\""),
        (
            "vm exec web",
            "vm: exec needs a VM name and a command\nusage: vm create|list|start|stop|delete|exec ...",
        ),
        ("vm delete nope", "vm delete nope: no VM named \"nope\""),
    ];
    for (bad, message) in cases {
        assert_fails_and_changes_nothing(setup, bad, message);
    }
}

#[test]
fn a_vm_start_can_be_scheduled_with_after() {
    let mut s = session();
    ok(
        &mut s,
        "vm create fc --profile microvm\nafter 1s vm start fc\nrun 2s",
    );
    let (_, running) = boot_trace(&s, "fc");
    assert_eq!(running, Some((1_125, 125)));
}

proptest::proptest! {
    #[test]
    fn any_byte_count_reads_back_from_its_quantity(bytes in proptest::prelude::any::<u64>()) {
        use sim_core::host::quantity::{format_quantity, parse_bytes};
        proptest::prop_assert_eq!(parse_bytes(&format_quantity(bytes)).unwrap(), bytes);
    }

    #[test]
    fn quantity_parsing_never_panics(text in "\\PC{0,40}") {
        let _ = sim_core::host::quantity::parse_bytes(&text);
    }
}

#[test]
fn ls_in_a_vm_lists_the_guests_own_root_not_an_image_or_the_host() {
    let mut s = session();
    ok(
        &mut s,
        "vm create web\nvm create fc --profile microvm\nvm start web\nvm start fc\nrun 20s",
    );
    let web = ok(&mut s, "vm exec web ls /");
    assert!(web.starts_with("bin\nboot\ndev\netc\n"), "{web}");
    assert!(web.contains("\nsnap\n"), "{web}");
    let fc = ok(&mut s, "vm exec fc ls /");
    assert!(
        !fc.contains("boot"),
        "a microVM boots its kernel directly: {fc}"
    );
    assert!(fc.starts_with("bin\ndev\netc\n"), "{fc}");
}

#[test]
fn a_hog_bigger_than_the_guest_is_killed_by_the_guest_kernel_and_the_host_is_untouched() {
    let mut s = session();
    ok(&mut s, "vm create web --memory 1Gi\nvm start web\nrun 20s");
    let free_before = s.sim().host().memory_free_bytes();
    let entries = s.submit("vm exec web stress --vm 1 --vm-bytes 2G");
    let e = entries.last().expect("one entry");
    assert_eq!(e.error, None);
    assert_eq!(
        e.output,
        "stress: info: [1100] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n\
         stress: FAIL: [1100] (415) <-- worker 1101 got signal 9\n\
         stress: WARN: [1100] (417) now reaping child worker processes\n\
         stress: FAIL: [1100] (451) failed run completed in 0s\n"
    );
    let kill = s
        .sim()
        .log()
        .iter()
        .find_map(|ev| match &ev.kind {
            EventKind::VmGuestOomKilled {
                pid,
                bytes,
                available_bytes,
            } => Some((*pid, *bytes, *available_bytes)),
            _ => None,
        })
        .expect("a guest OOM kill event");
    // The guest had its 1 GiB less the guest OS's 110 MiB share (profile constant).
    let guest_os = Profile::Full.guest_os_bytes();
    assert_eq!(kill, (1101, 2 * GIB, GIB - guest_os));
    assert_eq!(s.sim().host().memory_free_bytes(), free_before);
    assert!(!ok(&mut s, "vm exec web ps").contains("stress"));
}

#[test]
fn a_hog_that_fits_holds_guest_memory_until_its_timeout_or_the_vm_stops() {
    let mut s = session();
    ok(&mut s, "vm create web --memory 2Gi\nvm start web\nrun 20s");
    let free_before = s.sim().host().memory_free_bytes();
    let out = ok(
        &mut s,
        "vm exec web stress --vm 1 --vm-bytes 500M --timeout 10s",
    );
    assert!(out.starts_with("stress: info: [1100] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n"));
    assert!(ok(&mut s, "vm exec web ps").contains("   1100 ?        00:00:00 stress\n"));
    let idle = sim_core::image::cgroup::IDLE_PROCESS_RSS_BYTES;
    // free(1) prints used = total - free, each in whole MiB.
    let used_mib = 2048 - (2 * GIB - Profile::Full.guest_os_bytes() - 500 * MIB - idle) / MIB;
    let free = ok(&mut s, "vm exec web free -m");
    assert!(
        free.contains(&format!("Mem:            2048 {used_mib:>11}")),
        "{free}"
    );
    // The host reserved the guest's memory at power-on: a hog inside changes nothing there.
    assert_eq!(s.sim().host().memory_free_bytes(), free_before);
    ok(&mut s, "run 10s");
    assert!(!ok(&mut s, "vm exec web ps").contains("stress"));
    ok(&mut s, "vm exec web stress --vm 1 --vm-bytes 500M");
    ok(&mut s, "vm stop web\nvm start web\nrun 20s");
    assert!(!ok(&mut s, "vm exec web ps").contains("stress"));
}
