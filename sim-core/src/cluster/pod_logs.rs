//! The kubelet's container logs: for each pod, each container's current run and the one before
//! it (`/var/log/pods/NS_POD_UID/CONTAINER/N.log`; the kubelet's garbage collection keeps one
//! dead container per container, `MaxPerPodContainer`), kept beside the API objects in
//! [`super::state::Cluster::logs`] by the pod's uid and dropped with the pod.
//!
//! The kubelet writes a run's lines when its container starts ([`started`]); `kubectl logs`
//! asks which run to read the way the kubelet's `validateContainerLogStatus`
//! (`pkg/kubelet/kubelet_pods.go`) decides it from the container's status ([`read`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::api::{ContainerStatus, Pod};
use super::workload::{self, Context};
use crate::image::container::exec_target;
use crate::image::engine::Engine;
use crate::logs::{ContainerLog, LogLine, Server};
use crate::time::SimTime;

/// The runs of one container the kubelet keeps logs of.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ContainerRuns {
    /// The latest run.
    pub current: Option<Run>,
    /// The run before it (boxed: most containers never restart).
    pub previous: Option<Box<Run>>,
}

/// One run of a container: its start and what it wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Run {
    /// When it started (its `startedAt`).
    pub started: SimTime,
    /// Its log, written relative to `started` (shared by the runs that wrote the same: every
    /// replica of a server prints the same banner).
    pub log: crate::shared::Shared<ContainerLog>,
}

/// Each pod's container logs (by container index in `spec.containers`), by the pod's key (the
/// store's own copy, held once; a pod's logs go when it leaves the store, so a later pod of
/// the same name starts with none).
#[derive(Clone, Debug, Default)]
pub struct Logs {
    /// One slot per container (a boxed slice: no room kept for more).
    pods: BTreeMap<crate::shared::Shared<super::store::Key>, Box<[ContainerRuns]>>,
    /// The last few distinct logs written, so equal ones are held once.
    recent: crate::shared::Recent<ContainerLog>,
}

/// The environment of a pod's container as its process sees it: the image's `PATH` (or the
/// default), `HOSTNAME` = the pod's name, the image's other `ENV`, the container's `env` (a
/// name it repeats replaces the image's value), then `HOME=/root`. ASSUMPTION: no service-link
/// variables (`KUBERNETES_SERVICE_HOST`…) and no `valueFrom` values, which the sandbox does
/// not resolve; the order is containerd's for the image's variables and the kubelet's for the
/// pod's.
pub fn environment(pod: &Pod, index: usize, image_env: &[String]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = Vec::new();
    let set = |env: &mut Vec<(String, String)>, k: &str, v: &str| match env
        .iter_mut()
        .find(|(name, _)| name == k)
    {
        Some(e) => e.1 = v.to_string(),
        None => env.push((k.to_string(), v.to_string())),
    };
    let image: Vec<(&str, &str)> = image_env.iter().filter_map(|e| e.split_once('=')).collect();
    let path = image
        .iter()
        .find(|(k, _)| *k == "PATH")
        .map_or(&crate::image::base::PATH_ENV[5..], |(_, v)| *v);
    set(&mut env, "PATH", path);
    set(&mut env, "HOSTNAME", &pod.metadata.name);
    for (k, v) in image.iter().filter(|(k, _)| *k != "PATH") {
        set(&mut env, k, v);
    }
    if let Some(c) = pod.spec.containers.get(index) {
        for e in &c.env {
            if let Some(v) = &e.value {
                set(&mut env, &e.name, v);
            } else if e.value_from.is_none() {
                set(&mut env, &e.name, "");
            }
        }
    }
    if !env.iter().any(|(k, _)| k == "HOME") {
        env.push(("HOME".into(), "/root".into()));
    }
    env
}

/// What container `index` of `pod` writes when it starts at `now` on a node with `engine`
/// (which holds its image) and `kernel`: its command's output, or, when it runs the image's
/// own server, that server's banner, with instants relative to `now`. Returns the log and the
/// command's exit.
pub fn output(
    pod: &Pod,
    index: usize,
    engine: Option<&Engine>,
    kernel: &str,
    now: SimTime,
) -> (ContainerLog, Option<(u64, i32)>) {
    let mut log = ContainerLog::default();
    let Some(c) = pod.spec.containers.get(index) else {
        return (log, None);
    };
    let config = engine
        .and_then(|e| {
            let r = crate::image::engine::parse_reference(&c.image).ok()?;
            e.find_reference(&r)
        })
        .map(|i| i.config.config.clone());
    let image_env = config.as_ref().map_or(&[][..], |c| &c.env[..]);
    let env = environment(pod, index, image_env);
    let words = workload::command_words(c);
    let ctx = Context {
        hostname: &pod.metadata.name,
        env: &env,
        kernel,
        start: now,
    };
    let w = workload::run(&words, &ctx);
    for (offset, line) in &w.output {
        log.write_line(SimTime::ZERO.plus_ms(*offset), line);
    }
    if w.exit.is_none() {
        // What the process is: the image's ENTRYPOINT + CMD unless the pod overrides them.
        let argv: Vec<String> = match (&c.command[..], config.as_ref()) {
            ([], Some(cfg)) => {
                let entry = cfg.entrypoint.clone().unwrap_or_default();
                let cmd = if c.args.is_empty() {
                    cfg.cmd.clone().unwrap_or_default()
                } else {
                    c.args.clone()
                };
                entry.into_iter().chain(cmd).collect()
            }
            _ => words.iter().map(|w| w.to_string()).collect(),
        };
        if let Some(server) = exec_target(&argv)
            .first()
            .and_then(|p| Server::of(p, image_env))
        {
            log.write_banner(SimTime::ZERO, server);
        }
    }
    // Written once: a pod's run holds only what it needs (thousands of pods hold one each).
    log.shrink_to_fit();
    (log, w.exit)
}

/// The kubelet started container `index` of the pod at `now`: its new run becomes the current
/// one, the current one the previous.
pub(crate) fn started(
    logs: &mut Logs,
    key: crate::shared::Shared<super::store::Key>,
    pod: &Pod,
    index: usize,
    now: SimTime,
    log: ContainerLog,
) {
    let mut log = crate::shared::Shared::new(log);
    logs.recent.share(&mut log);
    let containers = logs.pods.entry(key).or_default();
    if containers.len() <= index {
        let n = pod.spec.containers.len().max(index + 1);
        let mut slots = std::mem::take(containers).into_vec();
        slots.resize_with(n, ContainerRuns::default);
        *containers = slots.into_boxed_slice();
    }
    let runs = &mut containers[index];
    runs.previous = runs.current.take().map(Box::new);
    runs.current = Some(Run { started: now, log });
}

/// The pod left the API: its logs go with it.
pub(crate) fn forget(logs: &mut Logs, key: &super::store::Key) {
    logs.pods.remove(key);
}

/// Reads container `index` of `pod` as the kubelet serves `GET containerLogs` at `now`: the
/// run its status points at (`--previous`: the last terminated one), cut at that run's end.
/// `Err` is the kubelet's message (the API server returns it as BadRequest).
pub fn read(
    logs: &Logs,
    pod: &Pod,
    index: usize,
    previous: bool,
    now: SimTime,
) -> Result<Vec<LogLine>, String> {
    let name = pod
        .spec
        .containers
        .get(index)
        .map_or("", |c| c.name.as_str());
    let pod_name = &pod.metadata.name;
    let Some(s) = pod.status.container_statuses.get(index) else {
        return Err(format!(
            "container \"{name}\" in pod \"{pod_name}\" is not available"
        ));
    };
    let started = pick(s, previous).map_err(|why| match why {
        Why::NoPrevious => {
            format!("previous terminated container \"{name}\" in pod \"{pod_name}\" not found")
        }
        Why::Terminated => format!("container \"{name}\" in pod \"{pod_name}\" is terminated"),
        Why::Waiting(reason) => {
            let what = match reason.as_str() {
                "ErrImagePull" => "image can't be pulled".to_string(),
                "ImagePullBackOff" => "trying and failing to pull image".to_string(),
                r => r.to_string(),
            };
            format!("container \"{name}\" in pod \"{pod_name}\" is waiting to start: {what}")
        }
        Why::Unknown => {
            format!("container \"{name}\" in pod \"{pod_name}\" is waiting to start - no logs yet")
        }
    })?;
    let (start, end) = started;
    let key = super::store::Key::new(
        super::api::ObjectKind::Pod,
        &pod.metadata.namespace,
        &pod.metadata.name,
    );
    let runs = logs
        .pods
        .get(&key)
        .and_then(|containers| containers.get(index));
    let run = runs.and_then(|r| {
        [r.current.as_ref(), r.previous.as_deref()]
            .into_iter()
            .flatten()
            .find(|run| run.started == start)
    });
    // A run the kubelet has no file for (none in the sandbox) reads as empty.
    Ok(run.map_or_else(Vec::new, |r| {
        r.log.lines_from(r.started, end.map_or(now, |e| e.min(now)))
    }))
}

enum Why {
    NoPrevious,
    Terminated,
    Waiting(String),
    Unknown,
}

/// Which run the kubelet reads (its start, and its end if it ended), by
/// `validateContainerLogStatus`'s order: `--previous` the last termination; else a running
/// container, a terminated one, the last termination, or an error for a waiting one.
///
/// The sandbox's kubelet copies a container's termination into `lastState` as it exits, before
/// any restart; a real `lastState` only holds it once the container runs again. So the last
/// termination counts as a previous container only after a restart (`restartCount` > 0).
fn pick(s: &ContainerStatus, previous: bool) -> Result<(SimTime, Option<SimTime>), Why> {
    let last = s
        .last_state
        .terminated
        .as_deref()
        .filter(|t| !t.container_id.is_empty());
    let ended = |t: &super::api::ContainerStateTerminated| match t.started_at {
        Some(st) => Ok((st.time(), t.finished_at.map(|f| f.time()))),
        None => Err(Why::Terminated),
    };
    if previous {
        return match last {
            Some(t) if s.restart_count > 0 => ended(t).map_err(|_| Why::NoPrevious),
            _ => Err(Why::NoPrevious),
        };
    }
    if let Some(r) = &s.state.running {
        return r.started_at.map(|t| (t.time(), None)).ok_or(Why::Unknown);
    }
    if let Some(t) = &s.state.terminated {
        if t.container_id.is_empty() {
            return last.map_or(Err(Why::Terminated), ended);
        }
        return ended(t);
    }
    if let Some(t) = last {
        return ended(t);
    }
    match &s.state.waiting {
        Some(w) => Err(Why::Waiting(w.reason.clone())),
        None => Err(Why::Unknown),
    }
}
