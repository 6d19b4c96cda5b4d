//! `kubectl run`: one bare Pod as kubectl builds it (labels, container, args or command,
//! restart policy), scheduled and started like any pod, and replaced by nothing when it goes;
//! its client dry run and its errors, each changing nothing.

use sim_core::cluster::api::{Object, ObjectKind};
use sim_core::cluster::store::Key;
use sim_core::{Session, SimConfig};

mod common;
use common::{ok, ok_last};

const CLUSTER: &str = "cluster create --nodes 2";

fn session() -> Session {
    Session::new(SimConfig { seed: 9 })
}

fn pod(s: &Session, name: &str) -> Option<sim_core::cluster::api::Pod> {
    let c = s.sim().cluster()?;
    match c.store.get(&Key::new(ObjectKind::Pod, "default", name)) {
        Some(Object::Pod(p)) => Some((**p).clone()),
        _ => None,
    }
}

#[test]
fn kubectl_run_makes_one_bare_pod_that_nothing_replaces() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    assert_eq!(
        ok_last(
            &mut s,
            "kubectl run nginx --image=nginx:1.27-alpine --port=80"
        ),
        "pod/nginx created\n"
    );
    ok(&mut s, "run 20s");
    let p = pod(&s, "nginx").expect("the pod");
    assert_eq!(
        p.metadata.labels.get("run").map(String::as_str),
        Some("nginx")
    );
    assert!(p.metadata.owner_references.is_empty(), "no owner");
    assert_eq!(p.spec.containers[0].name, "nginx");
    assert_eq!(p.spec.containers[0].ports[0].container_port, 80);
    assert!(!p.spec.node_name.is_empty(), "scheduled");
    let pods = ok_last(&mut s, "kubectl get pods");
    assert!(pods.contains("nginx   1/1     Running"), "{pods}");

    ok(&mut s, "kubectl delete pod nginx\nrun 1m");
    assert!(pod(&s, "nginx").is_none());
    let pods = ok_last(&mut s, "kubectl get pods");
    assert_eq!(pods, "No resources found in default namespace.\n");
}

#[test]
fn arguments_after_the_double_dash_and_the_restart_policy_reach_the_container() {
    let mut s = session();
    ok(
        &mut s,
        &format!(
            "{CLUSTER}\n\
             kubectl run once --image=busybox:1.36 --restart=Never -- sleep 5\n\
             kubectl run cmd --image=busybox:1.36 --env=A=1 --env B=2 --command -- sleep 3600\n\
             run 40s"
        ),
    );
    let once = pod(&s, "once").expect("once");
    assert_eq!(once.spec.containers[0].args, ["sleep", "5"]);
    assert!(once.spec.containers[0].command.is_empty());
    assert_eq!(
        once.spec.restart_policy.as_ref().map(|r| r.as_str()),
        Some("Never")
    );
    let cmd = pod(&s, "cmd").expect("cmd");
    assert_eq!(cmd.spec.containers[0].command, ["sleep", "3600"]);
    let env: Vec<(String, Option<String>)> = cmd.spec.containers[0]
        .env
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    assert_eq!(
        env,
        [
            ("A".to_string(), Some("1".to_string())),
            ("B".to_string(), Some("2".to_string()))
        ]
    );
    let pods = ok_last(&mut s, "kubectl get pods");
    assert!(pods.contains("once   0/1     Completed"), "{pods}");
    assert!(pods.contains("cmd    1/1     Running"), "{pods}");
}

#[test]
fn a_client_dry_run_prints_the_pod_kubectl_would_send_and_creates_nothing() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    let rv = s
        .sim()
        .cluster()
        .expect("a cluster")
        .store
        .resource_version();
    assert_eq!(
        ok_last(
            &mut s,
            "kubectl run nginx --image=nginx:1.27-alpine --dry-run=client -o yaml"
        ),
        "apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: nginx
  name: nginx
spec:
  containers:
  - image: nginx:1.27-alpine
    name: nginx
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"
    );
    assert_eq!(
        s.sim()
            .cluster()
            .expect("a cluster")
            .store
            .resource_version(),
        rv
    );
    // The printed manifest applies as it is.
    ok(
        &mut s,
        "kubectl run nginx --image=nginx:1.27-alpine --dry-run=client -o yaml > pod.yaml\n\
         kubectl apply -f pod.yaml",
    );
    assert!(pod(&s, "nginx").is_some());
}

#[test]
fn kubectl_run_errors_are_kubectls_and_change_nothing() {
    let check = |setup: &str, bad: &str, message: &str| {
        common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
    };
    check(
        CLUSTER,
        "kubectl run nginx",
        "required flag(s) \"image\" not set",
    );
    check(
        CLUSTER,
        "kubectl run --image=nginx",
        "NAME is required for run",
    );
    check(
        CLUSTER,
        "kubectl run shell --image=busybox:1.36 -it -- sh",
        "-it: an interactive kubectl run needs a terminal attached to the container, which this sandbox does not have; run it without -it and use kubectl get/describe",
    );
    check(
        CLUSTER,
        "kubectl run nginx --image=nginx --restart=Sometimes",
        "invalid restart policy: Sometimes",
    );
    check(
        CLUSTER,
        "kubectl run nginx --image=nginx --port=http",
        "invalid argument \"http\" for \"--port\" flag: strconv.ParseInt: parsing \"http\": invalid syntax",
    );
    check(
        &format!("{CLUSTER}\nkubectl run nginx --image=nginx"),
        "kubectl run nginx --image=nginx",
        "Error from server (AlreadyExists): pods \"nginx\" already exists",
    );
    check(
        CLUSTER,
        "kubectl run Bad_Name --image=nginx",
        "The Pod \"Bad_Name\" is invalid: \n* metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n* spec.containers[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
}

#[test]
fn a_pod_that_only_echoes_completes_and_one_that_restarts_always_crashloops() {
    let mut s = session();
    ok(&mut s, "cluster create --nodes 1");
    ok(
        &mut s,
        "kubectl run t --image=alpine:3.20 --restart=Never -- echo hello\n\
         kubectl run d --image=alpine:3.20 -- date\n\
         run 20s",
    );
    let out = ok_last(&mut s, "kubectl get pods");
    let row = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(row("t")[1..3], ["0/1", "Completed"], "{out}");
    assert_eq!(row("d")[1..3], ["0/1", "CrashLoopBackOff"], "{out}");
    let t = pod(&s, "t").expect("pod t");
    assert_eq!(
        t.status.phase,
        Some(sim_core::cluster::api::PodPhase::Succeeded)
    );
}
