//! Goals: predicates on the simulation state, evaluated live as the student works.
//!
//! Each predicate reads the model only (the store, the engines, the host, the event log, the
//! traffic stats); none parses terminal output. `progress` is a short, language-neutral figure
//! ("2/3") the checklist shows beside the goal's text.

use serde::{Deserialize, Serialize};
use sim_core::cluster::api::{ConditionStatus, Object, ObjectKind};
use sim_core::cluster::selector::Selector;
use sim_core::cluster::store::Key;
use sim_core::{Entry, Sim};

use crate::schema::{opt, req, Shape, STR, STR_LIST, UINT};
use crate::Text;

/// A goal's predicate. In a lesson file: `check: {pods_ready: {selector: app=web, count: 3}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Check {
    /// At least `count` pods matching `selector` (kubectl `-l` syntax) are Ready and not
    /// terminating.
    PodsReady {
        /// Label selector.
        selector: String,
        /// Namespace (default `default`).
        #[serde(default = "default_ns")]
        namespace: String,
        /// How many.
        count: u64,
    },
    /// At least `count` pods matching `selector` are Pending (not yet scheduled or started).
    PodsPending {
        /// Label selector.
        selector: String,
        /// Namespace (default `default`).
        #[serde(default = "default_ns")]
        namespace: String,
        /// How many.
        count: u64,
    },
    /// A node's Ready condition has this status: `True`, `False` or `Unknown`.
    NodeReady {
        /// The node.
        node: String,
        /// The condition's status.
        status: String,
    },
    /// A node is cordoned: `spec.unschedulable` is set (`kubectl cordon`, or `kubectl drain`),
    /// so the scheduler places no new pod on it.
    NodeCordoned {
        /// The node.
        node: String,
    },
    /// A Deployment is at revision `revision` or later and fully rolled out: every replica
    /// updated and available.
    DeploymentRevision {
        /// Its name.
        name: String,
        /// Namespace (default `default`).
        #[serde(default = "default_ns")]
        namespace: String,
        /// The revision (the `deployment.kubernetes.io/revision` of its newest ReplicaSet).
        revision: u64,
    },
    /// A Deployment has `replicas` desired and as many available and updated.
    DeploymentAvailable {
        /// Its name.
        name: String,
        /// Namespace (default `default`).
        #[serde(default = "default_ns")]
        namespace: String,
        /// Desired replicas.
        replicas: u64,
    },
    /// An image is in the host's local store (`docker images` lists it).
    ImageExists {
        /// A reference as `docker images` accepts it (`web:1`, `alpine`).
        image: String,
    },
    /// Two local images share at least `min` layers (the same ChainIDs from the base up).
    SharedLayers {
        /// Exactly two image references.
        images: Vec<String>,
        /// The fewest shared layers.
        min: u64,
    },
    /// At least `count` containers run on the host (optionally of one image reference).
    ContainersRunning {
        /// How many.
        count: u64,
        /// Only containers started from this reference.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<String>,
    },
    /// At least `count` VMs are running (booted).
    VmsRunning {
        /// How many.
        count: u64,
    },
    /// A cluster exists with at least `nodes` nodes whose Ready condition is True.
    NodesReady {
        /// How many.
        nodes: u64,
    },
    /// Traffic to `target` (`svc/web` or `lb/front`) succeeded for at least `min_percent` of
    /// the requests over the last `seconds` seconds, with requests sent in each of them.
    TrafficSuccess {
        /// `svc/NAME` or `lb/NAME`.
        target: String,
        /// The lowest success rate, in percent.
        min_percent: u64,
        /// The window, in seconds.
        seconds: u64,
    },
    /// A workspace file exists.
    FileExists {
        /// Its path.
        path: String,
    },
    /// Since the lesson started, an event of this kind happened (the event log's "kind"
    /// column: `OomKilled`, `KubeEvent`, `FaultInjected`…), optionally about an object whose
    /// `kind/name` starts with `object` and whose message contains `message`.
    Event {
        /// The event kind.
        kind: String,
        /// A prefix of `kind/name` of the object.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        object: Option<String>,
        /// Text the message contains.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// The simulated clock reads at least `seconds` (time the lesson asks the student to keep
    /// something running through).
    ClockAtLeast {
        /// Seconds since the simulation started.
        seconds: u64,
    },
    /// Since the lesson started, the student ran a command starting with these words, and it
    /// succeeded.
    CommandRan {
        /// The first words (`docker history`).
        command: String,
    },
}

fn default_ns() -> String {
    "default".into()
}

const NS: crate::schema::Field = opt("namespace", &STR);

/// The shape of `check` in a lesson file.
pub(crate) const CHECK: Shape = Shape::OneOf(&[
    (
        "pods_ready",
        &Shape::Obj(&[req("selector", &STR), NS, req("count", &UINT)]),
    ),
    (
        "pods_pending",
        &Shape::Obj(&[req("selector", &STR), NS, req("count", &UINT)]),
    ),
    (
        "node_ready",
        &Shape::Obj(&[req("node", &STR), req("status", &STR)]),
    ),
    ("node_cordoned", &Shape::Obj(&[req("node", &STR)])),
    (
        "deployment_revision",
        &Shape::Obj(&[req("name", &STR), NS, req("revision", &UINT)]),
    ),
    (
        "deployment_available",
        &Shape::Obj(&[req("name", &STR), NS, req("replicas", &UINT)]),
    ),
    ("image_exists", &Shape::Obj(&[req("image", &STR)])),
    (
        "shared_layers",
        &Shape::Obj(&[req("images", &STR_LIST), req("min", &UINT)]),
    ),
    (
        "containers_running",
        &Shape::Obj(&[req("count", &UINT), opt("image", &STR)]),
    ),
    ("vms_running", &Shape::Obj(&[req("count", &UINT)])),
    ("nodes_ready", &Shape::Obj(&[req("nodes", &UINT)])),
    (
        "traffic_success",
        &Shape::Obj(&[
            req("target", &STR),
            req("min_percent", &UINT),
            req("seconds", &UINT),
        ]),
    ),
    ("file_exists", &Shape::Obj(&[req("path", &STR)])),
    (
        "event",
        &Shape::Obj(&[req("kind", &STR), opt("object", &STR), opt("message", &STR)]),
    ),
    ("clock_at_least", &Shape::Obj(&[req("seconds", &UINT)])),
    ("command_ran", &Shape::Obj(&[req("command", &STR)])),
]);

/// What a goal's predicate says now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalStatus {
    /// The predicate holds.
    pub met: bool,
    /// A short figure: `2/3`, `revision 1`, `97%`; empty when there is nothing to count.
    pub progress: String,
}

impl GoalStatus {
    fn count(have: u64, want: u64) -> GoalStatus {
        GoalStatus {
            met: have >= want,
            progress: format!("{}/{want}", have.min(want)),
        }
    }

    fn flag(met: bool) -> GoalStatus {
        GoalStatus {
            met,
            progress: String::new(),
        }
    }
}

/// Where the lesson started in a session: goals about what happened ("an event", "a command
/// ran") only count what came after the setup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Since {
    /// Events in the log when the student started.
    pub events: usize,
    /// Terminal entries when the student started.
    pub entries: usize,
}

impl Check {
    /// Checks what the file cannot express in its shape (a selector that parses, a status
    /// Kubernetes has, two images, a percentage); `Err` is the message in both languages.
    pub fn validate(&self) -> Result<(), Text> {
        match self {
            Check::PodsReady { selector, .. } | Check::PodsPending { selector, .. } => {
                Selector::parse(selector).map(|_| ()).map_err(|e| {
                    Text::new(
                        format!("셀렉터를 해석할 수 없어요: \"{selector}\" ({})", e.0),
                        format!("selector \"{selector}\": {}", e.0),
                    )
                })
            }
            Check::NodeReady { status, .. } => match status.as_str() {
                "True" | "False" | "Unknown" => Ok(()),
                s => Err(Text::new(
                    format!("status에는 True, False, Unknown 중 하나를 써야 해요 (지금은 \"{s}\")"),
                    format!("status \"{s}\" is not a condition status (True, False or Unknown)"),
                )),
            },
            Check::SharedLayers { images, .. } if images.len() != 2 => Err(Text::new(
                format!(
                    "shared_layers는 이미지를 정확히 2개 비교해요 (지금은 {}개)",
                    images.len()
                ),
                format!(
                    "shared_layers compares exactly 2 images, not {}",
                    images.len()
                ),
            )),
            Check::TrafficSuccess {
                target,
                min_percent,
                seconds,
            } => {
                if !(target.starts_with("svc/") || target.starts_with("lb/")) {
                    Err(Text::new(
                        format!(
                            "target은 svc/NAME이나 lb/NAME 꼴이어야 해요 (지금은 \"{target}\")"
                        ),
                        format!("target \"{target}\" must be svc/NAME or lb/NAME"),
                    ))
                } else if *min_percent > 100 {
                    Err(Text::new(
                        format!("min_percent는 100을 넘을 수 없어요 (지금은 {min_percent})"),
                        format!("min_percent {min_percent} is over 100"),
                    ))
                } else if *seconds == 0 || *seconds > 3600 {
                    Err(Text::new(
                        format!(
                            "seconds는 1에서 3600 사이여야 해요 (지금은 {seconds}; 통계는 한 시간만 보관해요)"
                        ),
                        format!(
                            "seconds {seconds} must be between 1 and 3600 (the stats keep an hour)"
                        ),
                    ))
                } else {
                    Ok(())
                }
            }
            Check::Event { kind, .. } if kind.is_empty() => {
                Err(Text::new("kind가 비어 있어요", "kind is empty"))
            }
            Check::CommandRan { command } if command.trim().is_empty() => {
                Err(Text::new("command가 비어 있어요", "command is empty"))
            }
            _ => Ok(()),
        }
    }

    /// Evaluates the predicate on `sim`, counting history from `since` in `log`/`entries`.
    pub fn status(&self, sim: &Sim, entries: &[Entry], since: Since) -> GoalStatus {
        match self {
            Check::PodsReady {
                selector,
                namespace,
                count,
            } => GoalStatus::count(pods(sim, namespace, selector, pod_ready), *count),
            Check::PodsPending {
                selector,
                namespace,
                count,
            } => GoalStatus::count(pods(sim, namespace, selector, pod_pending), *count),
            Check::NodeReady { node, status } => {
                let now = node_ready(sim, node);
                GoalStatus {
                    met: now.as_deref() == Some(status.as_str()),
                    progress: now.unwrap_or_else(|| "-".into()),
                }
            }
            Check::NodeCordoned { node } => GoalStatus::flag(node_cordoned(sim, node)),
            Check::DeploymentRevision {
                name,
                namespace,
                revision,
            } => {
                let (rev, complete) = deployment_revision(sim, namespace, name);
                GoalStatus {
                    met: rev >= *revision && complete,
                    progress: format!("{rev}/{revision}"),
                }
            }
            Check::DeploymentAvailable {
                name,
                namespace,
                replicas,
            } => {
                let (desired, available) = deployment_available(sim, namespace, name);
                GoalStatus {
                    met: desired == *replicas && available == *replicas,
                    progress: format!("{available}/{replicas}"),
                }
            }
            Check::ImageExists { image } => GoalStatus::flag(sim.docker().find(image).is_some()),
            Check::SharedLayers { images, min } => {
                GoalStatus::count(shared_layers(sim, images), *min)
            }
            Check::ContainersRunning { count, image } => {
                let n = sim
                    .docker()
                    .containers
                    .values()
                    .filter(|c| c.is_running())
                    .filter(|c| image.as_ref().is_none_or(|i| &c.image_ref == i))
                    .count() as u64;
                GoalStatus::count(n, *count)
            }
            Check::VmsRunning { count } => {
                let n = sim.host().vms.values().filter(|v| v.is_running()).count() as u64;
                GoalStatus::count(n, *count)
            }
            Check::NodesReady { nodes } => {
                let n = sim.cluster().map_or(0, |c| {
                    c.store
                        .list(ObjectKind::Node, None)
                        .filter(|o| node_ready_of(o).as_deref() == Some("True"))
                        .count() as u64
                });
                GoalStatus::count(n, *nodes)
            }
            Check::TrafficSuccess {
                target,
                min_percent,
                seconds,
            } => traffic_success(sim, target, *min_percent, *seconds),
            Check::FileExists { path } => GoalStatus::flag(sim.workspace().file(path).is_some()),
            Check::Event {
                kind,
                object,
                message,
            } => {
                let seen = sim.log().iter().skip(since.events).any(|e| {
                    e.kind.name() == kind
                        && object.as_ref().is_none_or(|o| {
                            format!("{}/{}", e.object.kind, e.object.name).starts_with(o.as_str())
                        })
                        && message
                            .as_ref()
                            .is_none_or(|m| e.message.contains(m.as_str()))
                });
                GoalStatus::flag(seen)
            }
            Check::ClockAtLeast { seconds } => {
                let now_s = sim.now().as_ms() / 1000;
                GoalStatus {
                    met: now_s >= *seconds,
                    progress: format!("{}s/{seconds}s", now_s.min(*seconds)),
                }
            }
            Check::CommandRan { command } => {
                let want: Vec<&str> = command.split_whitespace().collect();
                let ran = entries.iter().skip(since.entries).any(|e| {
                    !e.failed() && {
                        let words: Vec<&str> = e.command.split_whitespace().collect();
                        words.len() >= want.len() && words[..want.len()] == want[..]
                    }
                });
                GoalStatus::flag(ran)
            }
        }
    }
}

fn pods(sim: &Sim, namespace: &str, selector: &str, keep: fn(&Object) -> bool) -> u64 {
    let (Some(cluster), Ok(sel)) = (sim.cluster(), Selector::parse(selector)) else {
        return 0;
    };
    cluster
        .store
        .list(ObjectKind::Pod, Some(namespace))
        .filter(|o| sel.matches(&o.metadata().labels) && keep(o))
        .count() as u64
}

fn pod_ready(o: &Object) -> bool {
    let Object::Pod(p) = o else { return false };
    p.metadata.deletion_timestamp.is_none()
        && p.status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == ConditionStatus::True)
}

fn pod_pending(o: &Object) -> bool {
    let Object::Pod(p) = o else { return false };
    p.metadata.deletion_timestamp.is_none()
        && p.status
            .phase
            .as_ref()
            .is_none_or(|ph| ph.to_string() == "Pending")
}

fn node_ready_of(o: &Object) -> Option<String> {
    let Object::Node(n) = o else { return None };
    n.status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.to_string())
}

fn node_ready(sim: &Sim, node: &str) -> Option<String> {
    let cluster = sim.cluster()?;
    let o = cluster.store.get(&Key::new(ObjectKind::Node, "", node))?;
    node_ready_of(o)
}

fn node_cordoned(sim: &Sim, node: &str) -> bool {
    let Some(cluster) = sim.cluster() else {
        return false;
    };
    matches!(
        cluster.store.get(&Key::new(ObjectKind::Node, "", node)),
        Some(Object::Node(n)) if n.spec.unschedulable
    )
}

fn deployment_revision(sim: &Sim, namespace: &str, name: &str) -> (u64, bool) {
    let Some(cluster) = sim.cluster() else {
        return (0, false);
    };
    let Some(Object::Deployment(d)) =
        cluster
            .store
            .get(&Key::new(ObjectKind::Deployment, namespace, name))
    else {
        return (0, false);
    };
    let rev = d
        .metadata
        .annotations
        .get(sim_core::cluster::controllers::REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0);
    let want = d.spec.replicas.unwrap_or(1);
    let s = &d.status;
    let complete = s.observed_generation >= d.metadata.generation
        && s.updated_replicas == want
        && s.replicas == want
        && s.available_replicas == want;
    (rev, complete)
}

fn deployment_available(sim: &Sim, namespace: &str, name: &str) -> (u64, u64) {
    let Some(cluster) = sim.cluster() else {
        return (0, 0);
    };
    let Some(Object::Deployment(d)) =
        cluster
            .store
            .get(&Key::new(ObjectKind::Deployment, namespace, name))
    else {
        return (0, 0);
    };
    let want = d.spec.replicas.unwrap_or(1).max(0) as u64;
    let s = &d.status;
    let available =
        if s.updated_replicas == s.available_replicas && s.replicas == s.updated_replicas {
            s.available_replicas.max(0) as u64
        } else {
            // Mid-rollout: count only what is both updated and available.
            s.available_replicas.min(s.updated_replicas).max(0) as u64
        };
    (want, available)
}

fn shared_layers(sim: &Sim, images: &[String]) -> u64 {
    let (Some(a), Some(b)) = (
        images.first().and_then(|i| sim.docker().find(i)),
        images.get(1).and_then(|i| sim.docker().find(i)),
    ) else {
        return 0;
    };
    a.chain_ids()
        .iter()
        .zip(b.chain_ids().iter())
        .take_while(|(x, y)| x == y)
        .count() as u64
}

fn traffic_success(sim: &Sim, target: &str, min_percent: u64, seconds: u64) -> GoalStatus {
    let series = sim_core::cluster::traffic::series(sim, target);
    let window = &series[series.len().saturating_sub(seconds as usize)..];
    let (sent, ok) = window.iter().fold((0u64, 0u64), |(s, o), x| {
        (s + u64::from(x.sent), o + u64::from(x.ok))
    });
    let full = window.len() as u64 == seconds && window.iter().all(|x| x.sent > 0);
    let percent = (ok * 100).checked_div(sent).unwrap_or(0);
    GoalStatus {
        // Integer compare: ok/sent ≥ min/100.
        met: full && sent > 0 && ok * 100 >= min_percent * sent,
        progress: format!("{percent}%"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{Session, SimConfig};

    fn cordoned(session: &Session, node: &str) -> bool {
        Check::NodeCordoned { node: node.into() }
            .status(session.sim(), session.entries(), Since::default())
            .met
    }

    #[test]
    fn node_cordoned_follows_cordon_and_uncordon() {
        let mut session = Session::new(SimConfig::default());
        assert!(!cordoned(&session, "node-1"), "no cluster yet");
        session.submit("cluster create --nodes 2");
        assert!(!cordoned(&session, "node-1"));
        session.submit("kubectl cordon node-1");
        assert!(cordoned(&session, "node-1"));
        assert!(!cordoned(&session, "node-2"));
        assert!(
            !cordoned(&session, "node-9"),
            "an unknown node is not cordoned"
        );
        session.submit("kubectl uncordon node-1");
        assert!(!cordoned(&session, "node-1"));
    }
}
