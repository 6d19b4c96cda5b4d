//! The `docker` container commands: `create`, `run`, `exec`, `diff`, `commit`, `ps`, `start`,
//! `stop`, `rm`, and `inspect` of a container. Words, flags, columns and error messages are
//! Docker's (CLI 27); the model is [`crate::image::container`].

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use rand::SeedableRng;

use super::docker::{commit_pull, err, now_ms, store, tag_image};
use super::Plan;
use crate::error::Result;
use crate::event::{EventId, EventKind, ObjectRef};
use crate::image::cgroup::{parse_cpus, parse_docker_bytes, Limits, MIN_MEMORY_BYTES};
use crate::image::config::{rfc3339, History, RunConfig};
use crate::image::container::{
    new_container, valid_name, Behaviour, Container, ContainerSpec, PortBinding, RestartPolicy,
    Status, MAX_CONTAINERS,
};
use crate::image::engine::{parse_reference, Image, PullPlan, MAX_IMAGES};
use crate::image::format::{ago, ellipsis, table};
use crate::image::fs::resolve;
use crate::image::sh;
use crate::sim::Sim;

/// `Error response from daemon: No such container: NAME`.
fn no_such(name: &str) -> crate::error::CommandError {
    err(format!(
        "Error response from daemon: No such container: {name}"
    ))
}

fn find<'a>(sim: &'a Sim, name: &str) -> Result<&'a Container> {
    sim.docker.find_container(name).ok_or_else(|| no_such(name))
}

/// Options of `docker create`/`run` (and the subset `exec` shares).
#[derive(Default)]
struct RunOptions {
    detach: bool,
    name: Option<String>,
    auto_remove: bool,
    interactive: bool,
    tty: bool,
    env: Vec<(String, String)>,
    workdir: Option<String>,
    user: Option<String>,
    limits: Limits,
    /// `-p` specs, as typed.
    publish: Vec<String>,
    /// `-P`.
    publish_all: bool,
    /// `--restart`, as typed.
    restart: Option<String>,
}

/// Parses options up to the first operand (Docker stops at it: what follows is the command).
/// `allowed` lists the long flags the subcommand takes.
fn parse_options<'a>(
    sub: &str,
    args: &'a [&'a str],
    allowed: &[&str],
) -> Result<(RunOptions, &'a [&'a str])> {
    let mut o = RunOptions::default();
    let mut i = 0;
    let unknown = |f: &str| err(format!("unknown flag: {f}\nSee 'docker {sub} --help'."));
    let needs = |f: &str| {
        err(format!(
            "flag needs an argument: {f}\nSee 'docker {sub} --help'."
        ))
    };
    while i < args.len() {
        let a = args[i];
        if !a.starts_with('-') || a == "-" {
            break;
        }
        if a == "--" {
            i += 1;
            break;
        }
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v)),
            _ => (a, None),
        };
        let value = |i: &mut usize| -> Result<String> {
            if let Some(v) = inline {
                return Ok(v.to_string());
            }
            *i += 1;
            args.get(*i)
                .map(|v| v.to_string())
                .ok_or_else(|| needs(flag))
        };
        let long = match flag {
            "-d" => "--detach",
            "-i" => "--interactive",
            "-t" => "--tty",
            "-e" => "--env",
            "-w" => "--workdir",
            "-u" => "--user",
            "-p" => "--publish",
            "-P" => "--publish-all",
            "-m" => "--memory",
            "-c" => "--cpu-shares",
            f => f,
        };
        if !allowed.contains(&long) && !matches!(flag, "-it" | "-ti" | "-itd" | "-dit") {
            return Err(unknown(flag));
        }
        match long {
            "--detach" => o.detach = true,
            "--interactive" => o.interactive = true,
            "--tty" => o.tty = true,
            "-it" | "-ti" => (o.interactive, o.tty) = (true, true),
            "-itd" | "-dit" => (o.interactive, o.tty, o.detach) = (true, true, true),
            "--rm" => o.auto_remove = true,
            "--name" => o.name = Some(value(&mut i)?),
            "--env" => {
                let v = value(&mut i)?;
                let (k, val) = v.split_once('=').unwrap_or((&v, ""));
                o.env.push((k.to_string(), val.to_string()));
            }
            "--workdir" => o.workdir = Some(value(&mut i)?),
            "--user" => o.user = Some(value(&mut i)?),
            "--memory" => {
                let v = value(&mut i)?;
                let bytes = parse_docker_bytes(&v).map_err(|e| {
                    err(format!(
                        "invalid argument \"{v}\" for \"-m, --memory\" flag: {e}\nSee 'docker {sub} --help'."
                    ))
                })?;
                // 0 means "no limit", as in Docker.
                o.limits.memory_bytes = (bytes > 0).then_some(bytes);
            }
            "--cpus" => {
                let v = value(&mut i)?;
                let milli = parse_cpus(&v).map_err(|e| {
                    err(format!(
                        "invalid argument \"{v}\" for \"--cpus\" flag: {e}\nSee 'docker {sub} --help'."
                    ))
                })?;
                o.limits.cpu_millicores = (milli > 0).then_some(milli);
            }
            "--cpu-shares" => {
                let v = value(&mut i)?;
                let n = v.parse::<u64>().map_err(|_| {
                    err(format!(
                        "invalid argument \"{v}\" for \"-c, --cpu-shares\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'docker {sub} --help'."
                    ))
                })?;
                // 0 means the default (1024); the kernel raises anything below 2 to 2.
                o.limits.cpu_shares = (n > 0).then_some(n.min(262_144));
            }
            "--publish" => o.publish.push(value(&mut i)?),
            "--publish-all" => o.publish_all = true,
            "--restart" => o.restart = Some(value(&mut i)?),
            _ => return Err(unknown(flag)),
        }
        i += 1;
    }
    Ok((o, &args[i..]))
}

/// What `create`/`run` need, decided while planning.
struct Creation {
    spec: ContainerSpec,
    pull: Option<PullPlan>,
}

fn plan_creation(sim: &Sim, sub: &str, o: &RunOptions, rest: &[&str]) -> Result<Creation> {
    let verb = if sub == "run" {
        "Create and run a new container from an image"
    } else {
        "Create a new container"
    };
    let Some((image, cmd)) = rest.split_first() else {
        return Err(err(format!(
            "\"docker {sub}\" requires at least 1 argument.\nSee 'docker {sub} --help'.\n\nUsage:  docker {sub} [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n{verb}"
        )));
    };
    let cli_err = |m: &str| err(format!("docker: {m}\nSee 'docker {sub} --help'."));
    if let Some(n) = &o.name {
        if !valid_name(n) {
            return Err(cli_err(&format!(
                "Error response from daemon: Invalid container name ({n}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed."
            )));
        }
        if let Some(c) = sim
            .docker
            .find_container(n)
            .filter(|c| c.name == n.trim_start_matches('/'))
        {
            return Err(cli_err(&format!(
                "Error response from daemon: Conflict. The container name \"/{}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                c.name, c.id
            )));
        }
    }
    if o.limits.memory_bytes.is_some_and(|m| m < MIN_MEMORY_BYTES) {
        return Err(cli_err(
            "Error response from daemon: Minimum memory limit allowed is 6MB.",
        ));
    }
    if let Some(m) = o.limits.cpu_millicores {
        let cores = u64::from(sim.host().cores);
        if m < 10 || m > cores * 1000 {
            return Err(cli_err(&format!(
                "Error response from daemon: Range of CPUs is from 0.01 to {cores}.00, as there are only {cores} CPUs available."
            )));
        }
    }
    if sim.docker.containers.len() >= MAX_CONTAINERS {
        return Err(cli_err(&format!(
            "Error response from daemon: the sandbox holds at most {MAX_CONTAINERS} containers: remove some with docker rm"
        )));
    }
    let (img, pull): (Image, Option<PullPlan>) = match sim.docker.find(image) {
        Some(img) => (img.clone(), None),
        None => {
            let r = parse_reference(image).map_err(|_| cli_err("invalid reference format."))?;
            let plan = sim.docker.plan_pull(&sim.registry, &r).map_err(|e| {
                err(format!(
                    "Unable to find image '{}' locally\ndocker: {e}.\nSee 'docker {sub} --help'.",
                    r.familiar()
                ))
            })?;
            (plan.image.clone(), Some(plan))
        }
    };
    if o.interactive && o.tty && !o.detach {
        let argv = argv_of(&img.config.config, cmd);
        if Container::behaviour(&argv) == Behaviour::IdleShell {
            return Err(err(format!(
                "docker: the sandbox's terminal cannot attach to an interactive shell; keep the container running and run commands in it:\n  docker run -d --name c1 {image} sleep infinity\n  docker exec c1 sh -c 'echo hi > /tmp/x'\nSee 'docker {sub} --help'."
            )));
        }
    }
    let mut config = img.config.config.clone();
    for (k, v) in &o.env {
        config.set_env(k, v);
    }
    if let Some(w) = &o.workdir {
        config.working_dir = format!("/{}", resolve(&resolve("", &config.working_dir), w));
    }
    if let Some(u) = &o.user {
        config.user = u.clone();
    }
    if !cmd.is_empty() {
        config.cmd = Some(cmd.iter().map(|s| s.to_string()).collect());
    }
    let argv = argv_of(&config, &[]);
    if argv.is_empty() {
        return Err(cli_err("Error response from daemon: no command specified."));
    }
    let restart_policy = match &o.restart {
        None => RestartPolicy::No,
        Some(r) => RestartPolicy::parse(r).ok_or_else(|| {
            cli_err(&format!(
                "Error response from daemon: invalid restart policy: unknown policy '{}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'.",
                r.split_once(':').map_or(r.as_str(), |(n, _)| n)
            ))
        })?,
    };
    if o.auto_remove && restart_policy != RestartPolicy::No {
        return Err(cli_err(
            "Conflicting options: cannot specify both --restart and --rm.",
        ));
    }
    let mut ports = Vec::new();
    for p in &o.publish {
        ports.push(parse_publish(p).map_err(|e| cli_err(&format!("{e}.")))?);
    }
    if o.publish_all {
        for exposed in config.exposed_ports.keys() {
            let (port, proto) = exposed.split_once('/').unwrap_or((exposed, "tcp"));
            if let Ok(container_port) = port.parse::<u16>() {
                ports.push(PortBinding {
                    host_port: 0,
                    container_port,
                    protocol: proto.to_string(),
                    random: true,
                });
            }
        }
    }
    if ports.len() > MAX_PUBLISHED_PORTS {
        return Err(cli_err(&format!(
            "the sandbox publishes at most {MAX_PUBLISHED_PORTS} ports per container"
        )));
    }
    let spec = ContainerSpec {
        name: o.name.clone(),
        image_id: img.id.clone(),
        image_ref: image.to_string(),
        lower: img.rootfs.clone(),
        config,
        argv,
        auto_remove: o.auto_remove,
        limits: o.limits.clone(),
        ports,
        restart_policy,
    };
    if sub == "run" {
        if let Some(port) = port_conflict(sim, None, &spec.ports) {
            let name = spec
                .name
                .clone()
                .unwrap_or_else(|| preview_name(sim, &spec));
            return Err(cli_err(&format!("{}.", port_in_use(&name, port))));
        }
        // What `start` would refuse, `run` refuses before anything exists (a failed command
        // changes nothing; Docker would leave the container behind in the Created state).
        let probe = probe(&spec);
        let ctx = probe
            .context(None)
            .map_err(|e| cli_err(&format!("Error response from daemon: {e}.")))?;
        probe
            .check_program(&probe.argv(), &ctx)
            .map_err(|e| cli_err(&format!("Error response from daemon: {e}.")))?;
    }
    if pull.is_some()
        && !sim.docker.images.contains_key(&img.id)
        && sim.docker.images.len() >= MAX_IMAGES
    {
        return Err(cli_err(&format!(
            "Error response from daemon: the sandbox holds at most {MAX_IMAGES} images: remove some with docker rmi or docker image prune"
        )));
    }
    Ok(Creation { spec, pull })
}

/// Most ports one container publishes. ASSUMPTION: a classroom container publishes a few.
pub const MAX_PUBLISHED_PORTS: usize = 32;

/// The host's ephemeral port range, which Docker draws a port from for `-p CONTAINER` and `-P`
/// (moby `portallocator`: `/proc/sys/net/ipv4/ip_local_port_range`, Linux's default).
pub const EPHEMERAL_PORTS: std::ops::RangeInclusive<u16> = 32768..=60999;

/// Parses one `-p [[0.0.0.0:]HOST:]CONTAINER[/PROTO]` (go-connections `nat.ParsePortSpec`; its
/// error wording). A missing or zero host port is drawn from [`EPHEMERAL_PORTS`] at creation.
/// The sandbox publishes single ports on 0.0.0.0 (IPv4) only: no ranges, no other address.
fn parse_publish(spec: &str) -> std::result::Result<PortBinding, String> {
    let (ports, proto) = spec.rsplit_once('/').unwrap_or((spec, "tcp"));
    let parts: Vec<&str> = ports.split(':').collect();
    let (host, container) = match parts.as_slice() {
        [c] => ("", *c),
        [h, c] => (*h, *c),
        [ip, h, c] => {
            if !matches!(*ip, "" | "0.0.0.0") {
                return Err(format!(
                    "the sandbox publishes ports on 0.0.0.0 only, not on {ip}"
                ));
            }
            (*h, *c)
        }
        _ => return Err(format!("invalid port format for --publish: {spec}")),
    };
    if container.is_empty() {
        return Err(format!("no port specified: {spec}<empty>"));
    }
    let container_port = container
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("invalid containerPort: {container}"))?;
    let host_port = if host.is_empty() {
        0
    } else {
        host.parse::<u16>()
            .map_err(|_| format!("invalid hostPort: {host}"))?
    };
    let protocol = proto.to_ascii_lowercase();
    if !matches!(protocol.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("invalid proto: {proto}"));
    }
    Ok(PortBinding {
        host_port,
        container_port,
        protocol,
        random: host_port == 0,
    })
}

/// Host ports held by the engine's running (or starting) containers other than `except`.
fn ports_in_use(sim: &Sim, except: Option<&str>) -> std::collections::BTreeSet<(u16, String)> {
    sim.docker
        .containers
        .values()
        .filter(|c| (c.is_running() || c.is_starting()) && Some(c.id.as_str()) != except)
        .flat_map(|c| c.ports.iter())
        .filter(|p| p.host_port != 0)
        .map(|p| (p.host_port, p.protocol.clone()))
        .collect()
}

/// The first chosen host port of `ports` that is already allocated (by another running
/// container, or earlier in the same list).
fn port_conflict(sim: &Sim, except: Option<&str>, ports: &[PortBinding]) -> Option<u16> {
    let mut taken = ports_in_use(sim, except);
    for p in ports.iter().filter(|p| !p.random) {
        if !taken.insert((p.host_port, p.protocol.clone())) {
            return Some(p.host_port);
        }
    }
    None
}

/// The daemon's error when a host port is taken (libnetwork's bridge driver, through moby's
/// `driver failed programming external connectivity`).
fn port_in_use(name: &str, port: u16) -> String {
    let endpoint = crate::sim::hex(&<sha2::Sha256 as sha2::Digest>::digest(
        format!("endpoint:{name}").as_bytes(),
    ));
    format!(
        "Error response from daemon: driver failed programming external connectivity on endpoint {name} ({endpoint}): Bind for 0.0.0.0:{port} failed: port is already allocated"
    )
}

/// The name an unnamed container would get (drawn on a copy of the simulation, so the error
/// names the container as Docker's does without anything changing).
fn preview_name(sim: &Sim, spec: &ContainerSpec) -> String {
    let mut copy = sim.clone();
    let taken: Vec<String> = copy
        .docker
        .containers
        .values()
        .map(|c| c.name.clone())
        .collect();
    new_container(
        spec.clone(),
        copy.rng(),
        |n| taken.iter().any(|t| t == n),
        0,
        0,
    )
    .name
}

/// Draws the host port of each of container `id`'s `-p CONTAINER`/`-P` ports from
/// [`EPHEMERAL_PORTS`] with the simulation's RNG, skipping ports in use.
fn assign_random_ports(sim: &mut Sim, id: &str) {
    use rand::Rng;
    let wanted = sim
        .docker
        .containers
        .get(id)
        .map_or(0, |c| c.ports.iter().filter(|p| p.host_port == 0).count());
    if wanted == 0 {
        return;
    }
    let mut taken: std::collections::BTreeSet<u16> = ports_in_use(sim, Some(id))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    if let Some(c) = sim.docker.containers.get(id) {
        taken.extend(c.ports.iter().map(|p| p.host_port).filter(|p| *p != 0));
    }
    let mut drawn = Vec::new();
    for _ in 0..wanted {
        let mut port = sim.rng().random_range(EPHEMERAL_PORTS);
        // Taken: the next free one up the range (bounded by the range's size).
        let mut tries = 0;
        while taken.contains(&port) && tries < EPHEMERAL_PORTS.len() {
            port = if port == *EPHEMERAL_PORTS.end() {
                *EPHEMERAL_PORTS.start()
            } else {
                port + 1
            };
            tries += 1;
        }
        taken.insert(port);
        drawn.push(port);
    }
    if let Some(c) = sim.docker.containers.get_mut(id) {
        let mut drawn = drawn.into_iter();
        for p in c.ports.iter_mut().filter(|p| p.host_port == 0) {
            p.host_port = drawn.next().unwrap_or(0);
        }
    }
}

/// ENTRYPOINT followed by the command (`cmd` when given, else the image's CMD).
fn argv_of(config: &RunConfig, cmd: &[&str]) -> Vec<String> {
    let mut argv: Vec<String> = config.entrypoint.clone().unwrap_or_default();
    if cmd.is_empty() {
        argv.extend(config.cmd.clone().unwrap_or_default());
    } else {
        argv.extend(cmd.iter().map(|s| s.to_string()));
    }
    argv
}

/// A container made from `spec` with a throwaway RNG, to check things before committing.
fn probe(spec: &ContainerSpec) -> Container {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    new_container(spec.clone(), &mut rng, |_| false, 0, 0)
}

/// Records an event about a container.
fn record(sim: &mut Sim, c: &str, kind: EventKind, cause: EventId, message: String) {
    sim.record(kind, ObjectRef::new("container", c), Some(cause), message);
}

/// Creates the container (drawing its id and name from the simulation's RNG); returns its id.
fn create(sim: &mut Sim, spec: ContainerSpec, cause: EventId) -> String {
    sim.docker.container_seq += 1;
    let seq = sim.docker.container_seq;
    let now = now_ms(sim);
    let taken: Vec<String> = sim
        .docker
        .containers
        .values()
        .map(|c| c.name.clone())
        .collect();
    let c = new_container(spec, sim.rng(), |n| taken.iter().any(|t| t == n), now, seq);
    let id = c.id.clone();
    let name = c.name.clone();
    record(
        sim,
        &name,
        EventKind::ContainerCreated {
            id: id.clone(),
            image: c.image_id.to_string(),
        },
        cause,
        format!(
            "created container {name} ({}) from {}",
            &id[..12],
            c.image_ref
        ),
    );
    sim.docker.containers.insert(id.clone(), c);
    assign_random_ports(sim, &id);
    id
}

/// Starts a container and, as the docker CLI does, waits until it has started: its start's
/// phases take simulated time ([`crate::image::cgroup::START_PHASES_MS`]). Returns what
/// scheduled commands printed meanwhile, and what the container's command printed.
fn start(sim: &mut Sim, id: &str, cause: EventId) -> (String, String) {
    let idle = sim
        .docker
        .containers
        .get(id)
        .is_some_and(|c| !c.is_running() && !c.is_starting());
    if idle {
        if let Some(c) = sim.docker.containers.get_mut(id) {
            c.manually_stopped = false;
        }
        super::isolation::begin_start(sim, id, cause);
    }
    super::isolation::wait_for_start(sim, id)
}

/// The end of a container's last start phase: its command starts (PID 1 in a new PID
/// namespace, a fresh cgroup account); one that runs to completion runs now. Returns what the
/// command printed.
pub(super) fn complete_start(sim: &mut Sim, id: &str, cause: EventId) -> String {
    let now = now_ms(sim);
    super::isolation::settle_cpu(sim);
    let Some(c) = sim.docker.containers.get_mut(id) else {
        return String::new();
    };
    let mut output = c.start(now);
    let (name, status, code, auto_remove) = (
        c.name.clone(),
        c.state.status,
        c.state.exit_code,
        c.auto_remove,
    );
    record(
        sim,
        &name,
        EventKind::ContainerStarted,
        cause,
        format!("started {name}"),
    );
    if status == Status::Running {
        output.push_str(&super::isolation::container_started(sim, id, cause));
    }
    if status == Status::Exited {
        record(
            sim,
            &name,
            EventKind::ContainerExited { exit_code: code },
            cause,
            format!("{name} exited with code {code}"),
        );
        if auto_remove {
            remove(sim, id, cause);
        }
    }
    output
}

/// Stops (or, for `rm -f`, kills) a running container.
fn stop(sim: &mut Sim, id: &str, kill: bool, cause: EventId) {
    let now = now_ms(sim);
    super::isolation::settle_cpu(sim);
    let Some(c) = sim.docker.containers.get_mut(id) else {
        return;
    };
    if c.is_starting() {
        // Stopped before its command started: the start ends here, nothing ran.
        super::isolation::cancel_start(sim, id);
        return;
    }
    if !c.is_running() {
        return;
    }
    let code = if kill { 128 + 9 } else { c.stop_code() };
    c.exit(code, now);
    c.manually_stopped = true;
    let (name, auto_remove) = (c.name.clone(), c.auto_remove);
    super::isolation::container_stopped(sim, id);
    record(
        sim,
        &name,
        EventKind::ContainerExited { exit_code: code },
        cause,
        format!("{name} exited with code {code}"),
    );
    if auto_remove && !kill {
        remove(sim, id, cause);
    }
}

/// The engine's machine crashed (a server of the fleet went down): every running container's
/// processes die with it and it shows `Exited (255)`, as Docker reports containers it finds
/// dead when its daemon comes back; a start in progress ends with nothing run. Nothing is
/// restarted here: see [`daemon_started`].
pub(crate) fn daemon_crashed(sim: &mut Sim, cause: EventId) {
    let ids: Vec<String> = sim
        .docker
        .containers
        .values()
        .filter(|c| c.is_running() || c.is_starting())
        .map(|c| c.id.clone())
        .collect();
    for id in ids {
        let starting = sim
            .docker
            .containers
            .get(&id)
            .is_some_and(Container::is_starting);
        if starting {
            super::isolation::cancel_start(sim, &id);
        } else {
            exited(sim, &id, 255, cause);
        }
    }
}

/// The engine's daemon started (its server came back): containers whose `--restart` policy
/// says so start again (moby `daemon.restore` → `restartmanager.ShouldRestart`: `always`;
/// `unless-stopped` unless `docker stop` stopped it; `on-failure` after a non-zero exit).
/// ASSUMPTION: they start at once, without the start phases a `docker run` waits for (the
/// machine's own boot is not modelled either). Returns the names restarted.
pub(crate) fn daemon_started(sim: &mut Sim, cause: EventId) -> Vec<String> {
    let ids: Vec<String> = sim
        .docker
        .containers
        .values()
        .filter(|c| {
            !c.is_running()
                && !c.is_starting()
                && c.state.status != Status::Created
                && c.restart_policy
                    .restarts_on_daemon_start(c.state.exit_code, c.manually_stopped)
                && c.context(None)
                    .is_ok_and(|ctx| c.check_program(&c.argv(), &ctx).is_ok())
        })
        .map(|c| c.id.clone())
        .collect();
    let mut names = Vec::new();
    for id in ids {
        if let Some(c) = sim.docker.containers.get(&id) {
            names.push(c.name.clone());
        }
        complete_start(sim, &id, cause);
    }
    names
}

/// A running container's PID 1 ended by itself (or was killed by the kernel) with `code`.
pub(super) fn exited(sim: &mut Sim, id: &str, code: i32, cause: EventId) {
    let now = now_ms(sim);
    super::isolation::settle_cpu(sim);
    let Some(c) = sim.docker.containers.get_mut(id) else {
        return;
    };
    if !c.is_running() {
        return;
    }
    c.exit(code, now);
    let (name, auto_remove) = (c.name.clone(), c.auto_remove);
    super::isolation::container_stopped(sim, id);
    record(
        sim,
        &name,
        EventKind::ContainerExited { exit_code: code },
        cause,
        format!("{name} exited with code {code}"),
    );
    if auto_remove {
        remove(sim, id, cause);
    }
}

fn remove(sim: &mut Sim, id: &str, cause: EventId) {
    super::isolation::cancel_start(sim, id);
    if let Some(c) = sim.docker.containers.remove(id) {
        record(
            sim,
            &c.name,
            EventKind::ContainerRemoved,
            cause,
            format!("removed container {} and its writable layer", c.name),
        );
    }
}

/// The long flags `docker run` takes.
const RUN_FLAGS: &[&str] = &[
    "--detach",
    "--name",
    "--rm",
    "--interactive",
    "--tty",
    "--env",
    "--workdir",
    "--user",
    "--publish",
    "--publish-all",
    "--restart",
    "--memory",
    "--cpus",
    "--cpu-shares",
];

/// The image a `docker run`/`create`'s arguments name (None when they do not parse), for a
/// caller that times its pull (`ssh NODE docker run`).
pub(super) fn image_operand(args: &[&str]) -> Option<String> {
    let (_, rest) = parse_options("run", args, RUN_FLAGS).ok()?;
    rest.first().map(|s| s.to_string())
}

/// `docker create` and `docker run`.
pub(super) fn plan_create_or_run(sim: &Sim, sub: &'static str, args: &[&str]) -> Result<Plan> {
    let allowed: &[&str] = if sub == "run" {
        RUN_FLAGS
    } else {
        &[
            "--name",
            "--rm",
            "--interactive",
            "--tty",
            "--env",
            "--workdir",
            "--user",
            "--publish",
            "--publish-all",
            "--restart",
            "--memory",
            "--cpus",
            "--cpu-shares",
        ]
    };
    let (o, rest) = parse_options(sub, args, allowed)?;
    let creation = plan_creation(sim, sub, &o, rest)?;
    if sub == "run" {
        sim.check_schedule("docker run")?;
    }
    let detach = o.detach;
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let mut out = String::new();
        if let Some(plan) = creation.pull {
            let _ = writeln!(
                out,
                "Unable to find image '{}' locally",
                plan.reference.familiar()
            );
            let text = commit_pull(sim, plan, cause);
            // `docker run` prints the pull's progress but neither the default-tag notice nor
            // the final reference line.
            let mut lines: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with("Using default tag"))
                .collect();
            lines.pop();
            for l in lines {
                let _ = writeln!(out, "{l}");
            }
        }
        let id = create(sim, creation.spec, cause);
        if sub == "create" {
            let _ = writeln!(out, "{id}");
        } else if detach {
            // The id is printed once the container runs; what its command prints is not.
            let (meanwhile, _) = start(sim, &id, cause);
            out.push_str(&meanwhile);
            let _ = writeln!(out, "{id}");
        } else {
            let (meanwhile, printed) = start(sim, &id, cause);
            out.push_str(&meanwhile);
            out.push_str(&printed);
        }
        out
    })))
}

/// `docker start C...`: prints each name; a running container is left as it is.
pub(super) fn plan_start(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let names = operands(
        "start",
        args,
        "[OPTIONS] CONTAINER [CONTAINER...]",
        "Start one or more stopped containers",
    )?;
    let mut ids = Vec::new();
    for n in &names {
        let c = sim.docker.find_container(n).ok_or_else(|| {
            err(format!(
                "Error response from daemon: No such container: {n}\nError: failed to start containers: {n}"
            ))
        })?;
        if !c.is_running() {
            let ctx = c.context(None).map_err(|e| {
                err(format!(
                    "Error response from daemon: {e}
Error: failed to start containers: {n}"
                ))
            })?;
            c.check_program(&c.argv(), &ctx).map_err(|e| {
                err(format!(
                    "Error response from daemon: {e}\nError: failed to start containers: {n}"
                ))
            })?;
            if let Some(port) = port_conflict(sim, Some(&c.id), &c.ports) {
                return Err(err(format!(
                    "{}\nError: failed to start containers: {n}",
                    port_in_use(&c.name, port)
                )));
            }
        }
        ids.push((n.to_string(), c.id.clone(), c.is_running()));
    }
    if ids.iter().any(|(_, _, running)| !running) {
        sim.check_schedule("docker start")?;
    }
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let mut out = String::new();
        // One after another, each waited for, as the docker CLI starts them.
        for (n, id, running) in ids {
            if !running {
                // `docker start` without -a does not show the command's output.
                let (meanwhile, _) = start(sim, &id, cause);
                out.push_str(&meanwhile);
            }
            let _ = writeln!(out, "{n}");
        }
        out
    })))
}

/// `docker stop C...`.
pub(super) fn plan_stop(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let names = operands(
        "stop",
        args,
        "[OPTIONS] CONTAINER [CONTAINER...]",
        "Stop one or more running containers",
    )?;
    let mut ids = Vec::new();
    for n in &names {
        ids.push((n.to_string(), find(sim, n)?.id.clone()));
    }
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let mut out = String::new();
        for (n, id) in ids {
            stop(sim, &id, false, cause);
            let _ = writeln!(out, "{n}");
        }
        out
    })))
}

/// `docker rm [-f] C...`.
pub(super) fn plan_rm(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let force = args.iter().any(|a| matches!(*a, "-f" | "--force"));
    if let Some(bad) = args
        .iter()
        .find(|a| a.starts_with('-') && !matches!(**a, "-f" | "--force" | "-v" | "--volumes"))
    {
        return Err(err(format!("unknown flag: {bad}\nSee 'docker rm --help'.")));
    }
    let names = operands(
        "rm",
        args,
        "[OPTIONS] CONTAINER [CONTAINER...]",
        "Remove one or more containers",
    )?;
    let mut ids = Vec::new();
    for n in &names {
        let c = find(sim, n)?;
        if (c.is_running() || c.is_starting()) && !force {
            return Err(err(format!(
                "Error response from daemon: cannot remove container \"{n}\": container is running: stop the container before removing or force remove"
            )));
        }
        ids.push((n.to_string(), c.id.clone()));
    }
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let mut out = String::new();
        for (n, id) in ids {
            stop(sim, &id, true, cause);
            remove(sim, &id, cause);
            let _ = writeln!(out, "{n}");
        }
        out
    })))
}

/// The non-flag operands, or Docker's "requires at least 1 argument" error.
fn operands<'a>(sub: &str, args: &[&'a str], usage: &str, what: &str) -> Result<Vec<&'a str>> {
    let names: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .copied()
        .collect();
    if names.is_empty() {
        return Err(err(format!(
            "\"docker {sub}\" requires at least 1 argument.\nSee 'docker {sub} --help'.\n\nUsage:  docker {sub} {usage}\n\n{what}"
        )));
    }
    Ok(names)
}

/// `docker exec [-it] [-u U] [-w D] [-e K=V] C COMMAND...`.
pub(super) fn plan_exec(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let (o, rest) = parse_options(
        "exec",
        args,
        &[
            "--detach",
            "--interactive",
            "--tty",
            "--env",
            "--workdir",
            "--user",
        ],
    )?;
    let [name, cmd @ ..] = rest else {
        return Err(usage_exec());
    };
    if cmd.is_empty() {
        return Err(usage_exec());
    }
    let c = find(sim, name)?;
    if !c.is_running() {
        return Err(err(format!(
            "Error response from daemon: container {} is not running",
            c.id
        )));
    }
    let argv: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
    if o.interactive && o.tty && Container::behaviour(&argv) == Behaviour::IdleShell {
        return Err(err(format!(
            "the sandbox's terminal cannot attach to an interactive shell; run one command at a time:\n  docker exec {name} sh -c 'echo hi > /tmp/x && ls -la /tmp'"
        )));
    }
    let mut ctx = c
        .context(o.user.as_deref())
        .map_err(|e| err(format!("Error response from daemon: {e}")))?;
    for (k, v) in &o.env {
        ctx.env.insert(k.clone(), v.clone());
    }
    if let Some(w) = &o.workdir {
        ctx.cwd = resolve(&ctx.cwd, w);
    }
    // busybox's `free` applet is in every Alpine image; the sandbox's alpine lists fewer applets.
    let busybox_free = argv[0] == "free" && sh::flavour(c.rootfs.merged()) == sh::Flavour::Busybox;
    if !busybox_free {
        c.check_program(&argv, &ctx).map_err(|e| {
            err(e
            .replace("failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: ", "OCI runtime exec failed: exec failed: unable to start container process: "))
        })?;
    }
    // Programs the isolation model answers (ps, uname, free, stress…); bad stress flags fail here.
    super::isolation::exec_view(sim, c, &argv)?;
    let id = c.id.clone();
    let shown = argv.join(" ");
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let modelled = super::isolation::exec(sim, &id, &argv, cause);
        let Some(c) = sim.docker.containers.get_mut(&id) else {
            return String::new();
        };
        let outcome = match Container::behaviour(&argv) {
            _ if modelled.is_some() => sh::Outcome {
                output: modelled.unwrap_or_default(),
                exit_code: 0,
            },
            Behaviour::IdleShell => sh::Outcome {
                output: String::new(),
                exit_code: 0,
            },
            _ => sh::run_exec(&mut c.rootfs, &argv, &mut ctx),
        };
        let cname = c.name.clone();
        record(
            sim,
            &cname,
            EventKind::ContainerExec {
                command: shown.clone(),
                exit_code: outcome.exit_code,
            },
            cause,
            format!("exec in {cname}: {shown} (exit code {})", outcome.exit_code),
        );
        if o.detach {
            String::new()
        } else {
            outcome.output
        }
    })))
}

fn usage_exec() -> crate::error::CommandError {
    err("\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container")
}

/// `docker diff C`: `A`/`C`/`D` lines, as the overlay2 driver computes them.
pub(super) fn plan_diff(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let [name] = args else {
        return Err(err("\"docker diff\" requires exactly 1 argument.\nSee 'docker diff --help'.\n\nUsage:  docker diff CONTAINER\n\nInspect changes to files or directories on a container's filesystem"));
    };
    let c = find(sim, name)?;
    let mut out = String::new();
    for (path, change) in c.rootfs.diff() {
        let _ = writeln!(out, "{} /{path}", change.letter());
    }
    Ok(Plan::Output(out))
}

/// `docker commit [-m MSG] C [REPOSITORY[:TAG]]`: the writable layer becomes a new layer on top
/// of the container's image.
pub(super) fn plan_commit(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let mut message = String::new();
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "-m" | "--message" => {
                message = it
                    .next()
                    .ok_or_else(|| {
                        err("flag needs an argument: 'm' in -m\nSee 'docker commit --help'.")
                    })?
                    .to_string()
            }
            a if a.starts_with("--message=") => message = a["--message=".len()..].to_string(),
            "-p" | "--pause" => {}
            a if a.starts_with('-') => {
                return Err(err(format!(
                    "unknown flag: {a}\nSee 'docker commit --help'."
                )))
            }
            a => names.push(a),
        }
    }
    let (name, target) = match names.as_slice() {
        [c] => (*c, None),
        [c, t] => (*c, Some(*t)),
        _ => return Err(err("\"docker commit\" requires at least 1 and at most 2 arguments.\nSee 'docker commit --help'.\n\nUsage:  docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n\nCreate a new image from a container's changes")),
    };
    let target = match target {
        Some(t) => Some(
            parse_reference(t)
                .map_err(|e| {
                    err(format!(
                        "Error parsing reference: \"{t}\" is not a valid repository/tag: {e}"
                    ))
                })?
                // The client refuses a digest before it calls the daemon (docker/client
                // `ContainerCommit`).
                .tag_key()
                .ok_or_else(|| err("refusing to create a tag with a digest reference"))?,
        ),
        None => None,
    };
    let c = find(sim, name)?;
    let Some(base) = sim.docker.images.get(&c.image_id) else {
        return Err(err(format!(
            "Error response from daemon: No such image: {}",
            c.image_id
        )));
    };
    let layer = c
        .rootfs
        .to_layer()
        .map_err(|e| err(format!("Error response from daemon: {e:?}")))?;
    let now = now_ms(sim);
    let created = rfc3339(now);
    let mut config = base.config.clone();
    config.config = c.config.clone();
    config.created = created.clone();
    let empty = layer.is_empty();
    config.history.push(History {
        created,
        created_by: c.config.cmd.clone().unwrap_or_default().join(" "),
        comment: message,
        empty_layer: empty,
    });
    let mut layers = base.layers.clone();
    if !empty {
        config.rootfs.diff_ids.push(layer.diff_id().clone());
        layers.push(Arc::new(layer));
    }
    let image = Image::new(config, layers, Arc::new(c.rootfs.merged().clone()));
    if !sim.docker.images.contains_key(&image.id) && sim.docker.images.len() >= MAX_IMAGES {
        return Err(err(format!(
            "Error response from daemon: the sandbox holds at most {MAX_IMAGES} images: remove some with docker rmi or docker image prune"
        )));
    }
    let cname = c.name.clone();
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let id = image.id.clone();
        store(sim, image, cause);
        record(
            sim,
            &cname,
            EventKind::ImageCommitted { id: id.to_string() },
            cause,
            format!("committed {cname} as {}", id.short()),
        );
        if let Some(t) = target {
            tag_image(sim, &t, &id, cause);
        }
        format!("{id}\n")
    })))
}

/// Go's `strconv.Quote` for the characters a command line holds.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `docker ps [-a] [-q] [--no-trunc]`.
pub(super) fn plan_ps(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let mut all = false;
    let mut quiet = false;
    let mut no_trunc = false;
    for a in args {
        match *a {
            "-a" | "--all" => all = true,
            "-q" | "--quiet" => quiet = true,
            "-aq" | "-qa" => (all, quiet) = (true, true),
            "--no-trunc" => no_trunc = true,
            a => return Err(err(format!("unknown flag: {a}\nSee 'docker ps --help'."))),
        }
    }
    let now = now_ms(sim);
    let mut list: Vec<&Container> = sim
        .docker
        .containers
        .values()
        .filter(|c| all || c.is_running())
        .collect();
    list.sort_by(|a, b| b.created_ms.cmp(&a.created_ms).then(b.seq.cmp(&a.seq)));
    if quiet {
        return Ok(Plan::Output(
            list.iter()
                .map(|c| format!("{}\n", if no_trunc { &c.id } else { c.short_id() }))
                .collect(),
        ));
    }
    let mut rows = vec![[
        "CONTAINER ID",
        "IMAGE",
        "COMMAND",
        "CREATED",
        "STATUS",
        "PORTS",
        "NAMES",
    ]
    .map(String::from)
    .to_vec()];
    for c in list {
        // The name it was created with, while that name still means its image (moby
        // `daemon/list.go`); otherwise the image id.
        let image = match sim.docker.find(&c.image_ref) {
            Some(i) if i.id == c.image_id => c.image_ref.clone(),
            _ => c.image_id.short().to_string(),
        };
        let command = c.command_line();
        rows.push(vec![
            if no_trunc {
                c.id.clone()
            } else {
                c.short_id().to_string()
            },
            image,
            go_quote(&if no_trunc {
                command
            } else {
                ellipsis(&command, 20)
            }),
            ago(c.created_ms, now),
            c.status_text(now),
            ports_column(c),
            c.name.clone(),
        ]);
    }
    Ok(Plan::Output(table(&rows)))
}

/// `docker ps` PORTS: `0.0.0.0:8080->80/tcp` for each published port of a running container,
/// sorted and joined by `, ` (docker/cli `DisplayablePorts`). The sandbox has no IPv6, so no
/// `:::8080->80/tcp` twin.
fn ports_column(c: &Container) -> String {
    if !c.is_running() {
        return String::new();
    }
    let mut shown: Vec<String> = c
        .ports
        .iter()
        .map(|p| format!("0.0.0.0:{}->{}", p.host_port, p.port_proto()))
        .collect();
    shown.sort();
    shown.join(", ")
}

/// `docker port CONTAINER [PRIVATE_PORT[/PROTO]]`: `80/tcp -> 0.0.0.0:8080` for each published
/// port of a running container (a stopped one publishes nothing).
pub(super) fn plan_port(sim: &Sim, args: &[&str]) -> Result<Plan> {
    if let Some(bad) = args.iter().find(|a| a.starts_with('-')) {
        return Err(err(format!(
            "unknown flag: {bad}\nSee 'docker port --help'."
        )));
    }
    let (name, filter) = match args {
        [name] => (*name, None),
        [name, port] => (*name, Some(*port)),
        _ => return Err(err("\"docker port\" requires at least 1 and at most 2 arguments.\nSee 'docker port --help'.\n\nUsage:  docker port CONTAINER [PRIVATE_PORT[/PROTO]]\n\nList port mappings or a specific mapping for the container")),
    };
    let c = find(sim, name)?;
    let published: Vec<&PortBinding> = if c.is_running() {
        c.ports.iter().collect()
    } else {
        Vec::new()
    };
    let mut out = String::new();
    match filter {
        None => {
            let mut lines: Vec<String> = published
                .iter()
                .map(|p| format!("{} -> 0.0.0.0:{}\n", p.port_proto(), p.host_port))
                .collect();
            lines.sort();
            out = lines.concat();
        }
        Some(f) => {
            let (port, proto) = f.split_once('/').unwrap_or((f, "tcp"));
            let port: u16 = port.parse().map_err(|_| {
                err(format!("Error: invalid port ({port}): strconv.ParseUint: parsing \"{port}\": invalid syntax"))
            })?;
            let hits: Vec<&&PortBinding> = published
                .iter()
                .filter(|p| p.container_port == port && p.protocol == proto)
                .collect();
            if hits.is_empty() {
                return Err(err(format!(
                    "Error: No public port '{port}/{proto}' published for {name}"
                )));
            }
            for p in hits {
                let _ = writeln!(out, "0.0.0.0:{}", p.host_port);
            }
        }
    }
    Ok(Plan::Output(out))
}

/// RFC 3339 with Go's `RFC3339Nano` (trailing zeros of the fraction dropped), as Docker writes
/// times in `inspect`.
fn rfc3339_nano(ms: i64) -> String {
    let base = rfc3339(ms.div_euclid(1000) * 1000);
    let frac = ms.rem_euclid(1000);
    if frac == 0 {
        return base;
    }
    let digits = format!("{frac:03}");
    format!(
        "{}.{}Z",
        base.trim_end_matches('Z'),
        digits.trim_end_matches('0')
    )
}

const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectState {
    status: Status,
    running: bool,
    paused: bool,
    restarting: bool,
    #[serde(rename = "OOMKilled")]
    oom_killed: bool,
    dead: bool,
    exit_code: i32,
    error: String,
    started_at: String,
    finished_at: String,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectHostConfig {
    port_bindings: BTreeMap<String, Vec<InspectPortBinding>>,
    restart_policy: InspectRestartPolicy,
    auto_remove: bool,
    memory: u64,
    nano_cpus: u64,
    cpu_shares: u64,
    cpu_period: u64,
    cpu_quota: u64,
}

/// One binding of `HostConfig.PortBindings` / `NetworkSettings.Ports`.
#[derive(serde::Serialize)]
struct InspectPortBinding {
    #[serde(rename = "HostIp")]
    host_ip: String,
    #[serde(rename = "HostPort")]
    host_port: String,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectRestartPolicy {
    name: &'static str,
    maximum_retry_count: u32,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectNetworkSettings {
    ports: BTreeMap<String, Vec<InspectPortBinding>>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectContainerConfig {
    hostname: String,
    user: String,
    env: Vec<String>,
    cmd: Option<Vec<String>>,
    image: String,
    working_dir: String,
    entrypoint: Option<Vec<String>>,
    labels: BTreeMap<String, String>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct InspectGraph {
    data: BTreeMap<&'static str, String>,
    name: &'static str,
}

/// `docker inspect` of a container (the fields the sandbox models, in Docker's order).
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(super) struct InspectContainer {
    id: String,
    created: String,
    path: String,
    args: Vec<String>,
    state: InspectState,
    image: String,
    resolv_conf_path: String,
    hostname_path: String,
    hosts_path: String,
    log_path: String,
    name: String,
    restart_count: u32,
    driver: &'static str,
    platform: &'static str,
    host_config: InspectHostConfig,
    graph_driver: InspectGraph,
    mounts: Vec<String>,
    config: InspectContainerConfig,
    network_settings: InspectNetworkSettings,
}

/// The inspect document of a container.
pub(super) fn inspect_container(sim: &Sim, c: &Container) -> InspectContainer {
    let dir = |d: &str| format!("/var/lib/docker/containers/{}/{d}", c.id);
    let overlay = "/var/lib/docker/overlay2";
    let layer = c.layer_dir();
    // The writable layer's lower dirs: the `-init` layer (hostname, hosts, resolv.conf mount
    // points), then the image's layers, topmost first (named by ChainID, as for images).
    let mut lower = vec![format!("{overlay}/{layer}-init/diff")];
    if let Some(img) = sim.docker.images.get(&c.image_id) {
        lower.extend(
            img.chain_ids()
                .iter()
                .rev()
                .map(|ch| format!("{overlay}/{}/diff", ch.0.hex())),
        );
    }
    let data = BTreeMap::from([
        ("LowerDir", lower.join(":")),
        ("MergedDir", format!("{overlay}/{layer}/merged")),
        ("UpperDir", format!("{overlay}/{layer}/diff")),
        ("WorkDir", format!("{overlay}/{layer}/work")),
    ]);
    let time = |t: Option<i64>| t.map_or(ZERO_TIME.to_string(), rfc3339_nano);
    // What was asked (a drawn port shows as ""), and, while it runs, what is bound.
    let mut port_bindings: BTreeMap<String, Vec<InspectPortBinding>> = BTreeMap::new();
    let mut bound: BTreeMap<String, Vec<InspectPortBinding>> = BTreeMap::new();
    for p in &c.ports {
        port_bindings
            .entry(p.port_proto())
            .or_default()
            .push(InspectPortBinding {
                host_ip: String::new(),
                host_port: if p.random {
                    String::new()
                } else {
                    p.host_port.to_string()
                },
            });
        if c.is_running() {
            bound
                .entry(p.port_proto())
                .or_default()
                .push(InspectPortBinding {
                    host_ip: "0.0.0.0".into(),
                    host_port: p.host_port.to_string(),
                });
        }
    }
    InspectContainer {
        id: c.id.clone(),
        created: rfc3339_nano(c.created_ms),
        path: c.path.clone(),
        args: c.args.clone(),
        state: InspectState {
            status: c.state.status,
            running: c.is_running(),
            paused: false,
            restarting: false,
            oom_killed: c.oom_killed,
            dead: false,
            exit_code: c.state.exit_code,
            error: String::new(),
            started_at: time(c.state.started_ms),
            finished_at: time(c.state.finished_ms),
        },
        image: c.image_id.to_string(),
        resolv_conf_path: dir("resolv.conf"),
        hostname_path: dir("hostname"),
        hosts_path: dir("hosts"),
        log_path: dir(&format!("{}-json.log", c.id)),
        name: format!("/{}", c.name),
        restart_count: 0,
        driver: "overlay2",
        platform: "linux",
        host_config: InspectHostConfig {
            port_bindings,
            restart_policy: InspectRestartPolicy {
                name: c.restart_policy.name(),
                maximum_retry_count: 0,
            },
            auto_remove: c.auto_remove,
            memory: c.limits.memory_bytes.unwrap_or(0),
            nano_cpus: c.limits.cpu_millicores.unwrap_or(0) * 1_000_000,
            cpu_shares: c.limits.cpu_shares.unwrap_or(0),
            // `--cpus` sets NanoCpus; CpuPeriod/CpuQuota stay 0 (the runtime derives the quota).
            cpu_period: 0,
            cpu_quota: 0,
        },
        graph_driver: InspectGraph {
            data,
            name: "overlay2",
        },
        mounts: Vec::new(),
        config: InspectContainerConfig {
            hostname: c.short_id().to_string(),
            user: c.config.user.clone(),
            env: c.config.env.clone(),
            cmd: c.config.cmd.clone(),
            image: c.image_ref.clone(),
            working_dir: c.config.working_dir.clone(),
            entrypoint: c.config.entrypoint.clone(),
            labels: c.config.labels.clone(),
        },
        network_settings: InspectNetworkSettings { ports: bound },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_as_go_rfc3339_nano() {
        assert_eq!(rfc3339_nano(0), "2025-01-01T00:00:00Z");
        assert_eq!(rfc3339_nano(1_500), "2025-01-01T00:00:01.5Z");
        assert_eq!(rfc3339_nano(1_025), "2025-01-01T00:00:01.025Z");
    }

    #[test]
    fn commands_quote_as_go_strconv_quote() {
        assert_eq!(go_quote("sleep 1000"), "\"sleep 1000\"");
        assert_eq!(go_quote("sh -c 'echo \"x\"'"), "\"sh -c 'echo \\\"x\\\"'\"");
    }
}
