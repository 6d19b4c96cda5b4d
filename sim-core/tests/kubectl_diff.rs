//! Behaviour of `kubectl diff -f` (a unified diff of the live objects against what apply would
//! make of them, changing nothing) and `kubectl rollout restart` (a new pod template, so a new
//! ReplicaSet and a rolling update).

use sim_core::cluster::api::{Object, ObjectKind};
use sim_core::cluster::store::Key;
use sim_core::event::EventKind;
use sim_core::{Session, SimConfig};

mod common;
use common::{assert_fails_and_changes_nothing_in, ok, ok_last};

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

const CLUSTER: &str = "cluster create --nodes 2 --cpu 2 --memory 4Gi";

/// A here-document writing `web.yaml`: a Deployment with `replicas` and `image`.
fn web_yaml(replicas: u32, image: &str) -> String {
    format!(
        "cat > web.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
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
        image: {image}
EOF"
    )
}

const SERVICE_YAML: &str = "cat > app/svc.yaml <<EOF
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
EOF";

/// A cluster running `web.yaml` (2 × nginx:1.27-alpine), applied at 0 s, then 10 s later.
fn running_web() -> Session {
    let mut s = session();
    ok(
        &mut s,
        &format!("{CLUSTER}\n{}", web_yaml(2, "nginx:1.27-alpine")),
    );
    ok(&mut s, "kubectl apply -f web.yaml\nrun 10s");
    s
}

fn deployment(s: &Session, name: &str) -> sim_core::cluster::api::Deployment {
    let key = Key::new(ObjectKind::Deployment, "default", name);
    match s.sim().cluster().and_then(|c| c.store.get(&key)) {
        Some(Object::Deployment(d)) => (**d).clone(),
        other => panic!("no deployment {name}: {other:?}"),
    }
}

#[test]
fn diff_of_a_new_object_adds_every_line_to_an_empty_live_file() {
    let mut s = session();
    ok(
        &mut s,
        &format!("{CLUSTER}\n{}", web_yaml(2, "nginx:1.27-alpine")),
    );
    let out = ok_last(&mut s, "kubectl diff -f web.yaml");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "diff -u -N /tmp/LIVE-0/apps.v1.Deployment.default.web /tmp/MERGED-0/apps.v1.Deployment.default.web",
            "--- /tmp/LIVE-0/apps.v1.Deployment.default.web\t1970-01-01 00:00:00.000000000 +0000",
            "+++ /tmp/MERGED-0/apps.v1.Deployment.default.web\t2025-01-01 00:00:00.000000000 +0000",
            "@@ -0,0 +1,41 @@",
        ]
    );
    assert_eq!(lines.len(), 4 + 41);
    assert!(lines[4..].iter().all(|l| l.starts_with('+')), "{out}");
    for want in [
        "+apiVersion: apps/v1",
        "+  creationTimestamp: \"2025-01-01T00:00:00Z\"",
        "+  generation: 1",
        "+  replicas: 2",
        "+      - image: nginx:1.27-alpine",
        "+        imagePullPolicy: IfNotPresent",
    ] {
        assert!(lines.contains(&want), "{want} missing from\n{out}");
    }
    // What diff showed is what apply creates.
    ok(&mut s, "kubectl apply -f web.yaml");
    assert!(s
        .sim()
        .cluster()
        .unwrap()
        .store
        .get(&Key::new(ObjectKind::Deployment, "default", "web"))
        .is_some());
}

#[test]
fn last_applied_configuration_holds_only_what_the_file_wrote() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    // The shape `kubectl create --dry-run=client -o yaml` prints: its empty fields stay as the
    // file had them, nothing the server defaults is added.
    ok(
        &mut s,
        "cat > web.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.27-alpine
        name: nginx
        ports:
        - containerPort: 80
EOF
kubectl apply -f web.yaml",
    );
    let d = deployment(&s, "web");
    assert_eq!(
        d.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"],
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"creationTimestamp\":null,\"labels\":{\"app\":\"web\"},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"strategy\":{},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"image\":\"nginx:1.27-alpine\",\"name\":\"nginx\",\"ports\":[{\"containerPort\":80}]}]}}}}\n"
    );
    assert_eq!(ok_last(&mut s, "kubectl diff -f web.yaml"), "");
}

#[test]
fn diff_of_an_applied_manifest_prints_nothing() {
    let mut s = running_web();
    assert_eq!(ok_last(&mut s, "kubectl diff -f web.yaml"), "");
}

#[test]
fn diff_shows_the_changed_spec_and_the_generation_bump_apply_would_make() {
    let mut s = running_web();
    ok(&mut s, &web_yaml(3, "nginx:1.27"));
    let uid = deployment(&s, "web").metadata.uid;
    let rv = deployment(&s, "web").metadata.resource_version;
    // Only what the file wrote (no `resources`/`strategy`/`status` defaults), keys sorted, the
    // namespace kubectl filled in and `"annotations":{}`, as kubectl stores it.
    let old_applied = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"annotations":{},"name":"web","namespace":"default"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"image":"nginx:1.27-alpine","name":"nginx"}]}}}}"#;
    let new_applied = old_applied
        .replace("\"replicas\":2", "\"replicas\":3")
        .replace("nginx:1.27-alpine", "nginx:1.27");
    let want = format!(
        "diff -u -N /tmp/LIVE-0/apps.v1.Deployment.default.web /tmp/MERGED-0/apps.v1.Deployment.default.web
--- /tmp/LIVE-0/apps.v1.Deployment.default.web\t2025-01-01 00:00:10.000000000 +0000
+++ /tmp/MERGED-0/apps.v1.Deployment.default.web\t2025-01-01 00:00:10.000000000 +0000
@@ -4,16 +4,16 @@
   annotations:
     deployment.kubernetes.io/revision: \"1\"
     kubectl.kubernetes.io/last-applied-configuration: |
-      {old_applied}
+      {new_applied}
   creationTimestamp: \"2025-01-01T00:00:00Z\"
-  generation: 1
+  generation: 2
   name: web
   namespace: default
   resourceVersion: \"{rv}\"
   uid: {uid}
 spec:
   progressDeadlineSeconds: 600
-  replicas: 2
+  replicas: 3
   revisionHistoryLimit: 10
   selector:
     matchLabels:
@@ -29,7 +29,7 @@
         app: web
     spec:
       containers:
-      - image: nginx:1.27-alpine
+      - image: nginx:1.27
         imagePullPolicy: IfNotPresent
         name: nginx
         resources: {{}}
"
    );
    assert_eq!(ok_last(&mut s, "kubectl diff -f web.yaml"), want);
    // Apply then makes exactly that change: generation 2, and nothing left to diff.
    assert_eq!(
        ok_last(&mut s, "kubectl apply -f web.yaml"),
        "deployment.apps/web configured\n"
    );
    let d = deployment(&s, "web");
    assert_eq!(d.metadata.generation, 2);
    assert_eq!(d.spec.replicas, Some(3));
    ok(&mut s, "run 30s");
    assert_eq!(ok_last(&mut s, "kubectl diff -f web.yaml"), "");
}

#[test]
fn diff_changes_nothing_but_the_log_of_the_command() {
    let mut s = running_web();
    ok(&mut s, &web_yaml(5, "nginx:1.27"));
    let cluster_before = s.sim().cluster().unwrap().fingerprint();
    let next_before = s.sim().next_time();
    let now_before = s.sim().now();
    let events_before = s.sim().log().len();
    let out = ok_last(&mut s, "kubectl diff -f web.yaml");
    assert!(out.contains("+  replicas: 5\n"), "{out}");
    assert_eq!(s.sim().cluster().unwrap().fingerprint(), cluster_before);
    assert_eq!(s.sim().next_time(), next_before);
    assert_eq!(s.sim().now(), now_before);
    let log = s.sim().log();
    assert_eq!(log.len(), events_before + 1);
    assert!(
        matches!(&log[events_before].kind, EventKind::CommandRun { command } if command == "kubectl diff -f web.yaml")
    );
    assert_eq!(deployment(&s, "web").spec.replicas, Some(2));
}

#[test]
fn diff_of_a_directory_lists_changed_objects_in_file_name_order() {
    let mut s = running_web();
    // The Deployment is unchanged, the Service and the Namespace are new.
    ok(
        &mut s,
        &format!(
            "{}\n{SERVICE_YAML}\ncat > app/ns.yaml <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\nEOF",
            web_yaml(2, "nginx:1.27-alpine").replace("cat > web.yaml", "cat > app/web.yaml")
        ),
    );
    let out = ok_last(&mut s, "kubectl diff -f app");
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("diff ")).collect();
    assert_eq!(
        headers,
        [
            "diff -u -N /tmp/LIVE-0/v1.Namespace..shop /tmp/MERGED-0/v1.Namespace..shop",
            "diff -u -N /tmp/LIVE-0/v1.Service.default.web /tmp/MERGED-0/v1.Service.default.web",
        ]
    );
    assert!(out.contains("+kind: Service\n"), "{out}");
    assert!(out.contains("+  name: shop\n"), "{out}");
}

#[test]
fn diff_output_can_be_redirected_to_a_file() {
    let mut s = running_web();
    ok(&mut s, &web_yaml(3, "nginx:1.27-alpine"));
    assert_eq!(ok_last(&mut s, "kubectl diff -f web.yaml > web.diff"), "");
    let saved = ok_last(&mut s, "cat web.diff");
    assert!(
        saved.contains("-  replicas: 2\n+  replicas: 3\n"),
        "{saved}"
    );
}

#[test]
fn diff_fails_with_applys_messages_and_changes_nothing() {
    let setup = format!("{CLUSTER}\n{}", web_yaml(2, "nginx:1.27-alpine"));
    assert_fails_and_changes_nothing_in(
        session(),
        "",
        "kubectl diff -f web.yaml",
        "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
    );
    assert_fails_and_changes_nothing_in(
        session(),
        &setup,
        "kubectl diff -f missing.yaml",
        "the path \"missing.yaml\" does not exist",
    );
    assert_fails_and_changes_nothing_in(
        session(),
        &setup,
        "kubectl diff",
        "must specify one of -f and -k",
    );
    assert_fails_and_changes_nothing_in(
        session(),
        &setup,
        "kubectl diff -f web.yaml extra",
        "Unexpected args: [extra]\nSee 'kubectl diff -h' for help and examples",
    );
    assert_fails_and_changes_nothing_in(
        session(),
        &format!("{CLUSTER}\n{}", web_yaml(2, "nginx").replace("replicas: 2", "replicas: -1")),
        "kubectl diff -f web.yaml",
        "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    );
    // A misspelt field: the same message as apply's, with where it is.
    let mut s = session();
    ok(
        &mut s,
        &format!(
            "{CLUSTER}\n{}",
            web_yaml(2, "nginx").replace("containers:", "containerz:")
        ),
    );
    let diff_err = s.submit("kubectl diff -f web.yaml")[0].error.clone();
    let apply_err = s.submit("kubectl apply -f web.yaml")[0].error.clone();
    assert!(
        diff_err
            .as_deref()
            .unwrap_or("")
            .contains("unknown field \"spec.template.spec.containerz\""),
        "{diff_err:?}"
    );
    assert_eq!(diff_err, apply_err);
}

#[test]
fn kubectl_help_lists_diff_and_rollout_restart() {
    let mut s = session();
    let help = ok_last(&mut s, "kubectl");
    assert!(help.contains("kubectl diff -f FILE|DIR"), "{help}");
    assert!(
        help.contains("kubectl rollout status|history|undo|restart deployment/NAME"),
        "{help}"
    );
    ok(&mut s, CLUSTER);
    let e = &s.submit("kubectl dif -f x.yaml")[0];
    assert!(
        e.error
            .as_deref()
            .unwrap_or("")
            .contains("Did you mean this?\n\tdiff"),
        "{e:?}"
    );
}

#[test]
fn rollout_restart_rolls_every_pod_over_to_a_new_replicaset() {
    let mut s = running_web();
    let old_pods = ok_last(&mut s, "kubectl get pods -o name");
    assert_eq!(
        ok_last(&mut s, "kubectl rollout restart deployment/web"),
        "deployment.apps/web restarted\n"
    );
    let d = deployment(&s, "web");
    assert_eq!(
        d.spec
            .template
            .metadata
            .annotations
            .get("kubectl.kubernetes.io/restartedAt")
            .map(String::as_str),
        Some("2025-01-01T00:00:10Z")
    );
    assert_eq!(d.metadata.generation, 2);
    let out = ok_last(&mut s, "kubectl rollout status deployment/web");
    assert!(
        out.ends_with("deployment \"web\" successfully rolled out\n"),
        "{out}"
    );
    ok(&mut s, "run 10s");
    assert_eq!(
        ok_last(&mut s, "kubectl rollout history deployment/web"),
        "deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    let d = deployment(&s, "web");
    assert_eq!(
        d.metadata
            .annotations
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("2")
    );
    let c = s.sim().cluster().unwrap();
    let mut rs: Vec<(String, i32)> = c
        .store
        .list(ObjectKind::ReplicaSet, Some("default"))
        .filter_map(|o| match o {
            Object::ReplicaSet(rs) => {
                Some((rs.metadata.name.clone(), rs.spec.replicas.unwrap_or(1)))
            }
            _ => None,
        })
        .collect();
    rs.sort_by_key(|(_, n)| *n);
    assert_eq!(rs.len(), 2, "{rs:?}");
    assert_eq!(rs[0].1, 0);
    assert_eq!(rs[1].1, 2);
    let new_pods = ok_last(&mut s, "kubectl get pods -o name");
    assert_eq!(new_pods.lines().count(), 2, "{new_pods}");
    for p in new_pods.lines() {
        assert!(p.starts_with(&format!("pod/{}-", rs[1].0)), "{p}");
        assert!(!old_pods.contains(p), "{p} survived the restart");
    }
}

#[test]
fn rollout_restart_refuses_a_paused_or_missing_deployment() {
    let paused =
        web_yaml(2, "nginx:1.27-alpine").replace("  replicas: 2", "  paused: true\n  replicas: 2");
    assert_fails_and_changes_nothing_in(
        session(),
        &format!("{CLUSTER}\n{paused}\nkubectl apply -f web.yaml\nrun 5s"),
        "kubectl rollout restart deployment/web",
        "deployments.apps \"web\" can't restart paused deployment (run rollout resume first)",
    );
    assert_fails_and_changes_nothing_in(
        session(),
        CLUSTER,
        "kubectl rollout restart deployment/nope",
        "Error from server (NotFound): deployments.apps \"nope\" not found",
    );
}
