//! The `chaos` family: break nodes and pods on purpose, now or later (`--at 2m`), and undo it.
//!
//! A fault is a fact about a machine ([`crate::cluster::faults`]), recorded as a
//! `FaultInjected` event caused by the command (or, for `--at`, by the command that queued it);
//! the node lifecycle controller only learns of it through missing heartbeats
//! ([`crate::cluster::nodelifecycle`]), so `why` chains an eviction back to the fault.

use std::fmt::Write as _;

use super::{CommandSpec, Family, Invocation, Plan};
use crate::cluster::api::{Object, ObjectKind};
use crate::cluster::faults::{FaultAction, ScheduledFault, CRASHLOOP_RUN_MS, MAX_WORKLOAD_FAULTS};
use crate::cluster::nodelifecycle::{self, ZONE_LABEL};
use crate::cluster::state::{enqueue, Cluster, Work};
use crate::cluster::store::Key;
use crate::error::{CommandError, Result};
use crate::event::EventKind;
use crate::sim::Sim;
use crate::time::{parse_duration_ms, SimTime, MAX_RUN_MS};

/// The most faults that may wait for their `--at` time. ASSUMPTION: a lesson needs a handful.
pub const MAX_SCHEDULED_FAULTS: usize = 1000;

/// The chaos family.
pub(super) const FAMILY: Family = Family {
    name: "chaos",
    commands: &[CommandSpec {
        name: "chaos",
        usage: "chaos node-crash|node-recover|kubelet-stop|kubelet-start|runtime-stop|runtime-start|partition|memory-pressure|disk-pressure|heal NODE [--at T] | pod-kill POD | crashloop DEPLOY [--at T] | image-pull-error IMAGE [--at T] | zone-outage|zone-recover ZONE [--at T] | random --faults LIST --mean-interval T [--for T] | list | clear",
        summary: "inject failures into the cluster: crash nodes, stop kubelets, partition, starve nodes of memory or disk, kill pods, break releases and pulls",
        help: "chaos node-crash NODE      the machine goes off: containers stop, heartbeats stop\n\
               chaos node-recover NODE    the machine comes back: the kubelet heartbeats and resyncs\n\
               chaos kubelet-stop NODE    the kubelet stops: containers keep running, nothing reports\n\
               chaos kubelet-start NODE   the kubelet runs again\n\
               chaos runtime-stop NODE    the container runtime (containerd) stops: containers keep \
               running, the kubelet still renews its Lease but cannot manage them and, 30 s later, \
               reports the node NotReady (\"container runtime is down\"): tainted \
               node.kubernetes.io/not-ready\n\
               chaos runtime-start NODE   the container runtime runs again\n\
               chaos partition NODE       the node is cut off from the control plane and other nodes\n\
               chaos memory-pressure NODE available memory drops below the kubelet's eviction \
               threshold (memory.available<100Mi): MemoryPressure, a NoSchedule taint, one pod \
               evicted every 10 s (BestEffort first) until 512Mi is freed\n\
               chaos disk-pressure NODE   the same for the node's disk (nodefs.available<10%, \
               DiskPressure) until 2Gi is freed\n\
               chaos heal NODE            undo a partition, a kubelet or runtime stop and resource pressure \
               (the pressure condition clears 5 min after the last eviction)\n\
               (each of these takes --at T, such as 30s, 2m or 1m30s from now, to happen later)\n\
               chaos pod-kill POD [-n NS] kill the pod's containers: the kubelet restarts them\n\
               chaos crashloop DEPLOY [-n NS] [--at T]\n\
                                          a bad release: the Deployment's containers exit with \
               code 1 2 s after each start; the kubelet restarts them with CrashLoopBackOff\n\
               chaos image-pull-error IMAGE [--at T]\n\
                                          the registry fails every pull of IMAGE (503): new pods \
               wait in ImagePullBackOff; nodes that have the image keep using it\n\
               chaos zone-outage ZONE [--at T]\n\
                                          crash every node labelled topology.kubernetes.io/zone=ZONE\n\
               chaos zone-recover ZONE [--at T]\n\
                                          bring the zone's crashed nodes back up\n\
               chaos random --faults node-crash,pod-kill --mean-interval 10m [--for 1h]\n\
                                          faults at random (exponential intervals, seeded RNG); \
               kinds: node-crash, kubelet-stop, partition, runtime-stop, memory-pressure, disk-pressure, \
               zone-outage, pod-kill, crashloop, image-pull-error, or all (every kind the cluster \
               has a target for); each strikes a random node, zone, Deployment or image that \
               exists now (pod-kill: a random pod when it happens) and is undone 1-5 min later \
               (node-recover, kubelet-start, heal, runtime-start, zone-recover, crashloop-end, \
               image-pull-recover)\n\
               chaos list                 active and scheduled faults\n\
               chaos clear                cancel scheduled faults, heal every node, end crashloops \
               and image pull errors\n\
               After a crash the node controller marks the node Unknown after 50 s without \
               heartbeats and taints it; pods are evicted when their 300 s toleration runs out.",
        schedulable: true,
        handles_redirect: false,
        plan,
    }],
};

fn usage(message: impl Into<String>) -> CommandError {
    FAMILY.commands[0].usage_error(message)
}

fn err(message: impl Into<String>) -> CommandError {
    CommandError::Virt(message.into())
}

fn cluster(sim: &Sim) -> Result<&Cluster> {
    sim.cluster()
        .ok_or_else(|| err("chaos: there is no cluster: run cluster create first"))
}

fn node_exists(c: &Cluster, name: &str) -> Result<String> {
    let name = name.strip_prefix("node/").unwrap_or(name);
    match c.store.get(&Key::new(ObjectKind::Node, "", name)) {
        Some(Object::Node(_)) => Ok(name.to_string()),
        _ => Err(err(format!("chaos: node \"{name}\" not found"))),
    }
}

/// Splits `--at T` / `--at=T` and `-n NS` from the positional words.
struct Args {
    pos: Vec<String>,
    at_ms: Option<u64>,
    namespace: Option<String>,
    /// `--faults`, `--mean-interval`, `--for` (chaos random).
    values: std::collections::BTreeMap<String, String>,
}

fn parse_args(args: &[String]) -> Result<Args> {
    let mut out = Args {
        pos: Vec::new(),
        at_ms: None,
        namespace: None,
        values: Default::default(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with('-') => (f, Some(v.to_string())),
            _ => (a, None),
        };
        match flag {
            "--at" | "-n" | "--namespace" | "--faults" | "--mean-interval" | "--for" => {
                let v = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        args.get(i)
                            .cloned()
                            .ok_or_else(|| usage(format!("flag {flag} needs a value")))?
                    }
                };
                if flag == "--at" {
                    let ms = parse_duration_ms(&v).map_err(|_| {
                        usage(format!(
                            "invalid --at \"{v}\": expected a duration from now such as 30s, 2m or 1m30s"
                        ))
                    })?;
                    if ms > MAX_RUN_MS {
                        return Err(usage(format!("invalid --at \"{v}\": at most 30 days")));
                    }
                    out.at_ms = Some(ms);
                } else if flag.starts_with("--") && flag != "--namespace" {
                    out.values.insert(flag.to_string(), v);
                } else {
                    out.namespace = Some(v);
                }
            }
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(usage(format!("unknown flag \"{f}\"")))
            }
            _ => out.pos.push(a.to_string()),
        }
        i += 1;
    }
    Ok(out)
}

fn plan(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let Some((sub, rest)) = inv.args.split_first() else {
        return Err(usage("missing subcommand"));
    };
    let a = parse_args(rest)?;
    let action = match sub.as_str() {
        "node-crash" => Some(FaultAction::NodeCrash),
        "node-recover" => Some(FaultAction::NodeRecover),
        "kubelet-stop" => Some(FaultAction::KubeletStop),
        "kubelet-start" => Some(FaultAction::KubeletStart),
        "partition" => Some(FaultAction::Partition),
        "heal" => Some(FaultAction::Heal),
        "memory-pressure" => Some(FaultAction::MemoryPressure),
        "disk-pressure" => Some(FaultAction::DiskPressure),
        "runtime-stop" => Some(FaultAction::RuntimeStop),
        "runtime-start" => Some(FaultAction::RuntimeStart),
        "pod-kill" | "crashloop" | "image-pull-error" | "zone-outage" | "zone-recover" | "list"
        | "clear" | "random" => None,
        other => return Err(usage(format!("unknown subcommand \"{other}\""))),
    };
    let c = cluster(sim)?;
    if let Some(action) = action {
        let [name] = a.pos.as_slice() else {
            return Err(usage(format!("chaos {sub} needs one NODE")));
        };
        let node = node_exists(c, name)?;
        return node_fault(sim, c, node, action, a.at_ms);
    }
    if a.at_ms.is_some()
        && !matches!(
            sub.as_str(),
            "crashloop" | "image-pull-error" | "zone-outage" | "zone-recover"
        )
    {
        return Err(usage(format!("chaos {sub} does not take --at")));
    }
    if sub == "random" {
        return random(sim, c, &a);
    }
    if let Some(flag) = a.values.keys().next() {
        return Err(usage(format!("chaos {sub} does not take {flag}")));
    }
    match sub.as_str() {
        "pod-kill" => pod_kill(c, &a),
        "crashloop" => crashloop(sim, c, &a),
        "image-pull-error" => image_pull_error(sim, c, &a),
        "zone-outage" => zone_fault(sim, c, &a, FaultAction::ZoneOutage),
        "zone-recover" => zone_fault(sim, c, &a, FaultAction::ZoneRecover),
        "list" if a.pos.is_empty() => Ok(Plan::Output(list(sim, c))),
        "clear" if a.pos.is_empty() => Ok(clear(c)),
        _ => Err(usage(format!("chaos {sub} takes no arguments"))),
    }
}

/// Queues `action` on `target` (a node, `NS/NAME` of a Deployment, an image) `ms` from now;
/// `shown` is how the output names the target.
fn schedule(
    sim: &Sim,
    c: &Cluster,
    action: FaultAction,
    target: String,
    shown: String,
    ms: u64,
) -> Result<Plan> {
    if c.faults_scheduled.len() >= MAX_SCHEDULED_FAULTS {
        return Err(err(format!(
            "chaos: too many scheduled faults (at most {MAX_SCHEDULED_FAULTS}): chaos clear cancels them"
        )));
    }
    sim.check_schedule("chaos")?;
    let at = sim.now().plus_ms(ms);
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let Some(c) = sim.cluster.as_mut() else {
            return String::new();
        };
        let fid = c.next_fault_id;
        c.next_fault_id += 1;
        c.faults_scheduled.insert(
            fid,
            ScheduledFault {
                at,
                action,
                node: target.clone(),
            },
        );
        enqueue(sim, Work::Fault(fid), ms, id);
        format!("chaos: {} {shown} scheduled at {at}\n", action.as_str())
    })))
}

fn node_fault(
    sim: &Sim,
    c: &Cluster,
    node: String,
    action: FaultAction,
    at_ms: Option<u64>,
) -> Result<Plan> {
    if let Some(ms) = at_ms.filter(|ms| *ms > 0) {
        return schedule(sim, c, action, node.clone(), node, ms);
    }
    let before = c.fault(&node);
    if action.apply(before) == before {
        let state = if before.is_healthy() {
            "healthy".to_string()
        } else {
            before.describe()
        };
        return Ok(Plan::Output(format!(
            "chaos: {node} is already {state}: {} changes nothing\n",
            action.as_str()
        )));
    }
    Ok(Plan::Effect(Box::new(move |sim, id| {
        nodelifecycle::apply_fault(sim, &node, action, id);
        format!("chaos: {} {node}\n", action.as_str())
    })))
}

fn pod_kill(c: &Cluster, a: &Args) -> Result<Plan> {
    let [name] = a.pos.as_slice() else {
        return Err(usage("chaos pod-kill needs one POD"));
    };
    let name = name.strip_prefix("pod/").unwrap_or(name).to_string();
    let ns = a.namespace.clone().unwrap_or_else(|| "default".into());
    let key = Key::new(ObjectKind::Pod, &ns, &name);
    let Some(Object::Pod(p)) = c.store.get(&key) else {
        return Err(err(format!(
            "chaos: pod \"{name}\" not found in namespace \"{ns}\""
        )));
    };
    if p.metadata.deletion_timestamp.is_some() {
        return Err(err(format!("chaos: pod \"{name}\" is already terminating")));
    }
    if !c.fault(&p.spec.node_name).kubelet_acts() {
        return Err(err(format!(
            "chaos: pod \"{name}\" is on {}, whose kubelet cannot manage containers now: nothing would restart it",
            p.spec.node_name
        )));
    }
    let running: Vec<String> = p
        .spec
        .containers
        .iter()
        .zip(&p.status.container_statuses)
        .filter(|(_, s)| s.state.running.is_some())
        .map(|(c, _)| c.name.clone())
        .collect();
    if running.is_empty() {
        return Err(err(format!(
            "chaos: pod \"{name}\" has no running container to kill"
        )));
    }
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let ev = sim.record(
            EventKind::FaultInjected {
                fault: "pod-kill".into(),
            },
            key.object_ref(),
            Some(id),
            format!(
                "chaos: killed the containers of pod/{} ({}) with SIGKILL",
                key.name,
                running.join(", ")
            ),
        );
        crate::cluster::kubelet::kill_containers(sim, &key, ev);
        format!(
            "chaos: killed {} container(s) of pod/{}\n",
            running.len(),
            key.name
        )
    })))
}

fn workload_room(c: &Cluster) -> Result<()> {
    if c.workload_faults.len() >= MAX_WORKLOAD_FAULTS {
        return Err(err(format!(
            "chaos: too many workload faults (at most {MAX_WORKLOAD_FAULTS}): chaos clear ends them"
        )));
    }
    Ok(())
}

/// How the log and `chaos list` name a Deployment (`deployment/web`, `deployment/NS/web`).
fn deployment_name(key: &Key) -> String {
    if key.namespace == "default" {
        format!("deployment/{}", key.name)
    } else {
        format!("deployment/{}/{}", key.namespace, key.name)
    }
}

/// `chaos crashloop DEPLOY [-n NS]`: a bad release. Every container of the Deployment's pods
/// exits with code 1 [`CRASHLOOP_RUN_MS`] after it starts (the running ones too), so the
/// kubelet's restartPolicy and CrashLoopBackOff take over: the pods go not ready and leave the
/// Service's endpoints. `chaos clear` ends it (the next restart runs normally).
fn crashloop(sim: &Sim, c: &Cluster, a: &Args) -> Result<Plan> {
    let [name] = a.pos.as_slice() else {
        return Err(usage("chaos crashloop needs one DEPLOYMENT"));
    };
    let name = ["deployment/", "deployments/", "deploy/", "deployment.apps/"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
        .to_string();
    let ns = a.namespace.clone().unwrap_or_else(|| "default".into());
    let key = Key::new(ObjectKind::Deployment, &ns, &name);
    if !matches!(c.store.get(&key), Some(Object::Deployment(_))) {
        return Err(err(format!(
            "chaos: deployment \"{name}\" not found in namespace \"{ns}\""
        )));
    }
    let shown = deployment_name(&key);
    if let Some(ms) = a.at_ms.filter(|ms| *ms > 0) {
        let target = format!("{}/{}", key.namespace, key.name);
        return schedule(sim, c, FaultAction::Crashloop, target, shown, ms);
    }
    if c.workload_faults.crashloop.contains_key(&key) {
        return Ok(Plan::Output(format!(
            "chaos: {shown} is already crashlooping: crashloop changes nothing\n"
        )));
    }
    workload_room(c)?;
    Ok(Plan::Effect(Box::new(move |sim, id| {
        nodelifecycle::inject_crashloop(sim, &key, id);
        format!(
            "chaos: crashloop {shown}: its containers exit with code 1 {} after each start\n",
            crate::time::format_duration_ms(CRASHLOOP_RUN_MS)
        )
    })))
}

/// `chaos image-pull-error IMAGE`: from now on the registry answers 503 to every pull of IMAGE
/// (its canonical reference, so `nginx:alpine` and `docker.io/library/nginx:alpine` are one).
/// A node that has the image does not pull it again (IfNotPresent), so running pods are not
/// touched; new pods elsewhere, and a rollout to IMAGE, wait in ImagePullBackOff.
fn image_pull_error(sim: &Sim, c: &Cluster, a: &Args) -> Result<Plan> {
    let [image] = a.pos.as_slice() else {
        return Err(usage("chaos image-pull-error needs one IMAGE"));
    };
    if a.namespace.is_some() {
        return Err(usage(
            "chaos image-pull-error does not take -n: images are not namespaced",
        ));
    }
    let reference = crate::image::engine::parse_reference(image)
        .map_err(|e| err(format!("chaos: invalid image \"{image}\": {e}")))?;
    let canonical = reference.canonical();
    if let Some(ms) = a.at_ms.filter(|ms| *ms > 0) {
        return schedule(
            sim,
            c,
            FaultAction::ImagePullError,
            canonical.clone(),
            canonical,
            ms,
        );
    }
    if c.workload_faults.image_pull_errors.contains_key(&canonical) {
        return Ok(Plan::Output(format!(
            "chaos: pulls of {canonical} already fail: image-pull-error changes nothing\n"
        )));
    }
    workload_room(c)?;
    Ok(Plan::Effect(Box::new(move |sim, id| {
        nodelifecycle::inject_image_pull_error(sim, &canonical, id);
        format!("chaos: image-pull-error {canonical}: every pull fails (503 Service Unavailable)\n")
    })))
}

/// `chaos zone-outage ZONE [--at T]`: every running node labelled
/// `topology.kubernetes.io/zone=ZONE` crashes; `chaos zone-recover ZONE [--at T]`: the zone's
/// crashed nodes come back up. Now, the zone must have a node the fault changes; with `--at`,
/// only nodes in the zone (the fault then strikes whichever are up, or down, at that time).
fn zone_fault(sim: &Sim, c: &Cluster, a: &Args, action: FaultAction) -> Result<Plan> {
    let sub = action.as_str();
    let [zone] = a.pos.as_slice() else {
        return Err(usage(format!("chaos {sub} needs one ZONE")));
    };
    if a.namespace.is_some() {
        return Err(usage(format!(
            "chaos {sub} does not take -n: zones are not namespaced"
        )));
    }
    let zone = zone.strip_prefix("zone/").unwrap_or(zone).to_string();
    let nodes = nodelifecycle::zone_nodes(c, &zone);
    if nodes.is_empty() {
        return Err(err(format!(
            "chaos: no node is labelled {ZONE_LABEL}={zone}"
        )));
    }
    let shown = format!("zone/{zone}");
    if let Some(ms) = a.at_ms.filter(|ms| *ms > 0) {
        return schedule(sim, c, action, zone, shown, ms);
    }
    let outage = action == FaultAction::ZoneOutage;
    if !nodes.iter().any(|n| c.fault(n).down != outage) {
        let state = if outage { "down" } else { "up" };
        return Ok(Plan::Output(format!(
            "chaos: every node of {shown} is already {state}: {sub} changes nothing\n"
        )));
    }
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let mut out = String::new();
        let (nodes, each, state) = if outage {
            (
                nodelifecycle::zone_outage(sim, &zone, id),
                "node-crash",
                "down",
            )
        } else {
            (
                nodelifecycle::zone_recover(sim, &zone, id),
                "node-recover",
                "up",
            )
        };
        for n in &nodes {
            let _ = writeln!(out, "chaos: {each} {n}");
        }
        let _ = writeln!(
            out,
            "chaos: zone {zone} is {state} ({} node(s))",
            nodes.len()
        );
        out
    })))
}

fn list(sim: &Sim, c: &Cluster) -> String {
    let mut out = String::new();
    if c.faults.is_empty() && c.faults_scheduled.is_empty() && c.workload_faults.is_empty() {
        return "No faults.\n".into();
    }
    if !c.faults.is_empty() {
        out.push_str("ACTIVE\nNODE                 FAULT                                  SINCE\n");
        for (node, f) in &c.faults {
            let since = c.fault_since.get(node).copied().unwrap_or(SimTime::ZERO);
            let _ = writeln!(out, "{node:<20} {:<38} {since}", f.describe());
        }
    }
    if !c.workload_faults.is_empty() {
        out.push_str(
            "WORKLOAD\nFAULT              TARGET                                   SINCE\n",
        );
        for (key, f) in &c.workload_faults.crashloop {
            let _ = writeln!(
                out,
                "crashloop          {:<40} {}",
                deployment_name(key),
                f.at
            );
        }
        for (image, f) in &c.workload_faults.image_pull_errors {
            let _ = writeln!(out, "image-pull-error   {image:<40} {}", f.at);
        }
    }
    if !c.faults_scheduled.is_empty() {
        // One row per pending `--at` fault, soonest first: when, what, on what, and how long
        // until then; columns padded as kubectl's tabwriter pads them.
        out.push_str("SCHEDULED\n");
        let mut faults: Vec<_> = c.faults_scheduled.values().collect();
        faults.sort_by_key(|f| f.at);
        let mut rows = vec![vec![
            "AT".to_string(),
            "FAULT".to_string(),
            "TARGET".to_string(),
            "IN".to_string(),
        ]];
        for f in faults {
            rows.push(vec![
                f.at.to_string(),
                f.action.as_str().to_string(),
                scheduled_target(f),
                crate::time::format_duration_ms(f.at.as_ms().saturating_sub(sim.now().as_ms())),
            ]);
        }
        out.push_str(&super::kubectl_get::table(&rows));
    }
    out
}

/// How `chaos list` names a scheduled fault's target.
fn scheduled_target(f: &ScheduledFault) -> String {
    match f.action {
        FaultAction::PodKill => "a random pod".into(),
        FaultAction::ZoneOutage | FaultAction::ZoneRecover => format!("zone/{}", f.node),
        FaultAction::Crashloop | FaultAction::CrashloopEnd => match f.node.split_once('/') {
            Some((ns, name)) => deployment_name(&Key::new(ObjectKind::Deployment, ns, name)),
            None => f.node.clone(),
        },
        _ => f.node.clone(),
    }
}

fn clear(c: &Cluster) -> Plan {
    let nodes: Vec<String> = c.faults.keys().cloned().collect();
    let cancelled = c.faults_scheduled.len();
    let workloads = c.workload_faults.clone();
    if nodes.is_empty() && cancelled == 0 && workloads.is_empty() {
        return Plan::Output("No faults.\n".into());
    }
    Plan::Effect(Box::new(move |sim, id| {
        let mut out = String::new();
        if let Some(c) = sim.cluster.as_mut() {
            c.faults_scheduled.clear();
        }
        if cancelled > 0 {
            let _ = writeln!(out, "chaos: cancelled {cancelled} scheduled fault(s)");
        }
        // A crashlooping container restarts normally at the end of its back-off; a pull in
        // ImagePullBackOff succeeds at its next attempt.
        for key in workloads.crashloop.keys() {
            nodelifecycle::end_crashloop(sim, key, "clear", id);
            let _ = writeln!(out, "chaos: healed {}", deployment_name(key));
        }
        for image in workloads.image_pull_errors.keys() {
            nodelifecycle::end_image_pull_error(sim, image, "clear", id);
            let _ = writeln!(out, "chaos: healed image {image}");
        }
        for n in &nodes {
            nodelifecycle::apply_fault(sim, n, FaultAction::Clear, id);
            let _ = writeln!(out, "chaos: healed {n}");
        }
        out
    }))
}

/// `chaos random` draws at most this many faults on average (`--for` / `--mean-interval`).
/// ASSUMPTION: enough for any lesson; keeps the queue small.
pub const MAX_RANDOM_FAULTS: u64 = 200;
/// A fault drawn by `chaos random` (a node crashed, stopped, cut off or under pressure, a zone
/// down, a crashloop, an image pull error) is undone after a time drawn uniformly from this
/// range. ASSUMPTION: 1–5 min, long enough to be noticed (50 s), mostly short of the 300 s
/// eviction.
pub const RANDOM_RECOVERY_MS: std::ops::RangeInclusive<u64> = 60_000..=300_000;

/// An exponentially distributed duration of mean `mean_ms`, by von Neumann's method (1951),
/// which needs only comparisons of uniform integers: no floating point reaches the trace.
fn exponential_ms(sim: &mut Sim, mean_ms: u64) -> u64 {
    use rand::Rng;
    let mut k: u64 = 0;
    loop {
        let first: u32 = sim.rng().random();
        let mut prev = first;
        let mut run = 1u32;
        loop {
            let v: u32 = sim.rng().random();
            if v < prev {
                prev = v;
                run += 1;
            } else {
                break;
            }
        }
        if run % 2 == 1 {
            let x = (u128::from(k) << 32) + u128::from(first);
            return u64::try_from((x * u128::from(mean_ms)) >> 32).unwrap_or(u64::MAX);
        }
        k += 1;
        if k > 64 {
            // Probability e^-64: the tail is cut here.
            return mean_ms.saturating_mul(64);
        }
    }
}

/// The fault kinds `chaos random --faults` accepts, in the order `all` lists them, with the
/// action that undoes each after the recovery draw (none for a pod kill: the kubelet restarts
/// the pod's containers on its own).
pub const RANDOM_KINDS: [(FaultAction, Option<FaultAction>); 10] = [
    (FaultAction::NodeCrash, Some(FaultAction::NodeRecover)),
    (FaultAction::KubeletStop, Some(FaultAction::KubeletStart)),
    (FaultAction::Partition, Some(FaultAction::Heal)),
    (FaultAction::RuntimeStop, Some(FaultAction::RuntimeStart)),
    // `chaos heal` is how a single node's pressure ends too: the condition then clears 5 min
    // after the last eviction, as the kubelet's eviction-pressure-transition-period says.
    (FaultAction::MemoryPressure, Some(FaultAction::Heal)),
    (FaultAction::DiskPressure, Some(FaultAction::Heal)),
    (FaultAction::ZoneOutage, Some(FaultAction::ZoneRecover)),
    (FaultAction::PodKill, None),
    (FaultAction::Crashloop, Some(FaultAction::CrashloopEnd)),
    (
        FaultAction::ImagePullError,
        Some(FaultAction::ImagePullRecover),
    ),
];

/// The words `--faults` accepts, for its error message.
fn random_words() -> String {
    let words: Vec<&str> = RANDOM_KINDS.iter().map(|(k, _)| k.as_str()).collect();
    format!("{} or all", words.join(", "))
}

/// What a random fault may strike, listed when `chaos random` is typed: the nodes, the zones
/// of their `topology.kubernetes.io/zone` labels, the Deployments and the images the
/// Deployments' templates and the pods name (canonical references). Each list is sorted, so a
/// draw's index names the same target on every replay.
struct Targets {
    nodes: Vec<String>,
    /// Each node's zone, for the nodes that have one.
    node_zone: std::collections::BTreeMap<String, String>,
    zones: Vec<String>,
    deployments: Vec<Key>,
    images: Vec<String>,
}

impl Targets {
    fn of(c: &Cluster) -> Targets {
        use std::collections::BTreeSet;
        let nodes: Vec<String> = c
            .store
            .list(ObjectKind::Node, None)
            .map(|o| o.metadata().name.clone())
            .collect();
        let node_zone: std::collections::BTreeMap<String, String> = c
            .store
            .list(ObjectKind::Node, None)
            .filter_map(|o| {
                let zone = o.metadata().labels.get(ZONE_LABEL)?;
                Some((o.metadata().name.clone(), zone.clone()))
            })
            .collect();
        let zones: BTreeSet<String> = node_zone.values().cloned().collect();
        let deployments: Vec<Key> = c
            .store
            .list(ObjectKind::Deployment, None)
            .map(|o| {
                Key::new(
                    ObjectKind::Deployment,
                    &o.metadata().namespace,
                    &o.metadata().name,
                )
            })
            .collect();
        let mut images = BTreeSet::new();
        let mut add = |spec: &crate::cluster::api::PodSpec| {
            for ct in spec.init_containers.iter().chain(&spec.containers) {
                if let Ok(r) = crate::image::engine::parse_reference(&ct.image) {
                    images.insert(r.canonical());
                }
            }
        };
        for o in c.store.list(ObjectKind::Deployment, None) {
            if let Object::Deployment(d) = o {
                add(&d.spec.template.spec);
            }
        }
        for o in c.store.list(ObjectKind::Pod, None) {
            if let Object::Pod(p) = o {
                add(&p.spec);
            }
        }
        Targets {
            nodes,
            node_zone,
            zones: zones.into_iter().collect(),
            deployments,
            images: images.into_iter().collect(),
        }
    }

    /// How many targets a fault of `kind` can pick from (pod-kill: 1, the pod is picked when it
    /// happens).
    fn count(&self, kind: FaultAction) -> usize {
        match kind {
            FaultAction::PodKill => 1,
            FaultAction::ZoneOutage => self.zones.len(),
            FaultAction::Crashloop => self.deployments.len(),
            FaultAction::ImagePullError => self.images.len(),
            _ => self.nodes.len(),
        }
    }

    /// Why a fault of `kind` has nothing to strike.
    fn missing(kind: FaultAction) -> String {
        match kind {
            FaultAction::ZoneOutage => format!(
                "no node is labelled {ZONE_LABEL} (cluster create --profile cloud or onprem makes zones; kubectl label node NODE {ZONE_LABEL}=ZONE adds one)"
            ),
            FaultAction::Crashloop => "there is no Deployment to crashloop".into(),
            FaultAction::ImagePullError => "no Deployment or pod names an image".into(),
            _ => "the cluster has no nodes".into(),
        }
    }

    /// The name `busy` keeps the target at `i` under: its kind's word and its stored name
    /// (`node/N`, `zone/Z`, `deployment/NS/N`, `image/I`); none for a pod kill.
    fn busy_key(&self, kind: FaultAction, i: usize) -> Option<String> {
        let class = match kind {
            FaultAction::PodKill => return None,
            FaultAction::ZoneOutage => "zone",
            FaultAction::Crashloop => "deployment",
            FaultAction::ImagePullError => "image",
            _ => "node",
        };
        Some(format!("{class}/{}", self.pick(kind, i).0))
    }

    /// Whether the target at `i` is still under an earlier random fault at `t_ms`: `busy` holds
    /// until when each target ([`Targets::busy_key`]) is struck. A node is also busy while its
    /// zone is down, and a zone while any of its nodes is struck.
    fn busy(&self, kind: FaultAction, i: usize, t_ms: u64, busy: &Busy) -> bool {
        let until = |k: &str| busy.get(k).is_some_and(|u| *u >= t_ms);
        let Some(own) = self.busy_key(kind, i) else {
            return false;
        };
        until(&own)
            || match kind {
                FaultAction::ZoneOutage => self
                    .node_zone
                    .iter()
                    .any(|(n, z)| *z == self.zones[i] && until(&format!("node/{n}"))),
                FaultAction::Crashloop | FaultAction::ImagePullError => false,
                _ => self
                    .node_zone
                    .get(&self.nodes[i])
                    .is_some_and(|z| until(&format!("zone/{z}"))),
            }
    }

    /// Marks the target at `i` busy until `until_ms` (see [`Targets::busy`]).
    fn strike(&self, kind: FaultAction, i: usize, until_ms: u64, busy: &mut Busy) {
        if let Some(key) = self.busy_key(kind, i) {
            busy.insert(key, until_ms);
        }
    }

    /// The target at `i` as the schedule stores it, and as the output names it.
    fn pick(&self, kind: FaultAction, i: usize) -> (String, String) {
        match kind {
            FaultAction::PodKill => (String::new(), "a random pod".into()),
            FaultAction::ZoneOutage => (self.zones[i].clone(), format!("zone/{}", self.zones[i])),
            FaultAction::Crashloop => {
                let key = &self.deployments[i];
                (
                    format!("{}/{}", key.namespace, key.name),
                    deployment_name(key),
                )
            }
            FaultAction::ImagePullError => (self.images[i].clone(), self.images[i].clone()),
            _ => (self.nodes[i].clone(), self.nodes[i].clone()),
        }
    }
}

/// Until when each target of `chaos random` is struck (see [`Targets::busy`]).
type Busy = std::collections::BTreeMap<String, u64>;

/// `chaos random --faults node-crash,pod-kill --mean-interval 10m [--for 1h]`: faults at
/// exponentially distributed intervals (a Poisson process) from the simulation's RNG, each of a
/// kind picked uniformly from `--faults` (`all`: every kind the cluster has a target for), its
/// target picked uniformly among those that exist now (a pod-kill's pod when it happens), and
/// undone after 1–5 min ([`RANDOM_KINDS`]). A target still under an earlier random fault is not
/// struck again before that fault's undo (else the first undo, a heal or a recover, would end
/// both): the draw moves on to the next free target in order, and a fault with no free target
/// is skipped and says so. Every fault and undo is queued at once, so `chaos
/// list` shows them and `chaos clear` cancels them. The draws for one fault, in order: the
/// interval, the kind, the target (none for pod-kill), the recovery time (none for pod-kill).
fn random(sim: &Sim, c: &Cluster, a: &Args) -> Result<Plan> {
    if !a.pos.is_empty() {
        return Err(usage("chaos random takes only flags"));
    }
    let targets = Targets::of(c);
    let mut kinds: Vec<FaultAction> = Vec::new();
    let mut left_out: Vec<FaultAction> = Vec::new();
    for word in a
        .values
        .get("--faults")
        .ok_or_else(|| usage("chaos random needs --faults, such as node-crash,pod-kill"))?
        .split(',')
    {
        if word == "all" {
            // Every kind the cluster can take; the others are named in the output.
            for (k, _) in RANDOM_KINDS {
                if targets.count(k) > 0 {
                    kinds.push(k);
                } else if !left_out.contains(&k) {
                    left_out.push(k);
                }
            }
            continue;
        }
        let Some(&(kind, _)) = RANDOM_KINDS.iter().find(|(k, _)| k.as_str() == word) else {
            return Err(usage(format!(
                "unknown fault \"{word}\" in --faults: {}",
                random_words()
            )));
        };
        kinds.push(kind);
    }
    let duration = |flag: &str, default: Option<u64>| -> Result<u64> {
        match a.values.get(flag) {
            Some(v) => parse_duration_ms(v)
                .ok()
                .filter(|ms| (1000..=MAX_RUN_MS).contains(ms))
                .ok_or_else(|| {
                    usage(format!(
                        "invalid {flag} \"{v}\": expected a duration from 1s to 30 days (10m, 1h)"
                    ))
                }),
            None => default.ok_or_else(|| usage(format!("chaos random needs {flag}"))),
        }
    };
    let mean_ms = duration("--mean-interval", None)?;
    let for_ms = duration("--for", Some(3_600_000))?;
    if for_ms / mean_ms > MAX_RANDOM_FAULTS {
        return Err(usage(format!(
            "--for {} with --mean-interval {} would draw about {} faults: at most {MAX_RANDOM_FAULTS}",
            crate::time::format_duration_ms(for_ms),
            crate::time::format_duration_ms(mean_ms),
            for_ms / mean_ms
        )));
    }
    if c.faults_scheduled.len() >= MAX_SCHEDULED_FAULTS {
        return Err(err(format!(
            "chaos: too many scheduled faults (at most {MAX_SCHEDULED_FAULTS}): chaos clear cancels them"
        )));
    }
    sim.check_schedule("chaos")?;
    if targets.nodes.is_empty() {
        return Err(err("chaos: the cluster has no nodes"));
    }
    if let Some(k) = kinds.iter().find(|k| targets.count(**k) == 0) {
        return Err(err(format!(
            "chaos random: cannot draw {}: {}",
            k.as_str(),
            Targets::missing(*k)
        )));
    }
    Ok(Plan::Effect(Box::new(move |sim, id| {
        use rand::Rng;
        let start = sim.now();
        let mut t_ms: u64 = 0;
        let mut out = String::new();
        let mut counts: std::collections::BTreeMap<&'static str, u32> = Default::default();
        let mut busy = Busy::new();
        let mut queued = 0;
        loop {
            t_ms = t_ms.saturating_add(exponential_ms(sim, mean_ms).max(1));
            if t_ms > for_ms {
                break;
            }
            let room = sim.cluster.as_ref().map_or(0, |c| {
                MAX_SCHEDULED_FAULTS.saturating_sub(c.faults_scheduled.len())
            });
            if room < 2 {
                let _ = writeln!(
                    out,
                    "chaos: the schedule is full ({MAX_SCHEDULED_FAULTS} faults): stopped drawing"
                );
                break;
            }
            let kind = kinds[sim.rng().random_range(0..kinds.len())];
            let drawn = if kind == FaultAction::PodKill {
                0
            } else {
                sim.rng().random_range(0..targets.count(kind))
            };
            let undo = RANDOM_KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .and_then(|(_, u)| *u);
            let back_ms = undo.map(|_| sim.rng().random_range(RANDOM_RECOVERY_MS));
            let at = start.plus_ms(t_ms);
            let n = targets.count(kind);
            let Some(i) = (0..n)
                .map(|k| (drawn + k) % n)
                .find(|i| !targets.busy(kind, *i, t_ms, &busy))
            else {
                let _ = writeln!(
                    out,
                    "  {at}  {:<12} skipped: every target is still under an earlier random fault",
                    kind.as_str()
                );
                continue;
            };
            let (target, shown) = targets.pick(kind, i);
            if let Some(b) = back_ms {
                targets.strike(kind, i, t_ms.saturating_add(b), &mut busy);
            }
            // The kind padded to 13 columns as it always was, and at least one space after a
            // longer word (memory-pressure, image-pull-error).
            let mut line = format!("  {at}  {:<12} {shown}", kind.as_str());
            let mut items = vec![(t_ms, kind)];
            if let (Some(u), Some(b)) = (undo, back_ms) {
                items.push((t_ms.saturating_add(b), u));
                let _ = write!(
                    line,
                    " ({} at {})",
                    u.as_str(),
                    start.plus_ms(t_ms.saturating_add(b))
                );
            }
            for (ms, action) in items {
                let Some(c) = sim.cluster.as_mut() else {
                    return out;
                };
                let fid = c.next_fault_id;
                c.next_fault_id += 1;
                c.faults_scheduled.insert(
                    fid,
                    ScheduledFault {
                        at: start.plus_ms(ms),
                        action,
                        node: target.clone(),
                    },
                );
                enqueue(sim, Work::Fault(fid), ms, id);
            }
            *counts.entry(kind.as_str()).or_insert(0) += 1;
            queued += 1;
            let _ = writeln!(out, "{line}");
        }
        let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let mut head = format!(
            "chaos: {queued} random fault(s) over {} (mean interval {}){}{}\n",
            crate::time::format_duration_ms(for_ms),
            crate::time::format_duration_ms(mean_ms),
            if summary.is_empty() { "" } else { ": " },
            summary.join(", ")
        );
        for k in &left_out {
            let _ = writeln!(
                head,
                "chaos: all leaves out {}: {}",
                k.as_str(),
                Targets::missing(*k)
            );
        }
        head + &out
    })))
}
