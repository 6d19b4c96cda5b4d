//! Behaviour of `cluster create` and `kubectl` through a session: kubectl's columns, ages and
//! messages, apply's created/configured/unchanged, and errors that change nothing.

use sim_core::cluster::api::ObjectKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{ok, ok_last};

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

fn assert_fails_and_changes_nothing(setup: &str, bad: &str, message: &str) {
    common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
}

const CLUSTER: &str = "cluster create --nodes 2 --cpu 2 --memory 4Gi";
const WEB: &str = "kubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 10s";

const DEPLOYMENT_YAML: &str = "cat > web.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27-alpine
EOF";

#[test]
fn without_a_cluster_kubectl_cannot_reach_the_server() {
    for cmd in [
        "kubectl get pods",
        "kubectl apply -f x.yaml",
        "kubectl delete pod x",
    ] {
        assert_fails_and_changes_nothing(
            "",
            cmd,
            "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
        );
    }
}

#[test]
fn a_second_cluster_create_fails_as_kind_does() {
    assert_fails_and_changes_nothing(
        CLUSTER,
        "cluster create",
        "ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"kind\"",
    );
}

#[test]
fn cluster_create_rejects_bad_flags_with_usage() {
    let usage = "usage: cluster create [--nodes N] [--cpu 4] [--memory 16Gi] [--pods 110]";
    assert_fails_and_changes_nothing(
        "",
        "cluster create --nodes 5001",
        &format!(
            "cluster: invalid --nodes \"5001\": must be a whole number from 1 to 5000\n{usage}"
        ),
    );
    assert_fails_and_changes_nothing(
        "",
        "cluster create --memory lots",
        &format!("cluster: invalid --memory \"lots\": must be a whole number of bytes from 1Mi to 16Ti (16Gi, 512Mi)\n{usage}"),
    );
    assert_fails_and_changes_nothing(
        "",
        "cluster grow",
        &format!("cluster: unknown subcommand \"grow\"\n{usage}"),
    );
}

#[test]
fn get_nodes_prints_kubectls_columns() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    assert_eq!(
        ok_last(&mut s, "kubectl get nodes"),
        "NAME     STATUS   ROLES    AGE   VERSION\n\
         node-1   Ready    <none>   0s    v1.31.0\n\
         node-2   Ready    <none>   0s    v1.31.0\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl get pods"),
        "No resources found in default namespace.\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl get pods -A"),
        "No resources found\n"
    );
}

#[test]
fn get_pods_deployments_and_replicasets_golden() {
    let mut s = session();
    ok(&mut s, &format!("{CLUSTER}\n{WEB}"));
    assert_eq!(
        ok_last(&mut s, "kubectl get pods"),
        "NAME                   READY   STATUS    RESTARTS   AGE\n\
         web-8579ddffd7-fgggk   1/1     Running   0          9s\n\
         web-8579ddffd7-zbzcv   1/1     Running   0          9s\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl get pods -o wide"),
        "NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n\
         web-8579ddffd7-fgggk   1/1     Running   0          9s    10.244.1.2   node-1   <none>           <none>\n\
         web-8579ddffd7-zbzcv   1/1     Running   0          9s    10.244.2.2   node-2   <none>           <none>\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl get deploy"),
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/2     2            2           10s\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl get rs --show-labels"),
        "NAME             DESIRED   CURRENT   READY   AGE   LABELS\n\
         web-8579ddffd7   2         2         2       9s    app=web,pod-template-hash=8579ddffd7\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl get po -l app=web -o name"),
        "pod/web-8579ddffd7-fgggk\npod/web-8579ddffd7-zbzcv\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl get pods -l app=db"),
        "No resources found in default namespace.\n"
    );
    ok(&mut s, "run 3m");
    assert!(ok_last(&mut s, "kubectl get deploy").contains("3m10s"));
}

#[test]
fn get_of_a_missing_object_or_kind_uses_kubectls_words() {
    assert_fails_and_changes_nothing(
        CLUSTER,
        "kubectl get pods nope",
        "Error from server (NotFound): pods \"nope\" not found",
    );
    assert_fails_and_changes_nothing(
        CLUSTER,
        "kubectl get deploy/nope",
        "Error from server (NotFound): deployments.apps \"nope\" not found",
    );
    assert_fails_and_changes_nothing(
        CLUSTER,
        "kubectl get foo",
        "the server doesn't have a resource type \"foo\"",
    );
    assert_fails_and_changes_nothing(
        CLUSTER,
        "kubectl gte pods",
        "unknown command \"gte\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\nRun 'kubectl --help' for usage.",
    );
    assert_fails_and_changes_nothing(
        CLUSTER,
        "kubect get pods",
        "unknown command \"kubect\"; did you mean \"kubectl\"?",
    );
    assert_fails_and_changes_nothing(
        CLUSTER,
        "kubectl get pods --colour",
        "unknown flag: --colour\nSee 'kubectl get --help' for usage.",
    );
}

#[test]
fn apply_creates_then_reports_unchanged_then_configured() {
    let mut s = session();
    ok(&mut s, &format!("{CLUSTER}\n{DEPLOYMENT_YAML}"));
    assert_eq!(
        ok_last(&mut s, "kubectl apply -f web.yaml"),
        "deployment.apps/web created\n"
    );
    ok(&mut s, "run 20s");
    assert_eq!(
        ok_last(&mut s, "kubectl apply -f web.yaml"),
        "deployment.apps/web unchanged\n"
    );
    let edited = DEPLOYMENT_YAML.replace("replicas: 3", "replicas: 1");
    ok(&mut s, &edited);
    assert_eq!(
        ok_last(&mut s, "kubectl apply -f web.yaml"),
        "deployment.apps/web configured\n"
    );
    ok(&mut s, "run 20s");
    let c = s.sim().cluster().unwrap();
    let live = c
        .store
        .list(ObjectKind::Pod, Some("default"))
        .filter(|o| o.metadata().deletion_timestamp.is_none())
        .count();
    assert_eq!(live, 1);
}

#[test]
fn bad_manifests_leave_the_store_unchanged() {
    let setup = format!("{CLUSTER}\n{WEB}");
    let bad_replicas = DEPLOYMENT_YAML.replace("replicas: 3", "replicas: -1");
    let mut s = session();
    ok(&mut s, &setup);
    ok(&mut s, &bad_replicas);
    let before = s.sim().state_fingerprint();
    let e = &s.submit("kubectl apply -f web.yaml")[0];
    assert_eq!(
        e.error.as_deref(),
        Some("The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0")
    );
    assert_eq!(s.sim().state_fingerprint(), before);

    // A good document and a bad one: nothing is applied.
    let mixed = format!(
        "{}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: Bad_Name\nspec:\n  ports:\n  - port: 80\nEOF",
        DEPLOYMENT_YAML.trim_end_matches("EOF")
    );
    let mut s = session();
    ok(&mut s, &setup);
    ok(&mut s, &mixed);
    let before = s.sim().state_fingerprint();
    let e = &s.submit("kubectl apply -f web.yaml")[0];
    assert!(e.error.is_some(), "{e:?}");
    assert_eq!(s.sim().state_fingerprint(), before);

    assert_fails_and_changes_nothing(
        &setup,
        "kubectl apply -f missing.yaml",
        "the path \"missing.yaml\" does not exist",
    );
    let unknown_field = DEPLOYMENT_YAML.replace("containers:", "containerz:");
    let mut s = session();
    ok(&mut s, &setup);
    ok(&mut s, &unknown_field);
    let before = s.sim().state_fingerprint();
    let e = &s.submit("kubectl apply -f web.yaml")[0];
    assert!(
        e.error
            .as_deref()
            .unwrap_or("")
            .contains("unknown field \"spec.template.spec.containerz\""),
        "{e:?}"
    );
    // Where: the line and column of the misspelled key in the file as written.
    let file = unknown_field
        .lines()
        .skip_while(|l| !l.starts_with("cat "))
        .skip(1)
        .collect::<Vec<_>>();
    let line = file.iter().position(|l| l.contains("containerz:")).unwrap() + 1;
    let column = file[line - 1].find("containerz").unwrap() + 1;
    assert!(
        e.error
            .as_deref()
            .unwrap_or("")
            .ends_with(&format!("\n  --> web.yaml:{line}:{column}")),
        "{e:?}"
    );
    assert_eq!(s.sim().state_fingerprint(), before);
}

#[test]
fn scale_set_image_and_rollout_history_and_undo() {
    let mut s = session();
    ok(&mut s, &format!("{CLUSTER}\n{WEB}"));
    assert_eq!(
        ok_last(&mut s, "kubectl scale deployment web --replicas=3"),
        "deployment.apps/web scaled\n"
    );
    assert_eq!(
        ok_last(
            &mut s,
            "kubectl set image deployment/web nginx=nginx:alpine"
        ),
        "deployment.apps/web image updated\n"
    );
    let out = ok_last(&mut s, "kubectl rollout status deployment/web");
    assert!(
        out.ends_with("deployment \"web\" successfully rolled out\n"),
        "{out}"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl rollout history deployment/web"),
        "deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl rollout undo deployment/web"),
        "deployment.apps/web rolled back\n"
    );
    ok(&mut s, "kubectl rollout status deployment/web");
    let out = ok_last(&mut s, "kubectl get deploy -o wide");
    assert!(out.contains("nginx:1.27-alpine"), "{out}");
    assert_fails_and_changes_nothing(
        &format!("{CLUSTER}\n{WEB}"),
        "kubectl set image deployment/web app=nginx:alpine",
        "unable to find container named \"app\"",
    );
}

#[test]
fn describe_pod_lists_its_events_and_explain_schedule_its_decision() {
    let mut s = session();
    ok(&mut s, &format!("{CLUSTER}\n{WEB}"));
    let out = ok_last(&mut s, "kubectl describe pod web-8579ddffd7-fgggk");
    assert!(
        out.contains("Successfully assigned default/web-8579ddffd7-fgggk to node-1"),
        "{out}"
    );
    assert!(out.contains("Normal   Pulling"), "{out}");
    assert!(out.contains("Started container nginx"), "{out}");
    let out = ok_last(&mut s, "explain-schedule web-8579ddffd7-fgggk");
    assert!(out.contains("node-1") && out.contains("node-2"), "{out}");
    assert!(out.contains("Selected: node-1"), "{out}");
}

#[test]
fn a_pod_too_big_for_any_node_gets_failed_scheduling() {
    let mut s = session();
    let big = "cat > big.yaml <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
  - name: app
    image: nginx:1.27-alpine
    resources:
      requests:
        cpu: \"8\"
EOF";
    ok(
        &mut s,
        &format!("{CLUSTER}\n{big}\nkubectl apply -f big.yaml\nrun 5s"),
    );
    let out = ok_last(&mut s, "kubectl describe pod big");
    assert!(out.contains("FailedScheduling"), "{out}");
    assert!(
        out.contains("0/2 nodes are available: 2 Insufficient cpu."),
        "{out}"
    );
    assert!(ok_last(&mut s, "kubectl get pods").contains("Pending"));
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "kubectl",
        "get",
        "describe",
        "apply",
        "create",
        "deployment",
        "delete",
        "scale",
        "set",
        "image",
        "rollout",
        "status",
        "history",
        "undo",
        "pods",
        "po",
        "nodes",
        "deploy",
        "rs",
        "svc",
        "all",
        "ns",
        "web",
        "web-x",
        "deployment/web",
        "pod/web",
        "-o",
        "wide",
        "yaml",
        "json",
        "name",
        "-l",
        "app=web",
        "app in (",
        "-n",
        "-A",
        "--show-labels",
        "-f",
        "web.yaml",
        ".",
        "--replicas=3",
        "--replicas",
        "-1",
        "99999999999",
        "--image=nginx:alpine",
        "nginx=nginx:9.9",
        "--to-revision=1",
        "-é",
        "--",
        "-",
        "=",
        "explain-schedule",
        "cluster",
        "--nodes",
        "0",
        "--cpu",
        "1e400",
        "--memory",
        "1.5Gi",
        "cordon",
        "uncordon",
        "taint",
        "label",
        "node-1",
        "nodes",
        "a=b:NoSchedule",
        "a-",
        "--overwrite",
        "events",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]
        #[test]
        fn odd_kubectl_lines_never_panic_and_failures_change_nothing(
            picks in proptest::collection::vec(0usize..WORDS.len(), 1..7),
            extra in "[ -~é]{0,12}",
        ) {
            let mut line: Vec<String> = picks.iter().map(|i| WORDS[*i].to_string()).collect();
            if !line[0].starts_with("kubectl") && line[0] != "explain-schedule" && line[0] != "cluster" {
                line.insert(0, "kubectl".into());
            }
            line.push(sim_core::command::shell_quote(&[extra]));
            let text = line.join(" ");
            common::assert_a_failure_changes_nothing(
                session,
                &format!("{CLUSTER}\n{WEB}\n{DEPLOYMENT_YAML}"),
                &text,
            );
        }
    }
}

#[test]
fn cordoned_and_tainted_nodes_get_no_new_pods_and_waiting_pods_move_when_they_reopen() {
    let mut s = session();
    ok(
        &mut s,
        &format!(
            "{CLUSTER}\nkubectl cordon node-1\nkubectl taint nodes node-2 dedicated=gpu:NoSchedule\n{WEB}"
        ),
    );
    let out = ok_last(&mut s, "kubectl get pods");
    assert_eq!(out.matches("Pending").count(), 2, "{out}");
    let out = ok_last(&mut s, "kubectl get events");
    assert!(
        out.contains("0/2 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable."),
        "{out}"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl uncordon node-1"),
        "node/node-1 uncordoned\n"
    );
    ok(&mut s, "run 10s");
    let out = ok_last(&mut s, "kubectl get pods -o wide");
    assert_eq!(out.matches("node-1").count(), 2, "{out}");
    assert_fails_and_changes_nothing(
        &format!("{CLUSTER}\nkubectl taint nodes node-2 dedicated=gpu:NoSchedule"),
        "kubectl taint nodes node-2 dedicated=gpu:NoSchedule",
        "node node-2 already has dedicated taint(s) with same effect(s) and --overwrite is false",
    );
    assert_fails_and_changes_nothing(
        &format!("{CLUSTER}\nkubectl label node node-2 disk=ssd"),
        "kubectl label node node-2 disk=hdd",
        "'disk' already has a value (ssd), and --overwrite is false",
    );
}

#[test]
fn label_takes_several_names_and_changes_none_when_one_fails() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    assert_eq!(
        ok_last(&mut s, "kubectl label node node-1 node-2 zone=a tier=web"),
        "node/node-1 labeled\nnode/node-2 labeled\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl label nodes/node-2 node/node-1 tier-"),
        "node/node-2 unlabeled\nnode/node-1 unlabeled\n"
    );
    assert_eq!(
        ok_last(&mut s, "kubectl label node node-1 node-2 zone=a"),
        "node/node-1 not labeled\nnode/node-2 not labeled\n"
    );
    assert_fails_and_changes_nothing(
        &format!("{CLUSTER}\nkubectl label node node-2 zone=b"),
        "kubectl label node node-1 node-2 zone=a",
        "'zone' already has a value (b), and --overwrite is false",
    );
    assert_fails_and_changes_nothing(
        CLUSTER,
        "kubectl label node node-1 node-9 zone=a",
        "Error from server (NotFound): nodes \"node-9\" not found",
    );
}

#[test]
fn reapplying_a_bound_pod_is_unchanged_and_changing_its_spec_is_forbidden() {
    let pod = |image: &str| {
        format!(
            "cat > pod.yaml <<EOF\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: {image}\nEOF"
        )
    };
    let mut s = session();
    ok(
        &mut s,
        &format!(
            "{CLUSTER}\n{}\nkubectl apply -f pod.yaml\nrun 5s",
            pod("nginx:1.27-alpine")
        ),
    );
    assert_eq!(
        ok_last(&mut s, "kubectl apply -f pod.yaml"),
        "pod/p unchanged\n"
    );
    ok(&mut s, &pod("nginx:alpine"));
    let before = s.sim().state_fingerprint();
    let e = &s.submit("kubectl apply -f pod.yaml")[0];
    assert!(
        e.error.as_deref().unwrap_or("").starts_with(
            "The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields"
        ),
        "{e:?}"
    );
    assert_eq!(s.sim().state_fingerprint(), before);
}

#[test]
fn a_deployments_selector_is_immutable() {
    let mut s = session();
    ok(
        &mut s,
        &format!("{CLUSTER}\n{DEPLOYMENT_YAML}\nkubectl apply -f web.yaml"),
    );
    ok(&mut s, &DEPLOYMENT_YAML.replace("app: web", "app: api"));
    let before = s.sim().state_fingerprint();
    let e = &s.submit("kubectl apply -f web.yaml")[0];
    assert_eq!(
        e.error.as_deref(),
        Some("The Deployment \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"api\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable")
    );
    assert_eq!(s.sim().state_fingerprint(), before);
}

#[test]
fn get_events_and_describe_deployment_show_what_the_controllers_did() {
    let mut s = session();
    ok(
        &mut s,
        &format!("{CLUSTER}\nkubectl create deployment web --image=nginx:1.27-alpine\nrun 10s"),
    );
    assert_eq!(
        ok_last(&mut s, "kubectl get events"),
        "LAST SEEN   TYPE     REASON              OBJECT                      MESSAGE\n\
         9s          Normal   ScalingReplicaSet   deployment/web              Scaled up replica set web-8579ddffd7 to 1 from 0\n\
         9s          Normal   SuccessfulCreate    replicaset/web-8579ddffd7   Created pod: web-8579ddffd7-fgggk\n\
         9s          Normal   Scheduled           pod/web-8579ddffd7-fgggk    Successfully assigned default/web-8579ddffd7-fgggk to node-1\n\
         9s          Normal   Pulling             pod/web-8579ddffd7-fgggk    Pulling image \"nginx:1.27-alpine\"\n\
         7s          Normal   Pulled              pod/web-8579ddffd7-fgggk    Successfully pulled image \"nginx:1.27-alpine\" in 2.081s (2.081s including waiting). Image size: 48004274 bytes.\n\
         7s          Normal   Created             pod/web-8579ddffd7-fgggk    Created container nginx\n\
         6s          Normal   Started             pod/web-8579ddffd7-fgggk    Started container nginx\n"
    );
    let out = ok_last(&mut s, "kubectl describe deployment web");
    for want in [
        "Replicas:         1 desired | 1 updated | 1 total | 1 available | 0 unavailable",
        "RollingUpdateStrategy:  25% max unavailable, 25% max surge",
        "Available     True     MinimumReplicasAvailable",
        "Progressing   True     NewReplicaSetAvailable",
        "NewReplicaSet:    web-8579ddffd7 (1/1 replicas created)",
        "Normal   ScalingReplicaSet   9s     deployment-controller   Scaled up replica set web-8579ddffd7 to 1 from 0",
    ] {
        assert!(out.contains(want), "{want}\n---\n{out}");
    }
}

#[test]
fn why_follows_a_pods_state_back_to_the_command() {
    let mut s = session();
    ok(&mut s, &format!("{CLUSTER}\n{WEB}"));
    let out = ok_last(&mut s, "why pod/web-8579ddffd7-fgggk");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "pod/web-8579ddffd7-fgggk: Running (1/1 ready) on node-1"
    );
    for (i, want) in [
        "Started container nginx",
        "Created container nginx",
        "Successfully pulled image",
        "Pulling image",
        "Successfully assigned default/web-8579ddffd7-fgggk to node-1",
        "Created pod: web-8579ddffd7-fgggk",
        "Scaled up replica set web-8579ddffd7 to 2 from 0",
        "deployment.apps/web created",
        "$ kubectl create deployment web --image=nginx:1.27-alpine --replicas=2",
    ]
    .iter()
    .enumerate()
    {
        let pos = lines.iter().position(|l| l.contains(want));
        assert!(pos.is_some(), "{want} missing\n{out}");
        if i > 0 {
            assert!(pos > lines.iter().position(|l| l.contains("Started container")));
        }
    }
    assert_fails_and_changes_nothing(
        &format!("{CLUSTER}\n{WEB}"),
        "why pod/nope",
        "Error from server (NotFound): pods \"nope\" not found",
    );
}

#[test]
fn why_a_replicaset_after_a_hand_deleted_pod_waited_shows_its_successful_create() {
    // One node with room for two pods: the replacement waits (FailedScheduling) until the
    // deleted pod is gone, and is bound by the retry that removal triggers.
    let mut s = session();
    ok(
        &mut s,
        "cluster create --nodes 1 --pods 2\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=2\nrun 20s",
    );
    let pods = ok_last(&mut s, "kubectl get pods -o name");
    let victim = pods
        .lines()
        .next()
        .unwrap()
        .trim_start_matches("pod/")
        .to_string();
    let rs = victim.rsplit_once('-').unwrap().0.to_string();
    ok(&mut s, &format!("kubectl delete pod {victim}\nrun 60s"));
    let why = ok_last(&mut s, &format!("why replicaset/{rs}"));
    let reasons: Vec<&str> = why
        .lines()
        .skip(1)
        .filter(|l| !l.contains("because of:"))
        .filter_map(|l| l.split_whitespace().nth(2))
        .collect();
    for want in [
        "Started",
        "Scheduled",
        "FailedScheduling",
        "SuccessfulCreate",
        "CommandRun",
    ] {
        assert!(reasons.contains(&want), "{want} missing from\n{why}");
    }
    assert!(
        why.contains(&format!("$ kubectl delete pod {victim}")),
        "{why}"
    );
    let created = reasons
        .iter()
        .position(|r| *r == "SuccessfulCreate")
        .unwrap();
    let scheduled = reasons.iter().position(|r| *r == "Scheduled").unwrap();
    assert!(scheduled < created, "{why}");
}

#[test]
fn get_label_columns_add_one_column_per_key_named_by_its_last_segment() {
    let mut s = session();
    ok(&mut s, &format!("{CLUSTER}\n{WEB}"));
    ok(
        &mut s,
        "kubectl label node node-1 topology.kubernetes.io/zone=a\nkubectl label node node-2 tier=gold",
    );
    let out = ok_last(
        &mut s,
        "kubectl get nodes -L topology.kubernetes.io/zone,tier --label-columns=missing",
    );
    assert_eq!(
        out,
        "NAME     STATUS   ROLES    AGE   VERSION   ZONE   TIER   MISSING\n\
         node-1   Ready    <none>   10s   v1.31.0   a             \n\
         node-2   Ready    <none>   10s   v1.31.0          gold   \n"
    );
    // Beside --show-labels, the label columns come first; -L repeats.
    let out = ok_last(&mut s, "kubectl get deploy -L app -L nope --show-labels");
    assert_eq!(
        out.lines().next().unwrap(),
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   APP   NOPE   LABELS"
    );
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .ends_with("web          app=web"),
        "{out}"
    );
    // Only get takes it.
    let e = &s.submit("kubectl describe nodes -L tier")[0];
    assert!(
        e.error
            .as_deref()
            .unwrap_or("")
            .starts_with("unknown flag: -L"),
        "{e:?}"
    );
}
