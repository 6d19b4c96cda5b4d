//! `kubectl apply -f FILE|DIR`: manifests from the workspace, decoded strictly
//! ([`crate::cluster::manifest`]), defaulted and validated as kube-apiserver does, every object
//! checked before any is applied (a failed command changes nothing). Each object is `created`,
//! `configured` or `unchanged`; kubectl's `last-applied-configuration` annotation is kept.
//! `kubectl diff -f` plans the same way and shows, without writing, what apply would change.

use std::collections::BTreeMap;

use super::kubectl::{check_limits, kerr};
use super::Plan;
use crate::cluster::api::{Object, ObjectKind, Timestamp};
use crate::cluster::controllers::{Change, Why};
use crate::cluster::manifest::to_yaml;
use crate::cluster::state::{self, Cluster};
use crate::cluster::store::Key;
use crate::error::Result;
use crate::limits;
use crate::sim::Sim;
use crate::time::SimTime;
use crate::workspace::{normalize, Lookup};

/// kubectl's annotation holding the last applied manifest.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The manifest files `-f` names: a file, or the `.yaml`/`.yml`/`.json` files of a directory.
fn files(sim: &Sim, args: &[String]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for a in args {
        let path = normalize("kubectl", a)?;
        match sim.workspace().lookup(&path) {
            Lookup::File(f) => {
                let text = f.as_text().ok_or_else(|| {
                    kerr(format!(
                        "error: error parsing {a}: the file is binary, not a manifest"
                    ))
                })?;
                out.push((a.clone(), text.to_string()));
            }
            Lookup::Dir => {
                let prefix = format!("{}/", path.trim_end_matches('/'));
                let mut found: Vec<(String, String)> = sim
                    .workspace()
                    .files()
                    .filter(|(p, _)| {
                        p.starts_with(&prefix)
                            && !p[prefix.len()..].contains('/')
                            && (p.ends_with(".yaml") || p.ends_with(".yml") || p.ends_with(".json"))
                    })
                    .filter_map(|(p, f)| f.as_text().map(|t| (p.to_string(), t.to_string())))
                    .collect();
                found.sort();
                if found.is_empty() {
                    return Err(kerr("error: no objects passed to apply"));
                }
                out.extend(found);
            }
            _ => {
                return Err(kerr(format!("error: the path \"{a}\" does not exist")));
            }
        }
    }
    Ok(out)
}

/// Every object of the files, with its namespace set (`-n` or `default`); nothing is checked
/// against the cluster.
pub(super) fn read_objects(sim: &Sim, args: &[String], ns: &str) -> Result<Vec<Object>> {
    let mut objects = Vec::new();
    for (name, text) in files(sim, args)? {
        // kubectl's own words first; then where in the file, which kubectl does not say but a
        // student fixing the file needs.
        let decoded = crate::cluster::manifest::decode(&name, &text).map_err(|e| {
            let mut message = e.to_string();
            if let Some((line, column)) = e.location() {
                message.push_str(&format!("\n  --> {name}:{line}:{column}"));
            }
            kerr(message)
        })?;
        for mut o in decoded {
            if o.kind().is_namespaced() {
                let m = o.metadata_mut();
                if m.namespace.is_empty() {
                    m.namespace = ns.to_string();
                } else if m.namespace != ns && ns != "default" {
                    return Err(kerr(format!(
                        "error: the namespace from the provided object \"{}\" does not match the namespace \"{ns}\". You must pass '--namespace={}' to perform this operation.",
                        m.namespace, m.namespace
                    )));
                }
            }
            objects.push(o);
            if objects.len() > limits::MAX_APPLY_OBJECTS {
                return Err(kerr(format!(
                    "error: more than {} objects in one kubectl apply: the sandbox's limit",
                    limits::MAX_APPLY_OBJECTS
                )));
            }
        }
    }
    if objects.is_empty() {
        return Err(kerr("error: no objects passed to apply"));
    }
    Ok(objects)
}

/// What `kubectl apply` (or, for `diff`, its dry run) would write: each object of the files as
/// it would be stored (defaulted, admitted, validated, merged into the live object), with
/// `created`, `configured` or `unchanged`; an object named twice counts once. Fails as apply
/// does, before anything is written.
fn plan_objects(
    sim: &Sim,
    c: &Cluster,
    cmd: &str,
    args: &[String],
) -> Result<Vec<(Object, &'static str)>> {
    let f = super::kubectl::parse_flags(cmd, args, &[], &[])?;
    if f.files.is_empty() {
        return Err(kerr("error: must specify one of -f and -k"));
    }
    if let Some(extra) = f.pos.first() {
        return Err(kerr(format!(
            "error: Unexpected args: [{extra}]\nSee 'kubectl {cmd} -h' for help and examples"
        )));
    }
    let objects = read_objects(sim, &f.files, &f.ns())?;
    let mut sources = source_objects(sim, &f.files)?.into_iter();
    let mut planned: Vec<(Object, &'static str)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for original in objects {
        let source = sources.next().flatten();
        let kind = original.kind();
        if matches!(
            kind,
            ObjectKind::Node | ObjectKind::EndpointSlice | ObjectKind::Event
        ) {
            return Err(kerr(format!(
                "error: applying {} is not modelled in this sandbox (apply Deployments, ReplicaSets, Pods, Services, Namespaces)",
                kind.plural()
            )));
        }
        let mut o = original.clone();
        let last_json = last_applied(&original, source);
        o.metadata_mut()
            .annotations
            .insert(LAST_APPLIED.into(), format!("{last_json}\n"));
        crate::cluster::defaults::apply_defaults(&mut o);
        crate::cluster::defaults::admit(&mut o);
        crate::cluster::validate::validate(&o).map_err(|e| kerr(e.to_string()))?;
        check_limits(&o)?;
        if let Some(ns) = o.namespace() {
            if c.store
                .get(&Key::new(ObjectKind::Namespace, "", ns))
                .is_none()
                && !seen.contains(&Key::new(ObjectKind::Namespace, "", ns))
            {
                return Err(kerr(format!(
                    "Error from server (NotFound): error when creating \"{}\": namespaces \"{ns}\" not found",
                    f.files.join(",")
                )));
            }
        }
        let key = Key::of(&o);
        if !seen.insert(key.clone()) {
            continue;
        }
        match c.store.get(&key) {
            None => {
                if key.kind == ObjectKind::Pod {
                    super::kubectl::check_pod_room(c)?;
                }
                planned.push((o, "created"));
            }
            Some(existing) => {
                let merged = merge(existing, o);
                check_update(existing, &merged)?;
                // Equal as the API serializes them (decoded and defaulted values may differ in
                // representation only, as an absent list and an empty one).
                if same_json(&merged, existing) {
                    planned.push((merged, "unchanged"));
                } else {
                    planned.push((merged, "configured"));
                }
            }
        }
    }
    Ok(planned)
}

/// The text of each file of `-f`, decoded again as the plain documents the user wrote (see
/// [`crate::cluster::manifest::source_documents`]), in the order of [`read_objects`].
fn source_objects(sim: &Sim, args: &[String]) -> Result<Vec<Option<serde_json::Value>>> {
    Ok(files(sim, args)?
        .into_iter()
        .flat_map(|(_, text)| crate::cluster::manifest::source_documents(&text))
        .collect())
}

/// kubectl's `last-applied-configuration` (apply.go `GetModifiedConfiguration`): the object as
/// the file had it, before any server default, with the namespace kubectl filled in and the
/// annotation itself taken out (leaving `"annotations":{}`), as compact JSON with sorted keys
/// and a final newline. Without the source (it did not convert to JSON), the decoded object.
fn last_applied(decoded: &Object, source: Option<serde_json::Value>) -> String {
    let Some(serde_json::Value::Object(mut top)) = source else {
        let mut last = decoded.clone();
        last.metadata_mut().annotations.remove(LAST_APPLIED);
        return serde_json::to_string(&last).unwrap_or_default();
    };
    let meta = top
        .entry("metadata")
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    if let serde_json::Value::Object(meta) = meta {
        if let Some(ns) = decoded.namespace() {
            meta.insert(
                "namespace".into(),
                serde_json::Value::String(ns.to_string()),
            );
        }
        let annotations = meta
            .entry("annotations")
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let serde_json::Value::Object(a) = annotations {
            a.remove(LAST_APPLIED);
        } else {
            *annotations = serde_json::Value::Object(Default::default());
        }
    }
    crate::cluster::manifest::to_compact_sorted_json(&serde_json::Value::Object(top))
}

/// `kubectl apply`.
pub(super) fn apply(sim: &Sim, c: &Cluster, args: &[String]) -> Result<Plan> {
    let planned = plan_objects(sim, c, "apply", args)?;
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let mut out = String::new();
        for (mut o, verb) in planned {
            let shown = format!("{} {verb}", o.display_name());
            out.push_str(&shown);
            out.push('\n');
            let why = Why::Note(shown);
            let change = match verb {
                "created" => {
                    allocate_cluster_ip(sim, &mut o);
                    Change::Create {
                        object: o,
                        generate_name: false,
                        why,
                    }
                }
                "configured" => Change::Update { object: o, why },
                _ => continue,
            };
            state::apply(sim, change, id);
        }
        out
    })))
}

/// The directories `kubectl diff` writes the live and the merged objects to. Real kubectl makes
/// them with random names (`/tmp/LIVE-2513085857`); the sandbox keeps its output deterministic
/// with fixed ones.
const DIFF_LIVE_DIR: &str = "/tmp/LIVE-0";
/// Where `kubectl diff` writes the merged objects (see [`DIFF_LIVE_DIR`]).
const DIFF_MERGED_DIR: &str = "/tmp/MERGED-0";

/// Lines of context around each change, as `diff -u`.
const DIFF_CONTEXT_LINES: usize = 3;

/// `kubectl diff -f FILE|DIR`: for each object of the files, the live object (as
/// `kubectl get -o yaml` prints it) beside what apply would make of it, compared as kubectl
/// does by running `diff -u -N` on two directories of one file per object, named
/// `GROUP.VERSION.KIND.NAMESPACE.NAME` (`apps.v1.Deployment.default.web`, the core group
/// leaving out its part: `v1.Service.default.web`), files in name order, identical ones not
/// shown. A new object is compared with an absent (empty) live file.
///
/// The merged object is the one apply would store, computed without storing it, like the
/// server-side dry run kubectl asks for: its generation goes up by one when its spec changes,
/// its resourceVersion stays (a dry run writes nothing); a new object gets generation 1 and a
/// creationTimestamp of now, but no uid, resourceVersion or (for a Service) cluster IP: the
/// sandbox hands those out only as it stores. The `---`/`+++` lines carry the simulated time
/// as GNU diff prints file times (the epoch for an absent file); the directory names are fixed
/// (see [`DIFF_LIVE_DIR`]).
///
/// Read-only: nothing in the simulation changes. kubectl exits 1 when it finds differences;
/// the sandbox's commands have no exit status besides success or an error, so `diff` succeeds
/// either way and prints nothing when there is no difference. Errors in the manifests are
/// apply's.
pub(super) fn diff(sim: &Sim, c: &Cluster, args: &[String]) -> Result<Plan> {
    let planned = plan_objects(sim, c, "diff", args)?;
    let now = sim.now();
    let mut files: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (mut merged, _verb) in planned {
        let key = Key::of(&merged);
        let live = c.store.get(&key);
        merged.set_type_meta();
        match live {
            None => {
                let m = merged.metadata_mut();
                m.generation = 1;
                m.creation_timestamp = Some(Timestamp::at(now));
            }
            Some(live) => {
                let bump = i64::from(spec_of(live) != spec_of(&merged));
                merged.metadata_mut().generation = live.metadata().generation + bump;
            }
        }
        let kind = key.kind;
        let version = kind.api_version().rsplit('/').next().unwrap_or("v1");
        let group = match kind.group() {
            "" => String::new(),
            g => format!("{g}."),
        };
        let name = format!(
            "{group}{version}.{}.{}.{}",
            kind.as_str(),
            key.namespace,
            key.name
        );
        let live_yaml = live.map(to_yaml).unwrap_or_default();
        files.insert(name, (live_yaml, to_yaml(&merged)));
    }
    let stamp = gnu_file_time(now);
    let mut out = String::new();
    for (name, (live, merged)) in &files {
        let hunks = super::unified_diff::hunks(live, merged, DIFF_CONTEXT_LINES);
        if hunks.is_empty() {
            continue;
        }
        let live_stamp = if live.is_empty() {
            "1970-01-01 00:00:00.000000000 +0000".to_string()
        } else {
            stamp.clone()
        };
        out.push_str(&format!(
            "diff -u -N {DIFF_LIVE_DIR}/{name} {DIFF_MERGED_DIR}/{name}\n\
             --- {DIFF_LIVE_DIR}/{name}\t{live_stamp}\n\
             +++ {DIFF_MERGED_DIR}/{name}\t{stamp}\n\
             {hunks}"
        ));
    }
    Ok(Plan::Output(out))
}

/// A time as GNU diff prints a file's modification time (`2025-01-01 00:00:10.000000000 +0000`).
fn gnu_file_time(t: SimTime) -> String {
    let ms = i64::try_from(t.as_ms()).unwrap_or(i64::MAX);
    let rfc = crate::image::config::rfc3339(ms);
    let date_time = rfc.trim_end_matches('Z').replacen('T', " ", 1);
    format!("{date_time}.{:03}000000 +0000", ms.rem_euclid(1000))
}

/// The part of an object whose change bumps its generation: the spec, or for kinds without
/// one everything but metadata and status (the store's rule).
fn spec_of(o: &Object) -> Option<serde_json::Value> {
    let mut v = serde_json::to_value(o).ok()?;
    if let Some(spec) = v.get("spec") {
        return Some(spec.clone());
    }
    if let Some(map) = v.as_object_mut() {
        map.remove("metadata");
        map.remove("status");
    }
    Some(v)
}

/// The live object with the applied one's labels, annotations (the server's own kept) and spec;
/// status and identity stay.
fn merge(existing: &Object, applied: Object) -> Object {
    let mut applied_value = serde_json::to_value(&applied).unwrap_or_default();
    let existing_value = serde_json::to_value(existing).unwrap_or_default();
    let mut merged = existing.clone();
    {
        let m = merged.metadata_mut();
        let a = applied.metadata();
        m.labels = a.labels.clone();
        for (k, v) in &a.annotations {
            m.annotations.insert(k.clone(), v.clone());
        }
    }
    // Spec (or, for kinds without one, everything but metadata/status) from the applied object.
    if let (Some(obj), Some(ex)) = (applied_value.as_object_mut(), existing_value.as_object()) {
        obj.insert(
            "metadata".into(),
            serde_json::to_value(merged.metadata()).unwrap_or_default(),
        );
        if let Some(status) = ex.get("status") {
            obj.insert("status".into(), status.clone());
        }
        // The ClusterIP the server allocated stays when the manifest names none.
        if let (Some(spec), Some(ex_spec)) = (obj.get_mut("spec"), ex.get("spec")) {
            if spec.get("clusterIP").is_none() {
                if let Some(ip) = ex_spec.get("clusterIP") {
                    spec["clusterIP"] = ip.clone();
                }
                if let Some(ips) = ex_spec.get("clusterIPs") {
                    spec["clusterIPs"] = ips.clone();
                }
            }
        }
    }
    let mut out = rebuild(&merged, applied_value).unwrap_or(merged);
    // The scheduler's binding is not the manifest's to undo.
    if let (Object::Pod(p), Object::Pod(e)) = (&mut out, existing) {
        if p.spec.node_name.is_empty() {
            p.spec.node_name = e.spec.node_name.clone();
        }
    }
    out
}

/// An object of `like`'s kind from a JSON value (through the manifest decoder).
fn rebuild(like: &Object, value: serde_json::Value) -> Option<Object> {
    let text = serde_json::to_string(&value).ok()?;
    let objs = crate::cluster::manifest::decode("merge", &text).ok()?;
    let o = objs.into_iter().next()?;
    (o.kind() == like.kind()).then_some(o)
}

/// Gives a new Service its cluster IP, as the API server's Service storage does.
pub(super) fn allocate_cluster_ip(sim: &mut Sim, o: &mut Object) {
    let Object::Service(s) = o else {
        return;
    };
    let external = s
        .spec
        .type_
        .as_ref()
        .is_some_and(|t| t.as_str() == "ExternalName");
    if external || !s.spec.cluster_ip.is_empty() {
        return;
    }
    let Some(c) = sim.cluster.as_mut() else {
        return;
    };
    c.service_ips += 1;
    let n = c.service_ips;
    let ip = format!("10.96.{}.{}", (n / 256) % 256, n % 256);
    s.spec.cluster_ip = ip.clone();
    s.spec.cluster_ips = vec![ip];
}

/// The API server's update rules the sandbox enforces: a pod's spec is fixed once created
/// (kube-apiserver allows a few fields, such as an image, to change; the sandbox allows none),
/// and a Deployment's or ReplicaSet's selector is immutable.
pub(super) fn check_update(existing: &Object, updated: &Object) -> Result<()> {
    use crate::cluster::validate::go_string_map;
    let invalid = |detail: String| {
        kerr(format!(
            "The {} {:?} is invalid: {detail}",
            existing.kind(),
            existing.name()
        ))
    };
    match (existing, updated) {
        (Object::Pod(a), Object::Pod(b)) if !same_json(&a.spec, &b.spec) => Err(invalid(
            "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, \
             `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only \
             additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be \
             set to 1 if it was previously negative) (the sandbox fixes a pod's spec: delete and \
             apply it again)"
                .to_string(),
        )),
        (Object::Deployment(a), Object::Deployment(b))
            if !same_json(&a.spec.selector, &b.spec.selector) =>
        {
            Err(invalid(format!(
                "spec.selector: Invalid value: v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: field is immutable",
                go_string_map(&b.spec.selector.clone().unwrap_or_default().match_labels)
            )))
        }
        (Object::ReplicaSet(a), Object::ReplicaSet(b))
            if !same_json(&a.spec.selector, &b.spec.selector) =>
        {
            Err(invalid(format!(
                "spec.selector: Invalid value: v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: field is immutable",
                go_string_map(&b.spec.selector.clone().unwrap_or_default().match_labels)
            )))
        }
        _ => Ok(()),
    }
}

fn same_json<T: serde::Serialize>(a: &T, b: &T) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}
