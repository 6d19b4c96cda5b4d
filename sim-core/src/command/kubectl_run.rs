//! `kubectl run NAME --image=IMAGE`: one bare Pod, as kubectl builds it
//! (`staging/src/k8s.io/kubectl/pkg/cmd/run/run.go` and the `run-pod/v1` generator): labelled
//! `run=NAME` (or `--labels`), one container named NAME with the image, `--port` as its
//! container port, `--env` variables, the arguments after `--` as its args (its command with
//! `--command`), `restartPolicy` from `--restart` (Always) and `dnsPolicy: ClusterFirst`.
//! No ReplicaSet owns it, so nothing replaces it when it goes — the lesson's point about why
//! Deployments exist. Interactive runs (`-i`, `-t`, `--rm`, `--attach`) need a terminal
//! attached to a container, which the sandbox does not have: they are refused.

use super::kubectl::{
    check_pod_room, create_plan, dry_run, dry_run_output, kerr, key_value_list, parse_flags,
    printer,
};
use super::Plan;
use crate::cluster::api::{
    Container, ContainerPort, EnvVar, Object, Pod, RestartPolicy, StringMap,
};
use crate::cluster::state::Cluster;
use crate::cluster::store::Key;
use crate::error::Result;

/// `kubectl run`.
pub(super) fn run(c: &Cluster, args: &[String]) -> Result<Plan> {
    // Everything after `--` is the container's arguments (or command), not kubectl's flags.
    let (own, after): (&[String], &[String]) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[]),
    };
    for a in own {
        let interactive = matches!(a.as_str(), "-i" | "-t" | "-it" | "-ti" | "--rm")
            || a.starts_with("--stdin")
            || a.starts_with("--tty")
            || a.starts_with("--attach");
        if interactive {
            return Err(kerr(format!(
                "error: {a}: an interactive kubectl run needs a terminal attached to the container, which this sandbox does not have; run it without {a} and use kubectl get/describe"
            )));
        }
    }
    let f = parse_flags(
        "run",
        own,
        &[
            "--image",
            "--port",
            "--env",
            "--labels",
            "--restart",
            "--dry-run",
            "--image-pull-policy",
        ],
        &["--command"],
    )?;
    let dry = dry_run(&f, "run")?;
    let name = match f.pos.as_slice() {
        [name] => name.clone(),
        [] => return Err(kerr("error: NAME is required for run")),
        [_, extra @ ..] => {
            return Err(kerr(format!(
                "error: kubectl run takes one NAME; put the container's arguments after --: kubectl run NAME --image=IMAGE -- {}",
                extra.join(" ")
            )))
        }
    };
    let image = f
        .values
        .get("--image")
        .ok_or_else(|| kerr("error: required flag(s) \"image\" not set"))?
        .clone();
    let ns = f.ns();
    let mut pod = Pod::named(&ns, &name);
    pod.metadata.labels = match f.values.get("--labels") {
        Some(text) => key_value_list(text)
            .ok_or_else(|| kerr(format!("error: invalid label spec: {text}")))?,
        None => {
            let mut l = StringMap::new();
            l.insert("run".into(), name.clone());
            l
        }
    };
    let mut container = Container {
        name: name.clone(),
        image,
        ..Default::default()
    };
    if let Some(p) = f.values.get("--port") {
        let port: i32 = p.parse().map_err(|_| {
            kerr(format!(
                "error: invalid argument \"{p}\" for \"--port\" flag: strconv.ParseInt: parsing \"{p}\": invalid syntax"
            ))
        })?;
        container.ports.push(ContainerPort {
            container_port: port,
            ..Default::default()
        });
    }
    // `--env` repeats (kubectl keeps every one, in order).
    for env in repeated(own, "--env") {
        let (k, v) = env
            .split_once('=')
            .ok_or_else(|| kerr(format!("error: invalid env: {env}: expected NAME=VALUE")))?;
        container.env.push(EnvVar {
            name: k.to_string(),
            value: Some(v.to_string()),
            value_from: None,
        });
    }
    if let Some(policy) = f.values.get("--image-pull-policy") {
        container.image_pull_policy = Some(policy.as_str().into());
    }
    let args: Vec<String> = after.to_vec();
    if f.values.get("--command").is_some_and(|v| v != "false") {
        if args.is_empty() {
            return Err(kerr(
                "error: --command requires the command after --: kubectl run NAME --image=IMAGE --command -- sleep 3600",
            ));
        }
        container.command = args;
    } else {
        container.args = args;
    }
    let restart = f.values.get("--restart").map_or("Always", String::as_str);
    if !matches!(restart, "Always" | "OnFailure" | "Never") {
        return Err(kerr(format!("error: invalid restart policy: {restart}")));
    }
    pod.spec.containers = vec![container].into();
    pod.spec.restart_policy = Some(RestartPolicy::from(restart));
    pod.spec.dns_policy = Some("ClusterFirst".into());
    let mut object = Object::Pod(Box::new(pod));
    if dry {
        return Ok(Plan::Output(dry_run_output(&object, &f, "created")?));
    }
    crate::cluster::defaults::apply_defaults(&mut object);
    crate::cluster::validate::validate(&object).map_err(|e| kerr(e.to_string()))?;
    if c.store.get(&Key::of(&object)).is_some() {
        return Err(kerr(format!(
            "Error from server (AlreadyExists): pods \"{name}\" already exists"
        )));
    }
    check_pod_room(c)?;
    Ok(create_plan(object, "created", printer(&f)?))
}

/// Every value of a repeatable flag, in order: `--flag=v` and `--flag v`.
fn repeated<'a>(args: &'a [String], flag: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == flag {
            if let Some(v) = args.get(i + 1) {
                out.push(v.as_str());
            }
            i += 2;
            continue;
        }
        if let Some(v) = a.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
            out.push(v);
        }
        i += 1;
    }
    out
}
