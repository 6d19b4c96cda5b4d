//! `kubectl expose`: the Service kubectl makes for a Deployment, ReplicaSet, Pod or Service
//! (selector, ports, names, protocols, target ports and labels introspected or from flags),
//! traffic reaching the pods through it, and kubectl's errors, each changing nothing.

use sim_core::{Session, SimConfig};

mod common;
use common::{ok, ok_last};

fn session() -> Session {
    Session::new(SimConfig { seed: 5 })
}

const CLUSTER: &str = "cluster create --nodes 2";

fn assert_fails_and_changes_nothing(setup: &str, bad: &str, message: &str) {
    common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
}

#[test]
fn exposing_a_deployment_makes_a_service_from_its_selector_and_container_port() {
    let mut s = session();
    ok(
        &mut s,
        &format!(
            "{CLUSTER}\nkubectl create deployment web --image=nginx:1.27-alpine --replicas=3 --port=80"
        ),
    );
    assert_eq!(
        ok_last(&mut s, "kubectl expose deployment web"),
        "service/web exposed\n"
    );
    let yaml = ok_last(&mut s, "kubectl get svc web -o yaml");
    for line in [
        "  labels:\n    app: web\n",
        "  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 80\n",
        "  selector:\n    app: web\n",
        "  type: ClusterIP\n",
        "  clusterIP: 10.96.",
    ] {
        assert!(yaml.contains(line), "{line:?} missing in\n{yaml}");
    }
    // The EndpointSlice controller and traffic take it from there.
    ok(&mut s, "run 1m");
    let slices = ok_last(&mut s, "kubectl get endpointslices");
    assert!(slices.contains("web-"), "{slices}");
    assert!(slices.contains(" 80 "), "{slices}");
    ok(&mut s, "traffic start svc/web --rps 10\nrun 10s");
    let stats = ok_last(&mut s, "traffic stats");
    assert!(
        stats.contains("100.0%") || stats.contains("100%"),
        "{stats}"
    );
}

#[test]
fn expose_flags_set_the_port_target_name_type_and_labels() {
    let mut s = session();
    ok(
        &mut s,
        &format!("{CLUSTER}\nkubectl create deployment api --image=nginx:1.27-alpine"),
    );
    assert_eq!(
        ok_last(
            &mut s,
            "kubectl expose deploy/api --port=8080 --target-port=80 --name=api-svc --type=LoadBalancer -l tier=backend"
        ),
        "service/api-svc exposed\n"
    );
    let yaml = ok_last(&mut s, "kubectl get service api-svc -o yaml");
    for line in [
        "  labels:\n    tier: backend\n",
        "  - port: 8080\n    protocol: TCP\n    targetPort: 80\n",
        "  selector:\n    app: api\n",
        "  type: LoadBalancer\n",
    ] {
        assert!(yaml.contains(line), "{line:?} missing in\n{yaml}");
    }
}

#[test]
fn several_container_ports_become_named_service_ports() {
    let mut s = session();
    ok(
        &mut s,
        &format!(
            "{CLUSTER}\ncat > two.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: two
spec:
  selector:
    matchLabels:
      app: two
  template:
    metadata:
      labels:
        app: two
    spec:
      containers:
      - name: web
        image: nginx:1.27-alpine
        ports:
        - containerPort: 80
        - containerPort: 9000
          protocol: UDP
EOF
kubectl apply -f two.yaml
kubectl expose deployment two"
        ),
    );
    let yaml = ok_last(&mut s, "kubectl get svc two -o yaml");
    assert!(
        yaml.contains(
            "  - name: port-1\n    port: 80\n    protocol: TCP\n    targetPort: 80\n  - name: port-2\n    port: 9000\n    protocol: UDP\n    targetPort: 9000\n"
        ),
        "{yaml}"
    );
}

#[test]
fn a_pod_is_exposed_by_its_labels() {
    let mut s = session();
    ok(
        &mut s,
        &format!("{CLUSTER}\nkubectl create deployment web --image=nginx:1.27-alpine\nrun 10s"),
    );
    let pod = ok_last(&mut s, "kubectl get pods -o name");
    let pod = pod.trim().trim_start_matches("pod/").to_string();
    assert_eq!(
        ok_last(
            &mut s,
            &format!("kubectl expose pod {pod} --port 80 --name one")
        ),
        "service/one exposed\n"
    );
    let yaml = ok_last(&mut s, "kubectl get svc one -o yaml");
    assert!(yaml.contains("app: web"), "{yaml}");
    assert!(yaml.contains("pod-template-hash: "), "{yaml}");
}

#[test]
fn expose_errors_are_kubectls_and_change_nothing() {
    let setup = format!("{CLUSTER}\nkubectl create deployment web --image=nginx:1.27-alpine");
    assert_fails_and_changes_nothing(
        &setup,
        "kubectl expose deployment web",
        "couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples",
    );
    assert_fails_and_changes_nothing(
        &setup,
        "kubectl expose deployment nope --port 80",
        "Error from server (NotFound): deployments.apps \"nope\" not found",
    );
    assert_fails_and_changes_nothing(
        &setup,
        "kubectl expose node node-1 --port 80",
        "cannot expose a Node",
    );
    assert_fails_and_changes_nothing(
        &setup,
        "kubectl expose",
        "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
    );
    assert_fails_and_changes_nothing(
        &setup,
        "kubectl expose deployment web --port 80 --selector 'app!=x'",
        "couldn't parse the selector string \"app!=x\": only equality-based requirements (key=value) are supported",
    );
    assert_fails_and_changes_nothing(
        &format!("{setup}\nkubectl expose deployment web --port 80"),
        "kubectl expose deployment web --port 80",
        "Error from server (AlreadyExists): services \"web\" already exists",
    );
    assert_fails_and_changes_nothing(
        &setup,
        "kubectl expose deployment web --port 0",
        "The Service \"web\" is invalid: \n* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
    );
    assert_fails_and_changes_nothing(
        &setup,
        "kubectl expose deployment web --port 80 --bogus",
        "unknown flag: --bogus\nSee 'kubectl expose --help' for usage.",
    );
}

#[test]
fn a_selector_with_match_expressions_cannot_be_exposed() {
    assert_fails_and_changes_nothing(
        &format!(
            "{CLUSTER}\ncat > x.yaml <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: x
spec:
  selector:
    matchLabels:
      app: x
    matchExpressions:
    - key: tier
      operator: In
      values: [a, b]
  template:
    metadata:
      labels:
        app: x
        tier: a
    spec:
      containers:
      - name: web
        image: nginx:1.27-alpine
EOF
kubectl apply -f x.yaml"
        ),
        "kubectl expose deployment x --port 80",
        "couldn't retrieve selectors via --selector flag or introspection: couldn't convert expressions - \"[{Key:tier Operator:In Values:[a b]}]\" to map-based selector format",
    );
}

const DRY_DEPLOYMENT: &str = "apiVersion: apps/v1
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
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.27-alpine
        name: nginx
        resources: {}
status: {}
";

const DRY_SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: web
status:
  loadBalancer: {}
";

#[test]
fn client_dry_runs_print_what_kubectl_prints_and_change_nothing() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    let rv = |s: &Session| {
        s.sim()
            .cluster()
            .expect("a cluster")
            .store
            .resource_version()
    };
    let before = rv(&s);
    let printed = ok_last(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27-alpine --dry-run=client -o yaml",
    );
    assert_eq!(printed, DRY_DEPLOYMENT);
    assert_eq!(
        ok_last(
            &mut s,
            "kubectl create deployment web --image=nginx:1.27-alpine --dry-run=client"
        ),
        "deployment.apps/web created (dry run)\n"
    );
    let store = &s.sim().cluster().expect("a cluster").store;
    assert!(store
        .list(sim_core::cluster::api::ObjectKind::Deployment, None)
        .next()
        .is_none());
    assert_eq!(before, rv(&s), "a dry run writes nothing");

    // What a learner does with it: save it, apply it, expose it the same way.
    ok(
        &mut s,
        "kubectl create deployment web --image=nginx:1.27-alpine --port=80 --dry-run=client -o yaml > web.yaml\n\
         kubectl apply -f web.yaml",
    );
    assert_eq!(
        ok_last(
            &mut s,
            "kubectl expose deployment web --dry-run=client -o yaml"
        ),
        DRY_SERVICE
    );
    ok(
        &mut s,
        "kubectl expose deployment web --dry-run=client -o yaml > svc.yaml\nkubectl apply -f svc.yaml",
    );
    let svc = ok_last(&mut s, "kubectl get svc web");
    assert!(svc.contains("80/TCP"), "{svc}");
}

#[test]
fn bad_dry_run_values_are_errors_that_change_nothing() {
    let setup = CLUSTER;
    assert_fails_and_changes_nothing(
        setup,
        "kubectl create deployment web --image=nginx --dry-run=maybe",
        "Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".",
    );
    assert_fails_and_changes_nothing(
        setup,
        "kubectl create deployment web --image=nginx --dry-run=client -o wide",
        "unable to match a printer suitable for the output format \"wide\", allowed formats are: json,name,yaml",
    );
}

#[test]
fn creating_with_an_output_format_prints_the_stored_object() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    assert_eq!(
        ok_last(
            &mut s,
            "kubectl create deployment web --image=nginx:1.27-alpine --port=80 -o name"
        ),
        "deployment.apps/web\n"
    );
    let yaml = ok_last(&mut s, "kubectl expose deployment web -o yaml");
    // As stored: server fields and defaults, not the client's dry-run object.
    assert!(yaml.contains("  clusterIP: 10.96."), "{yaml}");
    assert!(yaml.contains("  uid: "), "{yaml}");
    assert!(yaml.contains("  sessionAffinity: None\n"), "{yaml}");
    assert_fails_and_changes_nothing(
        CLUSTER,
        "kubectl create deployment web --image=nginx -o wide",
        "unable to match a printer suitable for the output format \"wide\", allowed formats are: json,name,yaml",
    );
}
