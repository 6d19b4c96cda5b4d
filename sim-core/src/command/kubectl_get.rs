//! `kubectl get` and `kubectl describe`: kubectl's columns, AGE format, tabwriter padding,
//! `-o wide|yaml|json|name`, `-l`, `-n`/`-A`, `--show-labels`; `get -w`/`--watch-only`, which
//! steps the simulation and prints each change of what it lists until the queue is empty or
//! [`WATCH_LIMIT_MS`] (10 minutes of simulated time) have passed (real kubectl watches until
//! Ctrl-C); and the `explain-schedule` table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::kubectl::{kerr, not_found, parse_flags, Flags};
use super::Plan;
use crate::cluster::api::{ConditionStatus, Object, ObjectKind, Pod};
use crate::cluster::scheduler::Decision;
use crate::cluster::selector::Selector;
use crate::cluster::state::Cluster;
use crate::cluster::store::Key;
use crate::error::Result;
use crate::event::EventKind;
use crate::sim::Sim;
use crate::time::SimTime;

/// kubectl's `duration.HumanDuration`: `5s`, `2m10s`, `15m`, `3h`, `5h30m`, `3d4h`, `200d`, `2y`.
pub fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        return if s.is_multiple_of(60) {
            format!("{m}m")
        } else {
            format!("{m}m{}s", s % 60)
        };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = s / 3600;
    if h < 8 {
        return if m.is_multiple_of(60) {
            format!("{h}h")
        } else {
            format!("{h}h{}m", m % 60)
        };
    }
    if h < 48 {
        return format!("{h}h");
    }
    if h < 24 * 8 {
        return if h.is_multiple_of(24) {
            format!("{}d", h / 24)
        } else {
            format!("{}d{}h", h / 24, h % 24)
        };
    }
    if h < 24 * 365 * 2 {
        return format!("{}d", h / 24);
    }
    if h < 24 * 365 * 8 {
        let dy = (h / 24) % 365;
        return if dy == 0 {
            format!("{}y", h / 24 / 365)
        } else {
            format!("{}y{dy}d", h / 24 / 365)
        };
    }
    format!("{}y", h / 24 / 365)
}

/// kubectl's tabwriter (minwidth 6, padding 3): columns left-aligned, the last not padded.
pub fn table(rows: &[Vec<String>]) -> String {
    crate::host::process::tabwrite(rows, 6, 3)
}

fn age(now: SimTime, o: &Object) -> String {
    let created = o
        .metadata()
        .creation_timestamp
        .map(|t| t.time())
        .unwrap_or(now);
    human_duration(now.as_ms().saturating_sub(created.as_ms()))
}

/// `-L` headers (kubectl's `formatLabelHeaders`): each key's last `/`-separated segment,
/// upper-cased (`app.kubernetes.io/name` → `NAME`).
fn label_column_headers(keys: &[String]) -> Vec<String> {
    keys.iter()
        .map(|k| k.rsplit('/').next().unwrap_or(k).to_uppercase())
        .collect()
}

/// `-L` cells (kubectl's `appendLabelCells`): the label's value, or empty without it.
fn label_column_cells(o: &Object, keys: &[String]) -> Vec<String> {
    keys.iter()
        .map(|k| o.metadata().labels.get(k).cloned().unwrap_or_default())
        .collect()
}

fn labels_text(o: &Object) -> String {
    let l = &o.metadata().labels;
    if l.is_empty() {
        return "<none>".into();
    }
    l.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

pub use crate::cluster::view::pod_status;

fn pod_ready(p: &Pod) -> String {
    let total = p.spec.containers.len();
    let ready = p
        .status
        .container_statuses
        .iter()
        .filter(|s| s.ready)
        .count();
    format!("{ready}/{total}")
}

/// kubectl's ROLES (printers.go `findNodeRoles`): the suffix of every
/// `node-role.kubernetes.io/ROLE` label and the value of `kubernetes.io/role`, sorted and
/// comma-joined; `<none>` without any.
fn node_roles(n: &crate::cluster::api::Node) -> String {
    let mut roles = std::collections::BTreeSet::new();
    for (k, v) in &n.metadata.labels {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    if roles.is_empty() {
        return "<none>".into();
    }
    roles.into_iter().collect::<Vec<_>>().join(",")
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

fn header(kind: ObjectKind, wide: bool) -> Vec<&'static str> {
    let mut h: Vec<&str> = match kind {
        ObjectKind::Pod => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ObjectKind::Node => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        ObjectKind::Deployment => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        ObjectKind::ReplicaSet => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        ObjectKind::Service => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        ObjectKind::EndpointSlice => vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        _ => vec!["NAME", "STATUS", "AGE"],
    };
    if wide {
        h.extend(match kind {
            ObjectKind::Pod => &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"][..],
            ObjectKind::Node => &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ][..],
            ObjectKind::Deployment | ObjectKind::ReplicaSet => {
                &["CONTAINERS", "IMAGES", "SELECTOR"][..]
            }
            ObjectKind::Service => &["SELECTOR"][..],
            _ => &[][..],
        });
    }
    h
}

fn row(now: SimTime, o: &Object, wide: bool, name: String) -> Vec<String> {
    let mut r = vec![name];
    match o {
        Object::Pod(p) => {
            let restarts: i32 = p
                .status
                .container_statuses
                .iter()
                .map(|s| s.restart_count)
                .sum();
            // kubectl 1.28+: `3 (12s ago)`, from the latest termination.
            let last = p
                .status
                .container_statuses
                .iter()
                .filter_map(|s| s.last_state.terminated.as_ref().and_then(|t| t.finished_at))
                .max();
            let restarts = match last {
                Some(t) if restarts > 0 => format!(
                    "{restarts} ({} ago)",
                    human_duration(now.as_ms().saturating_sub(t.time().as_ms()))
                ),
                _ => restarts.to_string(),
            };
            // An evicted pod shows `Evicted`, as users know it (printPod would show its killed
            // containers' reason, `Error`, on kubelets since 1.22).
            let status = if crate::cluster::kubelet::evicted(p) {
                crate::cluster::kubelet::EVICTED.to_string()
            } else {
                pod_status(p)
            };
            r.extend([pod_ready(p), status, restarts, age(now, o)]);
            if wide {
                r.extend([
                    or_none(&p.status.pod_ip),
                    or_none(&p.spec.node_name),
                    or_none(&p.status.nominated_node_name),
                    "<none>".into(),
                ]);
            }
        }
        Object::Node(n) => {
            let ready = n
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == "Ready")
                // kubectl's node printer (`printNode`): `Ready` when the condition is True,
                // `NotReady` for False and Unknown alike; `Unknown` only without the condition.
                .map_or("Unknown", |c| match c.status {
                    ConditionStatus::True => "Ready",
                    _ => "NotReady",
                });
            let mut status = ready.to_string();
            if n.spec.unschedulable {
                status.push_str(",SchedulingDisabled");
            }
            let info = n.status.node_info.clone().unwrap_or_default();
            r.extend([
                status,
                node_roles(n),
                age(now, o),
                info.kubelet_version.clone(),
            ]);
            if wide {
                let ip = n
                    .status
                    .addresses
                    .iter()
                    .find(|a| a.type_ == "InternalIP")
                    .map_or(String::new(), |a| a.address.clone());
                r.extend([
                    or_none(&ip),
                    "<none>".into(),
                    info.os_image,
                    info.kernel_version,
                    info.container_runtime_version,
                ]);
            }
        }
        Object::Deployment(d) => {
            let want = d.spec.replicas.unwrap_or(1);
            r.extend([
                format!("{}/{want}", d.status.ready_replicas),
                d.status.updated_replicas.to_string(),
                d.status.available_replicas.to_string(),
                age(now, o),
            ]);
            if wide {
                r.extend(containers_images_selector(
                    &d.spec.template,
                    d.spec.selector.as_ref(),
                ));
            }
        }
        Object::ReplicaSet(rs) => {
            r.extend([
                rs.spec.replicas.unwrap_or(1).to_string(),
                rs.status.replicas.to_string(),
                rs.status.ready_replicas.to_string(),
                age(now, o),
            ]);
            if wide {
                r.extend(containers_images_selector(
                    &rs.spec.template,
                    rs.spec.selector.as_ref(),
                ));
            }
        }
        Object::Service(s) => {
            let ports: Vec<String> = s
                .spec
                .ports
                .iter()
                .map(|p| {
                    let proto = p
                        .protocol
                        .as_ref()
                        .map_or("TCP".to_string(), |p| p.to_string());
                    match p.node_port {
                        Some(np) => format!("{}:{np}/{proto}", p.port),
                        None => format!("{}/{proto}", p.port),
                    }
                })
                .collect();
            r.extend([
                s.spec
                    .type_
                    .as_ref()
                    .map_or("ClusterIP".into(), |t| t.to_string()),
                or_none(&s.spec.cluster_ip),
                "<none>".into(),
                if ports.is_empty() {
                    "<none>".into()
                } else {
                    ports.join(",")
                },
                age(now, o),
            ]);
            if wide {
                let sel: Vec<String> = s
                    .spec
                    .selector
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                r.push(if sel.is_empty() {
                    "<none>".into()
                } else {
                    sel.join(",")
                });
            }
        }
        Object::Namespace(n) => {
            r.extend([or_none(&n.status.phase), age(now, o)]);
        }
        Object::EndpointSlice(s) => {
            r.extend([
                s.address_type.clone(),
                slice_ports(s),
                slice_endpoints(s),
                age(now, o),
            ]);
        }
        _ => r.extend([String::new(), age(now, o)]),
    }
    r
}

/// At most three items, then `+ N more...`; `<unset>` for none (kubectl's `listWithMoreString`).
fn list_with_more(items: Vec<String>) -> String {
    const MAX: usize = 3;
    if items.is_empty() {
        return "<unset>".into();
    }
    let shown = items[..items.len().min(MAX)].join(",");
    if items.len() > MAX {
        format!("{shown} + {} more...", items.len() - MAX)
    } else {
        shown
    }
}

/// The PORTS column of an EndpointSlice (`formatDiscoveryPorts`): each port's number, its name
/// when it has none, `*` when it has neither.
fn slice_ports(s: &crate::cluster::api::EndpointSlice) -> String {
    list_with_more(
        s.ports
            .iter()
            .map(|p| match (p.port, &p.name) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.clone(),
                (None, None) => "*".into(),
            })
            .collect(),
    )
}

/// The ENDPOINTS column of an EndpointSlice (`formatDiscoveryEndpoints`): every address of
/// every endpoint, ready or not.
fn slice_endpoints(s: &crate::cluster::api::EndpointSlice) -> String {
    list_with_more(
        s.endpoints
            .iter()
            .flat_map(|e| e.addresses.iter().cloned())
            .collect(),
    )
}

fn containers_images_selector(
    t: &crate::cluster::api::PodTemplateSpec,
    sel: Option<&crate::cluster::api::LabelSelector>,
) -> [String; 3] {
    let names: Vec<&str> = t.spec.containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = t.spec.containers.iter().map(|c| c.image.as_str()).collect();
    let sel = sel.map_or("<none>".to_string(), |s| {
        s.match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    });
    [names.join(","), images.join(","), sel]
}

/// `kubectl get`.
pub(super) fn get(sim: &Sim, c: &Cluster, args: &[String]) -> Result<Plan> {
    let f = parse_flags(
        "get",
        args,
        &["--label-columns"],
        &["--watch", "-w", "--watch-only"],
    )?;
    let Some((what, names)) = f.pos.split_first() else {
        return Err(kerr("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"));
    };
    let flag_on = |name: &str| f.values.get(name).is_some_and(|v| v != "false");
    let watch_only = flag_on("--watch-only");
    let watch = watch_only || flag_on("--watch") || flag_on("-w");
    let output = f.output.clone().unwrap_or_default();
    if !matches!(output.as_str(), "" | "wide" | "yaml" | "json" | "name") {
        return Err(kerr(format!(
            "error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,wide,yaml"
        )));
    }
    let selector = match &f.selector {
        Some(s) => Some(Selector::parse(s).map_err(|e| kerr(format!("error: {e}")))?),
        None => None,
    };
    // TYPE/NAME arguments.
    let (kinds, names): (Vec<ObjectKind>, Vec<String>) = if what.contains('/') {
        let mut kinds = Vec::new();
        let mut ns = Vec::new();
        for a in f.pos.iter() {
            let (k, n) = a.split_once('/').ok_or_else(|| {
                kerr("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form")
            })?;
            let k = ObjectKind::from_resource_arg(k).ok_or_else(|| {
                kerr(format!(
                    "error: the server doesn't have a resource type \"{k}\""
                ))
            })?;
            kinds.push(k);
            ns.push(n.to_string());
        }
        (kinds, ns)
    } else {
        let mut kinds = Vec::new();
        for w in what.split(',') {
            if w == "all" {
                kinds.extend([
                    ObjectKind::Pod,
                    ObjectKind::Service,
                    ObjectKind::Deployment,
                    ObjectKind::ReplicaSet,
                ]);
            } else {
                kinds.push(ObjectKind::from_resource_arg(w).ok_or_else(|| {
                    kerr(format!(
                        "error: the server doesn't have a resource type \"{w}\""
                    ))
                })?);
            }
        }
        (kinds, names.to_vec())
    };
    if watch {
        // kubectl watches one resource type (all of it, or one object of it).
        let infos = if names.is_empty() {
            kinds.len()
        } else {
            names.len()
        };
        if infos != 1 {
            return Err(kerr(format!(
                "error: watch is only supported on individual resources and resource collections, but {infos} resources were found"
            )));
        }
        if let Some(n) = names.first() {
            let key = Key::new(kinds[0], &f.ns(), n);
            if c.store.get(&key).is_none() {
                return Err(not_found(kinds[0], n));
            }
        }
        if sim.can_wait() {
            let spec = WatchSpec {
                kind: kinds[0],
                name: names.first().cloned(),
                namespace: f.ns(),
                all_namespaces: f.all_namespaces,
                selector,
                output,
                show_labels: f.show_labels,
                label_columns: f.label_columns.clone(),
                watch_only,
            };
            return Ok(watch_plan(spec));
        }
        // Run by the queue in the middle of an instant (`after`): time cannot move here, so the
        // watch is just the listing.
    }
    if kinds == [ObjectKind::Event] && names.is_empty() {
        return Ok(Plan::Output(events_table(sim, &f.ns(), f.all_namespaces)));
    }
    let paired = what.contains('/');
    let ns = f.ns();
    let all_ns = f.all_namespaces;
    let mut found: Vec<(ObjectKind, Vec<&Object>)> = Vec::new();
    let mut missing = Vec::new();
    if paired {
        for (k, n) in kinds.iter().zip(&names) {
            match c.store.get(&Key::new(*k, &ns, n)) {
                Some(o) => found.push((*k, vec![o])),
                None => missing.push(not_found(*k, n).to_string()),
            }
        }
    } else {
        for k in &kinds {
            let scope = if all_ns || !k.is_namespaced() {
                None
            } else {
                Some(ns.as_str())
            };
            let objs: Vec<&Object> = if names.is_empty() {
                c.store
                    .list(*k, scope)
                    .filter(|o| {
                        selector
                            .as_ref()
                            .is_none_or(|s| s.matches(&o.metadata().labels))
                    })
                    .collect()
            } else {
                let mut v = Vec::new();
                for n in &names {
                    match c.store.get(&Key::new(*k, &ns, n)) {
                        Some(o) => v.push(o),
                        None => missing.push(not_found(*k, n).to_string()),
                    }
                }
                v
            };
            found.push((*k, objs));
        }
    }
    if !missing.is_empty() && found.iter().all(|(_, v)| v.is_empty()) {
        return Err(kerr(missing.join("\n")));
    }
    let objects: Vec<&Object> = found.iter().flat_map(|(_, v)| v.iter().copied()).collect();
    let mut out = String::new();
    match output.as_str() {
        "yaml" | "json" => {
            use crate::cluster::manifest::{to_json, to_yaml};
            if objects.len() == 1 && !names.is_empty() {
                out = if output == "json" {
                    to_json(objects[0])
                } else {
                    to_yaml(objects[0])
                };
            } else if output == "json" {
                let items: Vec<String> = objects
                    .iter()
                    .map(|o| {
                        to_json(o)
                            .lines()
                            .map(|l| format!("        {l}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    })
                    .collect();
                out = format!(
                    "{{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n{}\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {{\n        \"resourceVersion\": \"\"\n    }}\n}}",
                    items.join(",\n")
                );
            } else {
                out = String::from("apiVersion: v1\nitems:");
                if objects.is_empty() {
                    out.push_str(" []");
                }
                out.push('\n');
                for o in &objects {
                    for (i, l) in to_yaml(o).lines().enumerate() {
                        out.push_str(if i == 0 { "- " } else { "  " });
                        out.push_str(l);
                        out.push('\n');
                    }
                }
                out.push_str("kind: List\nmetadata:\n  resourceVersion: \"\"\n");
            }
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
        "name" => {
            for o in &objects {
                let _ = writeln!(out, "{}", o.display_name());
            }
        }
        _ => {
            let now = sim.now();
            let wide = output == "wide";
            let several = kinds.len() > 1;
            for (k, objs) in &found {
                if objs.is_empty() {
                    continue;
                }
                if !out.is_empty() {
                    out.push('\n');
                }
                let mut rows = Vec::new();
                let mut h: Vec<String> = header(*k, wide).into_iter().map(String::from).collect();
                if all_ns && k.is_namespaced() {
                    h.insert(0, "NAMESPACE".into());
                }
                h.extend(label_column_headers(&f.label_columns));
                if f.show_labels {
                    h.push("LABELS".into());
                }
                rows.push(h);
                for o in objs {
                    let name = if several {
                        format!("{}/{}", k.singular_with_group(), o.name())
                    } else {
                        o.name().to_string()
                    };
                    let mut r = row(now, o, wide, name);
                    if all_ns && k.is_namespaced() {
                        r.insert(0, o.metadata().namespace.clone());
                    }
                    r.extend(label_column_cells(o, &f.label_columns));
                    if f.show_labels {
                        r.push(labels_text(o));
                    }
                    rows.push(r);
                }
                out.push_str(&table(&rows));
            }
            if objects.is_empty() && missing.is_empty() {
                let namespaced = kinds.iter().any(|k| k.is_namespaced());
                out = if all_ns || !namespaced {
                    "No resources found\n".into()
                } else {
                    format!("No resources found in {ns} namespace.\n")
                };
            }
        }
    }
    for m in missing {
        out.push_str(&m);
        out.push('\n');
    }
    Ok(Plan::Output(out))
}

/// One row of `kubectl get events` for a log entry, if it is a Kubernetes Event in scope.
fn event_row(now: SimTime, e: &crate::event::Event, ns: &str, all: bool) -> Option<Vec<String>> {
    let EventKind::KubeEvent {
        reason, warning, ..
    } = &e.kind
    else {
        return None;
    };
    // Objects outside `default` are named `ns/name` in the log; nodes are cluster-scoped.
    let (event_ns, name) = match e.object.name.split_once('/') {
        Some((n, rest)) => (n, rest),
        None => ("default", e.object.name.as_str()),
    };
    if !all && event_ns != ns {
        return None;
    }
    let mut r = vec![
        human_duration(now.as_ms().saturating_sub(e.time.as_ms())),
        if *warning { "Warning" } else { "Normal" }.to_string(),
        reason.clone(),
        format!("{}/{name}", e.object.kind),
        e.message.clone(),
    ];
    if all {
        r.insert(0, event_ns.to_string());
    }
    Some(r)
}

fn events_header(all: bool) -> Vec<String> {
    let mut h: Vec<String> = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        .map(String::from)
        .to_vec();
    if all {
        h.insert(0, "NAMESPACE".into());
    }
    h
}

/// `kubectl get events`: the Kubernetes events of the log, oldest first.
fn events_table(sim: &Sim, ns: &str, all: bool) -> String {
    let now = sim.now();
    let mut rows: Vec<Vec<String>> = sim
        .log()
        .iter()
        .filter_map(|e| event_row(now, e, ns, all))
        .collect();
    if rows.is_empty() {
        return if all {
            "No resources found\n".into()
        } else {
            format!("No resources found in {ns} namespace.\n")
        };
    }
    rows.insert(0, events_header(all));
    table(&rows)
}

/// The longest `kubectl get -w` watches, in simulated time. Real kubectl watches until Ctrl-C;
/// the sandbox stops when nothing is left on the queue or after these 10 minutes.
pub const WATCH_LIMIT_MS: u64 = 600_000;

/// What one `kubectl get -w` watches and how it prints.
struct WatchSpec {
    kind: ObjectKind,
    /// One object (`kubectl get pod NAME -w`), or every object of the kind in scope.
    name: Option<String>,
    namespace: String,
    all_namespaces: bool,
    selector: Option<Selector>,
    output: String,
    show_labels: bool,
    label_columns: Vec<String>,
    watch_only: bool,
}

impl WatchSpec {
    /// The objects the watch lists now, by key.
    fn listed<'a>(&self, c: &'a Cluster) -> Vec<&'a Object> {
        if let Some(n) = &self.name {
            let key = Key::new(self.kind, &self.namespace, n);
            return c.store.get(&key).into_iter().collect();
        }
        let scope = if self.all_namespaces || !self.kind.is_namespaced() {
            None
        } else {
            Some(self.namespace.as_str())
        };
        c.store
            .list(self.kind, scope)
            .filter(|o| {
                self.selector
                    .as_ref()
                    .is_none_or(|s| s.matches(&o.metadata().labels))
            })
            .collect()
    }

    /// The objects listed now that are new or changed since `seen` (by resourceVersion), and
    /// those of `seen` no longer listed (deleted, or no longer matching), in key order;
    /// `seen` is brought up to date. Only what changed is copied.
    fn changes(&self, c: &Cluster, seen: &mut BTreeMap<Key, Object>) -> Vec<Object> {
        let mut changed: BTreeMap<Key, Object> = BTreeMap::new();
        let mut present = BTreeSet::new();
        for o in self.listed(c) {
            let k = Key::of(o);
            let same = seen
                .get(&k)
                .is_some_and(|b| b.metadata().resource_version == o.metadata().resource_version);
            if !same {
                seen.insert(k.clone(), o.clone());
                changed.insert(k.clone(), o.clone());
            }
            present.insert(k);
        }
        let gone: Vec<Key> = seen
            .keys()
            .filter(|k| !present.contains(*k))
            .cloned()
            .collect();
        for k in gone {
            if let Some(o) = seen.remove(&k) {
                changed.insert(k, o);
            }
        }
        changed.into_values().collect()
    }

    fn all_ns_column(&self) -> bool {
        self.all_namespaces && self.kind.is_namespaced()
    }

    fn header(&self) -> Vec<String> {
        let mut h: Vec<String> = header(self.kind, self.output == "wide")
            .into_iter()
            .map(String::from)
            .collect();
        if self.kind == ObjectKind::Event {
            h = events_header(self.all_namespaces);
        }
        if self.all_ns_column() {
            h.insert(0, "NAMESPACE".into());
        }
        h.extend(label_column_headers(&self.label_columns));
        if self.show_labels {
            h.push("LABELS".into());
        }
        h
    }

    fn row(&self, now: SimTime, o: &Object) -> Vec<String> {
        let mut r = row(now, o, self.output == "wide", o.name().to_string());
        if self.all_ns_column() {
            r.insert(0, o.metadata().namespace.clone());
        }
        r.extend(label_column_cells(o, &self.label_columns));
        if self.show_labels {
            r.push(labels_text(o));
        }
        r
    }

    /// Prints objects as one flush of kubectl's printer: the header the first time, then the
    /// rows (each flush is its own tabwriter, so a row printed later is padded on its own, not
    /// aligned with the header); documents for `-o yaml|json|name` (`---` between YAML ones).
    fn print(&self, now: SimTime, objects: &[&Object], printed: &mut usize) -> String {
        let mut out = String::new();
        match self.output.as_str() {
            "yaml" => {
                for o in objects {
                    if *printed > 0 {
                        out.push_str("---\n");
                    }
                    out.push_str(&crate::cluster::manifest::to_yaml(o));
                    if !out.ends_with('\n') {
                        out.push('\n');
                    }
                    *printed += 1;
                }
            }
            "json" => {
                for o in objects {
                    out.push_str(&crate::cluster::manifest::to_json(o));
                    if !out.ends_with('\n') {
                        out.push('\n');
                    }
                    *printed += 1;
                }
            }
            "name" => {
                for o in objects {
                    let _ = writeln!(out, "{}", o.display_name());
                    *printed += 1;
                }
            }
            _ => {
                if objects.is_empty() {
                    return out;
                }
                let mut rows = Vec::new();
                if *printed == 0 {
                    rows.push(self.header());
                }
                rows.extend(objects.iter().map(|o| self.row(now, o)));
                *printed += objects.len();
                out.push_str(&table(&rows));
            }
        }
        out
    }
}

/// `kubectl get -w`: prints what `get` lists (not with `--watch-only`), then steps the
/// simulation as the real command waits on its watch, printing an object again each instant it
/// changed (a deleted object, or one that no longer matches the selector, one last time).
/// Real kubectl watches until Ctrl-C; here the watch ends when nothing is left on the queue or
/// after [`WATCH_LIMIT_MS`] of simulated time, or where a replay pauses.
fn watch_plan(spec: WatchSpec) -> Plan {
    Plan::Effect(Box::new(move |sim, _id| {
        let deadline = sim.now().plus_ms(WATCH_LIMIT_MS);
        let mut out = String::new();
        let mut printed = 0;
        if spec.kind == ObjectKind::Event && spec.name.is_none() {
            return watch_events(sim, &spec, deadline);
        }
        let mut seen: BTreeMap<Key, Object> = BTreeMap::new();
        let initial = sim
            .cluster()
            .map(|c| spec.changes(c, &mut seen))
            .unwrap_or_default();
        if !spec.watch_only {
            let initial: Vec<&Object> = initial.iter().collect();
            out.push_str(&spec.print(sim.now(), &initial, &mut printed));
        }
        while !sim.is_paused() && sim.next_time().is_some_and(|t| t <= deadline) {
            sim.step();
            out.push_str(&std::mem::take(&mut sim.scheduled_output));
            let changed = sim
                .cluster()
                .map(|c| spec.changes(c, &mut seen))
                .unwrap_or_default();
            // Each change is its own watch notification: one flush per object.
            for o in &changed {
                out.push_str(&spec.print(sim.now(), &[o], &mut printed));
            }
        }
        out
    }))
}

/// `kubectl get events -w`: the events so far, then each new one as it is recorded.
fn watch_events(sim: &mut Sim, spec: &WatchSpec, deadline: SimTime) -> String {
    let ns = spec.namespace.as_str();
    let all = spec.all_namespaces;
    let mut out = String::new();
    let mut header_done = false;
    let mut flush = |out: &mut String, mut rows: Vec<Vec<String>>| {
        if rows.is_empty() {
            return;
        }
        if !header_done {
            rows.insert(0, events_header(all));
            header_done = true;
        }
        out.push_str(&table(&rows));
    };
    let mut from = sim.log().len();
    if !spec.watch_only {
        let now = sim.now();
        let rows = sim
            .log()
            .iter()
            .filter_map(|e| event_row(now, e, ns, all))
            .collect();
        flush(&mut out, rows);
    }
    while !sim.is_paused() && sim.next_time().is_some_and(|t| t <= deadline) {
        sim.step();
        out.push_str(&std::mem::take(&mut sim.scheduled_output));
        let now = sim.now();
        // Each event is its own watch notification: one flush per row.
        let new: Vec<Vec<String>> = sim.log()[from..]
            .iter()
            .filter_map(|e| event_row(now, e, ns, all))
            .collect();
        from = sim.log().len();
        for r in new {
            flush(&mut out, vec![r]);
        }
    }
    out
}

/// The Events section of `kubectl describe`: the object's Kubernetes events from the log.
fn events_of(sim: &Sim, key: &Key) -> String {
    let r = key.object_ref();
    let now = sim.now();
    let rows: Vec<Vec<String>> = sim
        .log()
        .iter()
        .filter(|e| e.object == r)
        .filter_map(|e| match &e.kind {
            EventKind::KubeEvent {
                reason,
                source,
                warning,
            } => Some(vec![
                if *warning { "Warning" } else { "Normal" }.to_string(),
                reason.clone(),
                human_duration(now.as_ms().saturating_sub(e.time.as_ms())),
                source.clone(),
                e.message.clone(),
            ]),
            _ => None,
        })
        .collect();
    if rows.is_empty() {
        return "Events:            <none>\n".into();
    }
    let mut all = vec![
        ["Type", "Reason", "Age", "From", "Message"]
            .map(String::from)
            .to_vec(),
        ["----", "------", "----", "----", "-------"]
            .map(String::from)
            .to_vec(),
    ];
    all.extend(rows);
    let mut out = String::from("Events:\n");
    for line in table(&all).lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}

fn map_text(m: &crate::cluster::api::StringMap, indent: usize) -> String {
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(&format!("\n{}", " ".repeat(indent)))
}

/// Annotations as describe prints them (`key: value`), without kubectl's last-applied one.
fn annotations_text(m: &crate::cluster::api::StringMap, indent: usize) -> String {
    let shown: Vec<String> = m
        .iter()
        .filter(|(k, _)| k.as_str() != super::kubectl_apply::LAST_APPLIED)
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    if shown.is_empty() {
        return "<none>".into();
    }
    shown.join(&format!("\n{}", " ".repeat(indent)))
}

/// A time as `kubectl describe` prints it (`Mon, 02 Jan 2006 15:04:05 -0700`).
fn describe_time(t: crate::time::SimTime) -> String {
    let text = crate::cluster::api::Timestamp::at(t).to_rfc3339();
    // `2025-01-01T00:02:00Z`
    let num = |a: usize, b: usize| {
        text.get(a..b)
            .and_then(|x| x.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let (y, mo, d) = (num(0, 4), num(5, 7), num(8, 10));
    // Sakamoto's day of the week (0 = Sunday).
    const T: [i64; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let yy = if mo < 3 { y - 1 } else { y };
    let dow =
        (yy + yy / 4 - yy / 100 + yy / 400 + T[((mo - 1).clamp(0, 11)) as usize] + d).rem_euclid(7);
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {:02} {} {} {} +0000",
        DAYS[dow as usize],
        d,
        MONTHS[((mo - 1).clamp(0, 11)) as usize],
        y,
        text.get(11..19).unwrap_or("00:00:00")
    )
}

/// `kubectl describe node`'s Conditions table (tabwriter columns, two spaces apart).
fn node_conditions(n: &crate::cluster::api::Node, renewed: crate::time::SimTime) -> String {
    let created = n
        .metadata
        .creation_timestamp
        .map_or(crate::time::SimTime::ZERO, |t| t.time());
    let mut rows = vec![[
        "Type".to_string(),
        "Status".into(),
        "LastHeartbeatTime".into(),
        "LastTransitionTime".into(),
        "Reason".into(),
        "Message".into(),
    ]];
    rows.push(rows[0].clone().map(|h| "-".repeat(h.len())));
    for c in &n.status.conditions {
        rows.push([
            c.type_.clone(),
            c.status.to_string(),
            // A reporting kubelet's conditions carry its latest heartbeat; the ones the node
            // controller set to Unknown keep the last one it saw.
            describe_time(match c.status {
                ConditionStatus::Unknown => c.last_heartbeat_time.map_or(created, |t| t.time()),
                _ => renewed,
            }),
            describe_time(c.last_transition_time.map_or(created, |t| t.time())),
            c.reason.clone(),
            c.message.clone(),
        ]);
    }
    let mut widths = [0usize; 6];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::from("Conditions:\n");
    for r in &rows {
        let mut l = String::from("  ");
        for (i, cell) in r.iter().enumerate() {
            if i + 1 == r.len() {
                l.push_str(cell);
            } else {
                l.push_str(&format!("{cell:<w$}  ", w = widths[i]));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out
}

/// `kubectl describe`.
pub(super) fn describe(sim: &Sim, c: &Cluster, args: &[String]) -> Result<Plan> {
    let f: Flags = parse_flags("describe", args, &[], &[])?;
    let (kind, name) = match f.pos.as_slice() {
        [one] if one.contains('/') => {
            let (k, n) = one.split_once('/').unwrap_or_default();
            (k.to_string(), n.to_string())
        }
        [k, n] => (k.clone(), n.clone()),
        _ => {
            return Err(kerr(
                "error: describe needs KIND NAME (this sandbox describes one object at a time)",
            ))
        }
    };
    let kind = ObjectKind::from_resource_arg(&kind).ok_or_else(|| {
        kerr(format!(
            "error: the server doesn't have a resource type \"{kind}\""
        ))
    })?;
    let key = Key::new(kind, &f.ns(), &name);
    let Some(o) = c.store.get(&key) else {
        return Err(not_found(kind, &name));
    };
    match o {
        Object::Service(svc) => return Ok(Plan::Output(describe_service(sim, c, &key, svc))),
        Object::EndpointSlice(eps) => {
            return Ok(Plan::Output(describe_endpoint_slice(sim, &key, eps)))
        }
        _ => {}
    }
    let m = o.metadata();
    let mut out = String::new();
    let line = |out: &mut String, k: &str, v: &str| {
        let _ = writeln!(out, "{:<18}{v}", format!("{k}:"));
    };
    line(&mut out, "Name", &m.name);
    if kind.is_namespaced() {
        line(&mut out, "Namespace", &m.namespace);
    }
    match o {
        Object::Pod(p) => {
            line(
                &mut out,
                "Priority",
                &p.spec.priority.unwrap_or(0).to_string(),
            );
            line(
                &mut out,
                "Service Account",
                &or_default(&p.spec.service_account_name, "default"),
            );
            let node = if p.spec.node_name.is_empty() {
                "<none>".to_string()
            } else {
                format!("{}/{}", p.spec.node_name, p.status.host_ip.as_str())
            };
            line(&mut out, "Node", &node);
            line(&mut out, "Labels", &map_text(&m.labels, 18));
            line(
                &mut out,
                "Annotations",
                &annotations_text(&m.annotations, 18),
            );
            if crate::cluster::kubelet::evicted(p) {
                // kubectl describe prints the phase, then the kubelet's reason and message.
                line(&mut out, "Status", "Failed");
                line(&mut out, "Reason", &p.status.reason);
                line(&mut out, "Message", &p.status.message);
            } else {
                line(&mut out, "Status", &pod_status(p));
            }
            line(&mut out, "IP", &p.status.pod_ip);
            if let Some(r) = m.controller_ref() {
                line(&mut out, "Controlled By", &format!("{}/{}", r.kind, r.name));
            }
            out.push_str("Containers:\n");
            for (i, ctr) in p.spec.containers.iter().enumerate() {
                let _ = writeln!(out, "  {}:", ctr.name);
                let _ = writeln!(out, "    Image:          {}", ctr.image);
                let st = p.status.container_statuses.get(i);
                let state = st.map_or("Waiting".to_string(), |s| {
                    if s.state.running.is_some() {
                        "Running".into()
                    } else if let Some(w) = &s.state.waiting {
                        format!("Waiting\n      Reason:       {}", w.reason)
                    } else {
                        "Terminated".into()
                    }
                });
                let _ = writeln!(out, "    State:          {state}");
                let _ = writeln!(out, "    Ready:          {}", st.is_some_and(|s| s.ready));
                let _ = writeln!(
                    out,
                    "    Restart Count:  {}",
                    st.map_or(0, |s| s.restart_count)
                );
            }
            out.push_str("Conditions:\n  Type              Status\n");
            for cnd in &p.status.conditions {
                let _ = writeln!(out, "  {:<18}{}", cnd.type_, cnd.status);
            }
        }
        Object::Node(n) => {
            line(&mut out, "Roles", "<none>");
            line(&mut out, "Labels", &map_text(&m.labels, 18));
            let taints: Vec<String> = n.spec.taints.iter().map(|t| t.to_string()).collect();
            line(
                &mut out,
                "Taints",
                &if taints.is_empty() {
                    "<none>".to_string()
                } else {
                    taints.join(&format!("\n{}", " ".repeat(18)))
                },
            );
            line(&mut out, "Unschedulable", &n.spec.unschedulable.to_string());
            let renewed = crate::cluster::nodelifecycle::renew_time(c, &n.metadata.name, sim.now());
            out.push_str("Lease:\n");
            let _ = writeln!(out, "  HolderIdentity:  {}", n.metadata.name);
            out.push_str("  AcquireTime:     <unset>\n");
            let _ = writeln!(out, "  RenewTime:       {}", describe_time(renewed));
            out.push_str(&node_conditions(n, renewed));
            out.push_str("Capacity:\n");
            for (k, v) in &n.status.capacity {
                let _ = writeln!(out, "  {k}:  {v}");
            }
            out.push_str("Allocatable:\n");
            for (k, v) in &n.status.allocatable {
                let _ = writeln!(out, "  {k}:  {v}");
            }
            let pods: Vec<&Pod> = c
                .store
                .list(ObjectKind::Pod, None)
                .filter_map(crate::cluster::controllers::as_pod)
                .filter(|p| p.spec.node_name == n.metadata.name)
                // kubectl's field selector: `status.phase!=Failed,status.phase!=Succeeded`
                // (an evicted pod is not listed).
                .filter(|p| {
                    !matches!(
                        p.status.phase,
                        Some(crate::cluster::api::PodPhase::Failed)
                            | Some(crate::cluster::api::PodPhase::Succeeded)
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "Non-terminated Pods:          ({} in total)",
                pods.len()
            );
            for p in pods {
                let _ = writeln!(out, "  {}/{}", p.metadata.namespace, p.metadata.name);
            }
            if let Some(engine) = c.engines.get(&n.metadata.name) {
                let _ = writeln!(
                    out,
                    "Images:                       ({} on the node)",
                    engine.tags.len()
                );
                for t in engine.tags.keys() {
                    let _ = writeln!(out, "  {t}");
                }
            }
        }
        Object::Deployment(d) => {
            line(&mut out, "Labels", &map_text(&m.labels, 18));
            line(
                &mut out,
                "Annotations",
                &annotations_text(&m.annotations, 18),
            );
            line(
                &mut out,
                "Selector",
                &d.spec
                    .selector
                    .as_ref()
                    .map_or("<none>".into(), |s| s.to_string()),
            );
            let s = &d.status;
            line(
                &mut out,
                "Replicas",
                &format!(
                    "{} desired | {} updated | {} total | {} available | {} unavailable",
                    d.spec.replicas.unwrap_or(1),
                    s.updated_replicas,
                    s.replicas,
                    s.available_replicas,
                    s.unavailable_replicas
                ),
            );
            line(
                &mut out,
                "StrategyType",
                d.spec
                    .strategy
                    .type_
                    .as_ref()
                    .map_or("RollingUpdate", |t| t.as_str()),
            );
            let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
            let pct = |v: Option<crate::cluster::api::IntOrString>| {
                v.map_or("25%".to_string(), |v| v.to_string())
            };
            let _ = writeln!(
                out,
                "RollingUpdateStrategy:  {} max unavailable, {} max surge",
                pct(ru.max_unavailable),
                pct(ru.max_surge)
            );
            out.push_str("Pod Template:\n  Containers:\n");
            for ctr in &d.spec.template.spec.containers {
                let _ = writeln!(out, "   {}:\n    Image:        {}", ctr.name, ctr.image);
            }
            let rss = crate::cluster::controllers::deployment::owned_replicasets(&c.store, d);
            let hash = crate::cluster::controllers::deployment::template_hash(&d.spec.template);
            let (new, old): (Vec<_>, Vec<_>) = rss.iter().partition(|rs| {
                rs.metadata
                    .labels
                    .get(crate::cluster::controllers::POD_TEMPLATE_HASH)
                    == Some(&hash)
            });
            let fmt = |v: &Vec<&&crate::cluster::api::ReplicaSet>| {
                if v.is_empty() {
                    "<none>".to_string()
                } else {
                    v.iter()
                        .map(|rs| {
                            format!(
                                "{} ({}/{} replicas created)",
                                rs.metadata.name,
                                rs.status.replicas,
                                rs.spec.replicas.unwrap_or(1)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            if !d.status.conditions.is_empty() {
                let mut rows = vec![
                    ["Type", "Status", "Reason"].map(String::from).to_vec(),
                    ["----", "------", "------"].map(String::from).to_vec(),
                ];
                for c in &d.status.conditions {
                    rows.push(vec![
                        c.type_.clone(),
                        c.status.to_string(),
                        c.reason.clone(),
                    ]);
                }
                out.push_str("Conditions:\n");
                for l in table(&rows).lines() {
                    let _ = writeln!(out, "  {l}");
                }
            }
            line(&mut out, "OldReplicaSets", &fmt(&old));
            line(&mut out, "NewReplicaSet", &fmt(&new));
        }
        Object::ReplicaSet(rs) => {
            line(
                &mut out,
                "Selector",
                &rs.spec
                    .selector
                    .as_ref()
                    .map_or("<none>".into(), |s| s.to_string()),
            );
            line(&mut out, "Labels", &map_text(&m.labels, 18));
            if let Some(r) = m.controller_ref() {
                line(&mut out, "Controlled By", &format!("{}/{}", r.kind, r.name));
            }
            line(
                &mut out,
                "Replicas",
                &format!(
                    "{} current / {} desired",
                    rs.status.replicas,
                    rs.spec.replicas.unwrap_or(1)
                ),
            );
        }
        _ => {
            line(&mut out, "Labels", &map_text(&m.labels, 18));
        }
    }
    out.push_str(&events_of(sim, &key));
    Ok(Plan::Output(out))
}

/// Go's `text/tabwriter` as `kubectl describe` sets it up (minwidth 0, padding 2): every
/// tab-terminated cell is padded to the widest cell of its column among the consecutive lines
/// that have that column.
fn tabbed(text: &str) -> String {
    const PADDING: usize = 2;
    let cells: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    let mut widths: Vec<Vec<usize>> = cells.iter().map(|c| vec![0; c.len()]).collect();
    fn format(
        cells: &[Vec<&str>],
        widths: &mut [Vec<usize>],
        col: usize,
        start: usize,
        end: usize,
    ) {
        let mut i = start;
        while i < end {
            if cells[i].len() <= col + 1 {
                i += 1;
                continue;
            }
            let mut j = i;
            let mut w = 0;
            while j < end && cells[j].len() > col + 1 {
                w = w.max(cells[j][col].chars().count());
                j += 1;
            }
            for row in widths.iter_mut().take(j).skip(i) {
                row[col] = w + PADDING;
            }
            format(cells, widths, col + 1, i, j);
            i = j;
        }
    }
    format(&cells, &mut widths, 0, 0, cells.len());
    let mut out = String::new();
    for (row, ws) in cells.iter().zip(&widths) {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                out.push_str(&" ".repeat(ws[i].saturating_sub(cell.chars().count())));
            }
        }
        out.push('\n');
    }
    out
}

/// Labels as `printLabelsMultiline` writes them: the first after the tab, the others on lines
/// of their own, in the same column.
fn multiline(title: &str, items: &[String]) -> String {
    match items.split_first() {
        None => format!("{title}:\t<none>\n"),
        Some((first, rest)) => {
            let mut out = format!("{title}:\t{first}\n");
            for r in rest {
                out.push_str(&format!("\t{r}\n"));
            }
            out
        }
    }
}

fn label_items(m: &crate::cluster::api::StringMap) -> Vec<String> {
    m.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

fn annotation_items(m: &crate::cluster::api::StringMap) -> Vec<String> {
    m.iter()
        .filter(|(k, _)| k.as_str() != super::kubectl_apply::LAST_APPLIED)
        .map(|(k, v)| format!("{k}: {v}"))
        .collect()
}

/// The Events section for a tabbed describe: `Events:\t<none>` joins the tabwriter block
/// above it, a table stands on its own.
fn tabbed_with_events(sim: &Sim, key: &Key, mut text: String) -> String {
    let events = events_of(sim, key);
    if events.starts_with("Events:") && events.trim_end().ends_with("<none>") {
        text.push_str("Events:\t<none>\n");
        tabbed(&text)
    } else {
        let mut out = tabbed(&text);
        out.push_str(&events);
        out
    }
}

/// The ready endpoints of a Service port as `kubectl describe service` lists them
/// (`formatEndpointSlices` with the port's name): `IP:port` of ready endpoints, three then
/// `+ N more...`; `<none>` when the Service has no slices at all.
pub fn service_endpoints(
    slices: &[&crate::cluster::api::EndpointSlice],
    port_name: &str,
) -> String {
    const MAX: usize = 3;
    if slices.is_empty() {
        return "<none>".into();
    }
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count: usize = 0;
    for s in slices {
        // kubectl's quirk, kept: `more` is set by any endpoint past the third, ready or not.
        let mut visit = |e: &crate::cluster::api::Endpoint, port: Option<i32>| {
            if list.len() == MAX {
                more = true;
            }
            if !e.conditions.ready.unwrap_or(true) {
                return;
            }
            if !more {
                let addr = e.addresses.first().cloned().unwrap_or_default();
                list.push(match port {
                    Some(p) => format!("{addr}:{p}"),
                    None => addr,
                });
            }
            count += 1;
        };
        if s.ports.is_empty() {
            for e in &s.endpoints {
                visit(e, None);
            }
        } else {
            for p in &s.ports {
                if p.name.as_deref().unwrap_or("") != port_name {
                    continue;
                }
                for e in &s.endpoints {
                    visit(e, Some(p.port.unwrap_or(0)));
                }
            }
        }
    }
    let ret = list.join(",");
    if more {
        format!("{ret} + {} more...", count.saturating_sub(MAX))
    } else {
        ret
    }
}

/// `kubectl describe service` (kubectl 1.31 `describeService`, endpoints from EndpointSlices).
fn describe_service(
    sim: &Sim,
    c: &Cluster,
    key: &Key,
    svc: &crate::cluster::api::Service,
) -> String {
    let m = &svc.metadata;
    let sp = &svc.spec;
    let mut t = format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace);
    t.push_str(&multiline("Labels", &label_items(&m.labels)));
    t.push_str(&multiline("Annotations", &annotation_items(&m.annotations)));
    let selector = label_items(&sp.selector).join(",");
    t.push_str(&format!("Selector:\t{selector}\n"));
    let type_ = sp.type_.as_ref().map_or("ClusterIP", |t| t.as_str());
    t.push_str(&format!("Type:\t{type_}\n"));
    if let Some(p) = &sp.ip_family_policy {
        t.push_str(&format!("IP Family Policy:\t{p}\n"));
    }
    t.push_str(&format!(
        "IP Families:\t{}\n",
        if sp.ip_families.is_empty() {
            "<none>".to_string()
        } else {
            sp.ip_families.join(",")
        }
    ));
    t.push_str(&format!("IP:\t{}\n", sp.cluster_ip));
    t.push_str(&format!(
        "IPs:\t{}\n",
        if sp.cluster_ips.is_empty() {
            "<none>".to_string()
        } else {
            sp.cluster_ips.join(",")
        }
    ));
    if !sp.external_ips.is_empty() {
        t.push_str(&format!("External IPs:\t{}\n", sp.external_ips.join(",")));
    }
    if !sp.external_name.is_empty() {
        t.push_str(&format!("External Name:\t{}\n", sp.external_name));
    }
    // Every slice labelled with the Service's name, as kubectl lists them.
    let slices: Vec<&crate::cluster::api::EndpointSlice> = c
        .store
        .list(ObjectKind::EndpointSlice, Some(&m.namespace))
        .filter_map(|o| match o {
            Object::EndpointSlice(s) => Some(s.as_ref()),
            _ => None,
        })
        .filter(|s| {
            s.metadata
                .labels
                .get(crate::cluster::controllers::endpointslice::LABEL_SERVICE_NAME)
                == Some(&m.name)
        })
        .collect();
    for p in &sp.ports {
        let name = if p.name.is_empty() {
            "<unset>"
        } else {
            p.name.as_str()
        };
        let proto = p.protocol.as_ref().map_or("TCP", |p| p.as_str());
        t.push_str(&format!("Port:\t{name}\t{}/{proto}\n", p.port));
        let target = p
            .target_port
            .clone()
            .unwrap_or(crate::cluster::api::IntOrString::Int(p.port));
        t.push_str(&format!("TargetPort:\t{target}/{proto}\n"));
        if let Some(app) = &p.app_protocol {
            t.push_str(&format!("AppProtocol:\t{app}\n"));
        }
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            t.push_str(&format!("NodePort:\t{name}\t{np}/{proto}\n"));
        }
        t.push_str(&format!(
            "Endpoints:\t{}\n",
            service_endpoints(&slices, &p.name)
        ));
    }
    t.push_str(&format!(
        "Session Affinity:\t{}\n",
        sp.session_affinity.as_deref().unwrap_or("None")
    ));
    if let Some(p) = &sp.external_traffic_policy {
        t.push_str(&format!("External Traffic Policy:\t{p}\n"));
    }
    if let Some(p) = &sp.internal_traffic_policy {
        t.push_str(&format!("Internal Traffic Policy:\t{p}\n"));
    }
    tabbed_with_events(sim, key, t)
}

/// `kubectl describe endpointslice` (`describeEndpointSliceV1`).
fn describe_endpoint_slice(
    sim: &Sim,
    key: &Key,
    eps: &crate::cluster::api::EndpointSlice,
) -> String {
    let m = &eps.metadata;
    let mut t = format!("Name:\t{}\nNamespace:\t{}\n", m.name, m.namespace);
    t.push_str(&multiline("Labels", &label_items(&m.labels)));
    t.push_str(&multiline("Annotations", &annotation_items(&m.annotations)));
    t.push_str(&format!("AddressType:\t{}\n", eps.address_type));
    if eps.ports.is_empty() {
        t.push_str("Ports: <unset>\n");
    } else {
        t.push_str("Ports:\n  Name\tPort\tProtocol\n  ----\t----\t--------\n");
        for p in &eps.ports {
            let name = p
                .name
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or("<unset>");
            let port = p.port.map_or("<unset>".to_string(), |n| n.to_string());
            let proto = p.protocol.as_ref().map_or("", |p| p.as_str());
            t.push_str(&format!("  {name}\t{port}\t{proto}\n"));
        }
    }
    if eps.endpoints.is_empty() {
        t.push_str("Endpoints: <none>\n");
    } else {
        t.push_str("Endpoints:\n");
        let unset = |v: &Option<String>| v.clone().unwrap_or_else(|| "<unset>".into());
        for e in &eps.endpoints {
            let addrs = if e.addresses.is_empty() {
                "<none>".to_string()
            } else {
                e.addresses.join(", ")
            };
            t.push_str(&format!("  - Addresses:\t{addrs}\n    Conditions:\n"));
            let ready = e
                .conditions
                .ready
                .map_or("<unset>".to_string(), |r| r.to_string());
            t.push_str(&format!("      Ready:\t{ready}\n"));
            t.push_str(&format!("    Hostname:\t{}\n", unset(&e.hostname)));
            if let Some(r) = &e.target_ref {
                t.push_str(&format!("    TargetRef:\t{}/{}\n", r.kind, r.name));
            }
            t.push_str(&format!("    NodeName:\t{}\n", unset(&e.node_name)));
            t.push_str(&format!("    Zone:\t{}\n", unset(&e.zone)));
        }
    }
    tabbed_with_events(sim, key, t)
}

fn or_default(s: &str, d: &str) -> String {
    if s.is_empty() {
        d.into()
    } else {
        s.into()
    }
}

/// The `explain-schedule` table: per node, each filter's verdict and each score.
pub fn explain(pod: &Key, d: &Decision) -> String {
    let mut out = format!(
        "Pod {}/{}: {} nodes, {} evaluated from index {} (looking for {} feasible), {} feasible\n",
        pod.namespace,
        pod.name,
        d.all_nodes,
        d.evaluated,
        d.start_index,
        d.nodes_to_find,
        d.feasible
    );
    let mut rows = vec![vec![
        "NODE".to_string(),
        "FILTERS".into(),
        "SCORES (plugin raw→normalised×weight)".into(),
        "TOTAL".into(),
    ]];
    if d.nodes.is_empty() && d.evaluated > 0 {
        let _ = writeln!(
            out,
            "(per-node verdicts and scores are kept for the {} most recent scheduling decisions \
             on a cluster of {} nodes, and for none above {} nodes; this one has only its summary)",
            crate::cluster::state::full_decisions(d.all_nodes as usize),
            d.all_nodes,
            crate::cluster::state::FULL_RECORD_MAX_NODES
        );
    }
    for n in &d.nodes {
        let filters: Vec<String> = n
            .filters
            .iter()
            .map(|v| match v.code {
                None => format!("{}:ok", v.plugin.name()),
                Some(_) => format!("{}:{}", v.plugin.name(), v.reasons.join("; ")),
            })
            .collect();
        let scores: Vec<String> = n
            .scores
            .iter()
            .filter(|s| !s.skipped)
            .map(|s| {
                format!(
                    "{} {}→{}×{}",
                    s.plugin.name(),
                    s.raw,
                    s.normalized,
                    s.weight
                )
            })
            .collect();
        rows.push(vec![
            n.node.clone(),
            filters.join(", "),
            if scores.is_empty() {
                "-".into()
            } else {
                scores.join(", ")
            },
            n.total.map_or("-".into(), |t| t.to_string()),
        ]);
    }
    if rows.len() > 1 {
        out.push_str(&table(&rows));
    }
    if d.not_considered_count > 0 {
        let _ = writeln!(
            out,
            "{} node(s) not considered (enough feasible nodes found)",
            d.not_considered_count
        );
    }
    match (&d.selected, &d.message) {
        (Some(s), _) => {
            let _ = writeln!(
                out,
                "Selected: {}{}",
                s.node,
                match (s.total, s.tied) {
                    (None, _) => " (the only feasible node: no scoring)".to_string(),
                    (Some(t), 1) => format!(" (total {t})"),
                    (Some(t), n) => format!(" (total {t}, tie among {n} broken at random)"),
                }
            );
        }
        (None, Some(m)) => {
            let _ = writeln!(out, "Unschedulable: {m}");
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_print_like_kubectl() {
        for (ms, text) in [
            (5_000, "5s"),
            (119_000, "119s"),
            (130_000, "2m10s"),
            (600_000, "10m"),
            (3 * 3_600_000, "3h"),
            (5 * 3_600_000 + 30 * 60_000, "5h30m"),
            (50 * 3_600_000, "2d2h"),
        ] {
            assert_eq!(human_duration(ms), text);
        }
    }

    #[test]
    fn tables_pad_like_kubectls_tabwriter() {
        let t = table(&[
            vec!["NAME".into(), "READY".into(), "AGE".into()],
            vec!["web".into(), "1/1".into(), "5s".into()],
        ]);
        assert_eq!(t, "NAME   READY   AGE\nweb    1/1     5s\n");
    }
}
