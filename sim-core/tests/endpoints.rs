//! Behaviour of the EndpointSlice controller through a session: a Service's slices follow the
//! pods its selector matches (ready, not ready, terminating, gone), split at 100 endpoints,
//! resolve named target ports, go with their Service; `kubectl get endpointslices` and
//! `kubectl describe service` print them as kubectl does.

use sim_core::cluster::api::{ConditionStatus, EndpointSlice, Object, ObjectKind, Pod};
use sim_core::{Session, SimConfig};

mod common;
use common::{ok, ok_last, pods_in};

/// The pods of `default`, in key order.
fn pods(s: &Session) -> Vec<Pod> {
    pods_in(s, "default")
}

fn session() -> Session {
    Session::new(SimConfig { seed: 7 })
}

const CLUSTER: &str = "cluster create --nodes 3";

/// A Deployment `web` of `replicas` pods labelled `app: web`, its container exposing port 8080
/// named `http` and a readiness delay of `ready_after_s` seconds, and a Service `web` with port
/// 80 → `target`.
fn web(replicas: u32, target: &str, ready_after_s: u32) -> String {
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
        image: nginx:1.27-alpine
        ports:
        - name: http
          containerPort: 8080
        readinessProbe:
          tcpSocket:
            port: 8080
          initialDelaySeconds: {ready_after_s}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: {target}
EOF
kubectl apply -f web.yaml"
    )
}

fn slices(s: &Session) -> Vec<EndpointSlice> {
    s.sim()
        .cluster()
        .expect("cluster")
        .store
        .list(ObjectKind::EndpointSlice, Some("default"))
        .filter_map(|o| match o {
            Object::EndpointSlice(e) => Some(e.as_ref().clone()),
            _ => None,
        })
        .collect()
}

/// (pod name, address, ready, serving, terminating) of every endpoint of every slice.
fn endpoints(s: &Session) -> Vec<(String, String, bool, bool, bool)> {
    let mut v: Vec<_> = slices(s)
        .iter()
        .flat_map(|sl| sl.endpoints.clone())
        .map(|e| {
            (
                e.target_ref.map(|r| r.name).unwrap_or_default(),
                e.addresses.join(","),
                e.conditions.ready == Some(true),
                e.conditions.serving == Some(true),
                e.conditions.terminating == Some(true),
            )
        })
        .collect();
    v.sort();
    v
}

fn ips_of_ready_pods(s: &Session) -> Vec<String> {
    let mut v: Vec<String> = pods(s)
        .iter()
        .filter(|p| {
            p.status
                .conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
        })
        .map(|p| p.status.pod_ip.clone())
        .collect();
    v.sort();
    v
}

/// kubectl's tabwriter: columns padded to the widest cell plus 3, the last not padded.
fn table(rows: &[Vec<&str>]) -> String {
    let mut widths = vec![0; rows.iter().map(Vec::len).max().unwrap_or(0)];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                out.push_str(&" ".repeat(widths[i] + 3 - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

#[test]
fn a_services_slice_lists_exactly_its_ready_pods_once_they_are_ready() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(3, "8080", 5));
    ok(&mut s, "run 30s");
    let sl = slices(&s);
    assert_eq!(sl.len(), 1);
    let slice = &sl[0];
    assert!(slice.metadata.name.starts_with("web-"));
    assert_eq!(slice.metadata.generate_name, "web-");
    assert_eq!(slice.address_type, "IPv4");
    let label = |k: &str| slice.metadata.labels.get(k).cloned().unwrap_or_default();
    assert_eq!(label("kubernetes.io/service-name"), "web");
    assert_eq!(
        label("endpointslice.kubernetes.io/managed-by"),
        "endpointslice-controller.k8s.io"
    );
    let owner = &slice.metadata.owner_references[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("Service", "web")
    );
    assert_eq!(
        (owner.controller, owner.block_owner_deletion),
        (Some(true), Some(true))
    );
    assert_eq!(slice.ports.len(), 1);
    assert_eq!(slice.ports[0].port, Some(8080));
    assert_eq!(slice.ports[0].name.as_deref(), Some(""));
    let ready = ips_of_ready_pods(&s);
    assert_eq!(ready.len(), 3);
    let eps = endpoints(&s);
    let mut addrs: Vec<String> = eps.iter().map(|e| e.1.clone()).collect();
    addrs.sort();
    assert_eq!(addrs, ready);
    assert!(eps.iter().all(|e| e.2 && e.3 && !e.4), "{eps:?}");
    // Sorted by pod name, each with its node and its pod's reference.
    let names: Vec<String> = slice
        .endpoints
        .iter()
        .map(|e| {
            e.target_ref
                .as_ref()
                .map(|r| r.name.clone())
                .unwrap_or_default()
        })
        .collect();
    let mut by_name = names.clone();
    by_name.sort();
    assert_eq!(names, by_name);
    for e in &slice.endpoints {
        let r = e.target_ref.as_ref().expect("targetRef");
        let pod = pods(&s)
            .into_iter()
            .find(|p| p.metadata.name == r.name)
            .expect("pod");
        assert_eq!((r.kind.as_str(), r.namespace.as_str()), ("Pod", "default"));
        assert_eq!(r.uid, pod.metadata.uid);
        assert_eq!(e.node_name.as_deref(), Some(pod.spec.node_name.as_str()));
        assert_eq!(e.zone, None);
    }
}

#[test]
fn pods_that_are_not_ready_yet_are_endpoints_with_ready_false() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(2, "8080", 20));
    ok(&mut s, "run 5s");
    let eps = endpoints(&s);
    assert_eq!(eps.len(), 2, "{eps:?}");
    assert!(eps.iter().all(|e| !e.2 && !e.3 && !e.4), "{eps:?}");
    assert!(ips_of_ready_pods(&s).is_empty());
    // kubectl 1.31 lists ready endpoints only; with slices but none ready the line is empty.
    let describe = ok(&mut s, "kubectl describe svc web");
    assert!(
        describe.contains("\nEndpoints:                \n"),
        "{describe}"
    );
    ok(&mut s, "run 30s");
    let eps = endpoints(&s);
    assert_eq!(eps.len(), 2);
    assert!(eps.iter().all(|e| e.2 && e.3 && !e.4), "{eps:?}");
}

#[test]
fn on_scale_down_endpoints_turn_terminating_then_leave_the_slice() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(3, "8080", 0));
    ok(&mut s, "run 30s");
    assert_eq!(endpoints(&s).len(), 3);
    ok(&mut s, "kubectl scale deployment web --replicas=1");
    let mut saw_terminating = false;
    for _ in 0..200 {
        ok(&mut s, "step");
        let eps = endpoints(&s);
        let terminating: Vec<_> = eps.iter().filter(|e| e.4).collect();
        if !terminating.is_empty() {
            saw_terminating = true;
            // Not ready for new connections, still serving the ones it has.
            assert!(terminating.iter().all(|e| !e.2 && e.3), "{eps:?}");
        }
        if s.sim().scheduled() == 0 {
            break;
        }
    }
    assert!(saw_terminating, "no endpoint was ever terminating");
    let eps = endpoints(&s);
    assert_eq!(eps.len(), 1, "{eps:?}");
    assert!(eps[0].2 && eps[0].3 && !eps[0].4);
    assert_eq!(pods(&s).len(), 1);
}

#[test]
fn deleting_the_service_removes_its_slices() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(2, "8080", 0));
    ok(&mut s, "run 10s");
    assert_eq!(slices(&s).len(), 1);
    ok(&mut s, "kubectl delete service web\nrun 1s");
    assert!(slices(&s).is_empty());
    // The pods stay, and changing them writes no slice.
    ok(&mut s, "kubectl scale deployment web --replicas=3\nrun 10s");
    assert!(slices(&s).is_empty());
}

#[test]
fn more_than_100_pods_are_split_into_two_slices() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(150, "8080", 0));
    ok(&mut s, "run 60s");
    let mut sizes: Vec<usize> = slices(&s).iter().map(|sl| sl.endpoints.len()).collect();
    sizes.sort();
    assert_eq!(sizes, [50, 100]);
    let mut all: Vec<String> = endpoints(&s).into_iter().map(|e| e.0).collect();
    all.dedup();
    assert_eq!(all.len(), 150, "each pod is in exactly one slice");
    let table = ok(&mut s, "kubectl get endpointslices");
    assert!(table.contains(" + 97 more...   "), "{table}");
    assert!(table.contains(" + 47 more...   "), "{table}");
}

#[test]
fn a_named_target_port_resolves_to_the_pods_container_port() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(2, "http", 0));
    ok(&mut s, "run 10s");
    let sl = slices(&s);
    assert_eq!(sl.len(), 1);
    assert_eq!(sl[0].ports[0].port, Some(8080));
    let describe = ok(&mut s, "kubectl describe svc web");
    assert!(
        describe.contains("\nTargetPort:               http/TCP\n"),
        "{describe}"
    );
}

#[test]
fn a_target_port_name_no_container_has_leaves_the_port_out() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(2, "metrics", 0));
    ok(&mut s, "run 10s");
    let sl = slices(&s);
    assert_eq!(sl.len(), 1);
    assert!(sl[0].ports.is_empty());
    assert_eq!(sl[0].endpoints.len(), 2);
}

#[test]
fn a_service_without_pods_keeps_a_placeholder_slice_printed_unset() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(0, "8080", 0));
    ok(&mut s, "run 5s");
    let sl = slices(&s);
    assert_eq!(sl.len(), 1);
    let name = sl[0].metadata.name.clone();
    assert_eq!(
        ok(&mut s, "kubectl get endpointslices"),
        table(&[
            vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
            vec![&name, "IPv4", "<unset>", "<unset>", "4s"],
        ])
    );
}

#[test]
fn a_service_without_a_selector_gets_no_slices_and_describes_endpoints_none() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(
        &mut s,
        "cat > db.yaml <<EOF
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
  - port: 5432
EOF
kubectl apply -f db.yaml
run 5s",
    );
    assert!(slices(&s).is_empty());
    let describe = ok(&mut s, "kubectl describe service db");
    assert!(
        describe.contains("\nEndpoints:                <none>\n"),
        "{describe}"
    );
}

#[test]
fn kubectl_get_endpointslices_prints_kubectls_columns() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(4, "8080", 0));
    ok(&mut s, "run 30s");
    let sl = slices(&s);
    assert_eq!(sl.len(), 1);
    let name = sl[0].metadata.name.clone();
    let addrs: Vec<&str> = sl[0]
        .endpoints
        .iter()
        .map(|e| e.addresses[0].as_str())
        .collect();
    let shown = format!("{},{},{} + 1 more...", addrs[0], addrs[1], addrs[2]);
    let expected = table(&[
        vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        vec![&name, "IPv4", "8080", &shown, "29s"],
    ]);
    for cmd in [
        "kubectl get endpointslices",
        "kubectl get endpointslice",
        "kubectl get endpointslices.discovery.k8s.io",
        "kubectl get EndpointSlice -l kubernetes.io/service-name=web",
    ] {
        assert_eq!(ok(&mut s, cmd), expected, "{cmd}");
    }
    assert_eq!(
        ok(&mut s, &format!("kubectl get endpointslice/{name} -o name")),
        format!("endpointslice.discovery.k8s.io/{name}\n")
    );
    let describe = ok(&mut s, &format!("kubectl describe endpointslice {name}"));
    let head = format!(
        "Name:         {name}
Namespace:    default
Labels:       endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
              kubernetes.io/service-name=web
Annotations:  <none>
AddressType:  IPv4
Ports:
  Name     Port  Protocol
  ----     ----  --------
  <unset>  8080  TCP
Endpoints:
  - Addresses:  {}
    Conditions:
      Ready:    true
    Hostname:   <unset>
",
        addrs[0]
    );
    assert!(describe.starts_with(&head), "{describe}");
}

#[test]
fn describe_service_lists_the_ready_endpoints_with_their_port() {
    let mut s = session();
    ok(&mut s, CLUSTER);
    ok(&mut s, &web(2, "8080", 0));
    ok(&mut s, "run 30s");
    let slice = &slices(&s)[0];
    let in_slice: Vec<String> = slice
        .endpoints
        .iter()
        .map(|e| format!("{}:8080", e.addresses[0]))
        .collect();
    assert_eq!(in_slice.len(), ips_of_ready_pods(&s).len());
    let describe = ok_last(&mut s, "kubectl describe svc web");
    let cluster_ip = describe
        .lines()
        .find_map(|l| l.strip_prefix("IP:"))
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    assert!(cluster_ip.starts_with("10.96."), "{describe}");
    assert_eq!(
        describe,
        format!(
            "Name:                     web
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=web
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       {cluster_ip}
IPs:                      {cluster_ip}
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
Endpoints:                {}
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
",
            in_slice.join(",")
        )
    );
}

fn script() -> String {
    format!(
        "{CLUSTER}\n{}\nrun 20s\nkubectl scale deployment web --replicas=1\nrun 20s\nkubectl delete svc web\nrun 2s",
        web(3, "http", 2)
    )
}

#[test]
fn the_same_commands_give_the_same_slices_and_trace() {
    let mut a = session();
    let mut b = session();
    ok(&mut a, &script());
    ok(&mut b, &script());
    assert_eq!(a.sim().trace_hash(), b.sim().trace_hash());
    assert_eq!(a.sim().state_fingerprint(), b.sim().state_fingerprint());
    let notes: Vec<String> = a
        .sim()
        .log()
        .iter()
        .filter(|e| e.object.kind == "endpointslice")
        .map(|e| e.message.clone())
        .collect();
    assert!(
        notes.iter().any(|m| m.contains("created for service/web")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|m| m.contains("deleted by the garbage collector")),
        "{notes:?}"
    );
}
