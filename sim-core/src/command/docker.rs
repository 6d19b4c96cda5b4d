//! The `docker` family: builds, images, the registry. Words, flags, output columns and error
//! messages are Docker's (CLI 27, BuildKit); the model is in [`crate::image`].

use std::collections::{BTreeMap, BTreeSet};
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
        usage: "docker build|images|history|inspect|tag|rmi|pull|push|save|image prune|run|create|exec|logs|diff|commit|ps|port|top|stats|start|stop|rm ...",
        summary: "build, run, inspect, push and save images and containers",
        help: "docker build -t NAME:TAG [-f FILE] [--no-cache] DIR\n\
               docker images [--digests] [--no-trunc] [REPO[:TAG]]   list local images\n\
               docker history IMAGE          the layers and the instructions that made them\n\
               \x20   IMAGE is NAME[:TAG], NAME@sha256:DIGEST (through RepoDigests) or an id\n\
               docker inspect IMAGE          the image's JSON (Id, RootFS.Layers, Config…)\n\
               docker tag SOURCE TARGET      another name for an image\n\
               docker rmi IMAGE...           untag, and delete images nothing names any more\n\
               docker pull NAME[:TAG|@DIGEST]   bring an image from a registry\n\
               docker image prune [-a] [-f]  delete dangling images\n\
               docker push NAME[:TAG]        send an image to a registry\n\
               \x20   NAME is [HOST[:PORT]/]PATH: docker.io (the default) or localhost:5000 \
               (a private registry:2, empty at first); other hosts do not resolve\n\
               docker save IMAGE -o FILE     write an OCI image layout archive to the workspace\n\
               docker run [-d] [--name N] [--rm] IMAGE [CMD...]   create and start a container\n\
               \x20   -m/--memory 256m  --cpus 0.5  -c/--cpu-shares 512   its cgroup's limits\n\
               \x20   -p 8080:80[/udp] publishes a port on 0.0.0.0 (-p 80 or -P: a port from \
               32768-60999); --restart always|unless-stopped|on-failure|no (honoured when the \
               daemon starts: a server's recovery)\n\
               docker port C [PORT[/PROTO]]  its published ports\n\
               docker create [--name N] IMAGE [CMD...]           create a container\n\
               docker exec C CMD...          run a command in a running container\n\
               docker logs [--tail N] [-t] C   what its command printed (a server: its startup banner)\n\
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
        ["logs", rest @ ..] | ["container", "logs", rest @ ..] => {
            super::docker_logs::plan_logs(sim, rest)
        }
        ["commit", rest @ ..] | ["container", "commit", rest @ ..] => dc::plan_commit(sim, rest),
        ["port", rest @ ..] | ["container", "port", rest @ ..] => dc::plan_port(sim, rest),
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
        let r = parse_reference(t).map_err(|e| {
            err(format!(
                "ERROR: invalid tag \"{t}\": {}",
                e.trim_start_matches("invalid reference format: ")
            ))
        })?;
        if r.digest.is_some() {
            // ASSUMPTION: refused before the build, with the words of moby's reference store
            // (which would refuse to name the built image so).
            return Err(err(format!(
                "ERROR: invalid tag \"{t}\": refusing to create a tag with a digest reference"
            )));
        }
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
    let out = match build(&sim.docker, &sim.registry, &req) {
        Ok(out) => out,
        // A RUN that exits non-zero keeps the steps before it in the cache (BuildKit): the
        // command fails, no image and no tag is made, but a rebuild finds them `CACHED`.
        Err(f) if f.keeps_anything() => {
            let error = err(f.log);
            let (cache, pulled) = (f.kept_cache, f.kept_pulled);
            return Ok(Plan::EffectThenFail(
                Box::new(move |sim, cause| {
                    keep_build_work(sim, pulled, cache, cause);
                    String::new()
                }),
                error,
            ));
        }
        Err(f) => return Err(err(f.log)),
    };
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
        keep_build_work(sim, out.pulled, out.cache, cause);
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

/// Stores what a build made besides its image: the layers of the base images it pulled
/// (untagged, as BuildKit keeps them) and its new cache entries.
fn keep_build_work(
    sim: &mut Sim,
    pulled: Vec<Image>,
    cache: Vec<(String, crate::image::engine::CacheEntry)>,
    cause: EventId,
) {
    for p in pulled {
        let new = sim.docker.store_layers(&p);
        for (c, l) in p.chain_ids().iter().zip(p.layers.iter()) {
            if new.contains(c) {
                record_layer(sim, &c.to_string(), l, cause);
            }
        }
    }
    for (k, e) in cache {
        sim.docker.cache_put(k, e);
    }
}

/// One row of `docker images`.
struct ImageRow<'a> {
    repo: String,
    tag: String,
    /// The manifest digest (`--digests`), `<none>` when the repository has none.
    digest: String,
    img: &'a Image,
}

/// The rows of `docker images`, as docker's CLI makes them from RepoTags and RepoDigests: a row
/// per tag (per tag and digest with `--digests`), then a `<none>` tag for each repository known
/// only by digest, and `<none> <none>` for an image with no reference at all.
fn image_rows(engine: &Engine, digests: bool) -> Vec<ImageRow<'_>> {
    let mut rows = Vec::new();
    for img in engine.images.values() {
        let mut repo_tags: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in engine.tags_of(&img.id) {
            let (r, tag) = t.rsplit_once(':').unwrap_or((t.as_str(), "latest"));
            repo_tags
                .entry(r.to_string())
                .or_default()
                .push(tag.to_string());
        }
        let mut repo_digests: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for d in &img.repo_digests {
            if let Some((r, digest)) = d.split_once('@') {
                repo_digests
                    .entry(r.to_string())
                    .or_default()
                    .push(digest.to_string());
            }
        }
        let mut mine = Vec::new();
        for (repo, tags) in repo_tags {
            let ds = repo_digests
                .remove(&repo)
                .filter(|_| digests)
                .unwrap_or_default();
            for tag in tags {
                if ds.is_empty() {
                    mine.push((repo.clone(), tag.clone(), "<none>".to_string()));
                }
                for d in &ds {
                    mine.push((repo.clone(), tag.clone(), d.clone()));
                }
            }
        }
        for (repo, ds) in repo_digests {
            if digests {
                for d in ds {
                    mine.push((repo.clone(), "<none>".into(), d));
                }
            } else {
                mine.push((repo, "<none>".into(), "<none>".into()));
            }
        }
        if mine.is_empty() {
            mine.push(("<none>".into(), "<none>".into(), "<none>".into()));
        }
        rows.extend(mine.into_iter().map(|(repo, tag, digest)| ImageRow {
            repo,
            tag,
            digest,
            img,
        }));
    }
    rows.sort_by(|a, b| {
        b.img
            .created_ms
            .cmp(&a.img.created_ms)
            .then_with(|| a.repo.cmp(&b.repo))
            .then_with(|| a.tag.cmp(&b.tag))
            .then_with(|| a.digest.cmp(&b.digest))
    });
    rows
}

fn plan_images(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let flag = |names: &[&str]| args.iter().any(|a| names.contains(a));
    let quiet = flag(&["-q", "--quiet"]);
    let digests = flag(&["--digests"]);
    let no_trunc = flag(&["--no-trunc"]);
    if let Some(bad) = args.iter().find(|a| {
        a.starts_with('-')
            && !matches!(
                **a,
                "-q" | "--quiet" | "-a" | "--all" | "--digests" | "--no-trunc"
            )
    }) {
        return Err(err(format!(
            "unknown flag: {bad}\nSee 'docker images --help'."
        )));
    }
    let filter = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(|s| s.to_string());
    let now = now_ms(sim);
    let mut header = vec!["REPOSITORY".to_string(), "TAG".into()];
    if digests {
        header.push("DIGEST".into());
    }
    header.extend(["IMAGE ID".into(), "CREATED".into(), "SIZE".into()]);
    let mut rows = vec![header];
    let mut ids = Vec::new();
    let shown_id = |img: &Image| {
        if no_trunc {
            img.id.to_string()
        } else {
            img.id.short().to_string()
        }
    };
    for row in image_rows(&sim.docker, digests) {
        if let Some(f) = &filter {
            let (fr, ft) = match f.rsplit_once(':') {
                Some((r, t)) if !t.contains('/') => (r, Some(t)),
                _ => (f.as_str(), None),
            };
            if row.repo != fr || ft.is_some_and(|t| t != row.tag) {
                continue;
            }
        }
        if quiet {
            if !ids.contains(&row.img.id) {
                ids.push(row.img.id.clone());
            }
            continue;
        }
        let mut cells = vec![row.repo, row.tag];
        if digests {
            cells.push(row.digest);
        }
        cells.extend([
            shown_id(row.img),
            ago(row.img.created_ms, now),
            human_size(row.img.size()),
        ]);
        rows.push(cells);
    }
    if quiet {
        return Ok(Plan::Output(
            ids.iter()
                .filter_map(|i| sim.docker.images.get(i))
                .map(|img| format!("{}\n", shown_id(img)))
                .collect(),
        ));
    }
    Ok(Plan::Output(table(&rows)))
}

pub(super) fn find_image<'a>(sim: &'a Sim, name: &str) -> Result<&'a Image> {
    sim.docker.find(name).ok_or_else(|| {
        let shown = match parse_reference(name) {
            Ok(r) if !name.chars().all(|c| c.is_ascii_hexdigit()) => r.familiar(),
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
    // The client checks the target before it asks the daemon about the source.
    let target = parse_reference(target)
        .map_err(err)?
        .tag_key()
        .ok_or_else(|| err("refusing to create a tag with a digest reference"))?;
    let img = find_image(sim, source)?;
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
    let mut actions: Vec<RmiAction> = Vec::new();
    for name in names {
        let img = engine
            .find(name)
            .ok_or_else(|| {
                err(format!(
                    "Error response from daemon: No such image: {}",
                    parse_reference(name)
                        .map(|r| r.familiar())
                        .unwrap_or_else(|_| name.to_string())
                ))
            })?
            .clone();
        let refs = engine.references_of(&img.id);
        // The reference the name gives (`repo:tag` or `repo@digest`), when it is one of the
        // image's; otherwise the name is an id.
        let by_ref = parse_reference(name)
            .ok()
            .map(|r| r.familiar())
            .filter(|t| refs.contains(t));
        // Containers keep their image (moby `daemon/images/image_delete.go`): removing its last
        // reference needs -f (and then only untags); deleting it by id is refused while a
        // container runs on it, and needs -f while only stopped ones do.
        let users = sim.docker.containers_using(&img.id);
        let mut keep = false;
        if let Some(first) = users.first() {
            match &by_ref {
                Some(t) if is_single_reference(&refs) && !force => {
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
        let untag: Vec<String> = match by_ref {
            Some(t) => {
                // Untagging a repository's last tag also drops its digest references.
                let repo = repo_of(&t).to_string();
                let mut v = vec![t.clone()];
                let last_tag = !t.contains('@')
                    && !refs
                        .iter()
                        .any(|r| *r != t && !r.contains('@') && repo_of(r) == repo);
                if last_tag {
                    v.extend(
                        refs.iter()
                            .filter(|r| r.contains('@') && repo_of(r) == repo)
                            .cloned(),
                    );
                }
                v
            }
            None if !force && !is_single_reference(&refs) && !refs.is_empty() => {
                return Err(err(format!(
                    "Error response from daemon: conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                    img.id.short()
                )))
            }
            None => refs.clone(),
        };
        for t in &untag {
            engine.remove_reference(&img.id, t);
        }
        let delete = !keep && engine.references_of(&img.id).is_empty();
        if delete {
            engine.delete_image(&img.id);
        }
        actions.push(RmiAction {
            id: img.id.clone(),
            untag,
            delete,
        });
    }
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let mut out = String::new();
        for RmiAction { id, untag, delete } in actions {
            for t in untag {
                sim.docker.remove_reference(&id, &t);
                sim.record(
                    EventKind::ImageUntagged,
                    ObjectRef::new("image", t.clone()),
                    Some(cause),
                    format!("untagged {t}"),
                );
                let _ = writeln!(out, "Untagged: {t}");
            }
            if delete {
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

/// What `docker rmi` does to one image: the references it removes, and whether the image goes.
struct RmiAction {
    id: crate::image::Digest,
    untag: Vec<String>,
    delete: bool,
}

/// The repository of a reference string (`alpine` of `alpine:3.20` or `alpine@sha256:…`).
fn repo_of(reference: &str) -> &str {
    match reference.split_once('@') {
        Some((r, _)) => r,
        None => reference.rsplit_once(':').map_or(reference, |(r, _)| r),
    }
}

/// moby's `isSingleReference`: at most one tag, and every digest reference in its repository
/// (or, without a tag, all digest references in one repository).
fn is_single_reference(refs: &[String]) -> bool {
    if refs.len() <= 1 {
        return refs.len() == 1;
    }
    let tags: Vec<&String> = refs.iter().filter(|r| !r.contains('@')).collect();
    if tags.len() > 1 {
        return false;
    }
    let digest_repos: BTreeSet<&str> = refs
        .iter()
        .filter(|r| r.contains('@'))
        .map(|r| repo_of(r))
        .collect();
    let single = tags
        .first()
        .map_or_else(|| repo_of(&refs[0]), |t| repo_of(t));
    digest_repos.len() == 1 && digest_repos.contains(single)
}

pub(super) fn pull_text(plan: &PullPlan) -> String {
    let mut out = String::new();
    let r = &plan.reference;
    if !r.explicit_tag && r.digest.is_none() {
        out.push_str("Using default tag: latest\n");
    }
    // The repository's path in its registry: `library/alpine`, or `app` on localhost:5000.
    let _ = writeln!(out, "{}: Pulling from {}", r.tag_or_digest(), r.path);
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
        let _ = writeln!(out, "Status: Image is up to date for {}", r.familiar());
    } else {
        let _ = writeln!(out, "Status: Downloaded newer image for {}", r.familiar());
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
    let shown = plan.reference.familiar();
    store(sim, plan.image, cause);
    sim.record(
        EventKind::ImagePulled { id: id.to_string() },
        ObjectRef::new("image", shown.clone()),
        Some(cause),
        format!("pulled {shown} ({})", id.short()),
    );
    // A pull by digest records the RepoDigest only; a pull by tag also moves the tag.
    if let Some(tag) = plan.reference.tag_key().filter(|_| !plan.up_to_date) {
        tag_image(sim, &tag, &id, cause);
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
            // Tags and digest references alike (an image known only by digest is dangling).
            for t in sim.docker.references_of(&id) {
                sim.docker.remove_reference(&id, &t);
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
