//! `kubectl logs`: a container's log, read the way the real request travels. kubectl picks the
//! pod (`TYPE/NAME` through its selector, `-l` for several) and the container
//! (`polymorphichelpers/logsforobject.go`); the API server finds the pod's node
//! (`registry/core/pod` `LogLocation`: none yet, an empty log) and proxies to its kubelet on
//! port 10250, which a crashed, cut-off or stopped kubelet does not answer; the kubelet picks
//! the container's run from its status ([`crate::cluster::pod_logs::read`]).
//!
//! A pure query: it reads the model and changes nothing (only its `CommandRun` event is
//! recorded, as for every command).
//!
//! What kubectl prints to stderr (`Found 3 pods, using pod/…`, `Defaulted container …`, `No
//! resources found …`) comes first in the output, as a terminal shows the two streams.

use super::kubectl::{cluster, kerr, parse_flags};
use super::Plan;
use crate::cluster::api::{ConditionStatus, Object, ObjectKind, Pod, PodPhase};
use crate::cluster::selector::Selector;
use crate::cluster::state::Cluster;
use crate::cluster::store::Key;
use crate::error::{CommandError, Result};
use crate::sim::Sim;

/// `kubectl logs` without `--tail` on a selector prints this many lines per container
/// (`selectorTail` in kubectl's `logs.go`).
const SELECTOR_TAIL: usize = 10;

/// The annotation that names the container `kubectl logs` and `exec` default to.
const DEFAULT_CONTAINER: &str = "kubectl.kubernetes.io/default-container";

fn usage(message: &str) -> CommandError {
    kerr(format!(
        "error: {message}\nSee 'kubectl logs -h' for help and examples"
    ))
}

/// What was asked of each pod's log.
struct Ask {
    container: Option<String>,
    previous: bool,
    timestamps: bool,
    tail: Option<usize>,
}

impl Ask {
    /// The kubelet URL's query, as the API server encodes `PodLogOptions` (sorted keys).
    fn query(&self) -> String {
        let mut q = Vec::new();
        if self.previous {
            q.push("previous=true".to_string());
        }
        if let Some(n) = self.tail {
            q.push(format!("tailLines={n}"));
        }
        if self.timestamps {
            q.push("timestamps=true".to_string());
        }
        if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        }
    }
}

/// `kubectl logs (POD | TYPE/NAME) [CONTAINER] [-c C] [-p] [--tail N] [--timestamps] [-n NS]`
/// and `kubectl logs -l SELECTOR`.
pub(super) fn logs(sim: &Sim, args: &[String]) -> Result<Plan> {
    // kubectl's `-f` is --follow here, not --filename.
    if args
        .iter()
        .any(|a| matches!(a.as_str(), "-f" | "--follow" | "--follow=true"))
    {
        return Err(kerr(
            "-f: following a log needs a terminal that streams, which this sandbox does not have; run kubectl logs without -f (run or step lets time pass)",
        ));
    }
    let f = parse_flags(
        "logs",
        args,
        &["-c", "--container", "--tail"],
        &["-p", "--previous", "--timestamps"],
    )?;
    let flag = |names: &[&str]| names.iter().find_map(|n| f.values.get(*n)).cloned();
    let is_true = |names: &[&str]| flag(names).is_some_and(|v| v != "false");
    let tail = match flag(&["--tail"]) {
        None => None,
        Some(v) => {
            let n: i64 = v.parse().map_err(|_| {
                kerr(format!(
                    "error: invalid argument \"{v}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"
                ))
            })?;
            if n < -1 {
                return Err(kerr("error: --tail must be greater than or equal to -1"));
            }
            Some(n)
        }
    };
    let container_flag = flag(&["-c", "--container"]);
    let selector = f.selector.clone().filter(|s| !s.is_empty());
    let (resource, inline_container) = match (f.pos.as_slice(), &selector) {
        ([], None) | ([_, _, _, ..], _) => {
            return Err(usage(
                "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command",
            ))
        }
        ([_, ..], Some(_)) => return Err(usage("only a selector (-l) or a POD name is allowed")),
        ([], Some(_)) => (None, None),
        ([r], None) => (Some(r.clone()), None),
        ([r, c], None) => (Some(r.clone()), Some(c.clone())),
    };
    if container_flag.is_some() && inline_container.is_some() {
        return Err(kerr(
            "error: only one of -c or an inline [CONTAINER] arg is allowed",
        ));
    }
    let ask = Ask {
        container: container_flag.or(inline_container),
        previous: is_true(&["-p", "--previous"]),
        timestamps: is_true(&["--timestamps"]),
        tail: match tail {
            Some(n) => usize::try_from(n).ok(),
            None if selector.is_some() => Some(SELECTOR_TAIL),
            None => None,
        },
    };
    let c = cluster(sim)?;
    let ns = f.ns();
    let mut out = String::new();
    let pods: Vec<&Pod> = match (&selector, resource) {
        (Some(s), _) => {
            let sel = Selector::parse(s).map_err(|e| kerr(format!("error: {e}")))?;
            let pods: Vec<&Pod> = pods_in(c, &ns)
                .filter(|p| sel.matches(&p.metadata.labels))
                .collect();
            if pods.is_empty() {
                out.push_str(&format!("No resources found in {ns} namespace.\n"));
            }
            pods
        }
        (None, Some(r)) => {
            let (pod, note) = resolve(c, &ns, &r)?;
            out.push_str(&note);
            vec![pod]
        }
        (None, None) => Vec::new(),
    };
    // The requests, as kubectl makes them (ASSUMPTION: in pod-name order; kubectl ranges over a
    // Go map of requests, in no set order), then each one served.
    let mut planned = Vec::new();
    for pod in pods {
        let (index, note) = container_of(pod, ask.container.as_deref())?;
        out.push_str(&note);
        planned.push((pod, index));
    }
    for (pod, index) in planned {
        out.push_str(&serve(sim, c, pod, index, &ask)?);
    }
    Ok(Plan::Output(out))
}

fn pods_in<'a>(c: &'a Cluster, ns: &str) -> impl Iterator<Item = &'a Pod> {
    c.store
        .list(ObjectKind::Pod, Some(ns))
        .filter_map(|o| match o {
            Object::Pod(p) => Some(p.as_ref()),
            _ => None,
        })
}

/// `error from server (NotFound): pods "x" not found in namespace "default"` (kubectl 1.29+
/// adds the namespace, kubernetes/kubernetes#120111).
fn not_found(kind: ObjectKind, name: &str, ns: &str) -> CommandError {
    let resource = match kind.group() {
        "" => kind.plural().to_string(),
        g => format!("{}.{g}", kind.plural()),
    };
    kerr(format!(
        "error from server (NotFound): {resource} \"{name}\" not found in namespace \"{ns}\""
    ))
}

/// The pod `POD` or `TYPE/NAME` names, and what kubectl says on stderr picking it.
fn resolve<'a>(c: &'a Cluster, ns: &str, arg: &str) -> Result<(&'a Pod, String)> {
    let (kind, name) = match arg.split_once('/') {
        Some((k, n)) => (
            ObjectKind::from_resource_arg(k).ok_or_else(|| {
                kerr(format!(
                    "error: the server doesn't have a resource type \"{k}\""
                ))
            })?,
            n,
        ),
        None => (ObjectKind::Pod, arg),
    };
    let object = c
        .store
        .get(&Key::new(kind, ns, name))
        .ok_or_else(|| not_found(kind, name, ns))?;
    let selector = match object {
        Object::Pod(p) => return Ok((p.as_ref(), String::new())),
        Object::Deployment(d) => d.spec.selector.as_ref().map(Selector::from_label_selector),
        Object::ReplicaSet(rs) => rs.spec.selector.as_ref().map(Selector::from_label_selector),
        Object::Service(s) => {
            let text: Vec<String> = s
                .spec
                .selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            Some(Selector::parse(&text.join(",")))
        }
        other => {
            let t = format!("*v1.{}", other.kind());
            return Err(kerr(format!(
                "error: cannot get the logs from {t}: selector for {t} not implemented"
            )));
        }
    };
    let selector = selector
        .unwrap_or_else(|| Ok(Selector::everything()))
        .map_err(|e| kerr(format!("error: {e}")))?;
    let mut pods: Vec<&Pod> = pods_in(c, ns)
        .filter(|p| selector.matches(&p.metadata.labels))
        .collect();
    pods.sort_by_key(|p| by_logging(p));
    let Some(first) = pods.first() else {
        // ASSUMPTION: kubectl waits up to --pod-running-timeout (20 s) for a pod to appear
        // before this; the sandbox answers at once.
        return Err(kerr("error: timed out waiting for the condition"));
    };
    let note = if pods.len() > 1 {
        format!(
            "Found {} pods, using pod/{}\n",
            pods.len(),
            first.metadata.name
        )
    } else {
        String::new()
    };
    Ok((first, note))
}

/// kubectl's `podutils.ByLogging` order as a sort key: assigned before unassigned; Running
/// (and, through Go's zero value for a phase not in its map, Succeeded and Failed) before
/// Unknown before Pending; ready before not ready; ready longer first; more restarts first;
/// older first. ASSUMPTION: ties broken by name (Go's `sort.Sort` leaves them in no set order).
fn by_logging(p: &Pod) -> (bool, u8, bool, u64, i32, u64, String) {
    let phase = match p.status.phase {
        Some(PodPhase::Unknown) => 1,
        Some(PodPhase::Pending) => 2,
        _ => 0,
    };
    let ready = p
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == ConditionStatus::True);
    let ready_since = ready
        .and_then(|c| c.last_transition_time)
        .map_or(u64::MAX, |t| t.time().as_ms());
    let restarts = p
        .status
        .container_statuses
        .iter()
        .map(|s| s.restart_count)
        .max()
        .unwrap_or(0);
    let created = p
        .metadata
        .creation_timestamp
        .map_or(u64::MAX, |t| t.time().as_ms());
    (
        p.spec.node_name.is_empty(),
        phase,
        ready.is_none(),
        ready_since,
        -restarts,
        created,
        p.metadata.name.clone(),
    )
}

/// The container to read: the one named, else the pod's default-container annotation, else
/// the first (saying so when there are others, as kubectl does on stderr).
fn container_of(pod: &Pod, named: Option<&str>) -> Result<(usize, String)> {
    let names: Vec<&str> = pod
        .spec
        .containers
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let find = |n: &str| names.iter().position(|c| *c == n);
    let pod_name = &pod.metadata.name;
    if let Some(n) = named {
        return find(n).map(|i| (i, String::new())).ok_or_else(|| {
            kerr(format!(
                "error: container {n} is not valid for pod {pod_name}"
            ))
        });
    }
    let mut note = String::new();
    if let Some(d) = pod.metadata.annotations.get(DEFAULT_CONTAINER) {
        match find(d) {
            Some(i) => return Ok((i, note)),
            None => note.push_str(&format!(
                "Default container name \"{d}\" not found in pod {pod_name}\n"
            )),
        }
    }
    if names.len() > 1 {
        note.push_str(&format!(
            "Defaulted container \"{}\" out of: {}\n",
            names[0],
            names.join(", ")
        ));
    }
    Ok((0, note))
}

/// The API server's and the kubelet's part: the log text, or their error.
fn serve(sim: &Sim, c: &Cluster, pod: &Pod, index: usize, ask: &Ask) -> Result<String> {
    let node = &pod.spec.node_name;
    if node.is_empty() {
        // `LogLocation` has no node to send the request to: an empty log, no error.
        return Ok(String::new());
    }
    let fault = c.fault(node);
    if fault.down || fault.partitioned || fault.kubelet_stopped {
        let ip = node_ip(c, pod);
        let container = pod
            .spec
            .containers
            .get(index)
            .map_or("", |c| c.name.as_str());
        // ASSUMPTION: a machine that is off or cut off does not answer (the dial times out;
        // on a local network it may be `no route to host`); one whose kubelet stopped refuses.
        let why = if fault.down || fault.partitioned {
            "i/o timeout"
        } else {
            "connect: connection refused"
        };
        return Err(kerr(format!(
            "Error from server: Get \"https://{ip}:10250/containerLogs/{}/{}/{container}{}\": dial tcp {ip}:10250: {why}",
            pod.metadata.namespace,
            pod.metadata.name,
            ask.query()
        )));
    }
    let lines = crate::cluster::pod_logs::read(&c.logs, pod, index, ask.previous, sim.now())
        .map_err(|e| kerr(format!("Error from server (BadRequest): {e}")))?;
    if fault.runtime_stopped {
        // The kubelet asks containerd for the container's log path first
        // (`kubeGenericRuntimeManager.GetContainerLogs`), and containerd does not answer.
        let id = pod
            .status
            .container_statuses
            .get(index)
            .map_or("", |s| s.container_id.as_str());
        return Err(kerr(format!(
            "Error from server (BadRequest): unable to retrieve container logs for {id}"
        )));
    }
    Ok(crate::logs::render(&lines, ask.tail, ask.timestamps))
}

/// The pod's node's InternalIP (the pod's `hostIP`, or the node's own address before the
/// kubelet first reported the pod).
fn node_ip(c: &Cluster, pod: &Pod) -> String {
    if !pod.status.host_ip.is_empty() {
        return pod.status.host_ip.to_string();
    }
    match c
        .store
        .get(&Key::new(ObjectKind::Node, "", &pod.spec.node_name))
    {
        Some(Object::Node(n)) => n
            .status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map_or_else(|| pod.spec.node_name.clone(), |a| a.address.clone()),
        _ => pod.spec.node_name.clone(),
    }
}
