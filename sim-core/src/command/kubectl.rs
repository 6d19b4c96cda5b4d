//! The `kubectl` family: talks to the simulated cluster's API (the store) with kubectl's words,
//! flags and messages. Reads (`get`, `describe`, `rollout history`, `diff`) print; writes
//! (`apply`, `create deployment`, `delete`, `scale`, `set image`, `rollout undo`, `rollout
//! restart`) change the store through [`crate::cluster::state::apply`], so each change is an
//! event caused by the command and the controllers take it from there. kubectl does not wait for the cluster, except where the real
//! one does: `delete` waits until its objects are gone and `rollout status` until the rollout
//! ends, both by stepping the simulation; otherwise `step` or `run` lets the controllers, the
//! scheduler and the kubelets act.
//! `explain-schedule POD` prints the scheduler's per-node table for a pod's last cycle.

use std::collections::BTreeMap;

use super::{CommandSpec, Family, Invocation, Plan};
use crate::cluster::api::{
    Container, Deployment, LabelSelector, Object, ObjectKind, PodTemplateSpec, StringMap,
};
use crate::cluster::controllers::{deployment as deploy_ctl, Change, Why, POD_TEMPLATE_HASH};
use crate::cluster::state::{self, Cluster};
use crate::cluster::store::Key;
use crate::error::{CommandError, Result};
use crate::limits;
use crate::sim::Sim;

/// The kubectl family.
pub(super) const FAMILY: Family = Family {
    name: "kubernetes",
    commands: &[
        CommandSpec {
            name: "kubectl",
            usage: "kubectl get|describe|logs|apply|diff|create|run|expose|delete|scale|set image|rollout|cordon|drain|taint|label ...",
            summary: "talk to the cluster as kubectl does (after cluster create)",
            help: "kubectl get pods|nodes|deployments|replicasets|services|endpointslices|namespaces|events|all [NAME] [-o wide|yaml|json|name] [-l SEL] [-n NS|-A] [--show-labels] [-L KEY,...]\n\
                   kubectl get ... -w|--watch|--watch-only   print each change as the cluster steps; stops when no work is queued or after 10 minutes of simulated time (kubectl watches until Ctrl-C)\n\
                   kubectl describe pod|node|deployment|replicaset|service|endpointslice NAME   (with Events)\n\
                   kubectl logs POD|deploy/NAME|rs/NAME|svc/NAME [-c CONTAINER] [-p|--previous] [--tail N] [--timestamps] [-n NS]   what a container printed (-p: its run before the last restart)\n\
                   kubectl logs -l SELECTOR [--tail N]   the last 10 lines (or N) of each matching pod\n\
                   kubectl apply -f FILE|DIR          create or configure the objects of manifests\n\
                   kubectl diff -f FILE|DIR           show what apply would change (diff -u), changing nothing\n\
                   kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=N] [--dry-run=client -o yaml|json]\n\
                   kubectl run NAME --image=IMAGE [--port=N] [--env=K=V] [--labels=k=v] [--restart=Always|OnFailure|Never] [--dry-run=client -o yaml] [--command] [-- ARGS...]   one bare pod (no ReplicaSet replaces it)\n\
                   kubectl expose deployment|replicaset|pod|service NAME [--port=N[,M]] [--target-port=P] [--name=SVC] [--type=ClusterIP|NodePort|LoadBalancer] [--protocol=TCP|UDP|SCTP] [--selector=k=v] [-l k=v] [--dry-run=client -o yaml|json]\n\
                   kubectl delete KIND NAME... | -f FILE\n\
                   kubectl scale deployment NAME --replicas=N\n\
                   kubectl set image deployment/NAME CONTAINER=IMAGE\n\
                   kubectl rollout status|history|undo|restart deployment/NAME [--to-revision=N]\n\
                   kubectl cordon|uncordon NODE\n\
                   kubectl drain NODE [--ignore-daemonsets] [--delete-emptydir-data] [--force]  cordon, evict its pods, wait\n\
                   kubectl taint nodes NODE key[=value]:NoSchedule|PreferNoSchedule|NoExecute[-]\n\
                   kubectl label KIND NAME key=value|key- [--overwrite]\n\
                   kubectl does not wait for the cluster: use step or run to let the controllers, \
                   the scheduler and the kubelets act (kubectl delete, drain, rollout status and \
                   get -w wait, as they do).",
            schedulable: true,
            handles_redirect: false,
            plan,
        },
        CommandSpec {
            name: "why",
            usage: "why KIND/NAME [-n NS]",
            summary: "show the chain of events that led to an object's latest change",
            help: "Takes the latest event about the object (pod/web-abc, deploy/web, rs/web-5d9, \
                   node/node-1) and follows each event's cause back to the command that started \
                   it: kubelet, scheduler and controller steps, newest first.",
            schedulable: true,
            handles_redirect: false,
            plan: why,
        },
        CommandSpec {
            name: "explain-schedule",
            usage: "explain-schedule POD [-n NS]",
            summary: "show the scheduler's per-node filters and scores for a pod",
            help: "Prints the last scheduling cycle of the pod: for each node considered, each \
                   filter plugin's verdict (with its reason) and each score plugin's raw, \
                   normalised and weighted score, the totals and the winner.",
            schedulable: true,
            handles_redirect: false,
            plan: explain_schedule,
        },
    ],
};

/// kubectl's message when no API server answers.
pub const NO_SERVER: &str =
    "The connection to the server localhost:8080 was refused - did you specify the right host or port?";

const SUBCOMMANDS: &[&str] = &[
    "get", "describe", "apply", "diff", "create", "delete", "scale", "set", "rollout", "version",
    "cordon", "uncordon", "taint", "label", "drain", "expose", "run", "logs",
];

/// A kubectl error in kubectl's words. The terminal and the CLI label every error `error: `
/// themselves, so kubectl's own `error: ` prefix is left to them.
pub(super) fn kerr(message: impl Into<String>) -> CommandError {
    let message = message.into();
    CommandError::Virt(match message.strip_prefix("error: ") {
        Some(rest) => rest.to_string(),
        None => message,
    })
}

/// The cluster, or kubectl's connection error.
pub(super) fn cluster(sim: &Sim) -> Result<&Cluster> {
    sim.cluster().ok_or_else(|| kerr(NO_SERVER))
}

/// kubectl's parsed flags.
#[derive(Debug, Default)]
pub(super) struct Flags {
    pub pos: Vec<String>,
    pub namespace: Option<String>,
    pub all_namespaces: bool,
    pub output: Option<String>,
    pub selector: Option<String>,
    pub show_labels: bool,
    /// `-L`/`--label-columns` keys (repeatable and comma-separated), for `get` only.
    pub label_columns: Vec<String>,
    pub files: Vec<String>,
    pub values: BTreeMap<String, String>,
}

impl Flags {
    /// The namespace to act in.
    pub fn ns(&self) -> String {
        self.namespace.clone().unwrap_or_else(|| "default".into())
    }
}

/// Parses flags the way kubectl (cobra/pflag) does: `--flag=v`, `--flag v`, `-n v`, `-nv`.
/// `value_flags` lists the long flags that take a value beyond the common ones.
pub(super) fn parse_flags(
    cmd: &str,
    args: &[String],
    value_flags: &[&str],
    bool_flags: &[&str],
) -> Result<Flags> {
    let mut f = Flags::default();
    let mut i = 0;
    let unknown = |flag: &str| {
        kerr(format!(
            "error: unknown flag: {flag}\nSee 'kubectl {cmd} --help' for usage."
        ))
    };
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') || a == "-" {
            f.pos.push(a.to_string());
            i += 1;
            continue;
        }
        let (name, inline) = if let Some(long) = a.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                None => (a.to_string(), None),
            }
        } else {
            // `-n` and what follows it (`-nkube-system`, `-n=x`); split on a char boundary.
            let cut = a.char_indices().nth(2).map_or(a.len(), |(i, _)| i);
            let (n, rest) = a.split_at(cut);
            let rest = rest.strip_prefix('=').unwrap_or(rest);
            (n.to_string(), (!rest.is_empty()).then(|| rest.to_string()))
        };
        let canonical = match name.as_str() {
            "-n" => "--namespace",
            "-o" => "--output",
            "-l" => "--selector",
            "-f" => "--filename",
            "-A" => "--all-namespaces",
            "-L" => "--label-columns",
            other => other,
        }
        .to_string();
        let takes_value = matches!(
            canonical.as_str(),
            "--namespace" | "--output" | "--selector" | "--filename"
        ) || value_flags.contains(&canonical.as_str());
        let is_bool = matches!(canonical.as_str(), "--all-namespaces" | "--show-labels")
            || bool_flags.contains(&canonical.as_str());
        if !takes_value && !is_bool {
            return Err(unknown(&name));
        }
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i).cloned().ok_or_else(|| {
                        kerr(format!(
                            "error: flag needs an argument: {name}\nSee 'kubectl {cmd} --help' for usage."
                        ))
                    })?
                }
            }
        } else {
            inline.unwrap_or_else(|| "true".into())
        };
        match canonical.as_str() {
            "--namespace" => f.namespace = Some(value),
            "--output" => f.output = Some(value),
            "--selector" => f.selector = Some(value),
            "--filename" => f.files.push(value),
            "--all-namespaces" => f.all_namespaces = value != "false",
            "--show-labels" => f.show_labels = value != "false",
            "--label-columns" => f.label_columns.extend(
                value
                    .split(',')
                    .filter(|k| !k.is_empty())
                    .map(str::to_string),
            ),
            other => {
                f.values.insert(other.to_string(), value);
            }
        }
        i += 1;
    }
    Ok(f)
}

fn plan(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let Some((sub, rest)) = inv.args.split_first() else {
        return Ok(Plan::Output(format!(
            "kubectl controls the Kubernetes cluster manager.\n\n{}\n",
            FAMILY.commands[0].help
        )));
    };
    if !SUBCOMMANDS.contains(&sub.as_str()) {
        let close = SUBCOMMANDS
            .iter()
            .map(|c| (super::edit_distance(sub, c), *c))
            .filter(|(d, _)| *d <= 2)
            .min();
        let hint = close.map_or(String::new(), |(_, c)| {
            format!("\n\nDid you mean this?\n\t{c}")
        });
        return Err(kerr(format!(
            "error: unknown command \"{sub}\" for \"kubectl\"{hint}\n\nRun 'kubectl --help' for usage."
        )));
    }
    if sub == "version" {
        let mut out = format!(
            "Client Version: {}\nKustomize Version: v5.4.2\n",
            crate::cluster::state::KUBELET_VERSION
        );
        match sim.cluster() {
            Some(_) => out.push_str(&format!(
                "Server Version: {}\n",
                crate::cluster::state::KUBELET_VERSION
            )),
            None => out.push_str(&format!("{NO_SERVER}\n")),
        }
        return Ok(Plan::Output(out));
    }
    let c = cluster(sim)?;
    match sub.as_str() {
        "get" => super::kubectl_get::get(sim, c, rest),
        "describe" => super::kubectl_get::describe(sim, c, rest),
        "apply" => super::kubectl_apply::apply(sim, c, rest),
        "diff" => super::kubectl_apply::diff(sim, c, rest),
        "create" => create(c, rest),
        "expose" => super::kubectl_expose::expose(c, rest),
        "run" => super::kubectl_run::run(c, rest),
        "logs" => super::kubectl_logs::logs(sim, rest),
        "delete" => delete(sim, c, rest),
        "scale" => scale(c, rest),
        "cordon" => super::kubectl_node::cordon(c, rest, true),
        "uncordon" => super::kubectl_node::cordon(c, rest, false),
        "drain" => super::kubectl_node::drain(sim, c, rest),
        "taint" => super::kubectl_node::taint(c, rest),
        "label" => super::kubectl_node::label(c, rest),
        "set" => set_image(c, rest),
        _ => rollout(sim, c, rest),
    }
}

/// `TYPE NAME` or `TYPE/NAME` → (kind, name).
fn kind_and_name(cmd: &str, pos: &[String]) -> Result<(ObjectKind, String)> {
    let (kind, name) = match pos {
        [one] if one.contains('/') => {
            let (k, n) = one.split_once('/').unwrap_or_default();
            (k.to_string(), n.to_string())
        }
        [k, n] => (k.clone(), n.clone()),
        [] => {
            return Err(kerr(format!(
                "error: you must specify the type of resource to {cmd}"
            )))
        }
        _ => {
            return Err(kerr(format!(
                "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl {cmd} resource/name')"
            )))
        }
    };
    let kind = ObjectKind::from_resource_arg(&kind).ok_or_else(|| {
        kerr(format!(
            "error: the server doesn't have a resource type \"{kind}\""
        ))
    })?;
    Ok((kind, name))
}

/// `Error from server (NotFound): deployments.apps "web" not found`.
pub(super) fn not_found(kind: ObjectKind, name: &str) -> CommandError {
    let resource = match kind.group() {
        "" => kind.plural().to_string(),
        g => format!("{}.{g}", kind.plural()),
    };
    kerr(format!(
        "Error from server (NotFound): {resource} \"{name}\" not found"
    ))
}

fn get_deployment<'a>(c: &'a Cluster, ns: &str, name: &str) -> Result<&'a Deployment> {
    match c.store.get(&Key::new(ObjectKind::Deployment, ns, name)) {
        Some(Object::Deployment(d)) => Ok(d),
        _ => Err(not_found(ObjectKind::Deployment, name)),
    }
}

/// The container name kubectl derives from an image (`nginx:1.27` → `nginx`, `a/b:c` → `b`).
fn container_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    let name = match last.split_once(':') {
        Some((n, _)) => n,
        None => last,
    };
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

fn create(c: &Cluster, args: &[String]) -> Result<Plan> {
    let f = parse_flags(
        "create",
        args,
        &["--image", "--replicas", "--port", "--dry-run"],
        &[],
    )?;
    let dry = dry_run(&f, "create")?;
    let [what, name] = f.pos.as_slice() else {
        return Err(kerr(
            "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples",
        ));
    };
    if !matches!(what.as_str(), "deployment" | "deploy") {
        return Err(kerr(format!(
            "error: unknown command \"{what}\" for \"kubectl create\" (this sandbox creates deployments; use kubectl apply -f for other objects)"
        )));
    }
    let image = f
        .values
        .get("--image")
        .ok_or_else(|| kerr("error: required flag(s) \"image\" not set"))?;
    let replicas: i32 = match f.values.get("--replicas") {
        None => 1,
        Some(r) => r.parse().map_err(|_| {
            kerr(format!(
                "error: invalid argument \"{r}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax"
            ))
        })?,
    };
    let ns = f.ns();
    let mut d = Deployment::named(&ns, name);
    let mut labels = crate::cluster::api::StringMap::new();
    labels.insert("app".into(), name.clone());
    d.metadata.labels = labels.clone();
    d.spec.replicas = Some(replicas);
    d.spec.selector = Some(LabelSelector {
        match_labels: labels.clone(),
        match_expressions: Vec::new(),
    });
    let mut template = PodTemplateSpec::default();
    template.metadata.labels = labels;
    let mut container = Container {
        name: container_name(image),
        image: image.clone(),
        ..Default::default()
    };
    if let Some(p) = f.values.get("--port") {
        let port: i32 = p.parse().map_err(|_| {
            kerr(format!(
                "error: invalid argument \"{p}\" for \"--port\" flag"
            ))
        })?;
        container.ports.push(crate::cluster::api::ContainerPort {
            container_port: port,
            ..Default::default()
        });
    }
    template.spec.containers = vec![container].into();
    d.spec.template = template;
    let mut object = Object::Deployment(Box::new(d));
    if dry {
        check_limits(&object)?;
        return Ok(Plan::Output(dry_run_output(&object, &f, "created")?));
    }
    crate::cluster::defaults::apply_defaults(&mut object);
    check_limits(&object)?;
    crate::cluster::validate::validate(&object).map_err(|e| {
        kerr(format!(
            "error: failed to create deployment: {}",
            e.status_message()
        ))
    })?;
    if c.store.get(&Key::of(&object)).is_some() {
        return Err(kerr(format!(
            "error: failed to create deployment: deployments.apps \"{name}\" already exists"
        )));
    }
    Ok(create_plan(object, "created", printer(&f)?))
}

/// The effect of a command that creates one checked object (`create deployment`, `run`,
/// `expose`): a Service gets its cluster IP, the store takes the object as a change caused by
/// the command, and the command prints `KIND/NAME VERB`, or the stored object with `-o`.
pub(super) fn create_plan(object: Object, verb: &'static str, output: Option<String>) -> Plan {
    Plan::Effect(Box::new(move |sim, id| {
        let key = Key::of(&object);
        let shown = format!("{} {verb}", object.display_name());
        let mut object = object;
        super::kubectl_apply::allocate_cluster_ip(sim, &mut object);
        state::apply(
            sim,
            Change::Create {
                object,
                generate_name: false,
                why: Why::Note(shown.clone()),
            },
            id,
        );
        created_output(sim, &key, output.as_deref(), &shown)
    }))
}

/// Refuses one more pod when the cluster holds the sandbox's most (`kubectl apply`, `run`).
pub(super) fn check_pod_room(c: &Cluster) -> Result<()> {
    if c.store.count(ObjectKind::Pod) >= limits::MAX_PODS {
        return Err(kerr(format!(
            "error: the cluster holds at most {} pods",
            limits::MAX_PODS
        )));
    }
    Ok(())
}

/// A `k=v,k2=v2` list (`--labels`, an equality-only `--selector`; `k==v` also reads as
/// equality); `None` when a part is not `key=value` (or is `key!=value`).
pub(super) fn key_value_list(text: &str) -> Option<StringMap> {
    let mut map = StringMap::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once("==")
            .or_else(|| part.split_once('='))
            .filter(|(k, _)| !k.trim().is_empty() && !k.ends_with('!'))?;
        map.insert(k.trim().to_string(), v.trim().to_string());
    }
    Some(map)
}

/// `-o yaml|json|name` of a command that creates an object (None: the usual line).
pub(super) fn printer(f: &Flags) -> Result<Option<String>> {
    match f.output.as_deref() {
        None => Ok(None),
        Some(o @ ("yaml" | "json" | "name")) => Ok(Some(o.to_string())),
        Some(other) => Err(kerr(format!(
            "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml"
        ))),
    }
}

/// What a creating command prints: the object as stored (`-o yaml|json|name`) or `shown`.
fn created_output(sim: &Sim, key: &Key, output: Option<&str>, shown: &str) -> String {
    let stored = sim.cluster().and_then(|c| c.store.get(key));
    match (output, stored) {
        (Some("yaml"), Some(o)) => crate::cluster::manifest::to_yaml(o),
        (Some("json"), Some(o)) => format!("{}\n", crate::cluster::manifest::to_json(o)),
        (Some("name"), Some(o)) => format!("{}\n", o.display_name()),
        _ => format!("{shown}\n"),
    }
}

/// `--dry-run`: `none` (the default) creates; `client` prints what would be sent and changes
/// nothing. The sandbox has no server-side dry run.
pub(super) fn dry_run(f: &Flags, cmd: &str) -> Result<bool> {
    match f.values.get("--dry-run").map(String::as_str) {
        None | Some("none") => Ok(false),
        Some("client") => Ok(true),
        Some("server") => Err(kerr(format!(
            "error: --dry-run=server is not available in this sandbox: use --dry-run=client (kubectl {cmd})"
        ))),
        Some(other) => Err(kerr(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        ))),
    }
}

/// What `kubectl create|run|expose --dry-run=client [-o yaml|json|name]` prints for `object`, as
/// built on the client: no server defaults, `creationTimestamp: null`, empty `status`, and
/// kubectl's empty `strategy: {}` / `loadBalancer: {}`; no namespace unless `-n` named one.
pub(super) fn dry_run_output(object: &Object, f: &Flags, verb: &str) -> Result<String> {
    use serde_json::{json, Value};
    let output = f.output.as_deref().unwrap_or("");
    if !matches!(output, "" | "yaml" | "json" | "name") {
        return Err(kerr(format!(
            "error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,yaml"
        )));
    }
    let mut v = serde_json::to_value(object).map_err(|e| kerr(e.to_string()))?;
    if let Value::Object(top) = &mut v {
        if let Some(Value::Object(meta)) = top.get_mut("metadata") {
            meta.insert("creationTimestamp".into(), Value::Null);
            if f.namespace.is_none() {
                meta.remove("namespace");
            }
        }
        match object {
            Object::Deployment(_) => {
                if let Some(Value::Object(spec)) = top.get_mut("spec") {
                    if let Some(Value::Object(tm)) =
                        spec.get_mut("template").and_then(|t| t.get_mut("metadata"))
                    {
                        tm.insert("creationTimestamp".into(), Value::Null);
                    }
                    spec.entry("strategy").or_insert_with(|| json!({}));
                }
                top.insert("status".into(), json!({}));
            }
            Object::Service(_) => {
                top.insert("status".into(), json!({"loadBalancer": {}}));
            }
            Object::Pod(_) => {
                top.insert("status".into(), json!({}));
            }
            _ => {}
        }
    }
    Ok(match output {
        "yaml" => crate::cluster::yaml_emit::to_yaml(&crate::cluster::manifest::sorted(v)),
        "json" => format!("{}\n", crate::cluster::manifest::value_to_json(&v)),
        "name" => format!("{}\n", object.display_name()),
        _ => format!("{} {verb} (dry run)\n", object.display_name()),
    })
}

/// Refuses replica counts beyond the sandbox's limit (the API server would take them).
pub(super) fn check_limits(object: &Object) -> Result<()> {
    let replicas = match object {
        Object::Deployment(d) => d.spec.replicas,
        Object::ReplicaSet(rs) => rs.spec.replicas,
        _ => None,
    };
    if replicas.is_some_and(|r| r > limits::MAX_REPLICAS) {
        return Err(kerr(format!(
            "error: {} asks for {} replicas: the sandbox's cluster holds at most {} pods",
            object.display_name(),
            replicas.unwrap_or(0),
            limits::MAX_REPLICAS
        )));
    }
    Ok(())
}

fn delete(sim: &Sim, c: &Cluster, args: &[String]) -> Result<Plan> {
    let f = parse_flags(
        "delete",
        args,
        &["--grace-period", "--cascade"],
        &["--now", "--force", "--wait"],
    )?;
    let ns = f.ns();
    let mut keys: Vec<Key> = Vec::new();
    if !f.files.is_empty() {
        for o in super::kubectl_apply::read_objects(sim, &f.files, &ns)? {
            keys.push(Key::of(&o));
        }
    } else {
        let (kind, names) = match f.pos.as_slice() {
            [] => return Err(kerr("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")),
            [one] if one.contains('/') => {
                let (k, n) = kind_and_name("delete", std::slice::from_ref(one))?;
                (k, vec![n])
            }
            [_] => return Err(kerr("error: resource(s) were provided, but no name was specified")),
            [k, names @ ..] => {
                let kind = ObjectKind::from_resource_arg(k).ok_or_else(|| {
                    kerr(format!("error: the server doesn't have a resource type \"{k}\""))
                })?;
                (kind, names.to_vec())
            }
        };
        for n in names {
            keys.push(Key::new(kind, &ns, &n));
        }
    }
    for k in &keys {
        if c.store.get(k).is_none() {
            return Err(not_found(k.kind, &k.name));
        }
        if matches!(k.kind, ObjectKind::Namespace | ObjectKind::Node) {
            return Err(kerr(format!(
                "error: deleting {} is not modelled in this sandbox",
                k.kind.plural()
            )));
        }
    }
    let wait = f.values.get("--wait").is_none_or(|v| v != "false");
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let mut out = String::new();
        for k in &keys {
            let shown = format!("{} \"{}\"", k.kind.singular_with_group(), k.name);
            state::delete(sim, k, Why::Note(format!("{shown} deleted")), id);
            out.push_str(&format!("{shown} deleted\n"));
        }
        if wait && sim.can_wait() {
            // kubectl waits (--wait=true) until the objects are gone: a pod until its kubelet
            // has stopped its containers.
            let deadline = sim.now().plus_ms(DELETE_WAIT_MS);
            while keys
                .iter()
                .any(|k| sim.cluster().is_some_and(|c| c.store.get(k).is_some()))
                && !sim.is_paused()
                && sim.next_time().is_some_and(|t| t <= deadline)
            {
                sim.step();
                out.push_str(&std::mem::take(&mut sim.scheduled_output));
            }
        }
        out
    })))
}

/// The longest `kubectl delete` waits for its objects to go: a pod's grace period, 30 s, and
/// some room. (kubectl's own default is to wait without a limit.)
const DELETE_WAIT_MS: u64 = 60_000;

/// The Deployment a `deployment/NAME` or `deployment NAME` argument names.
fn deployment_arg<'a>(c: &'a Cluster, cmd: &str, f: &Flags) -> Result<&'a Deployment> {
    let (kind, name) = kind_and_name(cmd, &f.pos)?;
    if kind != ObjectKind::Deployment {
        return Err(kerr(format!(
            "error: {cmd} of {} is not modelled in this sandbox (deployments are)",
            kind.plural()
        )));
    }
    get_deployment(c, &f.ns(), &name)
}

fn update_deployment(d: Deployment, what: &str) -> Plan {
    let name = d.metadata.name.clone();
    let message = format!("deployment.apps/{name} {what}");
    Plan::Effect(Box::new(move |sim, id| {
        state::apply(
            sim,
            Change::Update {
                object: Object::Deployment(Box::new(d)),
                why: Why::Note(message.clone()),
            },
            id,
        );
        format!("{message}\n")
    }))
}

fn scale(c: &Cluster, args: &[String]) -> Result<Plan> {
    let f = parse_flags("scale", args, &["--replicas"], &[])?;
    let replicas = f
        .values
        .get("--replicas")
        .ok_or_else(|| kerr("error: required flag(s) \"replicas\" not set"))?;
    let n: i32 = replicas.parse().map_err(|_| {
        kerr(format!(
            "error: invalid argument \"{replicas}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas}\": invalid syntax"
        ))
    })?;
    if n < 0 {
        return Err(kerr("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"));
    }
    let mut d = deployment_arg(c, "scale", &f)?.clone();
    d.spec.replicas = Some(n);
    let object = Object::Deployment(Box::new(d.clone()));
    check_limits(&object)?;
    crate::cluster::validate::validate(&object).map_err(|e| kerr(e.to_string()))?;
    Ok(update_deployment(d, "scaled"))
}

fn set_image(c: &Cluster, args: &[String]) -> Result<Plan> {
    let Some((what, rest)) = args.split_first() else {
        return Err(kerr("error: unknown command \"\" for \"kubectl set\""));
    };
    if what != "image" {
        return Err(kerr(format!(
            "error: unknown command \"{what}\" for \"kubectl set\" (this sandbox models set image)"
        )));
    }
    let f = parse_flags("set image", rest, &[], &[])?;
    let (targets, pairs): (Vec<String>, Vec<String>) =
        f.pos.iter().cloned().partition(|p| !p.contains('='));
    if pairs.is_empty() {
        return Err(kerr("error: at least one image update is required"));
    }
    let f2 = Flags {
        pos: targets,
        namespace: f.namespace.clone(),
        ..Default::default()
    };
    let mut d = deployment_arg(c, "set image", &f2)?.clone();
    for p in &pairs {
        let (name, image) = p.split_once('=').unwrap_or_default();
        let mut found = false;
        for ctr in d.spec.template.spec.containers.iter_mut() {
            if ctr.name == name || name == "*" {
                ctr.image = image.to_string();
                found = true;
            }
        }
        if !found {
            return Err(kerr(format!(
                "error: unable to find container named \"{name}\""
            )));
        }
    }
    let mut object = Object::Deployment(Box::new(d));
    crate::cluster::defaults::apply_defaults(&mut object);
    crate::cluster::validate::validate(&object).map_err(|e| kerr(e.to_string()))?;
    let Object::Deployment(d) = object else {
        return Err(kerr("error: internal"));
    };
    Ok(update_deployment(*d, "image updated"))
}

fn rollout(sim: &Sim, c: &Cluster, args: &[String]) -> Result<Plan> {
    let Some((what, rest)) = args.split_first() else {
        return Err(kerr("error: Required resource not specified.\nSee 'kubectl rollout -h' for help and examples"));
    };
    let f = parse_flags(
        "rollout",
        rest,
        &["--to-revision", "--timeout", "--revision"],
        &["--watch"],
    )?;
    let d = deployment_arg(c, &format!("rollout {what}"), &f)?;
    let rss = deploy_ctl::owned_replicasets(&c.store, d);
    match what.as_str() {
        "history" => {
            let mut revs: Vec<i64> = rss
                .iter()
                .map(|rs| deploy_ctl::revision_of(&rs.metadata.annotations))
                .collect();
            revs.sort_unstable();
            let mut out = format!(
                "deployment.apps/{}\nREVISION  CHANGE-CAUSE\n",
                d.metadata.name
            );
            for r in revs {
                out.push_str(&format!("{r:<10}<none>\n"));
            }
            out.push('\n');
            Ok(Plan::Output(out))
        }
        "undo" => {
            let mut by_rev: Vec<(i64, &&crate::cluster::api::ReplicaSet)> = rss
                .iter()
                .map(|rs| (deploy_ctl::revision_of(&rs.metadata.annotations), rs))
                .collect();
            by_rev.sort_by_key(|(r, _)| *r);
            let current = by_rev.last().map(|(r, _)| *r).unwrap_or(0);
            let target = match f.values.get("--to-revision") {
                Some(r) => {
                    let r: i64 = r.parse().unwrap_or(-1);
                    by_rev.iter().find(|(rev, _)| *rev == r).ok_or_else(|| {
                        kerr(format!(
                            "error: unable to find specified revision {r} in history"
                        ))
                    })?
                }
                None => by_rev
                    .iter()
                    .rev()
                    .find(|(rev, _)| *rev < current)
                    .ok_or_else(|| {
                        kerr(
                            "error: no rollout history found for deployment \"".to_string()
                                + &d.metadata.name
                                + "\"",
                        )
                    })?,
            };
            let mut template = target.1.spec.template.clone();
            template.metadata.labels.remove(POD_TEMPLATE_HASH);
            if template == d.spec.template {
                return Ok(Plan::Output(format!(
                    "deployment.apps/{} skipped rollback (current template already matches revision {})\n",
                    d.metadata.name, target.0
                )));
            }
            let mut d = d.clone();
            d.spec.template = template;
            Ok(update_deployment(d, "rolled back"))
        }
        "status" => rollout_status(sim, d),
        "restart" => {
            // kubectl patches the pod template, so its hash changes and the Deployment
            // controller rolls every pod over to a new ReplicaSet.
            if d.spec.paused {
                return Err(kerr(format!(
                    "error: deployments.apps \"{}\" can't restart paused deployment (run rollout resume first)",
                    d.metadata.name
                )));
            }
            let mut d = d.clone();
            let now = i64::try_from(sim.now().as_ms()).unwrap_or(i64::MAX);
            d.spec
                .template
                .metadata
                .annotations
                .insert(RESTARTED_AT.into(), crate::image::config::rfc3339(now));
            Ok(update_deployment(d, "restarted"))
        }
        other => Err(kerr(format!(
            "error: unknown command \"{other}\" for \"kubectl rollout\""
        ))),
    }
}

/// The pod-template annotation `kubectl rollout restart` sets to the time of the restart
/// (RFC 3339; the sandbox's simulated time, in UTC).
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// One line of `rollout status`, and whether the rollout is complete.
pub(super) fn rollout_line(d: &Deployment) -> (String, bool) {
    let name = &d.metadata.name;
    let want = d.spec.replicas.unwrap_or(1);
    let s = &d.status;
    if d.metadata.generation > s.observed_generation {
        return (
            "Waiting for deployment spec update to be observed...".into(),
            false,
        );
    }
    if s.updated_replicas < want {
        return (
            format!(
                "Waiting for deployment \"{name}\" rollout to finish: {} out of {want} new replicas have been updated...",
                s.updated_replicas
            ),
            false,
        );
    }
    if s.replicas > s.updated_replicas {
        return (
            format!(
                "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...",
                s.replicas - s.updated_replicas
            ),
            false,
        );
    }
    if s.available_replicas < s.updated_replicas {
        return (
            format!(
                "Waiting for deployment \"{name}\" rollout to finish: {} of {} updated replicas are available...",
                s.available_replicas, s.updated_replicas
            ),
            false,
        );
    }
    (
        format!("deployment \"{name}\" successfully rolled out"),
        true,
    )
}

/// The longest `rollout status` waits (the default progressDeadlineSeconds, 600 s).
const ROLLOUT_WAIT_MS: u64 = 600_000;

fn rollout_status(sim: &Sim, d: &Deployment) -> Result<Plan> {
    let key = Key::new(
        ObjectKind::Deployment,
        &d.metadata.namespace,
        &d.metadata.name,
    );
    if !sim.can_wait() {
        let (line, _) = rollout_line(d);
        return Ok(Plan::Output(format!("{line}\n")));
    }
    Ok(Plan::Effect(Box::new(move |sim, _id| {
        // Steps the simulation as the real command watches, printing each new state.
        let deadline = sim.now().plus_ms(ROLLOUT_WAIT_MS);
        let mut out = String::new();
        let mut last = String::new();
        loop {
            let Some(Object::Deployment(d)) =
                sim.cluster().and_then(|c| c.store.get(&key)).cloned()
            else {
                out.push_str(&format!(
                    "error: deployments.apps \"{}\" not found\n",
                    key.name
                ));
                return out;
            };
            let (line, done) = rollout_line(&d);
            if line != last {
                out.push_str(&line);
                out.push('\n');
                last = line;
            }
            if done {
                return out;
            }
            if sim.is_paused() {
                // Replay stops here (the session's seek); the rest happens when it resumes.
                return out;
            }
            match sim.next_time() {
                Some(t) if t <= deadline => {
                    sim.step();
                    out.push_str(&std::mem::take(&mut sim.scheduled_output));
                }
                _ => {
                    out.push_str(&format!(
                        "error: deployment \"{}\" exceeded its progress deadline\n",
                        key.name
                    ));
                    return out;
                }
            }
        }
    })))
}

/// Most events `why` prints (a chain is usually a dozen long).
const WHY_MAX_EVENTS: usize = 200;

fn why(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let f = parse_flags("why", inv.args, &[], &[])?;
    let c = cluster(sim)?;
    let spec = &FAMILY.commands[1];
    let (kind, name) = match f.pos.as_slice() {
        [one] if one.contains('/') => {
            let (k, n) = one.split_once('/').unwrap_or_default();
            (k.to_string(), n.to_string())
        }
        [k, n] => (k.clone(), n.clone()),
        _ => return Err(spec.usage_error("expected KIND/NAME, such as pod/web-abc or deploy/web")),
    };
    let kind = ObjectKind::from_resource_arg(&kind).ok_or_else(|| {
        kerr(format!(
            "error: the server doesn't have a resource type \"{kind}\""
        ))
    })?;
    let key = Key::new(kind, &f.ns(), &name);
    let object = key.object_ref();
    let Some(last) = sim.log().iter().rev().find(|e| e.object == object) else {
        return Err(match c.store.get(&key) {
            Some(_) => kerr(format!("{object} has no events yet")),
            None => not_found(kind, &name),
        });
    };
    let mut out = match c.store.get(&key) {
        Some(o) => format!("{object}: {}\n", object_summary(o)),
        None => format!("{object}: gone\n"),
    };
    let mut id = Some(last.id);
    let mut n = 0;
    while let Some(i) = id {
        let Some(e) = usize::try_from(i.0).ok().and_then(|i| sim.log().get(i - 1)) else {
            break;
        };
        if n == WHY_MAX_EVENTS {
            out.push_str("  … (earlier causes left out)\n");
            break;
        }
        let reason = match &e.kind {
            crate::event::EventKind::KubeEvent { reason, .. } => reason.clone(),
            other => other.name().to_string(),
        };
        out.push_str(&format!(
            "  {:<12} {:<40} {:<20} {}\n",
            e.time.to_string(),
            e.object.to_string(),
            reason,
            e.message
        ));
        if n == 0 {
            out.push_str("  because of:\n");
        }
        id = e.cause;
        n += 1;
    }
    Ok(Plan::Output(out))
}

/// One line about an object's state for `why`.
fn object_summary(o: &Object) -> String {
    match o {
        Object::Pod(p) => {
            let ready = p
                .status
                .container_statuses
                .iter()
                .filter(|s| s.ready)
                .count();
            format!(
                "{} ({ready}/{} ready){}",
                super::kubectl_get::pod_status(p),
                p.spec.containers.len(),
                if p.spec.node_name.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", p.spec.node_name)
                }
            )
        }
        Object::Deployment(d) => format!(
            "{}/{} ready, {} up-to-date",
            d.status.ready_replicas,
            d.spec.replicas.unwrap_or(1),
            d.status.updated_replicas
        ),
        Object::ReplicaSet(rs) => format!(
            "{} desired, {} current, {} ready",
            rs.spec.replicas.unwrap_or(1),
            rs.status.replicas,
            rs.status.ready_replicas
        ),
        _ => "exists".to_string(),
    }
}

fn explain_schedule(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let f = parse_flags("explain-schedule", inv.args, &[], &[])?;
    let c = cluster(sim)?;
    let [name] = f.pos.as_slice() else {
        return Err(FAMILY.commands[2].usage_error("expected one POD"));
    };
    let name = name.strip_prefix("pod/").unwrap_or(name);
    let key = Key::new(ObjectKind::Pod, &f.ns(), name);
    if c.store.get(&key).is_none() {
        return Err(not_found(ObjectKind::Pod, name));
    }
    let Some(d) = c.decisions.get(&key) else {
        return Ok(Plan::Output(format!(
            "pod {name} has not been through a scheduling cycle yet (step to let the scheduler run)\n"
        )));
    };
    Ok(Plan::Output(super::kubectl_get::explain(&key, d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_names_come_from_the_image_like_kubectl() {
        assert_eq!(container_name("nginx:1.27-alpine"), "nginx");
        assert_eq!(container_name("localhost:5000/me/app:v1"), "app");
        assert_eq!(container_name("busybox@sha256:abc"), "busybox");
    }
}
