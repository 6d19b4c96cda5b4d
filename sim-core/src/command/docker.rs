//! The `docker` family: builds, images, the registry. Words, flags, output columns and error
//! messages are Docker's (CLI 27, BuildKit); the model is in [`crate::image`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::docker_container as dc;
use super::docker_registry as dr;
use super::{CommandSpec, Family, Invocation, Plan};
use crate::error::{CommandError, Result};
use crate::event::{EventId, EventKind, ObjectRef};
use crate::image::build::{build, BuildRequest};
use crate::image::engine::{parse_reference, Engine, Image, PullPlan, Reference};
use crate::image::format::{ago, ellipsis, human_size, table};
use crate::image::layer::Layer;
use crate::sim::Sim;
use crate::workspace::{normalize, Lookup};

/// The docker family.
pub(super) const FAMILY: Family = Family {
    name: "docker",
    commands: &[CommandSpec {
        name: "docker",
        usage: "docker build|images|history|inspect|tag|rmi|pull|push|save|image prune|run|create|exec|diff|commit|ps|top|stats|start|stop|rm ...",
        summary: "build, run, inspect, push and save images and containers",
        help: "docker build -t NAME:TAG [-f FILE] [--no-cache] DIR\n\
               docker images                 list local images\n\
               docker history IMAGE          the layers and the instructions that made them\n\
               docker inspect IMAGE          the image's JSON (Id, RootFS.Layers, Config…)\n\
               docker tag SOURCE TARGET      another name for an image\n\
               docker rmi IMAGE...           untag, and delete images no tag names\n\
               docker pull NAME[:TAG]        bring an image from the registry\n\
               docker image prune [-a] [-f]  delete dangling images\n\
               docker push NAME[:TAG]        send an image to the sandbox registry\n\
               docker save IMAGE -o FILE     write an OCI image layout archive to the workspace\n\
               docker run [-d] [--name N] [--rm] IMAGE [CMD...]   create and start a container\n\
               \x20   -m/--memory 256m  --cpus 0.5  -c/--cpu-shares 512   its cgroup's limits\n\
               docker create [--name N] IMAGE [CMD...]           create a container\n\
               docker exec C CMD...          run a command in a running container\n\
               docker diff C                 what the container changed (A/C/D)\n\
               docker commit C NAME:TAG      its writable layer becomes an image layer\n\
               docker ps [-a]                list (running, or all) containers\n\
               docker top C                  its processes with their host PIDs\n\
               docker stats --no-stream      CPU %, memory use / limit, PIDs per container\n\
               In a container: ps, uname -r, hostname, free, cat /sys/fs/cgroup/cpu.stat, \
               stress --cpu N | --vm N --vm-bytes 300M [--timeout 10s], tail /dev/zero\n\
               docker start|stop C...        start or stop containers\n\
               docker rm [-f] C...           remove containers and their writable layers\n\
               Base images (alpine, busybox, debian, ubuntu, nginx, python, node, redis) live in \
               the registry until pulled or built FROM. A build takes no simulated time.",
        schedulable: true,
        handles_redirect: false,
        plan,
    }],
};

pub(super) fn err(message: impl Into<String>) -> CommandError {
    CommandError::Docker(message.into())
}

pub(super) fn now_ms(sim: &Sim) -> i64 {
    i64::try_from(sim.now().as_ms()).unwrap_or(i64::MAX)
}

fn plan(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let args: Vec<&str> = inv.args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["--help"] | ["help"] => Ok(Plan::Output(format!(
            "Usage:  docker [OPTIONS] COMMAND\n\n{}\n",
            FAMILY.commands[0].help
        ))),
        ["build", rest @ ..] | ["image", "build", rest @ ..] | ["buildx", "build", rest @ ..] => {
            plan_build(sim, rest)
        }
        ["images", rest @ ..] | ["image", "ls" | "list", rest @ ..] => plan_images(sim, rest),
        ["history", rest @ ..] | ["image", "history", rest @ ..] => plan_history(sim, rest),
        ["inspect", rest @ ..] | ["image", "inspect", rest @ ..] => plan_inspect(sim, rest),
        ["tag", rest @ ..] | ["image", "tag", rest @ ..] => plan_tag(sim, rest),
        ["rmi", rest @ ..] | ["image", "rm" | "remove", rest @ ..] => plan_rmi(sim, rest),
        ["pull", rest @ ..] | ["image", "pull", rest @ ..] => plan_pull(sim, rest),
        ["image", "prune", rest @ ..] => plan_prune(sim, rest),
        ["create", rest @ ..] | ["container", "create", rest @ ..] => {
            dc::plan_create_or_run(sim, "create", rest)
        }
        ["run", rest @ ..] | ["container", "run", rest @ ..] => {
            dc::plan_create_or_run(sim, "run", rest)
        }
        ["start", rest @ ..] | ["container", "start", rest @ ..] => dc::plan_start(sim, rest),
        ["stop", rest @ ..] | ["container", "stop", rest @ ..] => dc::plan_stop(sim, rest),
        ["rm", rest @ ..] | ["container", "rm" | "remove", rest @ ..] => dc::plan_rm(sim, rest),
        ["exec", rest @ ..] | ["container", "exec", rest @ ..] => dc::plan_exec(sim, rest),
        ["diff", rest @ ..] | ["container", "diff", rest @ ..] => dc::plan_diff(sim, rest),
        ["commit", rest @ ..] | ["container", "commit", rest @ ..] => dc::plan_commit(sim, rest),
        ["ps", rest @ ..] | ["container", "ls" | "list" | "ps", rest @ ..] => {
            dc::plan_ps(sim, rest)
        }
        ["container", "inspect", rest @ ..] => plan_inspect(sim, rest),
        ["top", rest @ ..] | ["container", "top", rest @ ..] => {
            super::isolation::plan_top(sim, rest)
        }
        ["stats", rest @ ..] | ["container", "stats", rest @ ..] => {
            super::isolation::plan_stats(sim, rest)
        }
        ["push", rest @ ..] | ["image", "push", rest @ ..] => dr::plan_push(sim, rest),
        ["save", rest @ ..] | ["image", "save", rest @ ..] => dr::plan_save(sim, rest),
        [sub, ..] => Err(err(format!(
            "docker: '{sub}' is not a docker command.\nSee 'docker --help'"
        ))),
    }
}

/// Records a layer entering the store.
pub(super) fn record_layer(sim: &mut Sim, chain: &str, layer: &Layer, cause: EventId) {
    sim.record(
        EventKind::LayerStored {
            diff_id: layer.diff_id().to_string(),
            size_bytes: layer.size(),
        },
        ObjectRef::new("layer", chain),
        Some(cause),
        format!(
            "layer {} stored ({})",
            &layer.diff_id().0.short(),
            human_size(layer.size())
        ),
    );
}

/// Stores an image and records its new layers.
pub(super) fn store(sim: &mut Sim, image: Image, cause: EventId) {
    let layers: BTreeMap<String, Layer> = image
        .chain_ids()
        .into_iter()
        .zip(image.layers.iter())
        .map(|(c, l)| (c.to_string(), (**l).clone()))
        .collect();
    let new = sim.docker.store(image);
    for c in new {
        if let Some(l) = layers.get(&c.to_string()) {
            record_layer(sim, &c.to_string(), l, cause);
        }
    }
}

/// Points a tag at an image, recording it (and the untagging of a previous image).
pub(super) fn tag_image(sim: &mut Sim, reference: &str, id: &crate::image::Digest, cause: EventId) {
    let old = sim.docker.tag(reference, id);
    if let Some(old) = old {
        sim.record(
            EventKind::ImageUntagged,
            ObjectRef::new("image", reference),
            Some(cause),
            format!("{reference} moved off {} (now <none>)", old.short()),
        );
    }
    sim.record(
        EventKind::ImageTagged { id: id.to_string() },
        ObjectRef::new("image", reference),
        Some(cause),
        format!("{reference} → {}", id.short()),
    );
}

fn plan_build(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let usage = || {
        err("\"docker build\" requires exactly 1 argument.\nSee 'docker build --help'.\n\nUsage:  docker build [OPTIONS] PATH")
    };
    let mut tags = Vec::new();
    let mut file = None;
    let mut no_cache = false;
    let mut dirs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "-t" | "--tag" => tags.push(it.next().ok_or_else(usage)?.to_string()),
            "-f" | "--file" => file = Some(it.next().ok_or_else(usage)?.to_string()),
            "--no-cache" => no_cache = true,
            "-q" | "--quiet" | "--progress=plain" | "--pull=false" => {}
            a if a.starts_with("--tag=") || a.starts_with("-t=") => {
                tags.push(a.split_once('=').map(|x| x.1).unwrap_or("").to_string())
            }
            a if a.starts_with("--file=") => {
                file = Some(a.split_once('=').map(|x| x.1).unwrap_or("").to_string())
            }
            a if a.starts_with('-') => {
                return Err(err(format!(
                    "unknown flag: {a}\nSee 'docker build --help'."
                )))
            }
            d => dirs.push(d),
        }
    }
    let [dir] = dirs.as_slice() else {
        return Err(usage());
    };
    for t in &tags {
        parse_reference(t).map_err(|e| {
            err(format!(
                "ERROR: invalid tag \"{t}\": {}",
                e.trim_start_matches("invalid reference format: ")
            ))
        })?;
    }
    let ctx_dir = normalize("docker", dir).map_err(|_| {
        err(format!(
            "ERROR: unable to prepare context: path \"{dir}\" not found"
        ))
    })?;
    if !matches!(sim.workspace().lookup(&ctx_dir), Lookup::Dir) {
        return Err(err(format!(
            "ERROR: unable to prepare context: path \"{dir}\" not found"
        )));
    }
    // -f is relative to the current directory (the workspace root), as in a shell.
    let (df_path, df_shown) = match &file {
        Some(f) => (
            normalize("docker", f).map_err(|e| err(e.to_string()))?,
            f.clone(),
        ),
        None => (
            if ctx_dir.is_empty() {
                "Dockerfile".to_string()
            } else {
                format!("{ctx_dir}/Dockerfile")
            },
            "Dockerfile".to_string(),
        ),
    };
    let Some(dockerfile) = sim.workspace().read(&df_path) else {
        return Err(err(format!(
            "ERROR: failed to solve: failed to read dockerfile: open {df_shown}: no such file or directory"
        )));
    };
    let prefix = if ctx_dir.is_empty() {
        String::new()
    } else {
        format!("{ctx_dir}/")
    };
    let context: BTreeMap<String, String> = sim
        .workspace()
        .paths()
        .filter_map(|p| p.strip_prefix(&prefix).map(|r| (r.to_string(), p)))
        .filter_map(|(r, p)| sim.workspace().read(p).map(|c| (r, c.to_string())))
        .collect();
    let req = BuildRequest {
        dockerfile: dockerfile.to_string(),
        dockerfile_name: df_shown,
        context,
        tags: tags.clone(),
        no_cache,
        now_ms: now_ms(sim),
    };
    let out = build(&sim.docker, &sim.registry, &req).map_err(err)?;
    if !sim.docker.images.contains_key(&out.image.id)
        && sim.docker.images.len() >= crate::image::engine::MAX_IMAGES
    {
        return Err(err(format!(
            "ERROR: the sandbox holds at most {} images: remove some with docker rmi or docker image prune",
            crate::image::engine::MAX_IMAGES
        )));
    }
    let refs: Vec<String> = tags
        .iter()
        .filter_map(|t| parse_reference(t).ok())
        .map(|r| r.full())
        .collect();
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let object = refs
            .first()
            .cloned()
            .unwrap_or_else(|| out.image.id.short().to_string());
        for s in &out.steps {
            sim.record(
                EventKind::BuildStep {
                    step: s.label.clone(),
                    cached: s.cached,
                    from: s.from.clone(),
                },
                ObjectRef::new("build", object.clone()),
                Some(cause),
                match &s.from {
                    Some(f) if f.pulled => format!("{} (pulled {})", s.label, f.base),
                    _ if s.cached => format!("{} CACHED", s.label),
                    _ => s.label.clone(),
                },
            );
        }
        for p in out.pulled {
            let new = sim.docker.store_layers(&p);
            for (c, l) in p.chain_ids().iter().zip(p.layers.iter()) {
                if new.contains(c) {
                    record_layer(sim, &c.to_string(), l, cause);
                }
            }
        }
        for (k, e) in out.cache {
            sim.docker.cache_put(k, e);
        }
        let id = out.image.id.clone();
        store(sim, out.image, cause);
        sim.record(
            EventKind::ImageBuilt { id: id.to_string() },
            ObjectRef::new("image", object),
            Some(cause),
            format!("built {}", id.short()),
        );
        for r in refs {
            tag_image(sim, &r, &id, cause);
        }
        out.log
    })))
}

/// `REPOSITORY:TAG` pairs for display (`<none>` for dangling images).
fn repo_tag_rows(engine: &Engine) -> Vec<(String, String, &Image)> {
    let mut rows = Vec::new();
    for img in engine.images.values() {
        let tags = engine.tags_of(&img.id);
        if tags.is_empty() {
            rows.push(("<none>".to_string(), "<none>".to_string(), img));
        }
        for t in tags {
            let (r, tag) = t.rsplit_once(':').unwrap_or((t.as_str(), "latest"));
            rows.push((r.to_string(), tag.to_string(), img));
        }
    }
    rows.sort_by(|a, b| {
        b.2.created_ms
            .cmp(&a.2.created_ms)
            .then_with(|| a.0.cmp(&b.0))
            .then_with(|| a.1.cmp(&b.1))
    });
    rows
}

fn plan_images(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let quiet = args.contains(&"-q") || args.contains(&"--quiet");
    if let Some(bad) = args
        .iter()
        .find(|a| a.starts_with('-') && !matches!(**a, "-q" | "--quiet" | "-a" | "--all"))
    {
        return Err(err(format!(
            "unknown flag: {bad}\nSee 'docker images --help'."
        )));
    }
    let filter = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(|s| s.to_string());
    let now = now_ms(sim);
    let mut rows = vec![vec![
        "REPOSITORY".to_string(),
        "TAG".into(),
        "IMAGE ID".into(),
        "CREATED".into(),
        "SIZE".into(),
    ]];
    let mut ids = Vec::new();
    for (repo, tag, img) in repo_tag_rows(&sim.docker) {
        if let Some(f) = &filter {
            let (fr, ft) = f
                .split_once(':')
                .map_or((f.as_str(), None), |(r, t)| (r, Some(t)));
            if repo != fr || ft.is_some_and(|t| t != tag) {
                continue;
            }
        }
        if quiet {
            if !ids.contains(&img.id) {
                ids.push(img.id.clone());
            }
            continue;
        }
        rows.push(vec![
            repo,
            tag,
            img.id.short().to_string(),
            ago(img.created_ms, now),
            human_size(img.size()),
        ]);
    }
    if quiet {
        return Ok(Plan::Output(
            ids.iter().map(|i| format!("{}\n", i.short())).collect(),
        ));
    }
    Ok(Plan::Output(table(&rows)))
}

pub(super) fn find_image<'a>(sim: &'a Sim, name: &str) -> Result<&'a Image> {
    sim.docker.find(name).ok_or_else(|| {
        let shown = match parse_reference(name) {
            Ok(r) if !name.chars().all(|c| c.is_ascii_hexdigit()) => r.full(),
            _ => name.to_string(),
        };
        err(format!(
            "Error response from daemon: No such image: {shown}"
        ))
    })
}

fn plan_history(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let no_trunc = args.contains(&"--no-trunc");
    let names: Vec<&&str> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let [name] = names.as_slice() else {
        return Err(err("\"docker history\" requires exactly 1 argument.\nSee 'docker history --help'.\n\nUsage:  docker history [OPTIONS] IMAGE\n\nShow the history of an image"));
    };
    let img = find_image(sim, name)?;
    let now = now_ms(sim);
    let mut rows = vec![vec![
        "IMAGE".to_string(),
        "CREATED".into(),
        "CREATED BY".into(),
        "SIZE".into(),
        "COMMENT".into(),
    ]];
    let mut layer_sizes = img
        .layers
        .iter()
        .map(|l| l.size())
        .collect::<Vec<_>>()
        .into_iter();
    let mut entries = Vec::new();
    for h in &img.config.history {
        let size = if h.empty_layer {
            0
        } else {
            layer_sizes.next().unwrap_or(0)
        };
        entries.push((h, size));
    }
    for (i, (h, size)) in entries.iter().rev().enumerate() {
        let created = crate::image::config::parse_rfc3339(&h.created).unwrap_or(img.created_ms);
        let by = h.created_by.replace('\t', " ");
        rows.push(vec![
            if i == 0 {
                img.id.short().to_string()
            } else {
                "<missing>".into()
            },
            ago(created, now),
            if no_trunc { by } else { ellipsis(&by, 45) },
            human_size(*size),
            h.comment.clone(),
        ]);
    }
    Ok(Plan::Output(table(&rows)))
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectRootFs {
    #[serde(rename = "Type")]
    kind: &'static str,
    layers: Vec<String>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectGraph {
    data: BTreeMap<&'static str, String>,
    name: &'static str,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectImage {
    id: String,
    repo_tags: Vec<String>,
    repo_digests: Vec<String>,
    parent: String,
    comment: String,
    created: String,
    docker_version: String,
    author: String,
    config: crate::image::config::RunConfig,
    architecture: String,
    os: String,
    size: u64,
    graph_driver: InspectGraph,
    #[serde(rename = "RootFS")]
    root_fs: InspectRootFs,
}

fn plan_inspect(sim: &Sim, args: &[&str]) -> Result<Plan> {
    if args.is_empty() {
        return Err(err("\"docker inspect\" requires at least 1 argument.\nSee 'docker inspect --help'.\n\nUsage:  docker inspect [OPTIONS] NAME|ID [NAME|ID...]"));
    }
    /// One document of `docker inspect`: containers are looked up first, as the CLI does.
    #[derive(serde::Serialize)]
    #[serde(untagged)]
    enum Inspected {
        Container(Box<dc::InspectContainer>),
        Image(Box<InspectImage>),
    }
    let mut out = Vec::new();
    for name in args {
        if let Some(c) = sim.docker.find_container(name) {
            out.push(Inspected::Container(Box::new(dc::inspect_container(
                sim, c,
            ))));
            continue;
        }
        let img = sim
            .docker
            .find(name)
            .ok_or_else(|| err(format!("Error: No such object: {name}")))?;
        // overlay2 keeps each layer in a directory; the sandbox names them by ChainID.
        let dirs: Vec<String> = img
            .chain_ids()
            .iter()
            .rev()
            .map(|c| format!("/var/lib/docker/overlay2/{}/diff", c.0.hex()))
            .collect();
        let mut data = BTreeMap::new();
        if let Some((top, lower)) = dirs.split_first() {
            if !lower.is_empty() {
                data.insert("LowerDir", lower.join(":"));
            }
            let top_dir = top.trim_end_matches("/diff").to_string();
            data.insert("MergedDir", format!("{top_dir}/merged"));
            data.insert("UpperDir", top.clone());
            data.insert("WorkDir", format!("{top_dir}/work"));
        }
        out.push(Inspected::Image(Box::new(InspectImage {
            id: img.id.to_string(),
            repo_tags: sim.docker.tags_of(&img.id),
            repo_digests: img.repo_digests.clone(),
            parent: String::new(),
            comment: img
                .config
                .history
                .last()
                .map(|h| h.comment.clone())
                .unwrap_or_default(),
            created: img.config.created.clone(),
            docker_version: String::new(),
            author: String::new(),
            config: img.config.config.clone(),
            architecture: img.config.architecture.clone(),
            os: img.config.os.clone(),
            size: img.size(),
            graph_driver: InspectGraph {
                data,
                name: "overlay2",
            },
            root_fs: InspectRootFs {
                kind: "layers",
                layers: img
                    .config
                    .rootfs
                    .diff_ids
                    .iter()
                    .map(|d| d.to_string())
                    .collect(),
            },
        })));
    }
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut buf,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    serde::Serialize::serialize(&out, &mut ser).map_err(|e| err(e.to_string()))?;
    Ok(Plan::Output(format!("{}\n", String::from_utf8_lossy(&buf))))
}

fn plan_tag(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let [source, target] = args else {
        return Err(err("\"docker tag\" requires exactly 2 arguments.\nSee 'docker tag --help'.\n\nUsage:  docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]"));
    };
    let img = find_image(sim, source)?;
    let target = parse_reference(target).map_err(err)?.full();
    let id = img.id.clone();
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        tag_image(sim, &target, &id, cause);
        String::new()
    })))
}

fn plan_rmi(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let force = args.iter().any(|a| matches!(*a, "-f" | "--force"));
    let names: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .copied()
        .collect();
    if names.is_empty() {
        return Err(err("\"docker rmi\" requires at least 1 argument.\nSee 'docker rmi --help'.\n\nUsage:  docker rmi [OPTIONS] IMAGE [IMAGE...]"));
    }
    // Plan on a copy of the engine so that several names in one command see each other's effect.
    let mut engine = sim.docker.clone();
    let mut actions: Vec<(Vec<String>, Option<crate::image::Digest>)> = Vec::new();
    for name in names {
        let img = engine
            .find(name)
            .ok_or_else(|| {
                err(format!(
                    "Error response from daemon: No such image: {}",
                    parse_reference(name)
                        .map(|r| r.full())
                        .unwrap_or_else(|_| name.to_string())
                ))
            })?
            .clone();
        let tags = engine.tags_of(&img.id);
        let by_tag = parse_reference(name)
            .ok()
            .map(|r| r.full())
            .filter(|t| tags.contains(t));
        // Containers keep their image (moby `daemon/images/image_delete.go`): removing its last
        // tag needs -f (and then only untags); deleting it by id is refused while a container
        // runs on it, and needs -f while only stopped ones do.
        let users = sim.docker.containers_using(&img.id);
        let mut keep = false;
        if let Some(first) = users.first() {
            match &by_tag {
                Some(t) if tags.len() == 1 && !force => {
                    return Err(err(format!(
                        "Error response from daemon: conflict: unable to remove repository reference \"{t}\" (must force) - container {} is using its referenced image {}",
                        first.short_id(),
                        img.id.short()
                    )))
                }
                Some(_) => keep = true,
                None => {
                    if let Some(r) = users.iter().find(|c| c.is_running()) {
                        return Err(err(format!(
                            "Error response from daemon: conflict: unable to delete {} (cannot be forced) - image is being used by running container {}",
                            img.id.short(),
                            r.short_id()
                        )));
                    }
                    if !force {
                        return Err(err(format!(
                            "Error response from daemon: conflict: unable to delete {} (must be forced) - image is being used by stopped container {}",
                            img.id.short(),
                            first.short_id()
                        )));
                    }
                }
            }
        }
        let untag: Vec<String> = match by_tag {
            Some(t) => vec![t],
            None if tags.len() > 1 && !force => {
                return Err(err(format!(
                    "Error response from daemon: conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                    img.id.short()
                )))
            }
            None => tags.clone(),
        };
        for t in &untag {
            engine.tags.remove(t);
        }
        let delete = !keep && engine.tags_of(&img.id).is_empty();
        if delete {
            engine.delete_image(&img.id);
        }
        actions.push((untag, delete.then(|| img.id.clone())));
    }
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let mut out = String::new();
        for (untag, delete) in actions {
            for t in untag {
                let digests = sim
                    .docker
                    .find(&t)
                    .map(|i| i.repo_digests.clone())
                    .unwrap_or_default();
                sim.docker.tags.remove(&t);
                sim.record(
                    EventKind::ImageUntagged,
                    ObjectRef::new("image", t.clone()),
                    Some(cause),
                    format!("untagged {t}"),
                );
                let _ = writeln!(out, "Untagged: {t}");
                let repo = t.rsplit_once(':').map_or(t.as_str(), |(r, _)| r);
                for d in digests
                    .iter()
                    .filter(|d| d.starts_with(&format!("{repo}@")))
                {
                    if sim
                        .docker
                        .tags
                        .keys()
                        .all(|k| !k.starts_with(&format!("{repo}:")))
                    {
                        let _ = writeln!(out, "Untagged: {d}");
                    }
                }
            }
            if let Some(id) = delete {
                let gone = sim.docker.delete_image(&id);
                sim.record(
                    EventKind::ImageDeleted { id: id.to_string() },
                    ObjectRef::new("image", id.short()),
                    Some(cause),
                    format!("deleted image {}", id.short()),
                );
                let _ = writeln!(out, "Deleted: {id}");
                for c in gone {
                    sim.record(
                        EventKind::LayerDeleted,
                        ObjectRef::new("layer", c.to_string()),
                        Some(cause),
                        format!("deleted layer {}", c.0.short()),
                    );
                    let _ = writeln!(out, "Deleted: {c}");
                }
            }
        }
        out
    })))
}

pub(super) fn pull_text(plan: &PullPlan) -> String {
    let mut out = String::new();
    let r = &plan.reference;
    if !r.explicit_tag {
        out.push_str("Using default tag: latest\n");
    }
    let repo = if r.repository.contains('/') {
        r.repository.clone()
    } else {
        format!("library/{}", r.repository)
    };
    let _ = writeln!(out, "{}: Pulling from {repo}", r.tag);
    for (l, dl) in plan.image.layers.iter().zip(&plan.download) {
        let _ = writeln!(
            out,
            "{}: {}",
            l.diff_id().0.short(),
            if *dl {
                "Pull complete"
            } else {
                "Already exists"
            }
        );
    }
    let _ = writeln!(out, "Digest: {}", plan.digest);
    if plan.up_to_date {
        let _ = writeln!(out, "Status: Image is up to date for {}", r.full());
    } else {
        let _ = writeln!(out, "Status: Downloaded newer image for {}", r.full());
    }
    let _ = writeln!(out, "{}", r.canonical());
    out
}

fn plan_pull(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let names: Vec<&&str> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let [name] = names.as_slice() else {
        return Err(err("\"docker pull\" requires exactly 1 argument.\nSee 'docker pull --help'.\n\nUsage:  docker pull [OPTIONS] NAME[:TAG|@DIGEST]"));
    };
    let reference: Reference = parse_reference(name).map_err(err)?;
    let plan = sim
        .docker
        .plan_pull(&sim.registry, &reference)
        .map_err(err)?;
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        commit_pull(sim, plan, cause)
    })))
}

/// Applies a pull plan: stores the image and its new layers, tags it; returns `docker pull`'s
/// output (which layers were downloaded is decided now, as an earlier command in the same
/// script may have brought some).
pub(super) fn commit_pull(sim: &mut Sim, plan: PullPlan, cause: EventId) -> String {
    let text = if plan.up_to_date {
        // Nothing new: the layers are there; the tag already names the image.
        pull_text(&plan)
    } else {
        let mut p = plan.clone();
        p.download = p
            .image
            .chain_ids()
            .iter()
            .map(|c| !sim.docker.layers.contains_key(c))
            .collect();
        pull_text(&p)
    };
    let id = plan.image.id.clone();
    let full = plan.reference.full();
    store(sim, plan.image, cause);
    sim.record(
        EventKind::ImagePulled { id: id.to_string() },
        ObjectRef::new("image", full.clone()),
        Some(cause),
        format!("pulled {full} ({})", id.short()),
    );
    if !plan.up_to_date {
        tag_image(sim, &full, &id, cause);
    }
    text
}

fn plan_prune(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let force = args.iter().any(|a| matches!(*a, "-f" | "--force"));
    let all = args.iter().any(|a| matches!(*a, "-a" | "--all"));
    if let Some(bad) = args
        .iter()
        .find(|a| !matches!(**a, "-f" | "--force" | "-a" | "--all"))
    {
        return Err(err(format!(
            "unknown flag: {bad}\nSee 'docker image prune --help'."
        )));
    }
    let warning = if all {
        "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] "
    } else {
        "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] "
    };
    if !force {
        // The terminal has no standard input to answer with: as with `docker image prune < /dev/null`,
        // the answer is no.
        return Ok(Plan::Output(format!("{warning}\n")));
    }
    // Images a container uses are never pruned ("without at least one container associated").
    let victims: Vec<crate::image::Digest> = if all {
        sim.docker.images.keys().cloned().collect()
    } else {
        sim.docker.dangling()
    }
    .into_iter()
    .filter(|id| sim.docker.containers_using(id).is_empty())
    .collect();
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let mut out = String::new();
        let mut reclaimed = 0;
        let mut lines = Vec::new();
        for id in victims {
            for t in sim.docker.tags_of(&id) {
                sim.docker.tags.remove(&t);
                lines.push(format!("untagged: {t}"));
                sim.record(
                    EventKind::ImageUntagged,
                    ObjectRef::new("image", t.clone()),
                    Some(cause),
                    format!("untagged {t}"),
                );
            }
            let sizes: BTreeMap<String, u64> = sim
                .docker
                .layers
                .iter()
                .map(|(c, l)| (c.to_string(), l.size()))
                .collect();
            let gone = sim.docker.delete_image(&id);
            sim.record(
                EventKind::ImageDeleted { id: id.to_string() },
                ObjectRef::new("image", id.short()),
                Some(cause),
                format!("deleted image {}", id.short()),
            );
            lines.push(format!("deleted: {id}"));
            for c in gone {
                reclaimed += sizes.get(&c.to_string()).copied().unwrap_or(0);
                sim.record(
                    EventKind::LayerDeleted,
                    ObjectRef::new("layer", c.to_string()),
                    Some(cause),
                    format!("deleted layer {}", c.0.short()),
                );
                lines.push(format!("deleted: {c}"));
            }
        }
        if !lines.is_empty() {
            out.push_str("Deleted Images:\n");
            for l in lines {
                let _ = writeln!(out, "{l}");
            }
            out.push('\n');
        }
        let _ = writeln!(out, "Total reclaimed space: {}", human_size(reclaimed));
        out
    })))
}
