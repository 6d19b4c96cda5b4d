//! `kubectl cordon|uncordon NODE`, `kubectl taint nodes NODE key[=value]:Effect[-]` and
//! `kubectl label KIND NAME key=value|key- [--overwrite]`: the changes that steer the scheduler.
//! Each is a store update (an event caused by the command); pods waiting for room are retried.

use super::kubectl::{kerr, not_found, parse_flags};
use super::Plan;
use crate::cluster::api::{Node, Object, ObjectKind, Taint, TaintEffect};
use crate::cluster::controllers::{Change, Why};
use crate::cluster::state::{self, Cluster};
use crate::cluster::store::Key;
use crate::error::Result;

fn node<'a>(c: &'a Cluster, name: &str) -> Result<&'a Node> {
    let name = name.strip_prefix("node/").unwrap_or(name);
    match c.store.get(&Key::new(ObjectKind::Node, "", name)) {
        Some(Object::Node(n)) => Ok(n),
        _ => Err(not_found(ObjectKind::Node, name)),
    }
}

fn update(object: Object, text: String) -> Plan {
    updates(vec![(Some(object), text)])
}

/// Applies each object that changed (`None`: unchanged) and prints each one's line, in order;
/// when none changed, only prints.
fn updates(list: Vec<(Option<Object>, String)>) -> Plan {
    if list.iter().all(|(o, _)| o.is_none()) {
        return Plan::Output(list.into_iter().map(|(_, t)| t + "\n").collect());
    }
    Plan::Effect(Box::new(move |sim, id| {
        let mut out = String::new();
        for (object, text) in list {
            if let Some(object) = object {
                state::apply(
                    sim,
                    Change::Update {
                        object,
                        why: Why::Note(text.clone()),
                    },
                    id,
                );
            }
            out.push_str(&text);
            out.push('\n');
        }
        out
    }))
}

/// `kubectl cordon NODE` / `kubectl uncordon NODE`.
pub(super) fn cordon(c: &Cluster, args: &[String], on: bool) -> Result<Plan> {
    let verb = if on { "cordon" } else { "uncordon" };
    let f = parse_flags(verb, args, &[], &[])?;
    let [name] = f.pos.as_slice() else {
        return Err(kerr(format!(
            "error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples"
        )));
    };
    let n = node(c, name)?;
    let done = if on { "cordoned" } else { "uncordoned" };
    if n.spec.unschedulable == on {
        return Ok(Plan::Output(format!(
            "node/{} already {done}\n",
            n.metadata.name
        )));
    }
    let mut n = n.clone();
    n.spec.unschedulable = on;
    let text = format!("node/{} {done}", n.metadata.name);
    Ok(update(Object::Node(Box::new(n)), text))
}

/// Parses `key[=value]:Effect` (or with a trailing `-`, a removal; the effect may be left out).
fn taint_spec(spec: &str) -> Result<(Taint, bool)> {
    let invalid = || {
        kerr(format!(
            "error: invalid taint spec: {spec}, {}",
            "expected key[=value]:Effect"
        ))
    };
    let (body, remove) = match spec.strip_suffix('-') {
        Some(b) => (b, true),
        None => (spec, false),
    };
    let (kv, effect) = match body.rsplit_once(':') {
        Some((kv, e)) => (kv, Some(e)),
        None if remove => (body, None),
        None => return Err(invalid()),
    };
    let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
    if key.is_empty() || !crate::cluster::validate::is_qualified_name(key).is_empty() {
        return Err(invalid());
    }
    let effect = match effect {
        Some(e) => {
            let e = TaintEffect::from(e);
            if !e.is_known() {
                return Err(kerr(format!(
                    "error: invalid taint effect: {e}, unsupported taint effect"
                )));
            }
            e
        }
        None => TaintEffect::Other(Box::default()),
    };
    Ok((
        Taint {
            key: key.to_string(),
            value: value.to_string(),
            effect,
            time_added: None,
        },
        remove,
    ))
}

/// `kubectl taint nodes NODE key[=value]:Effect[-] [--overwrite]`.
pub(super) fn taint(c: &Cluster, args: &[String]) -> Result<Plan> {
    let f = parse_flags("taint", args, &[], &["--overwrite"])?;
    let overwrite = f.values.get("--overwrite").is_some_and(|v| v != "false");
    let [kind, name, specs @ ..] = f.pos.as_slice() else {
        return Err(kerr("error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples"));
    };
    if ObjectKind::from_resource_arg(kind) != Some(ObjectKind::Node) {
        return Err(kerr(format!(
            "error: invalid resource type {kind}, only node types are supported"
        )));
    }
    if specs.is_empty() {
        return Err(kerr("error: at least one taint update is required"));
    }
    let mut n = node(c, name)?.clone();
    let mut added = false;
    let mut removed = false;
    for s in specs {
        let (t, remove) = taint_spec(s)?;
        if remove {
            let before = n.spec.taints.len();
            n.spec.taints.retain(|x| {
                !(x.key == t.key && (t.effect.as_str().is_empty() || x.effect == t.effect))
            });
            if n.spec.taints.len() == before {
                return Err(kerr(format!("error: taint {:?} not found", t.key)));
            }
            removed = true;
        } else {
            match n
                .spec
                .taints
                .iter_mut()
                .find(|x| x.key == t.key && x.effect == t.effect)
            {
                Some(_) if !overwrite => {
                    return Err(kerr(format!(
                        "error: node {} already has {} taint(s) with same effect(s) and --overwrite is false",
                        n.metadata.name, t.key
                    )))
                }
                Some(x) => *x = t,
                None => n.spec.taints.push(t),
            }
            added = true;
        }
    }
    let verb = if added && !removed {
        "tainted"
    } else if removed && !added {
        "untainted"
    } else {
        "modified"
    };
    let text = format!("node/{} {verb}", n.metadata.name);
    Ok(update(Object::Node(Box::new(n)), text))
}

/// `kubectl label KIND NAME... key=value... key-... [--overwrite]` (or `KIND/NAME...`): every
/// argument with `=` or a trailing `-` is a label change, the others name the objects, as
/// kubectl splits them. Every object is checked before any is changed; each prints its line
/// (`node/node-1 labeled`, or `not labeled` when nothing changes).
pub(super) fn label(c: &Cluster, args: &[String]) -> Result<Plan> {
    let f = parse_flags("label", args, &[], &["--overwrite"])?;
    let overwrite = f.values.get("--overwrite").is_some_and(|v| v != "false");
    let (resources, changes): (Vec<&String>, Vec<&String>) = f
        .pos
        .iter()
        .partition(|a| !a.contains('=') && !a.ends_with('-'));
    let targets: Vec<(String, String)> = match resources.as_slice() {
        [] => Vec::new(),
        [first, ..] if first.contains('/') => {
            let mut out = Vec::new();
            for r in &resources {
                let Some((k, n)) = r.split_once('/') else {
                    return Err(kerr(format!(
                        "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl label resource/<resource_name>' instead of 'kubectl label resource resource/<resource_name>'): {r}"
                    )));
                };
                out.push((k.to_string(), n.to_string()));
            }
            out
        }
        [kind, names @ ..] => names
            .iter()
            .map(|n| (kind.to_string(), n.to_string()))
            .collect(),
    };
    if targets.is_empty() {
        return Err(kerr("error: one or more resources must be specified as <resource> <name> or <resource>/<name>"));
    }
    if changes.is_empty() {
        return Err(kerr("error: at least one label update is required"));
    }
    let mut list: Vec<(Option<Object>, String)> = Vec::new();
    for (kind, name) in &targets {
        let kind = ObjectKind::from_resource_arg(kind).ok_or_else(|| {
            kerr(format!(
                "error: the server doesn't have a resource type \"{kind}\""
            ))
        })?;
        let key = Key::new(kind, &f.ns(), name);
        let before = c.store.get(&key).ok_or_else(|| not_found(kind, name))?;
        let mut o = before.clone();
        let only_removals = relabel(&mut o, &changes, overwrite)?;
        let shown = format!("{}/{}", kind.singular_with_group(), name);
        if &o == before {
            list.push((None, format!("{shown} not labeled")));
        } else {
            let verb = if only_removals {
                "unlabeled"
            } else {
                "labeled"
            };
            list.push((Some(o), format!("{shown} {verb}")));
        }
    }
    Ok(updates(list))
}

/// Applies `kubectl label`'s changes to one object's labels; returns whether they were all
/// removals (`unlabeled`).
fn relabel(o: &mut Object, changes: &[&String], overwrite: bool) -> Result<bool> {
    let labels = &mut o.metadata_mut().labels;
    let mut only_removals = true;
    for ch in changes {
        if let Some(k) = ch.strip_suffix('-') {
            labels.remove(k);
            continue;
        }
        only_removals = false;
        let Some((k, v)) = ch.split_once('=') else {
            return Err(kerr(format!("error: invalid label spec: {ch}")));
        };
        if !crate::cluster::validate::is_qualified_name(k).is_empty()
            || !crate::cluster::validate::is_valid_label_value(v)
        {
            return Err(kerr(format!("error: invalid label spec: {ch}")));
        }
        if let Some(old) = labels.get(k) {
            if old != v && !overwrite {
                return Err(kerr(format!(
                    "error: '{k}' already has a value ({old}), and --overwrite is false"
                )));
            }
        }
        labels.insert(k.to_string(), v.to_string());
    }
    Ok(only_removals)
}

/// The longest `kubectl drain` waits for the evicted pods to go (kubectl's own `--timeout`
/// defaults to forever). ASSUMPTION: the default grace period, 30 s, and room.
const DRAIN_WAIT_MS: u64 = 60_000;

/// `kubectl drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force]
/// [--grace-period N]`: cordon the node, evict its pods (there are no PodDisruptionBudgets or
/// DaemonSets in this sandbox, so each eviction is a delete) and wait until they are gone.
pub(super) fn drain(sim: &crate::sim::Sim, c: &Cluster, args: &[String]) -> Result<Plan> {
    let f = parse_flags(
        "drain",
        args,
        &["--grace-period", "--timeout"],
        &[
            "--ignore-daemonsets",
            "--delete-emptydir-data",
            "--delete-local-data",
            "--force",
        ],
    )?;
    let force = f.values.get("--force").is_some_and(|v| v != "false");
    let [name] = f.pos.as_slice() else {
        return Err(kerr(
            "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples",
        ));
    };
    let n = node(c, name)?.clone();
    let node_name = n.metadata.name.clone();
    let pods: Vec<Key> = c
        .store
        .list(ObjectKind::Pod, None)
        .filter_map(crate::cluster::controllers::as_pod)
        .filter(|p| p.spec.node_name == node_name && p.metadata.deletion_timestamp.is_none())
        .map(|p| Key::new(ObjectKind::Pod, &p.metadata.namespace, &p.metadata.name))
        .collect();
    let unmanaged: Vec<String> = pods
        .iter()
        .filter(|k| {
            c.store
                .get(k)
                .is_some_and(|o| o.metadata().controller_ref().is_none())
        })
        .map(|k| format!("{}/{}", k.namespace, k.name))
        .collect();
    if !unmanaged.is_empty() && !force {
        return Err(kerr(format!(
            "error: unable to drain node \"{node_name}\" due to error: cannot delete Pods that declare no controller (use --force to override): {}",
            unmanaged.join(", ")
        )));
    }
    let _ = sim;
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let mut out = String::new();
        if n.spec.unschedulable {
            out.push_str(&format!("node/{node_name} already cordoned\n"));
        } else {
            let mut cordoned = n.clone();
            cordoned.spec.unschedulable = true;
            let text = format!("node/{node_name} cordoned");
            state::apply(
                sim,
                Change::Update {
                    object: Object::Node(Box::new(cordoned)),
                    why: Why::Note(text.clone()),
                },
                id,
            );
            out.push_str(&format!("{text}\n"));
        }
        for k in &pods {
            out.push_str(&format!("evicting pod {}/{}\n", k.namespace, k.name));
            state::delete(
                sim,
                k,
                Why::Note(format!("pod/{} evicted: kubectl drain {node_name}", k.name)),
                id,
            );
        }
        let present = |sim: &crate::sim::Sim, k: &Key| {
            sim.cluster().is_some_and(|c| c.store.get(k).is_some())
        };
        let mut gone = vec![false; pods.len()];
        let deadline = sim.now().plus_ms(DRAIN_WAIT_MS);
        loop {
            for (i, k) in pods.iter().enumerate() {
                if !gone[i] && !present(sim, k) {
                    gone[i] = true;
                    out.push_str(&format!("pod/{} evicted\n", k.name));
                }
            }
            if gone.iter().all(|g| *g)
                || !sim.can_wait()
                || sim.is_paused()
                || sim.next_time().is_none_or(|t| t > deadline)
            {
                break;
            }
            sim.step();
            out.push_str(&std::mem::take(&mut sim.scheduled_output));
        }
        if gone.iter().all(|g| *g) {
            out.push_str(&format!("node/{node_name} drained\n"));
        } else {
            out.push_str(&format!(
                "There are pending pods in node \"{node_name}\" when an error occurred: their kubelet did not stop them (is the node down?)\n"
            ));
        }
        out
    })))
}
