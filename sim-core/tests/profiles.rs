//! "Runs anywhere": `cluster create --profile local|onprem|cloud` shapes the cluster like kind on
//! a laptop, racks of servers, or three zones of a cloud region; the same manifest applies
//! unchanged to each, and on `cloud` a zone topology spread puts replicas in every zone.

use std::collections::BTreeMap;

use sim_core::cluster::api::{Object, ObjectKind};
use sim_core::{Session, SimConfig};

mod common;
use common::ok;

fn session() -> Session {
    Session::new(SimConfig { seed: 5 })
}

const APP: &str = "cat > web.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 6
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: ScheduleAnyway
        labelSelector:
          matchLabels:
            app: web
      containers:
      - name: nginx
        image: nginx:1.27-alpine
        resources:
          requests:
            cpu: 250m
            memory: 128Mi
EOF
kubectl apply -f web.yaml
run 2m";

fn node_labels(s: &Session) -> BTreeMap<String, BTreeMap<String, String>> {
    s.sim()
        .cluster()
        .unwrap()
        .store
        .list(ObjectKind::Node, None)
        .map(|o| {
            let m = o.metadata();
            (
                m.name.clone(),
                m.labels
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            )
        })
        .collect()
}

/// Ready pods of the app per value of `label` on their node.
fn ready_per(s: &Session, label: &str) -> BTreeMap<String, usize> {
    let labels = node_labels(s);
    let mut out = BTreeMap::new();
    for o in s
        .sim()
        .cluster()
        .unwrap()
        .store
        .list(ObjectKind::Pod, Some("default"))
    {
        let Object::Pod(p) = o else { continue };
        let ready = p
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status.to_string() == "True");
        if !ready {
            continue;
        }
        let v = labels
            .get(&p.spec.node_name)
            .and_then(|l| l.get(label))
            .cloned()
            .unwrap_or_default();
        *out.entry(v).or_insert(0) += 1;
    }
    out
}

#[test]
fn the_local_profile_is_one_schedulable_kind_node() {
    let mut s = session();
    let out = ok(&mut s, "cluster create --profile local");
    assert!(out.contains("kind-control-plane"), "{out}");
    let labels = node_labels(&s);
    assert_eq!(
        labels.keys().collect::<Vec<_>>(),
        vec!["kind-control-plane"]
    );
    assert!(labels["kind-control-plane"].contains_key("node-role.kubernetes.io/control-plane"));
    let nodes = ok(&mut s, "kubectl get nodes");
    assert!(nodes.contains("kind-control-plane"), "{nodes}");
    ok(&mut s, APP);
    assert_eq!(
        ready_per(&s, "kubernetes.io/hostname")
            .values()
            .sum::<usize>(),
        6
    );
}

#[test]
fn get_nodes_shows_roles_from_node_role_labels() {
    let mut s = session();
    ok(&mut s, "cluster create --profile local --nodes 2");
    let nodes = ok(&mut s, "kubectl get nodes");
    assert!(
        nodes.contains("kind-control-plane   Ready    control-plane   0s    v1.31.0\n"),
        "{nodes}"
    );
    assert!(
        nodes.contains("kind-worker          Ready    <none>"),
        "{nodes}"
    );
    // `kubernetes.io/role=VALUE` counts too, and roles are sorted and comma-joined.
    ok(
        &mut s,
        "kubectl label node kind-worker kubernetes.io/role=ingress node-role.kubernetes.io/worker=",
    );
    let nodes = ok(&mut s, "kubectl get nodes");
    assert!(
        nodes.contains("kind-worker          Ready    ingress,worker"),
        "{nodes}"
    );
}

#[test]
fn each_profile_speaks_as_the_tool_that_makes_such_a_cluster() {
    let mut s = session();
    let local = ok(&mut s, "cluster create --profile local");
    assert!(
        local.starts_with("Creating cluster \"kind\" ..."),
        "{local}"
    );
    assert!(local.contains(" ✓ 1 node Ready ("), "{local}");
    assert!(
        local.ends_with("Set kubectl context to \"kind-kind\"\n"),
        "{local}"
    );
    let created = |s: &Session| {
        s.sim()
            .log()
            .iter()
            .rev()
            .find(|e| e.kind.name() == "ClusterCreated")
            .map(|e| (e.object.to_string(), e.message.clone()))
            .unwrap()
    };
    let (object, message) = created(&s);
    assert_eq!(object, "cluster/kind");
    assert!(
        message.starts_with("cluster kind created: 1 node of "),
        "{message}"
    );
    ok(&mut s, "cluster delete");

    let onprem = ok(&mut s, "cluster create --profile onprem");
    assert!(!onprem.contains("kind"), "{onprem}");
    assert!(
        onprem.contains("Your Kubernetes control-plane has initialized successfully!\n"),
        "{onprem}"
    );
    assert!(
        onprem
            .contains("[join] rack-1: rack1-node1, rack1-node2, rack1-node3 joined the cluster\n"),
        "{onprem}"
    );
    assert!(
        onprem.ends_with(
            "kubectl context \"kubernetes-admin@kubernetes\" (/etc/kubernetes/admin.conf)\n"
        ),
        "{onprem}"
    );
    assert_eq!(created(&s).0, "cluster/kubernetes");
    ok(&mut s, "cluster delete");

    let cloud = ok(&mut s, "cluster create --profile cloud");
    assert!(!cloud.contains("kind"), "{cloud}");
    assert!(
        cloud.contains("[✔]  saved kubeconfig: context \"admin@sandbox.us-east-1.eksctl.io\"\n"),
        "{cloud}"
    );
    assert!(
        cloud.contains(
            "[✔]  EKS cluster \"sandbox\" in \"us-east-1\" region is ready: 6 nodes Ready ("
        ),
        "{cloud}"
    );
    assert_eq!(created(&s).0, "cluster/sandbox");
    let out = ok(&mut s, "cluster delete");
    assert!(
        out.starts_with("[ℹ]  deleting EKS cluster \"sandbox\"\n"),
        "{out}"
    );
}

#[test]
fn local_with_workers_keeps_the_control_plane_taint() {
    let mut s = session();
    ok(&mut s, "cluster create --profile local --nodes 3");
    let labels = node_labels(&s);
    assert_eq!(
        labels.keys().collect::<Vec<_>>(),
        vec!["kind-control-plane", "kind-worker", "kind-worker2"]
    );
    ok(&mut s, APP);
    let per = ready_per(&s, "kubernetes.io/hostname");
    assert_eq!(per.values().sum::<usize>(), 6);
    assert!(!per.contains_key("kind-control-plane"), "{per:?}");
}

#[test]
fn the_onprem_profile_is_racks_of_bare_metal_servers() {
    let mut s = session();
    ok(&mut s, "cluster create --profile onprem");
    let labels = node_labels(&s);
    assert_eq!(labels.len(), 6);
    let l = &labels["rack2-node3"];
    assert_eq!(l["topology.kubernetes.io/zone"], "rack-2");
    assert_eq!(l["node.kubernetes.io/instance-type"], "bare-metal");
    let describe = ok(&mut s, "kubectl describe node rack1-node1");
    assert!(describe.contains("  cpu:  16\n"), "{describe}");
    ok(&mut s, APP);
    let per = ready_per(&s, "topology.kubernetes.io/zone");
    assert_eq!(per.values().sum::<usize>(), 6);
    assert_eq!(per["rack-1"], 3, "{per:?}");
    assert_eq!(per["rack-2"], 3, "{per:?}");
}

#[test]
fn the_cloud_profile_spreads_replicas_across_three_zones() {
    let mut s = session();
    let out = ok(&mut s, "cluster create --profile cloud");
    assert!(out.contains("us-east-1b: "), "{out}");
    let labels = node_labels(&s);
    assert_eq!(labels.len(), 6);
    let l = &labels["ip-10-0-1-10.ec2.internal"];
    assert_eq!(l["topology.kubernetes.io/region"], "us-east-1");
    assert_eq!(l["topology.kubernetes.io/zone"], "us-east-1a");
    assert_eq!(l["eks.amazonaws.com/nodegroup"], "ng-general");
    assert!(labels.contains_key("ip-10-0-3-11.ec2.internal"));
    ok(&mut s, APP);
    let per = ready_per(&s, "topology.kubernetes.io/zone");
    assert_eq!(
        per,
        BTreeMap::from([
            ("us-east-1a".to_string(), 2),
            ("us-east-1b".to_string(), 2),
            ("us-east-1c".to_string(), 2),
        ])
    );
}

#[test]
fn flags_override_a_profiles_sizes() {
    let mut s = session();
    ok(
        &mut s,
        "cluster create --profile cloud --nodes 3 --cpu 8 --memory 32Gi",
    );
    let c = s.sim().cluster().unwrap();
    assert_eq!(c.engines.len(), 9);
    let describe = ok(&mut s, "kubectl describe node ip-10-0-2-12.ec2.internal");
    assert!(describe.contains("  cpu:  8\n"), "{describe}");
    assert!(describe.contains("  memory:  32Gi\n"), "{describe}");
}

#[test]
fn delete_then_create_switches_profiles_in_one_session() {
    let mut s = session();
    ok(&mut s, "cluster create --profile onprem");
    ok(&mut s, APP);
    let out = ok(&mut s, "cluster delete");
    // Spoken as kubeadm (the onprem profile's tool), not kind.
    assert!(
        out.starts_with("[reset] Reset cluster \"kubernetes\": kubeadm reset on [\"rack1-node1\""),
        "{out}"
    );
    assert!(s.sim().cluster().is_none());
    ok(&mut s, "cluster create --profile cloud");
    ok(&mut s, "kubectl apply -f web.yaml\nrun 2m");
    assert_eq!(
        ready_per(&s, "topology.kubernetes.io/zone")
            .values()
            .sum::<usize>(),
        6
    );
    // Without a cluster, delete only says so.
    let mut empty = session();
    assert_eq!(
        ok(&mut empty, "cluster delete"),
        "Deleting cluster \"kind\" ...\n"
    );
}

#[test]
fn the_profiles_are_listed_and_bad_ones_change_nothing() {
    let mut s = session();
    let list = ok(&mut s, "cluster profiles");
    for p in ["local", "onprem", "cloud"] {
        assert!(list.contains(p), "{list}");
    }
    common::assert_fails_and_changes_nothing_in(
        session(),
        "",
        "cluster create --profile moon",
        "cluster: unknown profile \"moon\": local, onprem or cloud (cluster profiles lists them)\nusage: cluster create [--nodes N] [--cpu 4] [--memory 16Gi] [--pods 110]",
    );
    common::assert_fails_and_changes_nothing_in(
        session(),
        "",
        "cluster create --profile cloud --nodes 2000",
        "cluster: --nodes 2000 makes 6000 nodes with this profile: at most 5000\nusage: cluster create [--nodes N] [--cpu 4] [--memory 16Gi] [--pods 110]",
    );
    common::assert_fails_and_changes_nothing_in(
        session(),
        "cluster create --profile local",
        "cluster create --profile cloud",
        "ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"kind\"",
    );
}

#[test]
fn the_same_profile_and_manifest_give_the_same_trace() {
    let mut a = session();
    let mut b = session();
    ok(&mut a, "cluster create --profile cloud");
    ok(&mut b, "cluster create --profile cloud");
    ok(&mut a, APP);
    ok(&mut b, APP);
    assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
}
