//! The lesson builder's model: a teacher records commands in the sandbox, marks where the
//! student takes over, picks goals from what changed, writes the text, tests and exports.
//!
//! Goal suggestions are generated from the current state and kept only when they hold now and
//! did not hold at the mark, so every suggestion is something the recorded commands achieved.

use serde_norway::Value;
use sim_core::cluster::api::{Object, ObjectKind};
use sim_core::Session;

use crate::goal::{Check, Since};
use crate::{Goal, Lesson, Text};

/// Writes a lesson as a lesson file: fields in the format's order, variants as one-key
/// mappings (`- text: …`, `check: {pods_ready: …}`), multi-line text as literal blocks.
pub fn to_yaml(lesson: &Lesson) -> String {
    let value = match serde_norway::to_value(lesson) {
        Ok(v) => untag(v),
        Err(_) => return String::new(),
    };
    serde_norway::to_string(&value).unwrap_or_default()
}

/// serde_norway writes enum variants as YAML tags (`!text`); lesson files spell them as
/// one-key mappings, which is what the reader expects.
fn untag(v: Value) -> Value {
    match v {
        Value::Tagged(t) => {
            let mut m = serde_norway::Mapping::new();
            let tag = t.tag.to_string();
            m.insert(
                Value::String(tag.trim_start_matches('!').to_string()),
                untag(t.value),
            );
            Value::Mapping(m)
        }
        Value::Mapping(m) => Value::Mapping(m.into_iter().map(|(k, v)| (k, untag(v))).collect()),
        Value::Sequence(s) => Value::Sequence(s.into_iter().map(untag).collect()),
        other => other,
    }
}

/// A goal the builder offers: its predicate and a default label in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The goal, labelled.
    pub goal: Goal,
}

fn goal(ko: String, en: String, check: Check) -> Suggestion {
    Suggestion {
        goal: Goal {
            text: Text { ko, en },
            check,
        },
    }
}

/// Goals that hold on `now` and did not hold on `mark` (the session at the point where the
/// student takes over). `since` is where the student's part begins in `now`.
pub fn suggest_goals(mark: &Session, now: &Session, since: Since) -> Vec<Suggestion> {
    let sim = now.sim();
    let mut out = Vec::new();
    if let Some(cluster) = sim.cluster() {
        for o in cluster.store.list(ObjectKind::Deployment, None) {
            let Object::Deployment(d) = o else { continue };
            let (name, ns) = (d.metadata.name.clone(), d.metadata.namespace.clone());
            let replicas = d.spec.replicas.unwrap_or(1).max(0) as u64;
            out.push(goal(
                format!("디플로이먼트 {name}의 파드 {replicas}개가 모두 사용 가능"),
                format!("Deployment {name} has all {replicas} pods available"),
                Check::DeploymentAvailable {
                    name: name.clone(),
                    namespace: ns.clone(),
                    replicas,
                },
            ));
            let revision = d
                .metadata
                .annotations
                .get(sim_core::cluster::controllers::REVISION)
                .and_then(|r| r.parse::<u64>().ok())
                .unwrap_or(0);
            if revision > 1 {
                out.push(goal(
                    format!("디플로이먼트 {name}가 리비전 {revision}까지 롤아웃 완료"),
                    format!("Deployment {name} rolled out to revision {revision}"),
                    Check::DeploymentRevision {
                        name: name.clone(),
                        namespace: ns.clone(),
                        revision,
                    },
                ));
            }
            if let Some(app) = d.spec.template.metadata.labels.get("app") {
                out.push(goal(
                    format!("app={app} 파드 {replicas}개가 Ready"),
                    format!("{replicas} pods with app={app} are Ready"),
                    Check::PodsReady {
                        selector: format!("app={app}"),
                        namespace: ns,
                        count: replicas,
                    },
                ));
            }
        }
        for o in cluster.store.list(ObjectKind::Node, None) {
            let Object::Node(n) = o else { continue };
            let name = n.metadata.name.clone();
            if let Some(c) = n.status.conditions.iter().find(|c| c.type_ == "Ready") {
                let status = c.status.to_string();
                out.push(goal(
                    format!("노드 {name}의 Ready 상태가 {status}"),
                    format!("Node {name} is Ready={status}"),
                    Check::NodeReady { node: name, status },
                ));
            }
        }
    }
    let images: Vec<String> = sim
        .docker()
        .images
        .keys()
        .filter_map(|id| sim.docker().tags_of(id).into_iter().next())
        .collect();
    for image in &images {
        out.push(goal(
            format!("이미지 {image} 만들기"),
            format!("Image {image} exists"),
            Check::ImageExists {
                image: image.clone(),
            },
        ));
    }
    let running = sim
        .docker()
        .containers
        .values()
        .filter(|c| c.is_running())
        .count() as u64;
    if running > 0 {
        out.push(goal(
            format!("컨테이너 {running}개 실행"),
            format!("{running} containers running"),
            Check::ContainersRunning {
                count: running,
                image: None,
            },
        ));
    }
    let vms = sim.host().vms.values().filter(|v| v.is_running()).count() as u64;
    if vms > 0 {
        out.push(goal(
            format!("VM {vms}개 부팅 완료"),
            format!("{vms} VMs booted"),
            Check::VmsRunning { count: vms },
        ));
    }
    for target in sim.traffic().targets().keys() {
        out.push(goal(
            format!("{target}로 가는 요청이 최근 60초 동안 99% 이상 성공"),
            format!("At least 99% of requests to {target} succeed over the last 60 s"),
            Check::TrafficSuccess {
                target: target.clone(),
                min_percent: 99,
                seconds: 60,
            },
        ));
    }
    let mut kinds: Vec<&'static str> = sim
        .log()
        .iter()
        .skip(since.events)
        .map(|e| e.kind.name())
        .filter(|k| {
            matches!(
                *k,
                "OomKilled" | "DensityMeasured" | "FaultInjected" | "ImageCommitted" | "BenchRan"
            )
        })
        .collect();
    kinds.dedup();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        out.push(goal(
            format!("{kind} 이벤트가 일어나기"),
            format!("A {kind} event happens"),
            Check::Event {
                kind: kind.to_string(),
                object: None,
                message: None,
            },
        ));
    }
    let mark_since = crate::runner::since(mark);
    out.retain(|s| {
        s.goal.check.status(sim, now.entries(), since).met
            && !s
                .goal
                .check
                .status(mark.sim(), mark.entries(), mark_since)
                .met
    });
    out
}
