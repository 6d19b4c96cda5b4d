//! `kubectl logs` and `docker logs`: what a container's command printed, with the simulated
//! instant of each line, read back as the real tools print it — the run before a restart with
//! `--previous`, the last lines with `--tail`, kubectl's and Docker's errors — as a pure query
//! that records nothing but its own command.

use sim_core::{Session, SimConfig};

mod common;
use common::{assert_fails_and_changes_nothing_in, ok, ok_last};

fn session() -> Session {
    Session::new(SimConfig { seed: 11 })
}

fn cluster() -> Session {
    let mut s = session();
    ok(&mut s, "cluster create --nodes 1");
    s
}

/// The error of `command`, which must fail.
fn fails(s: &mut Session, command: &str) -> String {
    let e = s.submit(command).pop().expect("an entry");
    e.error
        .unwrap_or_else(|| panic!("{command} succeeded: {}", e.output))
}

const TWO_CONTAINERS: &str = "cat > two.yaml <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  restartPolicy: Never
  containers:
  - name: a
    image: busybox:1.36
    command: [\"echo\", \"from a\"]
  - name: b
    image: busybox:1.36
    command: [\"sh\", \"-c\", \"echo from b; echo oops >&2\"]
EOF
kubectl apply -f two.yaml";

#[test]
fn an_echo_pod_logs_hello_once_it_ran() {
    let mut s = cluster();
    ok(
        &mut s,
        "kubectl run t --image=busybox --restart=Never -- echo hello\nrun 30s",
    );
    assert_eq!(ok_last(&mut s, "kubectl logs t"), "hello\n");
    assert_eq!(ok_last(&mut s, "kubectl logs pod/t -n default"), "hello\n");
}

#[test]
fn timestamps_are_rfc3339_with_nine_fractional_digits_at_the_instant_each_line_was_written() {
    let mut s = cluster();
    ok(
        &mut s,
        "kubectl run s --image=busybox --restart=Never -- sh -c 'echo start; sleep 5; echo $HOSTNAME done; date'\n\
         run 30s",
    );
    let out = ok_last(&mut s, "kubectl logs s --timestamps");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    // The container started at 1.203 s (pull, create, the runtime's start phases).
    assert_eq!(lines[0], "2025-01-01T00:00:01.203000000Z start");
    assert_eq!(lines[1], "2025-01-01T00:00:06.203000000Z s done");
    assert_eq!(
        lines[2],
        "2025-01-01T00:00:06.203000000Z Wed Jan  1 00:00:06 UTC 2025"
    );
}

#[test]
fn a_line_written_after_a_sleep_is_not_there_before_its_time() {
    let mut s = cluster();
    ok(
        &mut s,
        "kubectl run s --image=busybox --restart=Never -- sh -c 'echo early; sleep 60; echo late'\n\
         run 30s",
    );
    assert_eq!(ok_last(&mut s, "kubectl logs s"), "early\n");
    ok(&mut s, "run 60s");
    assert_eq!(ok_last(&mut s, "kubectl logs s"), "early\nlate\n");
}

#[test]
fn previous_shows_the_run_before_the_restart_of_a_crashlooping_container() {
    let mut s = cluster();
    // Runs 5 s and fails; the first restart comes 1 s later, the next after a 10 s back-off.
    ok(
        &mut s,
        "kubectl run c --image=busybox -- sh -c 'date; sleep 5; exit 1'\nrun 10s",
    );
    let current = ok_last(&mut s, "kubectl logs c");
    let previous = ok_last(&mut s, "kubectl logs c --previous");
    assert_eq!(current.lines().count(), 1, "{current}");
    assert_eq!(previous.lines().count(), 1, "{previous}");
    assert!(
        previous < current,
        "each run printed its own start: {previous} then {current}"
    );
    assert_eq!(ok_last(&mut s, "kubectl logs c -p"), previous);
    // In CrashLoopBackOff the kubelet serves the run that just failed, with or without -p.
    ok(&mut s, "run 5s");
    let pods = ok_last(&mut s, "kubectl get pod c");
    assert!(pods.contains("CrashLoopBackOff"), "{pods}");
    assert_eq!(ok_last(&mut s, "kubectl logs c"), current);
    assert_eq!(ok_last(&mut s, "kubectl logs c -p"), current);
    // A pod that never restarted has no previous container.
    ok(
        &mut s,
        "kubectl run once --image=busybox --restart=Never -- echo hi\nrun 10s",
    );
    assert_eq!(
        fails(&mut s, "kubectl logs once -p"),
        "Error from server (BadRequest): previous terminated container \"once\" in pod \"once\" not found"
    );
}

#[test]
fn with_two_containers_kubectl_defaults_to_the_first_and_says_so() {
    let mut s = cluster();
    ok(&mut s, &format!("{TWO_CONTAINERS}\nrun 30s"));
    assert_eq!(
        ok_last(&mut s, "kubectl logs web"),
        "Defaulted container \"a\" out of: a, b\nfrom a\n"
    );
    assert_eq!(ok_last(&mut s, "kubectl logs web -c b"), "from b\noops\n");
    assert_eq!(ok_last(&mut s, "kubectl logs web b"), "from b\noops\n");
    assert_eq!(
        fails(&mut s, "kubectl logs web -c nginx"),
        "container nginx is not valid for pod web"
    );
    assert_eq!(
        fails(&mut s, "kubectl logs web b -c a"),
        "only one of -c or an inline [CONTAINER] arg is allowed"
    );
}

#[test]
fn tail_keeps_the_last_lines_and_a_selector_keeps_ten_per_pod() {
    let mut s = cluster();
    let numbers: Vec<String> = (1..=15).map(|i| i.to_string()).collect();
    ok(
        &mut s,
        &format!(
            "kubectl run n --image=busybox --restart=Never --labels=app=n -- echo -e '{}'\nrun 30s",
            numbers.join("\\n")
        ),
    );
    assert_eq!(ok_last(&mut s, "kubectl logs n --tail 2"), "14\n15\n");
    assert_eq!(ok_last(&mut s, "kubectl logs n --tail=0"), "");
    assert_eq!(ok_last(&mut s, "kubectl logs n").lines().count(), 15);
    let by_selector = ok_last(&mut s, "kubectl logs -l app=n");
    assert_eq!(by_selector.lines().collect::<Vec<_>>(), numbers[5..]);
    assert_eq!(
        ok_last(&mut s, "kubectl logs -l app=n --tail=-1")
            .lines()
            .count(),
        15
    );
    assert_eq!(
        ok_last(&mut s, "kubectl logs -l app=none"),
        "No resources found in default namespace.\n"
    );
}

#[test]
fn a_deployment_logs_through_its_first_pod_and_names_it() {
    let mut s = cluster();
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 30s",
    );
    let out = ok_last(&mut s, "kubectl logs deploy/web --tail 2");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("Found 2 pods, using pod/web-"),
        "{out}"
    );
    assert!(lines[1].ends_with("[notice] 1#1: nginx/1.27.2"), "{out}");
    assert!(
        lines[2].ends_with("[notice] 1#1: start worker processes"),
        "{out}"
    );
    let all = ok_last(&mut s, "kubectl logs deploy/web");
    assert!(
        all.contains("/docker-entrypoint.sh: Configuration complete; ready for start up\n"),
        "{all}"
    );
    assert_eq!(
        fails(&mut s, "kubectl logs deployment/nope"),
        "error from server (NotFound): deployments.apps \"nope\" not found in namespace \"default\""
    );
}

#[test]
fn a_container_that_has_not_started_cannot_be_read_yet() {
    let mut s = cluster();
    // Bound and seen by the kubelet, still pulling its image.
    ok(
        &mut s,
        "kubectl run web --image=nginx:1.27-alpine\nrun 600ms",
    );
    assert_eq!(
        fails(&mut s, "kubectl logs web"),
        "Error from server (BadRequest): container \"web\" in pod \"web\" is waiting to start: ContainerCreating"
    );
    ok(&mut s, "kubectl run bad --image=nginx:9.9-nope\nrun 30s");
    assert_eq!(
        fails(&mut s, "kubectl logs bad"),
        "Error from server (BadRequest): container \"bad\" in pod \"bad\" is waiting to start: trying and failing to pull image"
    );
}

#[test]
fn a_pod_on_a_crashed_node_cannot_be_reached_through_its_kubelet() {
    let mut s = cluster();
    ok(
        &mut s,
        "kubectl run web --image=nginx:1.27-alpine\nrun 30s\nchaos node-crash node-1",
    );
    assert_eq!(
        fails(&mut s, "kubectl logs web --tail 5"),
        "Error from server: Get \"https://172.18.0.2:10250/containerLogs/default/web/web?tailLines=5\": dial tcp 172.18.0.2:10250: i/o timeout"
    );
}

#[test]
fn kubectl_logs_errors_are_kubectls_and_change_nothing() {
    let setup = "cluster create --nodes 1\nkubectl run t --image=busybox --restart=Never -- echo hi\nrun 10s";
    let check = |bad: &str, message: &str| {
        assert_fails_and_changes_nothing_in(session(), setup, bad, message);
    };
    check(
        "kubectl logs",
        "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples",
    );
    check(
        "kubectl logs nope",
        "error from server (NotFound): pods \"nope\" not found in namespace \"default\"",
    );
    check(
        "kubectl logs t -n other",
        "error from server (NotFound): pods \"t\" not found in namespace \"other\"",
    );
    check(
        "kubectl logs t -l app=t",
        "only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples",
    );
    check(
        "kubectl logs t --tail x",
        "invalid argument \"x\" for \"--tail\" flag: strconv.ParseInt: parsing \"x\": invalid syntax",
    );
    check(
        "kubectl logs t --tail=-2",
        "--tail must be greater than or equal to -1",
    );
    check(
        "kubectl logs t --since 1h",
        "unknown flag: --since\nSee 'kubectl logs --help' for usage.",
    );
    check(
        "kubectl logs node/node-1",
        "cannot get the logs from *v1.Node: selector for *v1.Node not implemented",
    );
}

#[test]
fn reading_logs_records_only_the_command_itself() {
    let mut s = cluster();
    ok(
        &mut s,
        "kubectl run t --image=busybox --restart=Never -- echo hello\nrun 30s",
    );
    let events = s.sim().log().len();
    let version = s
        .sim()
        .cluster()
        .expect("a cluster")
        .store
        .resource_version();
    ok(&mut s, "kubectl logs t --timestamps");
    let added: Vec<String> = s.sim().log()[events..]
        .iter()
        .map(|e| e.message.clone())
        .collect();
    assert_eq!(added, ["$ kubectl logs t --timestamps"]);
    assert_eq!(
        s.sim()
            .cluster()
            .expect("a cluster")
            .store
            .resource_version(),
        version
    );
}

#[test]
fn docker_logs_prints_a_containers_output_across_its_starts() {
    let mut s = session();
    ok(
        &mut s,
        "docker run --name hello busybox echo hi there\n\
         docker run -d --name web nginx:1.27-alpine\n\
         run 2s\n\
         docker start hello",
    );
    assert_eq!(ok_last(&mut s, "docker logs hello"), "hi there\nhi there\n");
    let stamped = ok_last(&mut s, "docker logs -t --tail 1 hello");
    // `2025-01-01T00:00:0S.mmm000000Z hi there`: the second start's instant.
    assert!(stamped.starts_with("2025-01-01T00:00:0"), "{stamped}");
    assert_eq!(stamped.get(19..20), Some("."), "{stamped}");
    assert_eq!(stamped.get(23..), Some("000000Z hi there\n"), "{stamped}");
    let web = ok_last(&mut s, "docker logs -n 1 web");
    assert!(
        web.ends_with("[notice] 1#1: start worker processes\n"),
        "{web}"
    );
    assert_eq!(
        ok_last(&mut s, "docker logs --tail all web")
            .lines()
            .count(),
        12
    );
    let setup = "docker run --name hello busybox echo hi";
    assert_fails_and_changes_nothing_in(
        session(),
        setup,
        "docker logs nope",
        "Error response from daemon: No such container: nope",
    );
    assert_fails_and_changes_nothing_in(
        session(),
        setup,
        "docker logs",
        "\"docker logs\" requires exactly 1 argument.\nSee 'docker logs --help'.\n\nUsage:  docker logs [OPTIONS] CONTAINER\n\nFetch the logs of a container",
    );
}

#[test]
fn a_log_keeps_its_last_thousand_lines() {
    let mut s = cluster();
    let numbers: Vec<String> = (1..=1_200).map(|i| i.to_string()).collect();
    ok(
        &mut s,
        &format!(
            "kubectl run big --image=busybox --restart=Never -- echo -e '{}'\nrun 30s",
            numbers.join("\\n")
        ),
    );
    let out = ok_last(&mut s, "kubectl logs big");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), sim_core::logs::MAX_LOG_LINES);
    assert_eq!(lines[0], "201");
    assert_eq!(lines.last(), Some(&"1200"));
}

#[test]
fn the_same_seed_and_commands_give_the_same_logs() {
    let script = "cluster create --nodes 2\n\
                  kubectl create deployment r --image=redis --replicas=3\n\
                  kubectl run c --image=busybox -- sh -c 'date; hostname; exit 2'\n\
                  run 2m\n\
                  kubectl logs -l app=r --timestamps\n\
                  kubectl logs c -p --timestamps";
    let run = || {
        let mut s = session();
        s.submit(script)
            .into_iter()
            .map(|e| e.output)
            .collect::<Vec<_>>()
    };
    let first = run();
    assert!(
        first[4].contains("Ready to accept connections tcp"),
        "{first:?}"
    );
    assert_eq!(first, run());
}

#[test]
fn ssh_reads_the_log_of_a_container_started_by_hand_on_a_node() {
    let mut s = cluster();
    ok(
        &mut s,
        "ssh node-1 docker run -d --name web nginx:1.27-alpine\nrun 5s",
    );
    let out = ok_last(&mut s, "ssh node-1 docker logs --tail 1 web");
    assert!(
        out.ends_with("[notice] 1#1: start worker processes\n"),
        "{out}"
    );
    assert_eq!(
        fails(&mut s, "docker logs web"),
        "Error response from daemon: No such container: web"
    );
}
