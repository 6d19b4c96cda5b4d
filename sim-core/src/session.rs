//! A session: the seed plus every input typed so far, and a cursor on the timeline of frames
//! those inputs produced. Going back (or anywhere) is deterministic replay from the seed.
//!
//! Frames: frame 0 is the start. Each input adds one frame per instant it processed (a `run`
//! that crossed five instants with work adds five; a `docker run`, one per phase of the
//! container's start), and at least one. So a student can step
//! back into the middle of a `run` and see the state after each instant.

use serde::Serialize;

use crate::command;
use crate::error::CommandError;
use crate::event::Event;
use crate::limits;
use crate::shell::{self, CommandLine};
use crate::sim::{Sim, SimConfig};
use crate::time::SimTime;

/// One input of the session: a command line, or text that failed to parse.
#[derive(Clone, Debug)]
struct Input {
    /// The text as the terminal echoes it (here-document bodies included).
    text: String,
    parsed: Result<CommandLine, CommandError>,
    /// When the student typed this while looking at the middle of an earlier `run`, that run is
    /// kept only up to the instant they were looking at.
    pause_after: Option<u64>,
    /// Frames it produced (≥ 1).
    frames: u64,
}

/// What one input printed, as the terminal shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Index of the input in the session.
    pub input: usize,
    /// The command text as typed.
    pub command: String,
    /// Its output (stdout).
    pub output: String,
    /// Its error message, if it failed (then it changed nothing, except a build whose RUN
    /// failed: that keeps the cache of the steps before it, see `command::Plan::EffectThenFail`).
    pub error: Option<String>,
    /// Simulated time after it ran.
    pub time: SimTime,
    /// Index into the event log of its first event.
    pub first_event: usize,
    /// Number of events it recorded.
    pub events: usize,
    /// False when the cursor stands in the middle of this input (a paused `run`).
    pub complete: bool,
}

impl Entry {
    /// True when the command failed.
    pub fn failed(&self) -> bool {
        self.error.is_some()
    }
}

/// A session of commands on one simulation, with a seekable timeline.
#[derive(Clone, Debug)]
pub struct Session {
    config: SimConfig,
    inputs: Vec<Input>,
    entries: Vec<Entry>,
    sim: Sim,
    /// The frame the simulation currently shows.
    frame: u64,
    /// Inputs fully applied to `sim` (the rest of `entries`, if any, is partial).
    applied: usize,
    /// Copies of the simulation at input boundaries, oldest first, so going back replays from
    /// the nearest one instead of from the seed. A copy is exactly the state replay would reach
    /// (the simulation is deterministic), so using one changes nothing a user can see.
    checkpoints: Vec<Checkpoint>,
    /// Whether checkpoints are taken (on unless a test compares with plain replay).
    checkpointing: bool,
}

/// The simulation after `applied` inputs, at `frame`.
#[derive(Clone, Debug)]
struct Checkpoint {
    applied: usize,
    frame: u64,
    sim: Sim,
}

/// Frames between checkpoints at first; the spacing doubles whenever there would be more than
/// [`MAX_CHECKPOINTS`], so a replay crosses at most about twice the spacing.
const CHECKPOINT_EVERY_FRAMES: u64 = 24;
/// The most checkpoints kept.
const MAX_CHECKPOINTS: usize = 32;
/// Checkpoints copy the event log; past this many events in all, older ones are thinned so a
/// very large cluster does not hold many copies of a long log.
const MAX_CHECKPOINT_EVENTS: usize = 400_000;

impl Session {
    /// A new session at frame 0.
    pub fn new(config: SimConfig) -> Session {
        Session {
            sim: Sim::new(config.clone()),
            config,
            inputs: Vec::new(),
            entries: Vec::new(),
            frame: 0,
            applied: 0,
            checkpoints: Vec::new(),
            checkpointing: true,
        }
    }

    /// Turns checkpoints off (and drops them) or on: seeking then replays from the seed, as a
    /// reference for tests and benchmarks. What a session shows is the same either way.
    pub fn set_checkpointing(&mut self, on: bool) {
        self.checkpointing = on;
        if !on {
            self.checkpoints.clear();
        }
    }

    /// The simulation as of the current frame.
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The terminal transcript up to the current frame.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The current frame.
    pub fn frame(&self) -> u64 {
        self.frame
    }

    /// The number of frames on the timeline (the last one is "now").
    pub fn total_frames(&self) -> u64 {
        self.inputs.iter().map(|i| i.frames).sum()
    }

    /// Every input's text, in order (what a share link or a script replays).
    pub fn inputs(&self) -> impl Iterator<Item = &str> {
        self.inputs.iter().map(|i| i.text.as_str())
    }

    /// True when the cursor stands before the end of the timeline.
    pub fn is_in_past(&self) -> bool {
        self.frame < self.total_frames()
    }

    /// Runs text typed at the terminal or read from a script: one input per command line.
    /// Text that does not parse becomes one failed input. If the cursor stands in the past,
    /// the future is dropped first (as with undo followed by a new action).
    pub fn submit(&mut self, text: &str) -> Vec<Entry> {
        let parsed: Vec<(String, Result<CommandLine, CommandError>)> =
            match shell::parse_script(text) {
                Ok(lines) => lines
                    .into_iter()
                    .map(|l| (display_text(&l), Ok(l)))
                    .collect(),
                Err(e) => vec![(text.trim_end_matches('\n').to_string(), Err(e))],
            };
        self.submit_parsed(parsed)
    }

    /// Runs one already parsed command line (a script runner parses the whole script first).
    pub fn submit_line(&mut self, line: CommandLine) -> Entry {
        let text = display_text(&line);
        self.submit_parsed(vec![(text, Ok(line))]).remove(0)
    }

    fn submit_parsed(
        &mut self,
        parsed: Vec<(String, Result<CommandLine, CommandError>)>,
    ) -> Vec<Entry> {
        self.truncate_future();
        let first = self.entries.len();
        for (text, parsed) in parsed {
            self.inputs.push(Input {
                text,
                parsed,
                pause_after: None,
                frames: 0,
            });
            let index = self.inputs.len() - 1;
            let entry = run_input(&mut self.sim, &mut self.inputs[index], index, None);
            self.entries.push(entry);
            self.applied += 1;
            self.frame += self.inputs[index].frames;
            self.maybe_checkpoint();
        }
        self.entries[first..].to_vec()
    }

    /// Drops every input after the cursor; a partly shown input is kept up to the cursor.
    fn truncate_future(&mut self) {
        if !self.is_in_past() {
            return;
        }
        if self.applied < self.entries.len() {
            // The cursor is inside input `applied`: keep it, paused where it stands.
            let index = self.applied;
            let start: u64 = self.inputs[..index].iter().map(|i| i.frames).sum();
            let shown = self.frame - start;
            self.inputs.truncate(index + 1);
            let input = &mut self.inputs[index];
            input.pause_after = Some(shown);
            input.frames = shown.max(1);
            if let Some(e) = self.entries.last_mut() {
                e.complete = true;
            }
            self.applied += 1;
            // A checkpoint after the paused input saw it whole: no longer what replay reaches.
            self.checkpoints.retain(|c| c.applied <= index);
        } else {
            self.inputs.truncate(self.applied);
            let applied = self.applied;
            self.checkpoints.retain(|c| c.applied <= applied);
        }
    }

    /// Keeps a copy of the simulation at this input boundary when the last one is far enough
    /// back.
    fn maybe_checkpoint(&mut self) {
        if !self.checkpointing || self.applied != self.entries.len() {
            return;
        }
        let last = self
            .checkpoints
            .last()
            .map_or((0, 0), |c| (c.applied, c.frame));
        if self.applied <= last.0 {
            return;
        }
        let spacing = self.checkpoint_spacing();
        if self.frame < last.1 + spacing {
            return;
        }
        self.checkpoints.push(Checkpoint {
            applied: self.applied,
            frame: self.frame,
            sim: self.sim.clone(),
        });
        let events: usize = self.checkpoints.iter().map(|c| c.sim.log().len()).sum();
        if self.checkpoints.len() > MAX_CHECKPOINTS || events > MAX_CHECKPOINT_EVENTS {
            // Keep every other one (the newest always stays).
            let n = self.checkpoints.len();
            let mut i = 0;
            self.checkpoints.retain(|_| {
                i += 1;
                (n - i).is_multiple_of(2)
            });
        }
    }

    /// The current spacing: doubled each time the checkpoints were thinned.
    fn checkpoint_spacing(&self) -> u64 {
        let mut spacing = CHECKPOINT_EVERY_FRAMES;
        while spacing.saturating_mul(MAX_CHECKPOINTS as u64) < self.frame {
            spacing = spacing.saturating_mul(2);
        }
        spacing
    }

    /// Moves the cursor to `frame` (clamped to the timeline) by deterministic replay.
    pub fn seek(&mut self, frame: u64) {
        let target = frame.min(self.total_frames());
        if target == self.frame {
            return;
        }
        let at_boundary = self.applied == self.entries.len();
        if !(target > self.frame && at_boundary) {
            // Replay from the nearest checkpoint at or before the target whose inputs' entries
            // are all known, else from the start; the inputs themselves do not change.
            let complete = self.applied;
            match self
                .checkpoints
                .iter()
                .rev()
                .find(|c| c.frame <= target && c.applied <= complete)
            {
                Some(c) => {
                    self.sim = c.sim.clone();
                    self.entries.truncate(c.applied);
                    self.applied = c.applied;
                    self.frame = c.frame;
                }
                None => {
                    self.sim = Sim::new(self.config.clone());
                    self.entries.clear();
                    self.applied = 0;
                    self.frame = 0;
                }
            }
        }
        while self.frame < target {
            let index = self.applied;
            let frames = self.inputs[index].frames;
            let remaining = target - self.frame;
            let budget = (remaining < frames).then_some(remaining);
            let mut input = self.inputs[index].clone();
            let mut entry = run_input(&mut self.sim, &mut input, index, budget);
            match budget {
                Some(b) => {
                    entry.complete = false;
                    self.entries.push(entry);
                    self.frame += b;
                    break;
                }
                None => {
                    self.entries.push(entry);
                    self.applied += 1;
                    self.frame += frames;
                    self.maybe_checkpoint();
                }
            }
        }
    }

    /// One frame forward (`false` when already at the end).
    pub fn step_forward(&mut self) -> bool {
        if !self.is_in_past() {
            return false;
        }
        self.seek(self.frame + 1);
        true
    }

    /// One frame back (`false` when already at the start).
    pub fn step_back(&mut self) -> bool {
        if self.frame == 0 {
            return false;
        }
        self.seek(self.frame - 1);
        true
    }

    /// The events recorded by one transcript entry.
    pub fn entry_events(&self, entry: &Entry) -> &[Event] {
        let log = self.sim.log();
        let start = entry.first_event.min(log.len());
        let end = (entry.first_event + entry.events).min(log.len());
        &log[start..end]
    }

    /// A plain-data summary of the session for the UI and the CLI.
    pub fn view(&self) -> SessionView {
        SessionView {
            seed: self.sim.config().seed,
            time_ms: self.sim.now().as_ms(),
            clock: self.sim.now().to_string(),
            frame: self.frame,
            total_frames: self.total_frames(),
            events: self.sim.log().len(),
            scheduled: self.sim.scheduled(),
            files: self.sim.workspace().len(),
            trace_hash: self.sim.trace_hash(),
        }
    }
}

/// Plain-data summary of a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SessionView {
    /// The seed in force.
    pub seed: u64,
    /// Simulated time in milliseconds.
    pub time_ms: u64,
    /// Simulated time as `HH:MM:SS`.
    pub clock: String,
    /// The current frame.
    pub frame: u64,
    /// Frames on the timeline.
    pub total_frames: u64,
    /// Events in the log.
    pub events: usize,
    /// Actions waiting in the queue.
    pub scheduled: usize,
    /// Workspace files.
    pub files: usize,
    /// The trace hash at the current frame.
    pub trace_hash: String,
}

/// The text the terminal echoes for a command line: its source, plus a here-document's body
/// and delimiter.
fn display_text(line: &CommandLine) -> String {
    match &line.heredoc {
        None => line.source.clone(),
        Some(h) => format!("{}\n{}{}", line.source, h.body, h.delimiter),
    }
}

/// Runs one input on the simulation; `budget` limits the instants it may process.
fn run_input(sim: &mut Sim, input: &mut Input, index: usize, budget: Option<u64>) -> Entry {
    if sim.history.len() >= limits::MAX_HISTORY {
        sim.history.remove(0);
    }
    sim.history.push(input.text.clone());
    let before_events = sim.log().len();
    let before_instants = sim.instants();
    let budget = match (budget, input.pause_after) {
        (Some(b), Some(p)) => Some(b.min(p)),
        (b, p) => b.or(p),
    };
    sim.set_budget(budget);
    let result = match &input.parsed {
        Ok(line) => command::execute(sim, line),
        Err(e) => Err(e.clone()),
    };
    sim.set_budget(None);
    let after_events = sim.log().len();
    // `reset` and `seed` start a new log.
    let first_event = if after_events < before_events {
        0
    } else {
        before_events
    };
    if input.frames == 0 {
        input.frames = sim.instants().saturating_sub(before_instants).max(1);
    }
    let (output, error) = match result {
        Ok(out) => (out, None),
        Err(e) => (String::new(), Some(e.to_string())),
    };
    Entry {
        input: index,
        command: input.text.clone(),
        output,
        error,
        time: sim.now(),
        first_event,
        events: after_events - first_event,
        complete: true,
    }
}
