//! Isolation of containers (and, for contrast, VMs): PID namespaces mapped to host PIDs, the
//! container's own root and hostname on the host's kernel, cgroup memory limits enforced by the
//! OOM killer, CPU quota throttling and CPU shares under contention, over simulated time.

use sim_core::{EventKind, Session, SimConfig};

mod common;
use common::ok;

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

fn assert_fails_and_changes_nothing(setup: &str, bad: &str, message: &str) {
    common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
}

const WEB: &str = "docker pull alpine:3.20
docker run -d --name web alpine:3.20 sleep infinity";

fn stat(s: &mut Session, c: &str, key: &str) -> u64 {
    let text = ok(s, &format!("docker exec {c} cat /sys/fs/cgroup/cpu.stat"));
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} ")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {text}"))
}

#[test]
fn uname_r_in_a_container_is_the_host_kernel_and_in_a_vm_the_guest_kernel() {
    let mut s = session();
    ok(&mut s, WEB);
    let host = s.sim().host().kernel.clone();
    assert_eq!(ok(&mut s, "docker exec web uname -r"), format!("{host}\n"));
    // A shell in the container runs on the same kernel.
    assert_eq!(
        ok(&mut s, "docker exec web sh -c 'uname -r'"),
        format!("{host}\n")
    );
    ok(&mut s, "vm create v1 --profile full\nvm start v1\nrun 2m");
    let guest = ok(&mut s, "vm exec v1 uname -r");
    assert_ne!(guest, format!("{host}\n"));
    assert_eq!(
        guest,
        format!("{}\n", s.sim().host().vms["v1"].guest_kernel())
    );
}

#[test]
fn pid_1_inside_a_container_is_a_host_pid_that_docker_top_and_host_ps_show() {
    let mut s = session();
    ok(&mut s, WEB);
    let c = s.sim().docker().find_container("web").unwrap().clone();
    let init = &c.processes[0];
    assert_eq!(init.pid, 1);
    assert!(init.host_pid > 1, "{init:?}");
    // Inside: PID 1 is the container's command, and `ps` sees nothing of the host.
    let inside = ok(&mut s, "docker exec web ps");
    assert!(
        inside.starts_with("PID   USER     TIME  COMMAND\n    1 root      0:00 sleep infinity\n"),
        "{inside}"
    );
    assert!(!inside.contains("dockerd"), "{inside}");
    // docker top: the same process under its host PID, child of the shim.
    let top = ok(&mut s, "docker top web");
    let row = top.lines().nth(1).unwrap();
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cols[0], "root");
    assert_eq!(cols[1], init.host_pid.to_string());
    assert_eq!(cols[2], c.shim_pid.unwrap().to_string());
    assert!(row.ends_with("sleep infinity"), "{row}");
    assert!(
        top.starts_with("UID                 PID                 PPID"),
        "{top}"
    );
    // The host's ps: every process, the container's with its own PID namespace and NSPID 1.
    let ps = ok(&mut s, "ps");
    let line = ps
        .lines()
        .find(|l| l.split_whitespace().next() == Some(&init.host_pid.to_string()))
        .unwrap();
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[4], "1", "{line}");
    assert_eq!(cols[5], "container/web", "{line}");
    assert_ne!(
        cols[3], "4026531836",
        "a container has its own PID namespace"
    );
    assert!(ps.contains("/usr/bin/dockerd"), "{ps}");
    assert!(ps.contains("4026531836"), "{ps}");
}

#[test]
fn pids_are_allocated_in_order_and_every_exec_takes_one() {
    let mut s = session();
    ok(&mut s, WEB);
    ok(&mut s, "docker run -d --name db alpine:3.20 sleep infinity");
    let web = s.sim().docker().find_container("web").unwrap().clone();
    let db = s.sim().docker().find_container("db").unwrap().clone();
    // Both containers have their own PID 1, and consecutive shims and host PIDs.
    assert_eq!(db.shim_pid.unwrap(), web.processes[0].host_pid + 1);
    assert_eq!(db.processes[0].host_pid, db.shim_pid.unwrap() + 1);
    let first = ok(&mut s, "docker exec web ps");
    let second = ok(&mut s, "docker exec web ps");
    assert!(first.ends_with("    2 root      0:00 ps\n"), "{first}");
    assert!(second.ends_with("    3 root      0:00 ps\n"), "{second}");
}

#[test]
fn a_container_sees_its_images_root_hostname_and_the_hosts_memory() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker run -d --name web -m 256m alpine:3.20 sleep infinity",
    );
    let id = s.sim().docker().find_container("web").unwrap().id.clone();
    assert_eq!(
        ok(&mut s, "docker exec web hostname"),
        format!("{}\n", &id[..12])
    );
    assert!(ok(&mut s, "docker exec web cat /etc/os-release").contains("Alpine Linux"));
    let root = ok(&mut s, "docker exec web ls /");
    assert!(root.contains("etc") && root.contains("bin"), "{root}");
    // free reads /proc/meminfo, which is not namespaced: the host's 16 GiB, not the 256 MiB limit.
    let free = ok(&mut s, "docker exec web free -m");
    let mem: Vec<&str> = free.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(mem[1], "16384", "{free}");
    assert_eq!(
        ok(&mut s, "docker exec web cat /sys/fs/cgroup/memory.max"),
        "268435456\n"
    );
}

#[test]
fn vm_exec_ps_shows_the_guests_own_init_as_pid_1() {
    let mut s = session();
    ok(&mut s, "vm create v1 --profile full\nvm start v1\nrun 2m");
    let ps = ok(&mut s, "vm exec v1 ps");
    assert!(
        ps.starts_with("    PID TTY          TIME CMD\n      1 ?        00:00:01 systemd\n"),
        "{ps}"
    );
    // On the host the whole VM is one VMM process.
    let host = ok(&mut s, "ps");
    let vm: Vec<&str> = host.lines().filter(|l| l.contains("vm/v1")).collect();
    assert_eq!(vm.len(), 1, "{host}");
    assert!(vm[0].contains("qemu-system-x86_64 -name v1"), "{host}");
}

#[test]
fn a_process_over_the_memory_limit_is_oom_killed_with_137_and_an_event() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker run -d --name hog --memory 256Mi alpine:3.20 tail /dev/zero",
    );
    let started = s.sim().now().as_ms();
    ok(&mut s, "run 10s");
    let ev = s
        .sim()
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::OomKilled { .. }))
        .expect("an OomKilled event")
        .clone();
    let EventKind::OomKilled {
        pid,
        usage_bytes,
        limit_bytes,
        ..
    } = ev.kind
    else {
        unreachable!()
    };
    assert_eq!(pid, 1);
    assert_eq!(limit_bytes, 256 << 20);
    assert!(usage_bytes > limit_bytes);
    // At the instant the allocation (1 MiB per ms) crossed the limit, not at a tick.
    assert_eq!(ev.time.as_ms() - started, 256);
    assert!(ev.cause.is_some());
    assert!(
        ev.message.contains("Memory cgroup out of memory"),
        "{}",
        ev.message
    );
    let exited = s
        .sim()
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::ContainerExited { exit_code: 137 }))
        .unwrap();
    assert_eq!(exited.cause, Some(ev.id));
    let ps = ok(&mut s, "docker ps -a");
    assert!(ps.contains("Exited (137)"), "{ps}");
    let inspect = ok(&mut s, "docker inspect hog");
    assert!(inspect.contains("\"OOMKilled\": true"), "{inspect}");
    assert!(inspect.contains("\"ExitCode\": 137"), "{inspect}");
    assert!(inspect.contains("\"Memory\": 268435456"), "{inspect}");
}

#[test]
fn an_execd_stress_worker_over_the_limit_is_killed_and_the_container_keeps_running() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker run -d --name web -m 256m alpine:3.20 sleep infinity",
    );
    let out = ok(&mut s, "docker exec web stress --vm 1 --vm-bytes 300M");
    assert_eq!(
        out,
        "stress: info: [2] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n"
    );
    ok(&mut s, "run 1s");
    let kinds: Vec<&EventKind> = s.sim().log().iter().map(|e| &e.kind).collect();
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, EventKind::OomKilled { pid: 3, .. })),
        "{kinds:?}"
    );
    assert!(kinds
        .iter()
        .any(|k| matches!(k, EventKind::WorkloadEnded { exit_code: 1, .. })));
    assert!(ok(&mut s, "docker ps").contains("Up 1 second"));
    assert!(ok(&mut s, "docker inspect web").contains("\"OOMKilled\": true"));
    // Within the limit nothing is killed: 200M stays.
    ok(
        &mut s,
        "docker exec web stress --vm 1 --vm-bytes 200M\nrun 1s",
    );
    let stats = ok(&mut s, "docker stats --no-stream web");
    assert!(stats.contains("201.5MiB / 256MiB"), "{stats}");
}

#[test]
fn an_oom_ended_stress_run_does_not_end_again_at_its_timeout() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker run -d --name web -m 256m alpine:3.20 sleep infinity\n\
         docker exec web stress --vm 1 --vm-bytes 300M --timeout 10s\nrun 30s",
    );
    let ended: Vec<(String, i32)> = s
        .sim()
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WorkloadEnded { command, exit_code } => Some((command.clone(), *exit_code)),
            _ => None,
        })
        .collect();
    assert_eq!(ended.len(), 1, "{ended:?}");
    assert_eq!(ended[0].1, 1);
    assert!(ended[0].0.starts_with("stress --vm 1"), "{ended:?}");
    // Nothing of the run is left on the queue.
    assert!(ok(&mut s, "clock").ends_with("0 scheduled\n"));
}

#[test]
fn stress_as_pid_1_exits_1_when_its_worker_is_oom_killed_as_real_stress_does() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker run -d --name st -m 256m alpine:3.20 stress --vm 1 --vm-bytes 300M\nrun 1s",
    );
    assert!(ok(&mut s, "docker ps -a").contains("Exited (1)"));
    assert!(ok(&mut s, "docker inspect st").contains("\"OOMKilled\": true"));
}

#[test]
fn a_cpu_hog_under_cpus_half_gets_half_a_core_over_10s_and_is_throttled() {
    let mut s = session();
    ok(
        &mut s,
        "docker pull alpine:3.20\ndocker run -d --name web --cpus 0.5 alpine:3.20 sleep infinity",
    );
    assert_eq!(
        ok(&mut s, "docker exec web cat /sys/fs/cgroup/cpu.max"),
        "50000 100000\n"
    );
    ok(&mut s, "docker exec web stress --cpu 1");
    ok(&mut s, "run 10s");
    assert_eq!(stat(&mut s, "web", "usage_usec"), 5_000_000);
    // 100 periods of 100 ms; in each the hog runs 50 ms and waits 50 ms.
    assert_eq!(stat(&mut s, "web", "nr_periods"), 100);
    assert_eq!(stat(&mut s, "web", "nr_throttled"), 100);
    assert_eq!(stat(&mut s, "web", "throttled_usec"), 5_000_000);
    let stats = ok(&mut s, "docker stats --no-stream");
    assert!(
        stats.starts_with("CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT"),
        "{stats}"
    );
    assert!(stats.contains(" 50.00% "), "{stats}");
    // Throttling keeps accumulating with time.
    ok(&mut s, "run 10s");
    assert_eq!(stat(&mut s, "web", "throttled_usec"), 10_000_000);
    // Without a quota the same hog takes a whole core and is never throttled.
    ok(
        &mut s,
        "docker run -d --name free alpine:3.20 sleep infinity",
    );
    ok(&mut s, "docker exec free stress --cpu 1\nrun 10s");
    assert_eq!(stat(&mut s, "free", "usage_usec"), 10_000_000);
    assert_eq!(stat(&mut s, "free", "nr_throttled"), 0);
}

#[test]
fn cpu_shares_split_a_contended_core_two_to_one() {
    let mut s = session();
    ok(
        &mut s,
        "host set --cores 1
docker pull alpine:3.20
docker run -d --name ca --cpu-shares 1024 alpine:3.20 stress --cpu 1
docker run -d --name cb --cpu-shares 512 alpine:3.20 stress --cpu 1
run 10s",
    );
    let a = stat(&mut s, "ca", "usage_usec");
    let b = stat(&mut s, "cb", "usage_usec");
    // ca has the core to itself for the 568 ms cb takes to start, then two thirds of it.
    assert_eq!((a, b), (568_000 + 6_660_000, 3_330_000));
    // Once b stops, a gets the whole core.
    ok(&mut s, "docker stop cb\nrun 10s");
    assert_eq!(stat(&mut s, "ca", "usage_usec"), 568_000 + 16_660_000);
}

#[test]
fn stress_timeout_ends_the_workload_and_the_cpu_goes_idle() {
    let mut s = session();
    ok(&mut s, WEB);
    ok(
        &mut s,
        "docker exec web stress --cpu 2 --timeout 3s\nrun 10s",
    );
    assert_eq!(stat(&mut s, "web", "usage_usec"), 6_000_000);
    assert!(s
        .sim()
        .log()
        .iter()
        .any(|e| matches!(e.kind, EventKind::WorkloadEnded { exit_code: 0, .. })));
}

#[test]
fn bad_limits_and_workloads_get_dockers_errors_and_change_nothing() {
    let cases: &[(&str, &str)] = &[
        (
            "docker run --memory 12Q alpine:3.20 true",
            "invalid argument \"12Q\" for \"-m, --memory\" flag: invalid size: '12Q'\nSee 'docker run --help'.",
        ),
        (
            "docker run -m 4m alpine:3.20 true",
            "docker: Error response from daemon: Minimum memory limit allowed is 6MB.\nSee 'docker run --help'.",
        ),
        (
            "docker run --cpus 9 alpine:3.20 true",
            "docker: Error response from daemon: Range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available.\nSee 'docker run --help'.",
        ),
        (
            "docker run --cpus half alpine:3.20 true",
            "invalid argument \"half\" for \"--cpus\" flag: failed to parse half as a rational number\nSee 'docker run --help'.",
        ),
        (
            "docker create --cpu-shares x alpine:3.20",
            "invalid argument \"x\" for \"-c, --cpu-shares\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'docker create --help'.",
        ),
        (
            "docker exec web stress --io 1",
            "stress: the sandbox models CPU (--cpu) and memory (--vm) hogs only, not --io",
        ),
        (
            "docker exec web stress --cpu",
            "stress: FAIL: [1] (244) option --cpu requires an argument",
        ),
        (
            "docker top nope",
            "Error response from daemon: No such container: nope",
        ),
        (
            "docker stats",
            "docker stats: the sandbox's terminal cannot show a live stream; use docker stats --no-stream",
        ),
        (
            "ps aux",
            "ps: unexpected argument \"aux\" (the sandbox's ps always shows every process)\nusage: ps",
        ),
    ];
    for (bad, message) in cases {
        assert_fails_and_changes_nothing(WEB, bad, message);
    }
    assert_fails_and_changes_nothing(
        &format!("{WEB}\ndocker stop web"),
        "docker top web",
        &format!("Error response from daemon: container {} is not running", {
            let mut s = session();
            ok(&mut s, WEB);
            s.sim().docker().find_container("web").unwrap().id.clone()
        }),
    );
}

#[test]
fn the_same_isolation_script_gives_the_same_trace() {
    let script = "docker pull alpine:3.20
docker run -d --name ca --cpus 0.5 -m 64m alpine:3.20 sleep infinity
docker exec ca stress --cpu 1 --vm 1 --vm-bytes 100M
run 5s
docker stats --no-stream
docker top ca
ps";
    let run = || {
        let mut s = session();
        let out = ok(&mut s, script);
        (out, s.sim().trace_hash())
    };
    assert_eq!(run(), run());
}

#[test]
fn a_container_start_records_its_phases_with_the_sourced_durations() {
    let mut s = session();
    ok(&mut s, WEB);
    let phases: Vec<(String, u64, u64)> = s
        .sim()
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ContainerStartPhase {
                phase,
                offset_ms,
                duration_ms,
            } => Some((phase.clone(), *offset_ms, *duration_ms)),
            _ => None,
        })
        .collect();
    let expected: Vec<(String, u64, u64)> = vec![
        ("create namespaces".into(), 0, 9),
        ("cgroup".into(), 9, 5),
        ("mount rootfs".into(), 14, 20),
        ("exec process".into(), 34, 534),
    ];
    assert_eq!(phases, expected);
    // They add up to the measured `docker run` total of 568 ms (Khan 2026, Premium SSD).
    assert_eq!(phases.iter().map(|p| p.2).sum::<u64>(), 568);
}

#[test]
fn changing_the_hosts_cores_mid_run_changes_the_share_from_then_on() {
    let mut s = session();
    ok(
        &mut s,
        "host set --cores 1
docker pull alpine:3.20
docker run -d --name ca alpine:3.20 stress --cpu 1
docker run -d --name cb alpine:3.20 stress --cpu 1
run 10s
host set --cores 2
run 10s",
    );
    // ca alone while cb starts (568 ms), then 10 s at half a core, then 10 s at a whole core
    // each.
    assert_eq!(stat(&mut s, "ca", "usage_usec"), 568_000 + 15_000_000);
    assert_eq!(stat(&mut s, "cb", "usage_usec"), 15_000_000);
}
