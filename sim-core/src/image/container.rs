//! Containers: an image's layers (read-only) with one writable layer on top ([`Overlay`]), the
//! command the container runs and its state (created, running, exited with a code).
//!
//! Its processes (PIDs in its own namespace and on the host) and its cgroup (limits and CPU
//! accounting) are [`super::process`] and [`super::cgroup`]. A container's command either runs to
//! completion in the sandbox's shell (`echo`, `touch`, `sh -c '…'`: it exits with the script's
//! code) or is a service that keeps running until `docker stop` (`sleep`, `nginx`, anything the
//! shell does not simulate). A shell with no script exits at once, as `sh` does with no
//! terminal attached.

use std::collections::BTreeMap;
use std::sync::Arc;

use rand::RngCore;
use serde::Serialize;

use super::build::user_ids;
use super::cgroup::{CpuAccount, Limits};
use super::config::RunConfig;
use super::digest::Digest;
use super::fs::{base_name, resolve, Tree};
use super::layer::Overlay;
use super::process::Process;
use super::sh::{self, find_program, Context, Outcome};
use crate::sim::hex;

/// Most containers (running or not) one engine holds.
pub const MAX_CONTAINERS: usize = 100;

/// `State.Status` as `docker inspect` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Made, never started.
    Created,
    /// Its command is running.
    Running,
    /// Its command ended (or was stopped).
    Exited,
}

/// What finally runs for `argv`. The official images' entrypoint scripts (nginx's, node's and
/// redis's `docker-entrypoint.sh`) end in `exec "$@"`, so `docker run nginx cat FILE` runs
/// `cat FILE` (docker-library/nginx, node, redis `docker-entrypoint.sh`). Arguments that start
/// with `-` go to the image's own program, which the script runs as before.
pub fn exec_target(argv: &[String]) -> Vec<String> {
    match argv {
        [first, rest @ ..]
            if base_name(first) == "docker-entrypoint.sh"
                && rest.first().is_some_and(|a| !a.starts_with('-')) =>
        {
            rest.to_vec()
        }
        _ => argv.to_vec(),
    }
}

/// A container's lifecycle state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct State {
    /// Created, running or exited.
    pub status: Status,
    /// The last exit code (0 until it exits).
    pub exit_code: i32,
    /// When it last started (simulated ms).
    pub started_ms: Option<i64>,
    /// When it last exited (simulated ms).
    pub finished_ms: Option<i64>,
}

/// One container.
#[derive(Clone, Debug, Serialize)]
pub struct Container {
    /// 64 hex digits.
    pub id: String,
    /// Its name, without Docker's leading `/`.
    pub name: String,
    /// The ImageID it was created from.
    pub image_id: Digest,
    /// The image as the user named it (`docker ps` shows it).
    pub image_ref: String,
    /// The runtime config: the image's, with `-e`, `-w`, `-u` and the command applied.
    pub config: RunConfig,
    /// The program (first word of ENTRYPOINT + CMD).
    pub path: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// When it was created (simulated ms).
    pub created_ms: i64,
    /// Order of creation (breaks ties of equal creation times).
    pub seq: u64,
    /// Lifecycle.
    pub state: State,
    /// `--rm`: remove when it exits.
    pub auto_remove: bool,
    /// The root filesystem: the image's layers plus the writable layer.
    pub rootfs: Overlay,
    /// The limits of its cgroup (`--memory`, `--cpus`, `--cpu-shares`).
    pub limits: Limits,
    /// CPU time its cgroup has been accounted.
    pub cpu: CpuAccount,
    /// Its processes while it runs, PID 1 first (empty when not running).
    pub processes: Vec<Process>,
    /// The next PID its PID namespace hands out (a new namespace at each start).
    pub next_pid: u32,
    /// The host PID of its `containerd-shim` (the parent of its PID 1) while it runs.
    pub shim_pid: Option<u32>,
    /// `State.OOMKilled`: the OOM killer killed one of its processes since it last started.
    pub oom_killed: bool,
    /// Counts the container's starts: queued phases of an earlier start (one that was stopped)
    /// carry an older number and do nothing when their time comes.
    pub starts: u64,
    /// The start in progress, while the runtime goes through its phases
    /// ([`super::cgroup::START_PHASES_MS`]); its status stays what it was (`created` or
    /// `exited`) until the last phase ends, as Docker's does.
    pub starting: Option<Starting>,
    /// Ports published on the host (`docker run -p HOST:CONTAINER`), in the order given.
    pub ports: Vec<PortBinding>,
    /// `--restart`: what the daemon does with the container when it starts (a node's recovery).
    pub restart_policy: RestartPolicy,
    /// `HasBeenManuallyStopped`: stopped by `docker stop` since it last started (an
    /// `unless-stopped` container then stays down when the daemon starts).
    pub manually_stopped: bool,
    /// What its command printed, across its starts (Docker's `json-file` log, which `docker
    /// logs` reads; bounded as [`crate::logs::ContainerLog`] is).
    pub log: crate::logs::ContainerLog,
}

/// `HostConfig.RestartPolicy.Name` (moby `api/types/container/hostconfig.go`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum RestartPolicy {
    /// `no` (the default): never restarted.
    #[default]
    No,
    /// `always`.
    Always,
    /// `unless-stopped`: as `always`, unless `docker stop` stopped it.
    UnlessStopped,
    /// `on-failure`: when it exited with a non-zero code.
    OnFailure,
}

impl RestartPolicy {
    /// Parses `--restart`'s value (`on-failure:N` keeps no retry count in the sandbox).
    pub fn parse(s: &str) -> Option<RestartPolicy> {
        match s.split_once(':').map_or(s, |(n, _)| n) {
            "" | "no" => Some(RestartPolicy::No),
            "always" => Some(RestartPolicy::Always),
            "unless-stopped" => Some(RestartPolicy::UnlessStopped),
            "on-failure" => Some(RestartPolicy::OnFailure),
            _ => None,
        }
    }

    /// The name `docker inspect` shows.
    pub fn name(self) -> &'static str {
        match self {
            RestartPolicy::No => "no",
            RestartPolicy::Always => "always",
            RestartPolicy::UnlessStopped => "unless-stopped",
            RestartPolicy::OnFailure => "on-failure",
        }
    }

    /// Whether the daemon, as it starts, restarts a container that is not running (moby
    /// `restartmanager.ShouldRestart`, called from `daemon.restore`).
    pub fn restarts_on_daemon_start(self, exit_code: i32, manually_stopped: bool) -> bool {
        match self {
            RestartPolicy::No => false,
            RestartPolicy::Always => true,
            RestartPolicy::UnlessStopped => !manually_stopped,
            RestartPolicy::OnFailure => exit_code != 0 && !manually_stopped,
        }
    }
}

/// One published port: connections to the host's `host_port` reach the container's
/// `container_port`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortBinding {
    /// The host's port.
    pub host_port: u16,
    /// The container's port.
    pub container_port: u16,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
    /// The host port was drawn from the ephemeral range (`-p 80`, `-P`): `HostConfig` shows it
    /// empty, `NetworkSettings` the port drawn.
    pub random: bool,
}

impl PortBinding {
    /// `80/tcp`, as Docker names a container port.
    pub fn port_proto(&self) -> String {
        format!("{}/{}", self.container_port, self.protocol)
    }
}

/// A container's start in progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Starting {
    /// Which start it is (see [`Container::starts`]).
    pub start: u64,
    /// The phase in progress: an index into [`super::cgroup::START_PHASES_MS`].
    pub phase: usize,
    /// When the start began (simulated ms).
    pub began_ms: u64,
}

/// How a command behaves once started (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Runs in the sandbox's shell and exits with its code.
    RunsToCompletion,
    /// A shell with no script and no terminal: exits 0 at once.
    IdleShell,
    /// Keeps running until stopped.
    Service,
}

const SHELLS: &[&str] = &["sh", "bash", "ash", "dash"];

/// Programs that handle SIGTERM and exit 0 when `docker stop` sends it. Others, as PID 1, get
/// no default action for SIGTERM, so `docker stop` waits its 10 s and sends SIGKILL: exit code
/// 137 = 128 + 9 (FACTS.md "Containers vs virtual machines").
const HANDLES_SIGTERM: &[&str] = &["nginx", "redis-server", "httpd", "postgres", "mysqld"];

impl Container {
    /// Its memory in use at `now_ms`: its processes' resident memory (a container has no guest
    /// kernel and reserves nothing).
    pub fn memory_usage(&self, now_ms: u64) -> u64 {
        self.processes.iter().map(|p| p.rss_bytes(now_ms)).sum()
    }

    /// `argv` = path + args.
    pub fn argv(&self) -> Vec<String> {
        std::iter::once(self.path.clone())
            .chain(self.args.iter().cloned())
            .collect()
    }

    /// The command as the Engine API's container list gives it: path and arguments, those with
    /// a space in single quotes (moby `daemon/list.go`).
    pub fn command_line(&self) -> String {
        if self.args.is_empty() {
            return self.path.clone();
        }
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("'{a}'")
                } else {
                    a.clone()
                }
            })
            .collect();
        format!("{} {}", self.path, args.join(" "))
    }

    /// True while running.
    pub fn is_running(&self) -> bool {
        self.state.status == Status::Running
    }

    /// True while its start goes through its phases (not running yet).
    pub fn is_starting(&self) -> bool {
        self.starting.is_some()
    }

    /// The 12-digit short id.
    pub fn short_id(&self) -> &str {
        &self.id[..12]
    }

    /// The directory name of its writable layer in overlay2's store (a cache id; Docker picks a
    /// random one, the sandbox derives it from the container id).
    pub fn layer_dir(&self) -> String {
        hex(&<sha2::Sha256 as sha2::Digest>::digest(
            format!("layer:{}", self.id).as_bytes(),
        ))
    }

    /// Where a process of the container runs: the image's environment plus what the daemon
    /// adds (PATH when unset, HOSTNAME = short id, HOME), its working directory and user.
    pub fn context(&self, user: Option<&str>) -> Result<Context, String> {
        let mut env: BTreeMap<String, String> = BTreeMap::new();
        for e in &self.config.env {
            if let Some((k, v)) = e.split_once('=') {
                env.insert(k.to_string(), v.to_string());
            }
        }
        env.entry("PATH".into())
            .or_insert_with(|| super::base::PATH_ENV[5..].to_string());
        env.insert("HOSTNAME".into(), self.short_id().to_string());
        env.entry("HOME".into()).or_insert_with(|| "/root".into());
        let user = user.unwrap_or(&self.config.user);
        let (uid, gid) = user_ids(self.rootfs.merged(), user)?;
        Ok(Context {
            env,
            cwd: resolve("", &self.config.working_dir),
            uid,
            gid,
        })
    }

    /// How `argv` behaves when started.
    pub fn behaviour(argv: &[String]) -> Behaviour {
        let argv = exec_target(argv);
        let Some(prog) = argv.first() else {
            return Behaviour::IdleShell;
        };
        let name = base_name(prog);
        if SHELLS.contains(&name) {
            if argv.get(1).map(String::as_str) == Some("-c") {
                Behaviour::RunsToCompletion
            } else {
                Behaviour::IdleShell
            }
        } else if sh::runs_to_completion(name) {
            Behaviour::RunsToCompletion
        } else {
            Behaviour::Service
        }
    }

    /// Checks that the program exists in the container's root; `Err` is the OCI runtime's
    /// message (as the daemon wraps it).
    pub fn check_program(&self, argv: &[String], ctx: &Context) -> Result<(), String> {
        let Some(prog) = argv.first() else {
            return Err("no command specified".into());
        };
        if find_program(self.rootfs.merged(), ctx, prog).is_some() {
            return Ok(());
        }
        // ASSUMPTION: `stress` is a modelled workload the sandbox provides in every image (as
        // if run from an image that ships it, such as progrium/stress).
        if base_name(prog) == "stress" {
            return Ok(());
        }
        let what = if prog.contains('/') {
            format!("stat {prog}: no such file or directory")
        } else {
            format!("exec: \"{prog}\": executable file not found in $PATH")
        };
        Err(format!(
            "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {what}: unknown"
        ))
    }

    /// Starts the command (check it first with [`Container::check_program`]). A command that
    /// runs to completion runs now and leaves the container exited; returns what it printed.
    pub fn start(&mut self, now_ms: i64) -> String {
        self.state.started_ms = Some(now_ms);
        self.state.finished_ms = None;
        self.state.exit_code = 0;
        let argv = self.argv();
        let at = crate::time::SimTime(u64::try_from(now_ms).unwrap_or(0));
        match Container::behaviour(&argv) {
            Behaviour::Service => {
                self.state.status = Status::Running;
                // A server's startup banner goes to its log (`docker run` without `-d` would
                // show it too; the sandbox's attached run prints nothing for a service).
                let server = exec_target(&argv)
                    .first()
                    .and_then(|p| crate::logs::Server::of(p, &self.config.env));
                if let Some(server) = server {
                    self.log.write_banner(at, server);
                }
                String::new()
            }
            Behaviour::IdleShell => {
                self.exit(0, now_ms);
                String::new()
            }
            Behaviour::RunsToCompletion => {
                let outcome = match self.context(None) {
                    Ok(mut ctx) => sh::run_exec(&mut self.rootfs, &exec_target(&argv), &mut ctx),
                    Err(e) => Outcome {
                        output: format!("{e}\n"),
                        exit_code: 1,
                    },
                };
                self.exit(outcome.exit_code, now_ms);
                self.log.write_output(at, &outcome.output);
                outcome.output
            }
        }
    }

    /// Marks the container exited with `code`.
    pub fn exit(&mut self, code: i32, now_ms: i64) {
        self.state.status = Status::Exited;
        self.state.exit_code = code;
        self.state.finished_ms = Some(now_ms);
    }

    /// The exit code `docker stop` leaves (see `HANDLES_SIGTERM` in this module).
    pub fn stop_code(&self) -> i32 {
        let argv = self.argv();
        // An entrypoint script execs the real server (`docker-entrypoint.sh nginx -g …`).
        let prog = match argv.first().map(|p| base_name(p)) {
            Some(p) if p.ends_with("entrypoint.sh") => argv.get(1).map_or("", |a| base_name(a)),
            Some(p) => p,
            None => "",
        };
        if HANDLES_SIGTERM.contains(&prog) {
            0
        } else {
            128 + 9
        }
    }

    /// `docker ps` STATUS (moby `container/state.go` `State.String`).
    pub fn status_text(&self, now_ms: i64) -> String {
        let since = |t: i64| super::format::human_duration(now_ms.saturating_sub(t).max(0) as u64);
        match self.state.status {
            Status::Running => format!("Up {}", since(self.state.started_ms.unwrap_or(now_ms))),
            Status::Created => "Created".into(),
            Status::Exited => format!(
                "Exited ({}) {} ago",
                self.state.exit_code,
                since(self.state.finished_ms.unwrap_or(now_ms))
            ),
        }
    }
}

/// What a new container is made from; [`new_container`] draws its id and name.
#[derive(Clone, Debug)]
pub struct ContainerSpec {
    /// `--name`, if given.
    pub name: Option<String>,
    /// The image's id.
    pub image_id: Digest,
    /// The image as typed.
    pub image_ref: String,
    /// The image's root filesystem.
    pub lower: Arc<Tree>,
    /// The runtime config (image's, with the command and flags applied).
    pub config: RunConfig,
    /// ENTRYPOINT + CMD.
    pub argv: Vec<String>,
    /// `--rm`.
    pub auto_remove: bool,
    /// `--memory`, `--cpus`, `--cpu-shares`.
    pub limits: Limits,
    /// `-p`/`-P`: the ports to publish (random ones already drawn).
    pub ports: Vec<PortBinding>,
    /// `--restart`.
    pub restart_policy: RestartPolicy,
}

/// A container id: 32 random bytes as hex, drawn again when its 12-digit short form would be
/// all digits (moby `pkg/stringid.GenerateRandomID`: such an id reads as a number).
pub fn new_id(rng: &mut impl RngCore) -> String {
    loop {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        let id = hex(&bytes);
        if !id[..12].bytes().all(|b| b.is_ascii_digit()) {
            return id;
        }
    }
}

/// Adjectives of Docker's name generator (moby `pkg/namesgenerator`).
const LEFT: &[&str] = &[
    "admiring",
    "adoring",
    "affectionate",
    "agitated",
    "amazing",
    "angry",
    "awesome",
    "beautiful",
    "blissful",
    "bold",
    "boring",
    "brave",
    "busy",
    "charming",
    "clever",
    "compassionate",
    "competent",
    "condescending",
    "confident",
    "cool",
    "cranky",
    "crazy",
    "dazzling",
    "determined",
    "distracted",
    "dreamy",
    "eager",
    "ecstatic",
    "elastic",
    "elated",
    "elegant",
    "eloquent",
    "epic",
    "exciting",
    "fervent",
    "festive",
    "flamboyant",
    "focused",
    "friendly",
    "frosty",
    "funny",
    "gallant",
    "gifted",
    "goofy",
    "gracious",
    "great",
    "happy",
    "hardcore",
    "heuristic",
    "hopeful",
    "hungry",
    "infallible",
    "inspiring",
    "intelligent",
    "interesting",
    "jolly",
    "jovial",
    "keen",
    "kind",
    "laughing",
    "loving",
    "lucid",
    "magical",
    "modest",
    "musing",
    "mystifying",
    "naughty",
    "nervous",
    "nice",
    "nifty",
    "nostalgic",
    "objective",
    "optimistic",
    "peaceful",
    "pedantic",
    "pensive",
    "practical",
    "priceless",
    "quirky",
    "quizzical",
    "recursing",
    "relaxed",
    "reverent",
    "romantic",
    "sad",
    "serene",
    "sharp",
    "silly",
    "sleepy",
    "stoic",
    "strange",
    "stupefied",
    "suspicious",
    "sweet",
    "tender",
    "thirsty",
    "trusting",
    "unruffled",
    "upbeat",
    "vibrant",
    "vigilant",
    "vigorous",
    "wizardly",
    "wonderful",
    "xenodochial",
    "youthful",
    "zealous",
    "zen",
];

/// Surnames of notable scientists and hackers, as in Docker's name generator.
const RIGHT: &[&str] = &[
    "albattani",
    "allen",
    "almeida",
    "archimedes",
    "ardinghelli",
    "babbage",
    "banach",
    "bardeen",
    "bartik",
    "bell",
    "blackwell",
    "bohr",
    "booth",
    "borg",
    "bose",
    "brattain",
    "brown",
    "carson",
    "chandrasekhar",
    "cori",
    "cray",
    "curie",
    "darwin",
    "davinci",
    "dijkstra",
    "easley",
    "einstein",
    "elion",
    "engelbart",
    "euclid",
    "fermat",
    "fermi",
    "feynman",
    "franklin",
    "galileo",
    "goldberg",
    "goodall",
    "hamilton",
    "hawking",
    "heisenberg",
    "hodgkin",
    "hopper",
    "hypatia",
    "jang",
    "jennings",
    "johnson",
    "kalam",
    "keller",
    "kilby",
    "knuth",
    "lamarr",
    "leakey",
    "liskov",
    "lovelace",
    "mayer",
    "mccarthy",
    "mcclintock",
    "meitner",
    "mirzakhani",
    "montalcini",
    "morse",
    "napier",
    "newton",
    "noether",
    "pascal",
    "pasteur",
    "perlman",
    "poincare",
    "ptolemy",
    "ritchie",
    "rosalind",
    "sammet",
    "shannon",
    "shockley",
    "sinoussi",
    "snyder",
    "swartz",
    "tesla",
    "thompson",
    "torvalds",
    "turing",
    "varahamihira",
    "visvesvaraya",
    "wescoff",
    "williams",
    "wilson",
    "wing",
    "wozniak",
    "wright",
    "yalow",
    "yonath",
];

fn pick<'a>(rng: &mut impl RngCore, from: &[&'a str]) -> &'a str {
    from[(rng.next_u32() as usize) % from.len()]
}

/// A name as Docker generates one: `adjective_surname`, never `boring_wozniak` ("Steve
/// Wozniak is not boring"); on a clash, retries with a digit appended, and after five clashes
/// falls back to the short id (moby `daemon/names.go` `generateNewName`).
pub fn new_name(rng: &mut impl RngCore, taken: impl Fn(&str) -> bool, id: &str) -> String {
    for retry in 0..6 {
        let mut name = loop {
            let n = format!("{}_{}", pick(rng, LEFT), pick(rng, RIGHT));
            if n != "boring_wozniak" {
                break n;
            }
        };
        if retry > 0 {
            name.push(char::from(b'0' + (rng.next_u32() % 10) as u8));
        }
        if !taken(&name) {
            return name;
        }
    }
    id[..12].to_string()
}

/// Checks a `--name` (moby `daemon/names.go`: `^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`).
pub fn valid_name(name: &str) -> bool {
    let n = name.strip_prefix('/').unwrap_or(name);
    n.len() >= 2
        && n.len() <= 255
        && n.starts_with(|c: char| c.is_ascii_alphanumeric())
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// Makes a container from a spec, drawing its id (and name, if none was given) from `rng`.
pub fn new_container(
    spec: ContainerSpec,
    rng: &mut impl RngCore,
    taken: impl Fn(&str) -> bool,
    now_ms: i64,
    seq: u64,
) -> Container {
    let id = new_id(rng);
    let name = match spec.name {
        Some(n) => n.trim_start_matches('/').to_string(),
        None => new_name(rng, taken, &id),
    };
    let mut argv = spec.argv.into_iter();
    let path = argv.next().unwrap_or_default();
    Container {
        id,
        name,
        image_id: spec.image_id,
        image_ref: spec.image_ref,
        config: spec.config,
        path,
        args: argv.collect(),
        created_ms: now_ms,
        seq,
        state: State {
            status: Status::Created,
            exit_code: 0,
            started_ms: None,
            finished_ms: None,
        },
        auto_remove: spec.auto_remove,
        rootfs: Overlay::new(spec.lower),
        limits: spec.limits,
        cpu: CpuAccount::default(),
        processes: Vec::new(),
        next_pid: 1,
        shim_pid: None,
        oom_killed: false,
        starts: 0,
        starting: None,
        ports: spec.ports,
        restart_policy: spec.restart_policy,
        manually_stopped: false,
        log: crate::logs::ContainerLog::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn ids_are_64_hex_and_names_are_adjective_surname() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let id = new_id(&mut rng);
        assert_eq!(id.len(), 64);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        let name = new_name(&mut rng, |_| false, &id);
        let (l, r) = name.split_once('_').unwrap();
        assert!(LEFT.contains(&l) && RIGHT.contains(&r), "{name}");
        // Every generated name taken: the short id.
        assert_eq!(new_name(&mut rng, |_| true, &id), id[..12]);
    }

    #[test]
    fn container_names_follow_dockers_pattern() {
        assert!(valid_name("c1"));
        assert!(valid_name("/web.1_a-b"));
        assert!(!valid_name("c"));
        assert!(!valid_name("-c1"));
        assert!(!valid_name("c 1"));
    }

    #[test]
    fn shells_without_a_script_exit_and_unknown_programs_keep_running() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(Container::behaviour(&v(&["/bin/sh"])), Behaviour::IdleShell);
        assert_eq!(
            Container::behaviour(&v(&["sh", "-c", "echo hi"])),
            Behaviour::RunsToCompletion
        );
        assert_eq!(
            Container::behaviour(&v(&["echo", "hi"])),
            Behaviour::RunsToCompletion
        );
        assert_eq!(
            Container::behaviour(&v(&["sleep", "infinity"])),
            Behaviour::Service
        );
        assert_eq!(Container::behaviour(&v(&["nginx"])), Behaviour::Service);
    }
}
