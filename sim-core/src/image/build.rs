//! `docker build`: runs a Dockerfile's stages against the engine's images and build cache, with
//! BuildKit's cache rules and progress output.
//!
//! Cache rules (FACTS.md, "Build cache"): a step's cache key is its parent's key plus the
//! instruction — RUN by its command string (and the environment it runs in), COPY/ADD also by
//! a checksum of the copied files' contents and metadata (never mtime). The first miss makes
//! every later key new, so everything after it rebuilds. `--no-cache` skips lookups.
//!
//! A RUN that exits non-zero fails the build but, as BuildKit does, keeps the cache of the
//! steps that completed before it (no image, no tag); every other failure keeps nothing.
//!
//! A build takes no simulated time (the progress prints `DONE 0.0s`): time moves only with
//! `step`/`run`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::config::{rfc3339, History, ImageConfig};
use super::dockerfile::{self, CopySpec, Dockerfile, Form, Kind, Stage};
use super::engine::{parse_reference, CacheEntry, Engine, Image};
use super::format::human_size;
use super::fs::{base_name, join, parent, resolve, Content, Meta, Node, Tree};
use super::layer::Overlay;
use super::registry::{host_of, Host, Registry};
use super::sh::{self, resolve_links, Context};
use crate::event::FromStep;
use crate::sim::hex;

/// What to build.
#[derive(Clone, Debug)]
pub struct BuildRequest {
    /// The Dockerfile's text.
    pub dockerfile: String,
    /// Its name as `-f` gave it (for messages).
    pub dockerfile_name: String,
    /// The build context: path relative to the context directory → content.
    pub context: BTreeMap<String, String>,
    /// `-t` references (`repository:tag`).
    pub tags: Vec<String>,
    /// `--no-cache`.
    pub no_cache: bool,
    /// Simulated time of the build (ms).
    pub now_ms: i64,
}

/// One numbered step as the build view shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    /// `[2/5] RUN apk add curl`.
    pub label: String,
    /// True when the cache supplied it (for FROM: the base was already local).
    pub cached: bool,
    /// For the FROM step: the base and whether the build pulled it.
    pub from: Option<FromStep>,
}

/// Everything a successful build changes, computed without changing anything.
#[derive(Clone, Debug)]
pub struct BuildOutput {
    /// The progress log, as the terminal prints it.
    pub log: String,
    /// The image built.
    pub image: Image,
    /// Base images pulled from the registry (their layers go to the local store; untagged).
    pub pulled: Vec<Image>,
    /// New cache entries.
    pub cache: Vec<(String, CacheEntry)>,
    /// The numbered steps, in order.
    pub steps: Vec<StepReport>,
}

struct StageState {
    layers: Vec<Arc<super::layer::Layer>>,
    config: ImageConfig,
    rootfs: Arc<Tree>,
    key: String,
    args: BTreeMap<String, String>,
}

struct Run<'a> {
    engine: &'a Engine,
    registry: &'a Registry,
    req: &'a BuildRequest,
    df: Dockerfile,
    log: String,
    vertex: u32,
    pulled: Vec<Image>,
    new_cache: Vec<(String, CacheEntry)>,
    steps: Vec<StepReport>,
    done: BTreeMap<usize, StageState>,
    multi: bool,
    /// Set when a RUN exited non-zero: the failure keeps the cache built so far.
    run_failed: bool,
}

fn key_of(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    hex(&h.finalize())
}

fn no_registry(name: &str, canonical: &str) -> String {
    format!(
        "{name}: failed to resolve source metadata for {canonical}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
    )
}

/// A build that failed.
#[derive(Clone, Debug)]
pub struct BuildFailure {
    /// The whole text the terminal prints (progress up to the failure, then BuildKit's error
    /// block).
    pub log: String,
    /// What the build keeps although it failed: when a RUN exits non-zero, the cache entries
    /// of the steps that completed before it and the base images it pulled, as BuildKit keeps
    /// them (fix the line and rebuild: the earlier steps are `CACHED`). Empty for every other
    /// failure (a parse error, a missing COPY source, an unknown base…), which changes nothing.
    pub kept_cache: Vec<(String, CacheEntry)>,
    /// Base images pulled before the failing RUN (their layers stay in the local store).
    pub kept_pulled: Vec<Image>,
}

impl BuildFailure {
    fn plain(log: String) -> BuildFailure {
        BuildFailure {
            log,
            kept_cache: Vec::new(),
            kept_pulled: Vec::new(),
        }
    }

    /// True when the failure keeps something (and so is not a failure that changes nothing).
    pub fn keeps_anything(&self) -> bool {
        !self.kept_cache.is_empty() || !self.kept_pulled.is_empty()
    }
}

/// Runs a build. `Err` says what the terminal prints for a failed build, and what it keeps.
pub fn build(
    engine: &Engine,
    registry: &Registry,
    req: &BuildRequest,
) -> Result<BuildOutput, BuildFailure> {
    let df = dockerfile::parse(&req.dockerfile)
        .map_err(|e| BuildFailure::plain(format!("ERROR: failed to solve: {e}")))?;
    let mut run = Run {
        engine,
        registry,
        req,
        df,
        log: String::new(),
        vertex: 0,
        pulled: Vec::new(),
        new_cache: Vec::new(),
        steps: Vec::new(),
        done: BTreeMap::new(),
        multi: false,
        run_failed: false,
    };
    match run.go() {
        Ok(image) => Ok(BuildOutput {
            log: run.log,
            image,
            pulled: run.pulled,
            cache: run.new_cache,
            steps: run.steps,
        }),
        Err(log) if run.run_failed => Err(BuildFailure {
            log,
            kept_cache: run.new_cache,
            kept_pulled: run.pulled,
        }),
        Err(log) => Err(BuildFailure::plain(log)),
    }
}

impl Run<'_> {
    fn next_vertex(&mut self) -> u32 {
        self.vertex += 1;
        self.vertex
    }

    fn stage_index(&self, name: &str, before: usize) -> Option<usize> {
        let lower = name.to_ascii_lowercase();
        self.df.stages[..before]
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| name.parse::<usize>().ok().filter(|i| *i < before))
    }

    /// Stages the last one needs, in order.
    fn needed(&self) -> Vec<usize> {
        let n = self.df.stages.len();
        let mut need = BTreeSet::new();
        let mut todo = vec![n - 1];
        while let Some(i) = todo.pop() {
            if !need.insert(i) {
                continue;
            }
            let s = &self.df.stages[i];
            if let Some(j) = self.stage_index(&s.base, i) {
                todo.push(j);
            }
            for ins in &s.instructions {
                if let Kind::Copy(CopySpec { from: Some(f), .. }) = &ins.kind {
                    if let Some(j) = self.stage_index(f, i) {
                        todo.push(j);
                    }
                }
            }
        }
        need.into_iter().collect()
    }

    /// Runs every needed stage; returns the image, or the failure's text.
    fn go(&mut self) -> Result<Image, String> {
        let needed = self.needed();
        self.multi = needed.len() > 1;
        let _ = writeln!(
            self.log,
            "#0 building with \"default\" instance using docker driver\n"
        );
        let v = self.next_vertex();
        let _ = writeln!(
            self.log,
            "#{v} [internal] load build definition from {}\n#{v} transferring dockerfile: {}B done\n#{v} DONE 0.0s\n",
            base_name(&self.req.dockerfile_name),
            self.req.dockerfile.len()
        );
        // Metadata for each external base image.
        let mut externals = Vec::new();
        for &i in &needed {
            let s = &self.df.stages[i];
            if self.stage_index(&s.base, i).is_none() && s.base != "scratch" {
                let r = parse_reference(&s.base).map_err(|e| {
                    format!(
                        "ERROR: failed to solve: failed to parse stage name \"{}\": {e}",
                        s.base
                    )
                })?;
                if !externals.contains(&r.canonical()) {
                    externals.push(r.canonical());
                }
            }
        }
        for c in &externals {
            let v = self.next_vertex();
            let _ = writeln!(
                self.log,
                "#{v} [internal] load metadata for {c}\n#{v} DONE 0.0s\n"
            );
        }
        let v = self.next_vertex();
        let ignore = self.req.context.get(".dockerignore").map_or(2, |c| c.len());
        let _ = writeln!(self.log, "#{v} [internal] load .dockerignore\n#{v} transferring context: {ignore}B done\n#{v} DONE 0.0s\n");
        let uses_context = needed.iter().any(|&i| {
            self.df.stages[i].instructions.iter().any(|ins| {
                matches!(
                    &ins.kind,
                    Kind::Copy(CopySpec { from: None, .. }) | Kind::Add(_)
                )
            })
        });
        let mut context_loaded = !uses_context;
        let last = *needed.last().unwrap_or(&0);
        for &i in &needed {
            let stage = self.df.stages[i].clone();
            self.run_stage(i, &stage, &mut context_loaded)?;
        }
        let Some(state) = self.done.remove(&last) else {
            return Err("ERROR: failed to solve: no stage was built".into());
        };
        let image = Image::new(state.config, state.layers, state.rootfs);
        let v = self.next_vertex();
        let _ = writeln!(
            self.log,
            "#{v} exporting to image\n#{v} exporting layers done\n#{v} writing image {} done",
            image.id
        );
        for t in &self.req.tags {
            if let Ok(r) = parse_reference(t) {
                let _ = writeln!(self.log, "#{v} naming to {} done", r.canonical());
            }
        }
        let _ = writeln!(self.log, "#{v} DONE 0.0s");
        Ok(image)
    }

    fn label(&self, stage_index: usize, stage: &Stage, n: usize, total: usize) -> String {
        if self.multi {
            let name = stage
                .name
                .clone()
                .unwrap_or_else(|| format!("stage-{stage_index}"));
            format!("[{name} {n}/{total}]")
        } else {
            format!("[{n}/{total}]")
        }
    }

    fn cache_get(&self, key: &str) -> Option<CacheEntry> {
        if self.req.no_cache {
            return None;
        }
        self.new_cache
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, e)| e.clone())
            .or_else(|| self.engine.cache.get(key).cloned())
    }

    /// Resolves an image reference for FROM or COPY --from: local first, then the registry.
    fn resolve_image(&mut self, text: &str) -> Result<(Image, bool), String> {
        if text == "scratch" {
            let config = ImageConfig::empty(rfc3339(self.req.now_ms));
            return Ok((Image::new(config, Vec::new(), Arc::new(Tree::new())), true));
        }
        let r = parse_reference(text).map_err(|e| format!("ERROR: failed to solve: {e}"))?;
        if let Some(img) = self.engine.find_reference(&r) {
            return Ok((img.clone(), true));
        }
        let plan = self.engine.plan_pull(self.registry, &r).map_err(|_| {
            let (name, canonical) = (r.familiar(), r.canonical());
            let why = match host_of(&r.domain) {
                // The host does not resolve: BuildKit's resolver fails on its HEAD request.
                Err(e) => format!(
                    "{name}: failed to resolve source metadata for {canonical}: failed to do request: Head \"https://{}/v2/{}/manifests/{}\": {}",
                    r.domain,
                    r.path,
                    r.tag_or_digest(),
                    e.split_once("\": ").map_or(e.as_str(), |(_, tail)| tail)
                ),
                Ok(Host::Local) => format!(
                    "{name}: failed to resolve source metadata for {canonical}: {canonical}: not found"
                ),
                Ok(Host::Hub) => no_registry(&name, &canonical),
            };
            format!("ERROR: failed to solve: {why}")
        })?;
        let img = plan.image.clone();
        // Layers already in the local store (an earlier build pulled them): nothing to fetch.
        let local = plan.download.iter().all(|d| !d);
        if !local && !self.pulled.iter().any(|p| p.id == img.id) {
            self.pulled.push(img.clone());
        }
        Ok((img, local))
    }

    fn run_stage(
        &mut self,
        index: usize,
        stage: &Stage,
        context_loaded: &mut bool,
    ) -> Result<(), String> {
        let total = 1 + stage
            .instructions
            .iter()
            .filter(|i| {
                matches!(
                    i.kind,
                    Kind::Run(_) | Kind::Copy(_) | Kind::Add(_) | Kind::Workdir(_)
                )
            })
            .count();
        let label = self.label(index, stage, 1, total);
        let v = self.next_vertex();
        let mut state = if let Some(j) = self.stage_index(&stage.base, index) {
            let s = &self.done[&j];
            let _ = writeln!(self.log, "#{v} {label} FROM {}\n#{v} CACHED\n", stage.base);
            self.steps.push(StepReport {
                label: format!("{label} {}", stage.from.text),
                cached: true,
                from: Some(FromStep {
                    base: stage.base.clone(),
                    pulled: false,
                }),
            });
            StageState {
                layers: s.layers.clone(),
                config: s.config.clone(),
                rootfs: s.rootfs.clone(),
                key: s.key.clone(),
                args: BTreeMap::new(),
            }
        } else {
            let (img, local) = self.resolve_image(&stage.base)?;
            let shown = match parse_reference(&stage.base) {
                Ok(r) if stage.base != "scratch" => {
                    // BuildKit pins the base: `NAME:TAG@DIGEST` (a digest reference already is).
                    match r.digest {
                        Some(_) => r.canonical(),
                        None => format!("{}@{}", r.canonical(), img.manifest().digest()),
                    }
                }
                _ => stage.base.clone(),
            };
            let _ = writeln!(self.log, "#{v} {label} FROM {shown}");
            self.steps.push(StepReport {
                label: format!("{label} {}", stage.from.text),
                cached: local,
                from: Some(FromStep {
                    base: shown.clone(),
                    pulled: !local,
                }),
            });
            if local {
                let _ = writeln!(self.log, "#{v} CACHED\n");
            } else {
                let _ = writeln!(self.log, "#{v} resolve {shown} done");
                for (l, c) in img.layers.iter().zip(img.chain_ids()) {
                    if !self.engine.layers.contains_key(&c) {
                        let size = human_size(l.tar_bytes());
                        let _ = writeln!(self.log, "#{v} {} {size} / {size} done", l.diff_id());
                    }
                }
                for (l, c) in img.layers.iter().zip(img.chain_ids()) {
                    if !self.engine.layers.contains_key(&c) {
                        let _ = writeln!(self.log, "#{v} extracting {} done", l.diff_id());
                    }
                }
                let _ = writeln!(self.log, "#{v} DONE 0.0s\n");
            }
            StageState {
                key: key_of(&["FROM", img.id.as_str()]),
                layers: img.layers.clone(),
                config: (*img.config).clone(),
                rootfs: img.rootfs.clone(),
                args: BTreeMap::new(),
            }
        };
        // Global ARGs with defaults are visible to a stage that re-declares them.
        let globals: BTreeMap<String, String> = self
            .df
            .global_args
            .iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
            .collect();
        if !*context_loaded {
            *context_loaded = true;
            let v = self.next_vertex();
            let bytes: usize = self.req.context.values().map(String::len).sum();
            let _ = writeln!(self.log, "#{v} [internal] load build context\n#{v} transferring context: {}B done\n#{v} DONE 0.0s\n", bytes);
        }
        let mut n = 1;
        for ins in &stage.instructions {
            let numbered = matches!(
                ins.kind,
                Kind::Run(_) | Kind::Copy(_) | Kind::Add(_) | Kind::Workdir(_)
            );
            let label = if numbered {
                n += 1;
                self.label(index, stage, n, total)
            } else {
                String::new()
            };
            let vars = {
                let mut m = state.args.clone();
                for e in &state.config.config.env {
                    if let Some((k, v)) = e.split_once('=') {
                        m.insert(k.to_string(), v.to_string());
                    }
                }
                m
            };
            let sub = |s: &str| dockerfile::substitute(s, &|n| vars.get(n).cloned());
            // What the cache key covers besides the parent key and the instruction text.
            let mut extra = String::new();
            let mut copy_plan = None;
            match &ins.kind {
                Kind::Run(_) => {
                    extra = format!(
                        "{:?}|{:?}|{}|{}",
                        vars,
                        state.config.config.env,
                        state.config.config.working_dir,
                        state.config.config.user
                    );
                }
                Kind::Copy(spec) | Kind::Add(spec) => {
                    let files = match self.copy_sources(index, spec, &state, &sub) {
                        Ok(f) => f,
                        Err(e) => {
                            let v = self.next_vertex();
                            return Err(self.fail(
                                v,
                                &label,
                                ins,
                                "",
                                &e,
                                &format!("failed to compute cache key: {e}"),
                            ));
                        }
                    };
                    extra = checksum(&files);
                    copy_plan = Some(files);
                }
                Kind::Arg(k, d) => {
                    let value = d.clone().or_else(|| globals.get(k).cloned());
                    extra = format!("{value:?}");
                }
                _ => extra.push_str(&sub(&ins.text)),
            }
            let key = key_of(&[&state.key, &ins.text, &extra]);
            if let Some(hit) = self.cache_get(&key) {
                if numbered {
                    let v = self.next_vertex();
                    let _ = writeln!(self.log, "#{v} {label} {}\n#{v} CACHED\n", ins.text);
                    self.steps.push(StepReport {
                        label: format!("{label} {}", ins.text),
                        cached: true,
                        from: None,
                    });
                }
                if let Kind::Arg(k, d) = &ins.kind {
                    if let Some(v) = d.clone().or_else(|| globals.get(k).cloned()) {
                        state.args.insert(k.clone(), v);
                    }
                }
                state.layers = hit.layers;
                state.config = hit.config;
                state.rootfs = hit.rootfs;
                state.key = key;
                continue;
            }
            let created = rfc3339(self.req.now_ms);
            let v = if numbered { self.next_vertex() } else { 0 };
            if numbered {
                let _ = writeln!(self.log, "#{v} {label} {}", ins.text);
            }
            let mut overlay = Overlay::new(state.rootfs.clone());
            let mut layer_step = false;
            let created_by;
            match &ins.kind {
                Kind::Run(form) => {
                    layer_step = true;
                    let (uid, gid) = user_ids(&state.rootfs, &state.config.config.user)
                        .map_err(|e| self.fail(v, &label, ins, "", &e, &e))?;
                    let mut env = vars.clone();
                    env.entry("PATH".into())
                        .or_insert_with(|| super::base::PATH_ENV[5..].to_string());
                    let mut ctx = Context {
                        env,
                        cwd: resolve("", &state.config.config.working_dir),
                        uid,
                        gid,
                    };
                    let (outcome, process) = match form {
                        Form::Shell(s) => (
                            sh::run_script(&mut overlay, s, &mut ctx),
                            format!("/bin/sh -c {s}"),
                        ),
                        Form::Exec(argv) => {
                            (sh::run_exec(&mut overlay, argv, &mut ctx), argv.join(" "))
                        }
                    };
                    for line in outcome.output.lines() {
                        let _ = writeln!(self.log, "#{v} 0.000 {line}");
                    }
                    if outcome.exit_code != 0 {
                        let msg = format!(
                            "process \"{process}\" did not complete successfully: exit code: {}",
                            outcome.exit_code
                        );
                        self.run_failed = true;
                        return Err(self.fail(v, &label, ins, &outcome.output, &msg, &msg));
                    }
                    let args: Vec<String> =
                        state.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    let prefix = if args.is_empty() {
                        String::new()
                    } else {
                        format!("|{} {} ", args.len(), args.join(" "))
                    };
                    created_by = match form {
                        Form::Shell(s) => format!("RUN {prefix}/bin/sh -c {s} # buildkit"),
                        Form::Exec(a) => format!("RUN {prefix}{} # buildkit", a.join(" ")),
                    };
                }
                Kind::Copy(spec) | Kind::Add(spec) => {
                    layer_step = true;
                    let files = copy_plan.take().unwrap_or_default();
                    let owner = match &spec.chown {
                        Some(c) => {
                            let (u, g) = user_ids(&state.rootfs, c)
                                .map_err(|e| self.fail(v, &label, ins, "", &e, &e))?;
                            Some((u, g))
                        }
                        None => None,
                    };
                    let dest = sub(&spec.dest);
                    let workdir = resolve("", &state.config.config.working_dir);
                    if let Err(e) = place(&mut overlay, &workdir, &dest, &files, spec.chmod, owner)
                    {
                        return Err(self.fail(v, &label, ins, "", &e, &e));
                    }
                    created_by = format!("{} # buildkit", ins.text);
                }
                Kind::Workdir(p) => {
                    layer_step = true;
                    let path = resolve(&resolve("", &state.config.config.working_dir), &sub(p));
                    let real = resolve_links(overlay.merged(), &path, true);
                    if let Err(e) = overlay.mkdir(&real, true) {
                        let m = format!("mkdir /{path}: {e}");
                        return Err(self.fail(v, &label, ins, "", &m, &m));
                    }
                    state.config.config.working_dir = format!("/{path}");
                    created_by = format!("WORKDIR {}", state.config.config.working_dir);
                }
                Kind::Env(pairs) => {
                    let mut shown = Vec::new();
                    for (k, val) in pairs {
                        let val = sub(val);
                        state.config.config.set_env(k, &val);
                        shown.push(format!("{k}={val}"));
                    }
                    created_by = format!("ENV {}", shown.join(" "));
                }
                Kind::Label(pairs) => {
                    let mut shown = Vec::new();
                    for (k, val) in pairs {
                        let val = sub(val);
                        state.config.config.labels.insert(sub(k), val.clone());
                        shown.push(format!("{}={val}", sub(k)));
                    }
                    created_by = format!("LABEL {}", shown.join(" "));
                }
                Kind::Expose(ports) => {
                    for p in ports {
                        let p = sub(p);
                        let p = if p.contains('/') {
                            p
                        } else {
                            format!("{p}/tcp")
                        };
                        state
                            .config
                            .config
                            .exposed_ports
                            .insert(p, Default::default());
                    }
                    let shown: Vec<String> = state
                        .config
                        .config
                        .exposed_ports
                        .keys()
                        .map(|p| format!("{p}:{{}}"))
                        .collect();
                    created_by = format!("EXPOSE map[{}]", shown.join(" "));
                }
                Kind::User(u) => {
                    state.config.config.user = sub(u);
                    created_by = format!("USER {}", state.config.config.user);
                }
                Kind::Cmd(form) => {
                    state.config.config.cmd = Some(form.to_argv());
                    created_by = format!("CMD {}", go_quote(&form.to_argv()));
                }
                Kind::Entrypoint(form) => {
                    state.config.config.entrypoint = Some(form.to_argv());
                    created_by = format!("ENTRYPOINT {}", go_quote(&form.to_argv()));
                }
                Kind::Arg(k, d) => {
                    let value = d.clone().or_else(|| globals.get(k).cloned());
                    if let Some(v) = &value {
                        state.args.insert(k.clone(), v.clone());
                    }
                    created_by = match value {
                        Some(v) => format!("ARG {k}={v}"),
                        None => format!("ARG {k}"),
                    };
                }
                Kind::From { .. } => created_by = unreachable_from(),
            }
            let mut empty = true;
            if layer_step {
                let layer = overlay.to_layer().map_err(|e| {
                    let m = format!("{e:?}");
                    self.fail(v, &label, ins, "", &m, &m)
                })?;
                if !layer.is_empty() {
                    empty = false;
                    state.config.rootfs.diff_ids.push(layer.diff_id().clone());
                    state.layers.push(Arc::new(layer));
                    state.rootfs = Arc::new(overlay.merged().clone());
                }
            }
            state.config.history.push(History {
                created: created.clone(),
                created_by,
                comment: "buildkit.dockerfile.v0".into(),
                empty_layer: empty,
            });
            state.config.created = created;
            if numbered {
                let _ = writeln!(self.log, "#{v} DONE 0.0s\n");
                self.steps.push(StepReport {
                    label: format!("{label} {}", ins.text),
                    cached: false,
                    from: None,
                });
            }
            state.key = key.clone();
            self.new_cache.push((
                key,
                CacheEntry {
                    layers: state.layers.clone(),
                    config: state.config.clone(),
                    rootfs: state.rootfs.clone(),
                    seq: 0,
                },
            ));
        }
        self.done.insert(index, state);
        Ok(())
    }

    /// The files a COPY/ADD copies: (path relative to the destination root, node). Paths keep
    /// the source's relative layout; single files are named by their base name.
    fn copy_sources(
        &mut self,
        index: usize,
        spec: &CopySpec,
        _state: &StageState,
        sub: &dyn Fn(&str) -> String,
    ) -> Result<CopyFiles, String> {
        let mut out = CopyFiles::default();
        match &spec.from {
            None => {
                for src in &spec.sources {
                    let src = sub(src);
                    if src.contains("://") {
                        return Err(format!(
                            "the sandbox's ADD copies local files only, not {src}"
                        ));
                    }
                    let rel = resolve("", &src);
                    let matched = context_match(&self.req.context, &rel);
                    if matched.is_empty() {
                        return Err(format!(
                            "failed to calculate checksum of ref: \"/{rel}\": not found"
                        ));
                    }
                    for (is_dir_copy, entries) in matched {
                        out.dir_copy |= is_dir_copy;
                        for (p, content) in entries {
                            out.files.push((p, Node::text(&content)));
                        }
                    }
                }
                out.multiple =
                    spec.sources.len() > 1 || spec.sources.iter().any(|s| s.contains(['*', '?']));
            }
            Some(from) => {
                let from = sub(from);
                let tree = match self.stage_index(&from, index) {
                    Some(j) => self
                        .done
                        .get(&j)
                        .map(|s| s.rootfs.clone())
                        .ok_or_else(|| format!("stage {from} was not built"))?,
                    None => {
                        self.resolve_image(&from)
                            .map_err(|e| {
                                e.trim_start_matches("ERROR: failed to solve: ").to_string()
                            })?
                            .0
                            .rootfs
                    }
                };
                for src in &spec.sources {
                    let p = resolve_links(&tree, &resolve("", &sub(src)), true);
                    match tree.get(&p) {
                        Some(Node::Dir(_)) => {
                            out.dir_copy = true;
                            for (q, n) in tree.descendants(&p) {
                                out.files.push((q[p.len() + 1..].to_string(), n.clone()));
                            }
                        }
                        Some(n) => out.files.push((base_name(&p).to_string(), n.clone())),
                        None if p.is_empty() => {
                            out.dir_copy = true;
                            for (q, n) in tree.iter() {
                                out.files.push((q.to_string(), n.clone()));
                            }
                        }
                        None => {
                            return Err(format!(
                                "failed to calculate checksum of ref: \"/{p}\": not found"
                            ))
                        }
                    }
                }
                out.multiple = spec.sources.len() > 1;
            }
        }
        Ok(out)
    }

    /// BuildKit's error block for a failed step.
    fn fail(
        &self,
        v: u32,
        label: &str,
        ins: &dockerfile::Instruction,
        output: &str,
        short: &str,
        full: &str,
    ) -> String {
        let mut s = self.log.clone();
        let _ = writeln!(s, "#{v} ERROR: {short}");
        let _ = writeln!(s, "------\n > {label} {}:", ins.text);
        for l in output.lines() {
            let _ = writeln!(s, "0.000 {l}");
        }
        let _ = writeln!(s, "------");
        let _ = writeln!(s, "{}:{}", base_name(&self.req.dockerfile_name), ins.line);
        let _ = writeln!(s, "--------------------");
        let lines = &self.df.lines;
        let from = ins.line.saturating_sub(2).max(1);
        let to = (ins.end_line + 2).min(lines.len());
        for i in from..=to {
            let mark = if (ins.line..=ins.end_line).contains(&i) {
                ">>>"
            } else {
                "   "
            };
            let _ = writeln!(s, "{i:>4} | {mark} {}", lines[i - 1]);
        }
        let _ = writeln!(s, "--------------------");
        let _ = write!(s, "ERROR: failed to solve: {full}");
        s
    }
}

fn unreachable_from() -> String {
    // FROM starts a stage; the parser never puts one among a stage's instructions.
    String::new()
}

/// What COPY/ADD copies.
#[derive(Default, Debug)]
struct CopyFiles {
    files: Vec<(String, Node)>,
    /// A directory's contents are copied (the destination is a directory).
    dir_copy: bool,
    /// Several sources (the destination must be a directory).
    multiple: bool,
}

/// Matches a context path: a file, a directory (its contents), `.` (everything) or a glob in the
/// last component. Returns (is a directory copy, [(relative path, content)]) per match.
fn context_match(ctx: &BTreeMap<String, String>, rel: &str) -> Vec<(bool, Vec<(String, String)>)> {
    let under = |dir: &str| -> Vec<(String, String)> {
        ctx.iter()
            .filter_map(|(p, c)| {
                let r = if dir.is_empty() {
                    Some(p.as_str())
                } else {
                    p.strip_prefix(&format!("{dir}/"))
                };
                r.map(|r| (r.to_string(), c.clone()))
            })
            .collect()
    };
    if rel.contains(['*', '?']) {
        let dir = parent(rel);
        let pat = base_name(rel);
        let mut names = BTreeSet::new();
        for p in ctx.keys() {
            let r = if dir.is_empty() {
                Some(p.as_str())
            } else {
                p.strip_prefix(&format!("{dir}/"))
            };
            if let Some(r) = r {
                names.insert(r.split('/').next().unwrap_or(r).to_string());
            }
        }
        return names
            .into_iter()
            .filter(|n| glob(pat, n))
            .flat_map(|n| context_match(ctx, &join(dir, &n)))
            .collect();
    }
    if let Some(c) = ctx.get(rel) {
        return vec![(false, vec![(base_name(rel).to_string(), c.clone())])];
    }
    let files = under(rel);
    if files.is_empty() {
        Vec::new()
    } else {
        vec![(true, files)]
    }
}

fn glob(p: &str, n: &str) -> bool {
    fn m(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => m(&p[1..], n) || (!n.is_empty() && m(p, &n[1..])),
            (Some('?'), Some(_)) => m(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => m(&p[1..], &n[1..]),
            _ => false,
        }
    }
    m(
        &p.chars().collect::<Vec<_>>(),
        &n.chars().collect::<Vec<_>>(),
    )
}

/// The COPY checksum: every copied file's relative path, type, mode, owner and content — never
/// a modification time.
fn checksum(files: &CopyFiles) -> String {
    let mut h = Sha256::new();
    let mut sorted: Vec<&(String, Node)> = files.files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, n) in sorted {
        h.update(p.as_bytes());
        let m = n.meta();
        h.update(format!("|{}|{}|{}|", m.mode, m.uid, m.gid).as_bytes());
        match n {
            Node::File(_, Content::Bytes(b)) => h.update(b),
            Node::File(_, Content::Synthetic { seed, size }) => {
                h.update(format!("{seed}:{size}").as_bytes())
            }
            Node::Symlink(_, t) => h.update(t.as_bytes()),
            Node::Dir(_) => h.update(b"/"),
        }
        h.update([0]);
    }
    h.update([u8::from(files.dir_copy), u8::from(files.multiple)]);
    hex(&h.finalize())
}

/// Puts copied files at `dest` (relative to `workdir` unless absolute), Docker's rules: a
/// destination ending in `/`, an existing directory, a directory copy or several sources mean
/// "into this directory".
fn place(
    o: &mut Overlay,
    workdir: &str,
    dest: &str,
    files: &CopyFiles,
    chmod: Option<u32>,
    owner: Option<(u32, u32)>,
) -> Result<(), String> {
    let root = resolve_links(o.merged(), &resolve(workdir, dest), true);
    let into_dir = dest.ends_with('/')
        || dest == "."
        || files.dir_copy
        || files.multiple
        || o.merged().is_dir(&root);
    let (uid, gid) = owner.unwrap_or((0, 0));
    let fix = |n: &Node| -> Node {
        let m = n.meta();
        let mode = match (n, chmod) {
            (Node::File(..), Some(c)) | (Node::Dir(_), Some(c)) => c,
            _ => m.mode,
        };
        n.with_meta(Meta {
            mode,
            uid: if owner.is_some() { uid } else { m.uid },
            gid: if owner.is_some() { gid } else { m.gid },
        })
    };
    let mk = |o: &mut Overlay, dir: &str| -> Result<(), String> {
        if !o.merged().is_dir(dir) {
            o.mkdir(dir, true)
                .map_err(|e| format!("mkdir /{dir}: {e}"))?;
        }
        Ok(())
    };
    if into_dir {
        mk(o, &root)?;
    }
    for (rel, node) in &files.files {
        let target = if into_dir {
            join(&root, rel)
        } else {
            root.clone()
        };
        mk(o, parent(&target))?;
        let node = fix(node);
        if let Some(existing) = o.merged().get(&target) {
            if existing.is_dir() && node.is_dir() {
                o.set_meta(&target, node.meta())
                    .map_err(|e| e.to_string())?;
                continue;
            }
            o.remove(&target, true).map_err(|e| e.to_string())?;
        }
        o.create(&target, node)
            .map_err(|e| format!("cannot copy to /{target}: {e}"))?;
    }
    Ok(())
}

/// uid/gid of `USER name[:group]` from the image's /etc/passwd (numeric ids need no entry).
pub(crate) fn user_ids(tree: &Tree, user: &str) -> Result<(u32, u32), String> {
    if user.is_empty() {
        return Ok((0, 0));
    }
    let (u, g) = user
        .split_once(':')
        .map_or((user, None), |(u, g)| (u, Some(g)));
    let passwd = match tree.get("etc/passwd") {
        Some(Node::File(_, c)) => c.as_text().unwrap_or("").to_string(),
        _ => String::new(),
    };
    let entry = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.first() == Some(&u) || f.get(2) == Some(&u));
    let (uid, pgid) = match (u.parse::<u32>(), entry) {
        (_, Some(f)) => (
            f.get(2).and_then(|x| x.parse().ok()).unwrap_or(0),
            f.get(3).and_then(|x| x.parse().ok()).unwrap_or(0),
        ),
        (Ok(n), None) => (n, n),
        (Err(_), None) => {
            return Err(format!(
                "unable to find user {u}: no matching entries in passwd file"
            ))
        }
    };
    let gid = match g {
        Some(g) => g.parse().unwrap_or(pgid),
        None => pgid,
    };
    Ok((uid, gid))
}

/// Go's `%q` of a string slice, as BuildKit writes CMD/ENTRYPOINT history: `["a" "b"]`.
fn go_quote(v: &[String]) -> String {
    let items: Vec<String> = v
        .iter()
        .map(|s| serde_json::to_string(s).unwrap_or_default())
        .collect();
    format!("[{}]", items.join(" "))
}
