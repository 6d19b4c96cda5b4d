//! The simulation kernel: a clock, one seeded RNG, an event queue ordered by `(time, sequence)`
//! and an append-only event log.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{CommandError, Result};
use crate::event::{Event, EventId, EventKind, ObjectRef};
use crate::limits;
use crate::shell::CommandLine;
use crate::time::SimTime;
use crate::workspace::Workspace;

/// Everything that determines a simulation's start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimConfig {
    /// The seed of the simulation's one RNG.
    pub seed: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig { seed: 1 }
    }
}

/// Work waiting in the event queue for its time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Action {
    /// Run a command line (from `after`).
    RunCommand {
        /// The command.
        line: CommandLine,
        /// The event that scheduled it.
        scheduled_by: EventId,
    },
    /// The end of one boot phase of a VM.
    VmBootPhase {
        /// The VM's name.
        vm: String,
        /// Which start of the VM it belongs to (a stopped boot's phases do nothing).
        boot: u64,
        /// The phase that ends now.
        phase: crate::host::profile::BootPhase,
        /// The event that scheduled it (the start, or the previous phase).
        scheduled_by: EventId,
    },
    /// The end of one phase of a container's start (see
    /// [`crate::image::cgroup::START_PHASES_MS`]); the last one leaves it running.
    ContainerStartPhase {
        /// The container's id.
        container: String,
        /// Which start of the container it belongs to (a stopped start's phases do nothing).
        start: u64,
        /// The phase that ends now: an index into `START_PHASES_MS`.
        phase: usize,
        /// The event that scheduled it (the command, or the previous phase).
        scheduled_by: EventId,
    },
    /// A moment a container's workload changes things: its memory crosses the cgroup's limit,
    /// or a `stress --timeout` ends.
    Workload {
        /// The container's id.
        container: String,
        /// What happens.
        step: crate::command::isolation::WorkloadStep,
        /// The event that scheduled it.
        scheduled_by: EventId,
    },
    /// A reconcile of the cluster: a controller sync, a scheduling cycle or a kubelet step
    /// (see [`crate::cluster::state`]).
    Cluster {
        /// What to do.
        work: crate::cluster::state::Work,
        /// The event that queued it (the store change it watched).
        scheduled_by: EventId,
    },
    /// One second of traffic for every running client (see [`crate::cluster::traffic`]);
    /// re-queued every second while any runs.
    Traffic {
        /// The event that queued the first tick (a `traffic start`).
        scheduled_by: EventId,
    },
}

/// The deterministic simulation. Everything that reaches output lives in ordered containers;
/// time only moves through `step`/`run_for`; randomness only comes from the owned RNG.
///
/// Architecture invariant: no method reads a clock, touches a file or the network.
#[derive(Clone, Debug)]
pub struct Sim {
    config: SimConfig,
    now: SimTime,
    rng: ChaCha8Rng,
    queue: BTreeMap<(SimTime, u64), Action>,
    next_seq: u64,
    log: Vec<Event>,
    /// Running sha256 over the canonical serialization of `log`, so `trace_hash` is O(1).
    log_hasher: Sha256,
    pub(crate) workspace: Workspace,
    /// The host's Docker engine: local layer store, images, tags, build cache.
    pub(crate) docker: crate::image::engine::Engine,
    /// The sandbox registry (shared by every host): the shipped base images plus pushed ones.
    pub(crate) registry: crate::image::registry::Registry,
    /// The host machine: cores, memory, disk, OS, hypervisor, runtime, and its VMs.
    pub(crate) host: crate::host::Host,
    /// The Kubernetes cluster, once `cluster create` made one.
    pub(crate) cluster: Option<Box<crate::cluster::state::Cluster>>,
    /// Traffic clients, their per-second stats and the hand-made load balancers.
    pub(crate) traffic: crate::cluster::traffic::TrafficState,
    /// The terminal's command history. It is not simulation state: it is not in the trace, it
    /// survives `reset`, and it records failed commands too, as a shell's history does.
    pub(crate) history: Vec<String>,
    /// Instants processed since the start: how the session counts frames of the timeline.
    instants: u64,
    /// When set, how many more instants may be processed before the simulation pauses
    /// (the session uses it to stop replay in the middle of a `run`).
    budget: Option<u64>,
    /// What scheduled commands printed while time moved; the `step`/`run` that moved time takes
    /// it for its own output. Always empty between commands.
    pub(crate) scheduled_output: String,
    /// True while `step` processes an instant: a command run then (a scheduled one) must not
    /// move time itself, so a `docker run` scheduled with `after` does not wait for its start.
    in_instant: bool,
    /// The container whose start a `docker run`/`docker start` is waiting for, and what its
    /// command printed when it started. Always empty between commands.
    pub(crate) awaited_start: Option<(String, String)>,
    /// A `run` the session's frame budget stopped part-way, as the session needs it to carry on
    /// from a copy of this simulation (`command::builtin::resume_run`). Not model state: it
    /// reaches no output, and the next paused `run` replaces it.
    pub(crate) paused_run: Option<PausedRun>,
}

/// Where a paused `run` stands: enough to finish it exactly as one uninterrupted call would.
#[derive(Clone, Debug)]
pub(crate) struct PausedRun {
    /// The duration typed (`run 9m` → 540000).
    pub ms: u64,
    /// When it ends.
    pub deadline: SimTime,
    /// Instants processed so far.
    pub steps: u64,
    /// The log's length when it began.
    pub log_before: usize,
    /// Its `CommandRun` event.
    pub cause: Option<EventId>,
    /// What scheduled commands printed so far.
    pub printed: String,
}

/// What one call to `run_for` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// Instants processed.
    pub steps: u64,
    /// Events recorded.
    pub events: usize,
    /// True when the session's frame budget stopped the run early.
    pub paused: bool,
}

impl Sim {
    /// A new simulation at time zero.
    pub fn new(config: SimConfig) -> Sim {
        Sim {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            config,
            now: SimTime::ZERO,
            queue: BTreeMap::new(),
            next_seq: 0,
            log: Vec::new(),
            log_hasher: Sha256::new(),
            workspace: Workspace::default(),
            docker: crate::image::engine::Engine::default(),
            registry: crate::image::registry::Registry::default(),
            host: crate::host::Host::default(),
            cluster: None,
            traffic: crate::cluster::traffic::TrafficState::default(),
            history: Vec::new(),
            instants: 0,
            budget: None,
            scheduled_output: String::new(),
            in_instant: false,
            awaited_start: None,
            paused_run: None,
        }
    }

    /// The configuration it started from.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// The event log, oldest first.
    pub fn log(&self) -> &[Event] {
        &self.log
    }

    /// The session's files.
    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// The host's Docker engine (images, layers, build cache).
    pub fn docker(&self) -> &crate::image::engine::Engine {
        &self.docker
    }

    /// The sandbox registry.
    pub fn registry(&self) -> &crate::image::registry::Registry {
        &self.registry
    }

    /// The host machine and its VMs.
    pub fn host(&self) -> &crate::host::Host {
        &self.host
    }

    /// The Kubernetes cluster, if one was created.
    pub fn cluster(&self) -> Option<&crate::cluster::state::Cluster> {
        self.cluster.as_deref()
    }

    /// The Kubernetes cluster, everything else (the log among it) dropped: what the cluster
    /// model alone holds, for a measurement of its memory (`tests/memory.rs`).
    pub fn into_cluster(self) -> Option<crate::cluster::state::Cluster> {
        self.cluster.map(|c| *c)
    }

    /// Traffic: clients, per-second stats, load balancers (see [`crate::cluster::traffic`]).
    pub fn traffic(&self) -> &crate::cluster::traffic::TrafficState {
        &self.traffic
    }

    /// The terminal history (every line submitted, failed ones included).
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// The simulation's one RNG. Every random choice of the model draws from it.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// Number of actions waiting in the queue.
    pub fn scheduled(&self) -> usize {
        self.queue.len()
    }

    /// The time of the next scheduled action, if any.
    pub fn next_time(&self) -> Option<SimTime> {
        self.queue.keys().next().map(|(t, _)| *t)
    }

    /// Instants processed since the start.
    pub fn instants(&self) -> u64 {
        self.instants
    }

    pub(crate) fn set_budget(&mut self, budget: Option<u64>) {
        self.budget = budget;
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.budget == Some(0)
    }

    /// Records an event at the current time and returns its id.
    pub fn record(
        &mut self,
        kind: EventKind,
        object: ObjectRef,
        cause: Option<EventId>,
        message: impl Into<String>,
    ) -> EventId {
        let id = EventId(self.log.len() as u64 + 1);
        let event = Event {
            id,
            time: self.now,
            kind,
            object,
            cause,
            message: message.into(),
        };
        // Serializing plain structs of strings and integers cannot fail.
        self.log_hasher
            .update(serde_json::to_vec(&event).unwrap_or_default());
        self.log_hasher.update(b"\n");
        self.log.push(event);
        id
    }

    /// Checks that one more action fits in the queue.
    pub fn check_schedule(&self, command: &str) -> Result<()> {
        if self.queue.len() >= limits::MAX_SCHEDULED {
            return Err(CommandError::QueueFull {
                command: command.to_string(),
            });
        }
        Ok(())
    }

    /// Puts an action in the queue at `at`. Actions at equal times run in the order they were
    /// scheduled. Call `check_schedule` first.
    pub fn schedule(&mut self, at: SimTime, action: Action) {
        debug_assert!(at >= self.now, "scheduling into the past");
        self.queue.insert((at.max(self.now), self.next_seq), action);
        self.next_seq += 1;
    }

    /// Takes out of the queue every action `cancelled` selects (the remaining boot phases of a VM
    /// that was powered off), so that no later instant processes work that no longer applies.
    /// Returns how many were removed. The others keep their times and order.
    pub(crate) fn cancel_scheduled(&mut self, mut cancelled: impl FnMut(&Action) -> bool) -> usize {
        let before = self.queue.len();
        self.queue.retain(|_, action| !cancelled(action));
        before - self.queue.len()
    }

    /// Advances to the next instant with scheduled work and processes everything due then,
    /// including work scheduled for that same instant while processing. Returns the events it
    /// produced; empty means the simulation is idle (or paused by the session's budget).
    pub fn step(&mut self) -> &[Event] {
        let before = self.log.len();
        if self.is_paused() {
            return &self.log[before..];
        }
        let Some(t) = self.next_time() else {
            return &self.log[before..];
        };
        self.now = t;
        self.in_instant = true;
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 != t {
                break;
            }
            let action = entry.remove();
            self.apply(action);
        }
        self.in_instant = false;
        self.instants += 1;
        if let Some(b) = self.budget.as_mut() {
            *b = b.saturating_sub(1);
        }
        &self.log[before..]
    }

    /// Processes every instant up to `now + duration_ms`, then moves the clock to that deadline
    /// (recording a `ClockAdvanced` event caused by `cause` when the clock moves without work).
    pub fn run_for(&mut self, duration_ms: u64, cause: Option<EventId>) -> RunSummary {
        let deadline = self.now.plus_ms(duration_ms);
        let before = self.log.len();
        self.run_to(deadline, cause, 0, before)
    }

    /// The body of [`Sim::run_for`], also used to carry on a paused run: `steps` instants were
    /// already processed and the log was `before` long when the run began.
    pub(crate) fn run_to(
        &mut self,
        deadline: SimTime,
        cause: Option<EventId>,
        mut steps: u64,
        before: usize,
    ) -> RunSummary {
        while self.next_time().is_some_and(|t| t <= deadline) {
            if self.is_paused() {
                return RunSummary {
                    steps,
                    events: self.log.len() - before,
                    paused: true,
                };
            }
            self.step();
            steps += 1;
        }
        if self.now < deadline {
            let by_ms = deadline.as_ms() - self.now.as_ms();
            let from = self.now;
            self.now = deadline;
            self.record(
                EventKind::ClockAdvanced { by_ms },
                ObjectRef::new("clock", "sim"),
                cause,
                format!("clock advanced from {from} to {deadline}"),
            );
        }
        RunSummary {
            steps,
            events: self.log.len() - before,
            paused: false,
        }
    }

    /// True when a command may move time itself (it was typed, not run by the queue in the
    /// middle of an instant).
    pub(crate) fn can_wait(&self) -> bool {
        !self.in_instant
    }

    /// Steps until nothing is scheduled or `max_events` events have been recorded; returns the
    /// number of events recorded, or `None` when the limit stopped it with work still queued.
    pub fn run_until_idle(&mut self, max_events: usize) -> Option<usize> {
        let before = self.log.len();
        while self.next_time().is_some() {
            if self.log.len() - before >= max_events || self.is_paused() {
                return None;
            }
            self.step();
        }
        Some(self.log.len() - before)
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::RunCommand { line, scheduled_by } => {
                crate::command::run_scheduled(self, &line, scheduled_by);
            }
            Action::VmBootPhase {
                vm,
                boot,
                phase,
                scheduled_by,
            } => crate::host::finish_phase(self, &vm, boot, phase, scheduled_by),
            Action::ContainerStartPhase {
                container,
                start,
                phase,
                scheduled_by,
            } => crate::command::isolation::finish_start_phase(
                self,
                &container,
                start,
                phase,
                scheduled_by,
            ),
            Action::Workload {
                container,
                step,
                scheduled_by,
            } => crate::command::isolation::apply(self, &container, step, scheduled_by),
            Action::Cluster { work, scheduled_by } => {
                crate::cluster::state::run(self, work, scheduled_by)
            }
            Action::Traffic { scheduled_by } => crate::cluster::traffic::tick(self, scheduled_by),
        }
    }

    /// A stable hash (sha256, hex) of the canonical serialization of the event log: one JSON
    /// object per event, in log order, each followed by a newline. Same seed and same commands
    /// give the same hash, natively and in wasm.
    pub fn trace_hash(&self) -> String {
        hex(&self.log_hasher.clone().finalize())
    }

    /// A hash of everything that is simulation state (not the terminal history): tests use it to
    /// check that a failed command changed nothing.
    pub fn state_fingerprint(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.trace_hash().as_bytes());
        hasher.update(self.config.seed.to_le_bytes());
        hasher.update(self.now.as_ms().to_le_bytes());
        hasher.update(self.next_seq.to_le_bytes());
        hasher
            .update(serde_json::to_vec(&self.queue.iter().collect::<Vec<_>>()).unwrap_or_default());
        hasher.update(serde_json::to_vec(&self.workspace).unwrap_or_default());
        hasher.update(self.docker.fingerprint());
        hasher.update(self.registry.fingerprint());
        hasher.update(serde_json::to_vec(&self.host).unwrap_or_default());
        if let Some(c) = &self.cluster {
            hasher.update(c.fingerprint());
        }
        hasher.update(serde_json::to_vec(&self.traffic).unwrap_or_default());
        // The RNG's position: a clone draws the next value without disturbing the original.
        let mut rng = self.rng.clone();
        hasher.update(rand::RngCore::next_u64(&mut rng).to_le_bytes());
        hex(&hasher.finalize())
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}
