//! The EndpointSlice controller (pkg/controller/endpointslice): for each Service with a
//! selector, the pods it selects become endpoints (one per pod with an IP, not Succeeded or
//! Failed; terminating pods stay, `ready: false`, `serving` as their Ready condition says),
//! grouped by the ports they resolve to and packed at most [`MAX_ENDPOINTS_PER_SLICE`] to a
//! slice. The reconcile follows the real one: endpoints stay in the slice they are in, slices
//! left empty are deleted, new endpoints fill slices being updated anyway, then an unchanged
//! slice with room for all of them, then new slices; a Service without endpoints keeps one
//! placeholder slice with neither ports nor endpoints. A sync that finds everything as it
//! should be changes nothing. The controller emits no Kubernetes Events on success, so its
//! writes are store notes.

use std::collections::{BTreeMap, BTreeSet};

use super::{as_pod, Change, Why};
use crate::cluster::api::{
    ConditionStatus, Endpoint, EndpointConditions, EndpointPort, EndpointSlice, IntOrString,
    Object, ObjectKind, ObjectReference, OwnerReference, Pod, PodPhase, Protocol, Service,
    ServicePort, StringMap,
};
use crate::cluster::store::{Key, Store};
use crate::time::SimTime;

/// Most endpoints in one slice (kube-controller-manager's `--max-endpoints-per-slice` default).
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// The label naming a slice's Service (`discoveryv1.LabelServiceName`).
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
/// The label naming the controller that manages a slice (`discoveryv1.LabelManagedBy`).
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
/// This controller's value of [`LABEL_MANAGED_BY`].
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
/// The label marking slices of a headless Service (`v1.IsHeadlessService`).
const LABEL_HEADLESS: &str = "service.kubernetes.io/headless";
/// A node's zone (`v1.LabelTopologyZone`).
const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

/// The slices this controller manages for `service` (by their two labels), in name order.
pub fn slices_of<'a>(store: &'a Store, service: &Service) -> Vec<&'a EndpointSlice> {
    store
        .list(ObjectKind::EndpointSlice, Some(&service.metadata.namespace))
        .filter_map(|o| match o {
            Object::EndpointSlice(s) => Some(s.as_ref()),
            _ => None,
        })
        .filter(|s| {
            let l = &s.metadata.labels;
            l.get(LABEL_SERVICE_NAME) == Some(&service.metadata.name)
                && l.get(LABEL_MANAGED_BY).map(String::as_str) == Some(CONTROLLER_NAME)
        })
        .collect()
}

/// Whether a Service's selector (a plain label map) selects `labels`. A Service without a
/// selector selects nothing: its endpoints are managed by hand.
pub fn selects(service: &Service, labels: &StringMap) -> bool {
    !service.spec.selector.is_empty()
        && service
            .spec
            .selector
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
}

/// Whether a pod is published as an endpoint (`endpointutil.ShouldPodBeInEndpoints` with
/// terminating pods included, as the EndpointSlice controller calls it): it has an IP and has
/// not ended.
pub fn publishes(pod: &Pod) -> bool {
    !pod.status.pod_ip.is_empty()
        && !matches!(
            pod.status.phase,
            Some(PodPhase::Succeeded) | Some(PodPhase::Failed)
        )
}

fn is_ready(pod: &Pod) -> bool {
    pod.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
}

fn tcp_or(p: &Option<Protocol>) -> Protocol {
    p.clone().unwrap_or(Protocol::Tcp)
}

/// The pod's port for a Service port (`podutil.FindPort`): a number is itself; a name is the
/// container port of that name and protocol; `None` when no container has it (the port is left
/// out for that pod). An unset targetPort is the Service port (the API server's default).
pub fn find_port(pod: &Pod, sp: &ServicePort) -> Option<i32> {
    match &sp.target_port {
        None => Some(sp.port),
        Some(IntOrString::Int(0)) => Some(sp.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => pod
            .spec
            .containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .find(|p| &p.name == name && tcp_or(&p.protocol) == tcp_or(&sp.protocol))
            .map(|p| p.container_port),
    }
}

/// The endpoint ports of a pod for the Service (`getEndpointPorts`), in the Service's order.
fn endpoint_ports(service: &Service, pod: &Pod) -> Vec<EndpointPort> {
    service
        .spec
        .ports
        .iter()
        .filter_map(|sp| {
            find_port(pod, sp).map(|port| EndpointPort {
                name: Some(sp.name.clone()),
                protocol: Some(tcp_or(&sp.protocol)),
                port: Some(port),
                app_protocol: sp.app_protocol.clone(),
            })
        })
        .collect()
}

/// The endpoint of a pod (`podToEndpoint`).
fn endpoint_of(store: &Store, service: &Service, pod: &Pod) -> Endpoint {
    let serving = is_ready(pod);
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = service.spec.publish_not_ready_addresses || (serving && !terminating);
    let zone = (!pod.spec.node_name.is_empty())
        .then(|| store.get(&Key::new(ObjectKind::Node, "", &pod.spec.node_name)))
        .flatten()
        .and_then(|n| n.metadata().labels.get(LABEL_ZONE))
        .filter(|z| !z.is_empty())
        .cloned();
    Endpoint {
        addresses: vec![pod.status.pod_ip.clone()],
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        },
        hostname: None,
        target_ref: Some(ObjectReference {
            kind: "Pod".into(),
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
            ..ObjectReference::default()
        }),
        node_name: (!pod.spec.node_name.is_empty()).then(|| pod.spec.node_name.clone()),
        zone,
    }
}

/// Which pod an endpoint stands for (its targetRef's name; the address otherwise).
fn endpoint_id(e: &Endpoint) -> String {
    e.target_ref
        .as_ref()
        .map(|r| r.name.clone())
        .unwrap_or_else(|| e.addresses.join(","))
}

/// A set of ports as a map key (EndpointPort is not ordered; its JSON is).
fn ports_key(ports: &[EndpointPort]) -> String {
    serde_json::to_string(ports).unwrap_or_default()
}

/// The labels of a Service's slices: the Service's own, then the controller's two (and the
/// headless mark), as `setEndpointSliceLabels` sets them.
fn slice_labels(service: &Service) -> StringMap {
    let mut labels = service.metadata.labels.clone();
    labels.remove(LABEL_HEADLESS);
    labels.insert(LABEL_SERVICE_NAME.into(), service.metadata.name.clone());
    labels.insert(LABEL_MANAGED_BY.into(), CONTROLLER_NAME.into());
    if service.spec.cluster_ip == "None" {
        labels.insert(LABEL_HEADLESS.into(), String::new());
    }
    labels
}

/// A new slice for the Service (`newEndpointSlice`): generateName `SERVICE-`, the labels, the
/// controller ownerReference.
fn new_slice(service: &Service, ports: Vec<EndpointPort>) -> EndpointSlice {
    let mut s = EndpointSlice::named(&service.metadata.namespace, "");
    s.metadata.generate_name = format!("{}-", service.metadata.name);
    s.metadata.labels = slice_labels(service);
    s.metadata.owner_references = vec![OwnerReference {
        api_version: "v1".into(),
        kind: "Service".into(),
        name: service.metadata.name.clone(),
        uid: service.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }]
    .into();
    s.address_type = "IPv4".into();
    s.ports = ports;
    s
}

fn sort_endpoints(endpoints: &mut [Endpoint]) {
    endpoints.sort_by_key(endpoint_id);
}

/// `3 endpoint(s), 2 ready` for the notes.
fn counted(endpoints: &[Endpoint]) -> String {
    let ready = endpoints
        .iter()
        .filter(|e| e.conditions.ready == Some(true))
        .count();
    format!("{} endpoint(s), {ready} ready", endpoints.len())
}

/// One sync of the Service at `service` (`syncService` → `reconcile`).
pub fn sync(store: &Store, service: &Key, _now: SimTime) -> Vec<Change> {
    let Some(Object::Service(svc)) = store.get(service) else {
        return Vec::new();
    };
    if svc.metadata.deletion_timestamp.is_some() || svc.spec.selector.is_empty() {
        return Vec::new();
    }
    // The endpoints wanted, by port set, each by pod.
    let mut desired: BTreeMap<String, (Vec<EndpointPort>, BTreeMap<String, Endpoint>)> =
        BTreeMap::new();
    for pod in store
        .list(ObjectKind::Pod, Some(&svc.metadata.namespace))
        .filter_map(as_pod)
        .filter(|p| selects(svc, &p.metadata.labels) && publishes(p))
    {
        let ports = endpoint_ports(svc, pod);
        let e = endpoint_of(store, svc, pod);
        desired
            .entry(ports_key(&ports))
            .or_insert_with(|| (ports, BTreeMap::new()))
            .1
            .insert(endpoint_id(&e), e);
    }
    let existing = slices_of(store, svc);
    let labels = slice_labels(svc);
    let name = &svc.metadata.name;
    let mut changes = Vec::new();
    let mut deleted = Vec::new();
    let mut kept = 0;
    let mut by_ports: BTreeMap<String, Vec<&EndpointSlice>> = BTreeMap::new();
    for s in &existing {
        by_ports.entry(ports_key(&s.ports)).or_default().push(s);
    }
    for (key, slices) in by_ports {
        let Some((_, wanted)) = desired.get_mut(&key) else {
            deleted.extend(slices);
            continue;
        };
        // 1. Keep the endpoints still wanted in the slice they are in, updated.
        let mut to_update: Vec<EndpointSlice> = Vec::new();
        let mut unchanged: Vec<&EndpointSlice> = Vec::new();
        for s in slices {
            let mut kept_here = Vec::new();
            let mut updated = false;
            for e in &s.endpoints {
                if let Some(w) = wanted.remove(&endpoint_id(e)) {
                    updated |= &w != e;
                    kept_here.push(w);
                }
            }
            if updated || kept_here.len() != s.endpoints.len() {
                if kept_here.is_empty() {
                    deleted.push(s);
                } else {
                    let mut u = s.clone();
                    u.endpoints = kept_here;
                    u.metadata.labels = labels.clone();
                    to_update.push(u);
                }
            } else if s.metadata.labels != labels {
                let mut u = s.clone();
                u.metadata.labels = labels.clone();
                to_update.push(u);
            } else {
                unchanged.push(s);
            }
        }
        // 2. Fill the slices being updated anyway, fullest first.
        to_update.sort_by(|a, b| {
            b.endpoints
                .len()
                .cmp(&a.endpoints.len())
                .then_with(|| a.metadata.name.cmp(&b.metadata.name))
        });
        for u in &mut to_update {
            while u.endpoints.len() < MAX_ENDPOINTS_PER_SLICE {
                let Some((_, e)) = wanted.pop_first() else {
                    break;
                };
                u.endpoints.push(e);
            }
        }
        // 3. What is left: whole new slices, then the unchanged slice with the least room that
        //    holds the rest, or one more new slice.
        let mut created: Vec<Vec<Endpoint>> = Vec::new();
        while !wanted.is_empty() {
            if wanted.len() >= MAX_ENDPOINTS_PER_SLICE {
                let chunk: Vec<Endpoint> = (0..MAX_ENDPOINTS_PER_SLICE)
                    .filter_map(|_| wanted.pop_first().map(|(_, e)| e))
                    .collect();
                created.push(chunk);
                continue;
            }
            let rest = wanted.len();
            let fit = unchanged
                .iter()
                .enumerate()
                .filter(|(_, s)| MAX_ENDPOINTS_PER_SLICE.saturating_sub(s.endpoints.len()) >= rest)
                .max_by(|(_, a), (_, b)| {
                    a.endpoints
                        .len()
                        .cmp(&b.endpoints.len())
                        .then_with(|| b.metadata.name.cmp(&a.metadata.name))
                })
                .map(|(i, _)| i);
            let rest: Vec<Endpoint> = std::mem::take(wanted).into_values().collect();
            match fit {
                Some(i) => {
                    let mut u = unchanged.remove(i).clone();
                    u.endpoints.extend(rest);
                    to_update.push(u);
                }
                None => created.push(rest),
            }
        }
        kept += to_update.len() + unchanged.len() + created.len();
        for mut u in to_update {
            sort_endpoints(&mut u.endpoints);
            let n = counted(&u.endpoints);
            let slice_name = u.metadata.name.clone();
            changes.push(Change::Update {
                object: Object::EndpointSlice(Box::new(u)),
                why: Why::Note(format!(
                    "endpointslice.discovery.k8s.io/{slice_name} updated for service/{name}: {n}"
                )),
            });
        }
        let ports = desired
            .get(&key)
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        for mut endpoints in created {
            sort_endpoints(&mut endpoints);
            let n = counted(&endpoints);
            let mut s = new_slice(svc, ports.clone());
            s.endpoints = endpoints;
            changes.push(create(s, name, &n));
        }
    }
    // Port sets no existing slice has.
    for (key, (ports, wanted)) in &desired {
        if existing.iter().any(|s| &ports_key(&s.ports) == key) {
            continue;
        }
        let all: Vec<Endpoint> = wanted.values().cloned().collect();
        for chunk in all.chunks(MAX_ENDPOINTS_PER_SLICE) {
            kept += 1;
            let mut s = new_slice(svc, ports.clone());
            s.endpoints = chunk.to_vec();
            let n = counted(chunk);
            changes.push(create(s, name, &n));
        }
    }
    // A Service without endpoints keeps one placeholder slice (no ports, no endpoints).
    if kept == 0 {
        let placeholder = new_slice(svc, Vec::new());
        match deleted.iter().position(|s| is_placeholder(s, &placeholder)) {
            Some(i) => {
                deleted.remove(i);
            }
            None => changes.push(create(placeholder, name, "no endpoints")),
        }
    }
    let mut seen = BTreeSet::new();
    for s in deleted {
        if !seen.insert(s.metadata.name.clone()) {
            continue;
        }
        changes.push(Change::Delete {
            key: Key::new(
                ObjectKind::EndpointSlice,
                &s.metadata.namespace,
                &s.metadata.name,
            ),
            why: Why::Note(format!(
                "endpointslice.discovery.k8s.io/{} deleted for service/{name}: no endpoints left in it",
                s.metadata.name
            )),
        });
    }
    changes
}

/// The creation of a slice of `service`, noted with what it holds.
fn create(slice: EndpointSlice, service: &str, holds: &str) -> Change {
    Change::Create {
        object: Object::EndpointSlice(Box::new(slice)),
        generate_name: true,
        why: Why::Note(format!(
            "endpointslice.discovery.k8s.io/{{name}} created for service/{service}: {holds}"
        )),
    }
}

/// Whether an existing slice is the placeholder the controller would create now (same labels,
/// no ports, no endpoints: `placeholderSliceCompare`).
fn is_placeholder(existing: &EndpointSlice, placeholder: &EndpointSlice) -> bool {
    existing.ports.is_empty()
        && existing.endpoints.is_empty()
        && existing.address_type == placeholder.address_type
        && existing.metadata.labels == placeholder.metadata.labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::api::ServiceSpec;

    fn service(store: &mut Store) -> Key {
        let mut s = Service::named("default", "web");
        s.spec = ServiceSpec {
            selector: [("app".to_string(), "web".to_string())].into(),
            ports: vec![ServicePort {
                port: 80,
                target_port: Some(IntOrString::Int(8080)),
                ..ServicePort::default()
            }],
            ..ServiceSpec::default()
        };
        store.create(s.into(), SimTime(0))
    }

    fn pod(store: &mut Store, name: &str, ip: &str, ready: bool) {
        let mut p = Pod::named("default", name);
        p.metadata.labels.insert("app".into(), "web".into());
        p.spec.node_name = "node-1".into();
        p.status.pod_ip = ip.into();
        p.status.phase = Some(PodPhase::Running);
        p.status.conditions.push(
            crate::cluster::api::PodConditionFields {
                type_: "Ready".into(),
                status: if ready {
                    ConditionStatus::True
                } else {
                    ConditionStatus::False
                },
                ..Default::default()
            }
            .into(),
        );
        store.create(p.into(), SimTime(0));
    }

    /// Applies a sync's changes to the store as the simulation would (names generated from a
    /// counter instead of the RNG).
    fn apply(store: &mut Store, changes: Vec<Change>) {
        for (i, c) in changes.into_iter().enumerate() {
            match c {
                Change::Create { mut object, .. } => {
                    let base = object.metadata().generate_name.clone();
                    object.metadata_mut().name = format!("{base}{i}");
                    store.create(object, SimTime(0));
                }
                Change::Update { object, .. } => {
                    store.update(object);
                }
                Change::Delete { key, .. } => {
                    store.remove(&key);
                }
            }
        }
    }

    #[test]
    fn a_sync_with_nothing_changed_returns_no_changes() {
        let mut store = Store::default();
        let svc = service(&mut store);
        pod(&mut store, "web-a", "10.244.1.2", true);
        pod(&mut store, "web-b", "10.244.1.3", false);
        let first = sync(&store, &svc, SimTime(0));
        assert_eq!(first.len(), 1, "{first:?}");
        apply(&mut store, first);
        assert_eq!(sync(&store, &svc, SimTime(0)), Vec::new());
    }

    #[test]
    fn a_service_without_pods_gets_one_placeholder_slice_and_keeps_it() {
        let mut store = Store::default();
        let svc = service(&mut store);
        let changes = sync(&store, &svc, SimTime(0));
        let [Change::Create { object, .. }] = changes.as_slice() else {
            panic!("{changes:?}");
        };
        let Object::EndpointSlice(s) = object else {
            panic!("{object:?}");
        };
        assert!(s.ports.is_empty() && s.endpoints.is_empty());
        apply(&mut store, changes);
        assert_eq!(sync(&store, &svc, SimTime(0)), Vec::new());
    }

    #[test]
    fn endpoints_stay_in_their_slice_and_new_ones_join_it() {
        let mut store = Store::default();
        let svc = service(&mut store);
        pod(&mut store, "web-b", "10.244.1.3", true);
        let first = sync(&store, &svc, SimTime(0));
        apply(&mut store, first);
        pod(&mut store, "web-a", "10.244.1.2", true);
        let changes = sync(&store, &svc, SimTime(0));
        let [Change::Update { object, .. }] = changes.as_slice() else {
            panic!("{changes:?}");
        };
        let Object::EndpointSlice(s) = object else {
            panic!("{object:?}");
        };
        let ips: Vec<&str> = s
            .endpoints
            .iter()
            .map(|e| e.addresses[0].as_str())
            .collect();
        assert_eq!(ips, ["10.244.1.2", "10.244.1.3"]);
        assert_eq!(s.ports[0].port, Some(8080));
    }
}
