//! `kubectl get` and `kubectl describe`: kubectl's columns, AGE format, tabwriter padding,
//! `-o wide|yaml|json|name`, `-l`, `-n`/`-A`, `--show-labels`; and the `explain-schedule` table.

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
    let created = o.metadata().creation_timestamp.map(|t| t.0).unwrap_or(now);
    human_duration(now.as_ms().saturating_sub(created.as_ms()))
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
                    human_duration(now.as_ms().saturating_sub(t.0.as_ms()))
                ),
                _ => restarts.to_string(),
            };
            r.extend([pod_ready(p), pod_status(p), restarts, age(now, o)]);
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
                .map_or("Unknown", |c| match c.status {
                    ConditionStatus::True => "Ready",
                    ConditionStatus::False => "NotReady",
                    _ => "Unknown",
                });
            let mut status = ready.to_string();
            if n.spec.unschedulable {
                status.push_str(",SchedulingDisabled");
            }
            let info = n.status.node_info.clone().unwrap_or_default();
            r.extend([
                status,
                "<none>".into(),
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
        _ => r.extend([String::new(), age(now, o)]),
    }
    r
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
    let f = parse_flags("get", args, &[], &["--watch", "-w"])?;
    let Some((what, names)) = f.pos.split_first() else {
        return Err(kerr("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"));
    };
    if f.values.contains_key("--watch") || f.values.contains_key("-w") {
        return Err(kerr(
            "error: kubectl get --watch is not modelled in this sandbox: step or run, then get again",
        ));
    }
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

/// `kubectl get events`: the Kubernetes events of the log, oldest first.
fn events_table(sim: &Sim, ns: &str, all: bool) -> String {
    let now = sim.now();
    let mut rows = Vec::new();
    for e in sim.log() {
        let EventKind::KubeEvent {
            reason, warning, ..
        } = &e.kind
        else {
            continue;
        };
        // Objects outside `default` are named `ns/name` in the log; nodes are cluster-scoped.
        let (event_ns, name) = match e.object.name.split_once('/') {
            Some((n, rest)) => (n, rest),
            None if e.object.kind == "node" => ("default", e.object.name.as_str()),
            None => ("default", e.object.name.as_str()),
        };
        if !all && event_ns != ns {
            continue;
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
        rows.push(r);
    }
    if rows.is_empty() {
        return if all {
            "No resources found\n".into()
        } else {
            format!("No resources found in {ns} namespace.\n")
        };
    }
    let mut h: Vec<String> = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        .map(String::from)
        .to_vec();
    if all {
        h.insert(0, "NAMESPACE".into());
    }
    rows.insert(0, h);
    table(&rows)
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
                format!("{}/{}", p.spec.node_name, p.status.host_ip)
            };
            line(&mut out, "Node", &node);
            line(&mut out, "Labels", &map_text(&m.labels, 18));
            line(
                &mut out,
                "Annotations",
                &annotations_text(&m.annotations, 18),
            );
            line(&mut out, "Status", &pod_status(p));
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
            line(&mut out, "Unschedulable", &n.spec.unschedulable.to_string());
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

fn or_default(s: &str, d: &str) -> String {
    if s.is_empty() {
        d.into()
    } else {
        s.into()
    }
}

/// The `explain-schedule` table: per node, each filter's verdict and each score.
pub fn explain(d: &Decision) -> String {
    let mut out = format!(
        "Pod {}: {} nodes, {} evaluated from index {} (looking for {} feasible), {} feasible\n",
        d.pod, d.all_nodes, d.evaluated, d.start_index, d.nodes_to_find, d.feasible
    );
    let mut rows = vec![vec![
        "NODE".to_string(),
        "FILTERS".into(),
        "SCORES (plugin raw→normalised×weight)".into(),
        "TOTAL".into(),
    ]];
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
    out.push_str(&table(&rows));
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
