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
    /// Every input's complete transcript entry, as it was when typed (replay gives the same), so
    /// a checkpoint ahead of the cursor can be used without replaying the inputs before it.
    transcript: Vec<Entry>,
}

/// The simulation after `applied` inputs, at `frame`; or, with `within`, part-way through
/// input `applied` (a `run` the budget paused), whose transcript entry starts at event
/// `within`.
#[derive(Clone, Debug)]
struct Checkpoint {
    applied: usize,
    frame: u64,
    sim: Sim,
    within: Option<usize>,
}

/// Frames between checkpoints at least; the spacing doubles whenever there would be more than
/// [`MAX_CHECKPOINTS`], so a replay crosses at most about twice the spacing.
const CHECKPOINT_EVERY_FRAMES: u64 = 8;
/// A copy costs about as much as its event log is long; one is taken at most every
/// `log length / this` frames, so copying stays a small part of replaying (a 150,000-event
/// cluster copies every ~2,300 frames, a lesson every 8).
const EVENTS_PER_SPACING_FRAME: u64 = 64;
/// The most checkpoints kept.
const MAX_CHECKPOINTS: usize = 128;
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
            transcript: Vec::new(),
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

    /// The simulation as of the current frame, the timeline and its checkpoints dropped (a
    /// measurement of what the model alone holds starts here: `tests/memory.rs`).
    pub fn into_sim(self) -> Sim {
        self.sim
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
                    .map(|l| (l.display_text(), Ok(l)))
                    .collect(),
                Err(e) => vec![(text.trim_end_matches('\n').to_string(), Err(e))],
            };
        self.submit_parsed(parsed)
    }

    /// Runs one already parsed command line (a script runner parses the whole script first).
    pub fn submit_line(&mut self, line: CommandLine) -> Entry {
        let text = line.display_text();
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
            let entry = if self.checkpointing && is_run(&self.inputs[index]) {
                self.run_in_pieces(index)
            } else {
                run_input(&mut self.sim, &mut self.inputs[index], index, None)
            };
            self.transcript.push(entry.clone());
            self.entries.push(entry);
            self.applied += 1;
            self.frame += self.inputs[index].frames;
            self.maybe_checkpoint();
        }
        self.entries[first..].to_vec()
    }

    /// Runs a newly typed `run` (input `index`, at the end of the timeline) a spacing of frames
    /// at a time, leaving a checkpoint after each piece, so that jumping into it later replays
    /// one piece at most. Carrying on a paused run is exact, so the entry and the state are those
    /// of one uninterrupted run.
    fn run_in_pieces(&mut self, index: usize) -> Entry {
        let spacing = self.checkpoint_spacing();
        let instants_before = self.sim.instants();
        let mut entry = run_input(&mut self.sim, &mut self.inputs[index], index, Some(spacing));
        // A new input has no pause of its own, so a paused run here is the end of a piece.
        while self.sim.paused_run.is_some() {
            let done = self.sim.instants() - instants_before;
            let at = self.frame;
            self.frame = at + done;
            self.add_checkpoint(Some(entry.first_event));
            self.frame = at;
            let input = self.inputs[index].clone();
            entry = resume_input(
                &mut self.sim,
                &input,
                index,
                Some(spacing),
                done,
                entry.first_event,
            );
            if self.sim.instants() - instants_before == done {
                break;
            }
        }
        self.inputs[index].frames = (self.sim.instants() - instants_before).max(1);
        entry
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
            self.transcript.truncate(index);
            self.transcript.extend(self.entries.last().cloned());
            self.applied += 1;
            // A checkpoint after the paused input saw it whole, or saw more of it than is kept:
            // no longer what replay reaches.
            let frame = self.frame;
            self.checkpoints.retain(|c| {
                c.applied < index
                    || (c.applied == index && (c.within.is_none() || c.frame <= frame))
            });
        } else {
            self.inputs.truncate(self.applied);
            self.transcript.truncate(self.applied);
            let applied = self.applied;
            self.checkpoints
                .retain(|c| c.applied < applied || (c.applied == applied && c.within.is_none()));
        }
    }

    /// Keeps a copy of the simulation at this input boundary when the last one is far enough
    /// back.
    fn maybe_checkpoint(&mut self) {
        if self.applied != self.entries.len() {
            return;
        }
        self.add_checkpoint(None);
    }

    /// Keeps a copy of the simulation here (at an input boundary, or part-way through input
    /// `applied` with `within`) unless one is less than the spacing before it. Checkpoints stay
    /// sorted by frame.
    fn add_checkpoint(&mut self, within: Option<usize>) {
        if !self.checkpointing {
            return;
        }
        let spacing = self.checkpoint_spacing();
        let at = self.checkpoints.partition_point(|c| c.frame <= self.frame);
        if at > 0 {
            let prev = &self.checkpoints[at - 1];
            if prev.frame + spacing > self.frame {
                return;
            }
        }
        self.checkpoints.insert(
            at,
            Checkpoint {
                applied: self.applied,
                frame: self.frame,
                sim: self.sim.clone(),
                within,
            },
        );
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
        let by_size = self.sim.log().len() as u64 / EVENTS_PER_SPACING_FRAME;
        let mut spacing = CHECKPOINT_EVERY_FRAMES.max(by_size);
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
        // The nearest checkpoint before the target (one part-way through a run must be strictly
        // before it: the run's transcript entry is made by carrying the run on).
        let best = self
            .checkpoints
            .iter()
            .rev()
            .position(|c| c.frame < target || (c.frame == target && c.within.is_none()))
            .map(|i| self.checkpoints.len() - 1 - i);
        let ahead = best.is_some_and(|i| self.checkpoints[i].frame > self.frame);
        let carry_on = target > self.frame
            && !ahead
            && (at_boundary
                || (self.sim.paused_run.is_some()
                    && self.inputs.get(self.applied).is_some_and(is_run)));
        let mut resume = None;
        if carry_on {
            if !at_boundary {
                // Part-way through a `run`: carry on from here.
                resume = self.entries.pop().map(|e| e.first_event);
            }
        } else {
            // Replay from the nearest checkpoint, else from the start; the inputs themselves
            // do not change.
            match best.map(|i| &self.checkpoints[i]) {
                Some(c) => {
                    self.sim = c.sim.clone();
                    self.entries.clear();
                    self.entries
                        .extend_from_slice(&self.transcript[..c.applied]);
                    self.applied = c.applied;
                    self.frame = c.frame;
                    resume = c.within;
                }
                None => {
                    self.sim = Sim::new(self.config.clone());
                    self.entries.clear();
                    self.applied = 0;
                    self.frame = 0;
                }
            }
        }
        let mut input_start: u64 = self.inputs[..self.applied.min(self.inputs.len())]
            .iter()
            .map(|i| i.frames)
            .sum();
        while self.frame < target {
            let index = self.applied;
            let frames = self.inputs[index].frames;
            let done = self.frame - input_start;
            let left_in_input = frames - done;
            let wanted = target - self.frame;
            let resumable = is_run(&self.inputs[index]);
            let spacing = self.checkpoint_spacing();
            // A long stretch of a `run` goes in pieces, each ending in a checkpoint, so the
            // next jump into it replays one piece at most.
            let budget = if self.checkpointing && resumable && wanted.min(left_in_input) > spacing {
                Some(spacing)
            } else {
                (wanted < left_in_input).then_some(wanted)
            };
            let mut input = self.inputs[index].clone();
            let mut entry = match resume.take() {
                Some(first_event) => {
                    resume_input(&mut self.sim, &input, index, budget, done, first_event)
                }
                None => run_input(&mut self.sim, &mut input, index, budget),
            };
            match budget {
                Some(b) => {
                    self.frame += b;
                    if self.frame < target && self.sim.paused_run.is_some() {
                        resume = Some(entry.first_event);
                        self.add_checkpoint(resume);
                        continue;
                    }
                    entry.complete = false;
                    self.entries.push(entry);
                    break;
                }
                None => {
                    self.entries.push(entry);
                    self.applied += 1;
                    self.frame += left_in_input;
                    input_start += frames;
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

/// True for an input that is a `run` command: one the session can pause and carry on.
fn is_run(input: &Input) -> bool {
    matches!(&input.parsed, Ok(l) if l.words.first().map(String::as_str) == Some("run") && l.words.len() == 2)
}

/// Carries on input `index`, a `run` paused after `done` of its frames (its entry starts at
/// event `first_event`); `budget` limits the instants it may process now.
fn resume_input(
    sim: &mut Sim,
    input: &Input,
    index: usize,
    budget: Option<u64>,
    done: u64,
    first_event: usize,
) -> Entry {
    let budget = match (budget, input.pause_after) {
        (Some(b), Some(p)) => Some(b.min(p.saturating_sub(done))),
        (b, p) => b.or(p.map(|p| p.saturating_sub(done))),
    };
    sim.set_budget(budget);
    let output = command::resume_run(sim).unwrap_or_default();
    sim.set_budget(None);
    Entry {
        input: index,
        command: input.text.clone(),
        output,
        error: None,
        time: sim.now(),
        first_event,
        events: sim.log().len() - first_event,
        complete: true,
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
