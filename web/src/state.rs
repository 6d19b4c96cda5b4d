//! The app's state: one [`sim_core::Session`] behind an `Rc<RefCell<…>>`, and the few things
//! the UI keeps around it (a cached view, the timeline seen from its end, play/pause).
//!
//! Every action costs O(1) besides the session's own work: the log at the end of the timeline
//! is copied only when the cursor leaves the end (a seek back), never while stepping at it.
//!
//! Every user action becomes an [`Action`]; [`Sandbox::apply`] turns it into calls on the
//! session. Nothing here models the simulation: commands are sent as text, as typed.
//!
//! The session is shared, not cloned, between successive states; each action bumps
//! [`Sandbox::version`], which is what the components compare.
//!
//! A lesson ([`LessonRun`]) is a session started by [`lessons::runner::setup`], the intro's
//! demonstrations run on it as typed input, and the goals evaluated once per action from where
//! the student's part began. The lesson's command rules are enforced here, before text reaches
//! the session: a refused command is recorded beside the transcript ([`Refusal`]) and changes
//! nothing.

use std::cell::{Ref, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

use lessons::goal::Since;
use lessons::runner::{self, ScoreCard};
use lessons::share::Shared;
use lessons::{GoalStatus, Lesson, Page};
use sim_core::command::shell_quote;
use sim_core::{Event, Session, SessionView, SimConfig};
use yew::Reducible;

/// Something the user did to the simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Text typed at the terminal (one or more command lines).
    Submit(String),
    /// Move the cursor to a frame (the scrubber).
    Seek(u64),
    /// ⏮: one frame back.
    StepBack,
    /// ⏭: one frame forward when viewing the past, else the `step` command.
    Step,
    /// Jump to the end of the timeline.
    GoToNow,
    /// The `reset` command.
    Reset,
    /// The `seed N` command, with `N` as the user typed it.
    Seed(String),
    /// ⏯: start or stop playing.
    TogglePlay,
    /// Stop playing.
    Pause,
    /// One tick of the play timer.
    PlayTick,
    /// Open a lesson: a fresh session with the lesson's setup.
    OpenLesson(Rc<Lesson>),
    /// Leave the lesson for a fresh free sandbox.
    OpenSandbox,
    /// Run the demonstration of intro page `n` (as typed input, so it shows and animates).
    RunDemo(usize),
    /// Run the demonstrations not run yet and begin the student's part.
    StartExercise,
    /// Start the open lesson again from its setup.
    ResetLesson,
    /// Open a share link: the lesson (or the sandbox, `None`) and its commands, replayed.
    Replay(Option<Rc<Lesson>>, Rc<Shared>),
    /// The builder's "Try it": open a lesson, keeping the free sandbox's session aside so
    /// [`Action::BackToBuilder`] can return to it.
    TryLesson(Rc<Lesson>),
    /// Leave the tried lesson for the sandbox session kept aside (a fresh one when none is).
    BackToBuilder,
}

/// A lesson open in the sandbox.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonRun {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// Frames the setup took: the timeline cannot be stepped back before them.
    pub setup_frames: u64,
    /// Inputs the setup made (a share link leaves them out).
    pub setup_inputs: usize,
    /// Intro pages whose demonstration has run.
    pub demos_run: BTreeSet<usize>,
    /// Where the student's part began, once it has (goals count from here).
    pub since: Option<Since>,
    /// The frame the student's part began at (stepping back stops there).
    pub start_frame: Option<u64>,
    /// Counts openings and resets, so the pane's own state (page, hints) starts over.
    pub generation: u64,
    /// The setup or a demonstration failed (a lesson bug; shown, never a panic).
    pub error: Option<String>,
}

impl LessonRun {
    /// The first frame the transport may show.
    pub fn first_frame(&self) -> u64 {
        self.start_frame.unwrap_or(self.setup_frames)
    }
}

/// A command the lesson's rules refused: shown in the transcript, never submitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Terminal entries before it (it is shown after them).
    pub at: usize,
    /// The command as typed.
    pub command: String,
    /// The lesson's message, in both languages.
    pub message: lessons::Text,
}

/// A short notice shown under the transport controls, in the user's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Play was pressed with nothing to play.
    NothingToPlay,
}

/// The state of the page around one session.
#[derive(Clone, Debug)]
pub struct Sandbox {
    session: Rc<RefCell<Session>>,
    /// The event log as it stood at the end of the timeline when the cursor last left the end,
    /// so the stage can show the frames after the one being viewed (faded). Only read while the
    /// cursor is in the past (at the end, the session's own log is the timeline).
    future: Rc<Vec<Event>>,
    /// Simulated time at the end of the timeline, in milliseconds.
    end_time_ms: u64,
    /// The session's view at the current frame (computing it hashes the log: once per action).
    view: Rc<SessionView>,
    playing: bool,
    notice: Option<Notice>,
    version: u64,
    /// The seed the session started from (a share link's seed).
    base_seed: u64,
    lesson: Option<LessonRun>,
    /// Each goal's status at the current frame (all unmet before the student's part).
    goals: Rc<Vec<GoalStatus>>,
    /// The goal that became met last, for the screen reader's announcement.
    announce: Option<usize>,
    score: Option<ScoreCard>,
    refusals: Rc<Vec<Refusal>>,
    generations: u64,
    /// The free sandbox's session, kept aside while the builder's lesson is being tried.
    stashed: Option<(Rc<RefCell<Session>>, u64)>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new(SimConfig::default())
    }
}

impl PartialEq for Sandbox {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session) && self.version == other.version
    }
}

impl Sandbox {
    /// A fresh session at frame 0.
    pub fn new(config: SimConfig) -> Sandbox {
        let base_seed = config.seed;
        let session = Session::new(config);
        let view = Rc::new(session.view());
        Sandbox {
            session: Rc::new(RefCell::new(session)),
            future: Rc::default(),
            end_time_ms: 0,
            view,
            playing: false,
            notice: None,
            version: 0,
            base_seed,
            lesson: None,
            goals: Rc::default(),
            announce: None,
            score: None,
            refusals: Rc::default(),
            generations: 0,
            stashed: None,
        }
    }

    /// The open lesson, if any.
    pub fn lesson(&self) -> Option<&LessonRun> {
        self.lesson.as_ref()
    }

    /// Each goal's status at the current frame.
    pub fn goals(&self) -> &[GoalStatus] {
        &self.goals
    }

    /// True when a lesson is open, its student's part has begun and every goal is met.
    pub fn lesson_done(&self) -> bool {
        self.lesson.as_ref().is_some_and(|l| l.since.is_some())
            && !self.goals.is_empty()
            && self.goals.iter().all(|g| g.met)
    }

    /// The goal that became met last.
    pub fn announce(&self) -> Option<usize> {
        self.announce
    }

    /// The finished lesson's score, when it keeps one.
    pub fn score(&self) -> Option<&ScoreCard> {
        self.score.as_ref()
    }

    /// Commands the lesson refused, in order.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }

    /// The first frame the transport may show (after a lesson's setup; 0 in the sandbox).
    pub fn first_frame(&self) -> u64 {
        self.lesson.as_ref().map_or(0, LessonRun::first_frame)
    }

    /// The share link's fragment (without `#`) for the whole timeline: the seed and every
    /// input after the lesson's setup.
    pub fn share_fragment(&self) -> String {
        let session = self.session.borrow();
        crate::sharing::fragment(
            self.lesson.as_ref().map(|l| l.lesson.id.as_str()),
            self.base_seed,
            session.inputs(),
            self.lesson.as_ref().map_or(0, |l| l.setup_inputs),
        )
    }

    /// The seed the session started from.
    pub fn base_seed(&self) -> u64 {
        self.base_seed
    }

    /// True while a lesson from the builder is being tried (the sandbox's session is kept).
    pub fn trying(&self) -> bool {
        self.stashed.is_some()
    }

    /// What a share link (or an exported session file) holds for the whole timeline.
    pub fn shared(&self) -> Shared {
        let session = self.session.borrow();
        let skip = self.lesson.as_ref().map_or(0, |l| l.setup_inputs);
        Shared {
            lesson: self
                .lesson
                .as_ref()
                .map(|l| l.lesson.id.clone())
                .unwrap_or_default(),
            seed: self.base_seed,
            commands: session.inputs().skip(skip).map(str::to_string).collect(),
        }
    }

    /// The session, read-only.
    pub fn session(&self) -> Ref<'_, Session> {
        self.session.borrow()
    }

    /// Tells sessions apart while both are alive (caches keyed on a session also check what
    /// they read, since an address can be reused after a session is dropped).
    pub fn session_key(&self) -> usize {
        Rc::as_ptr(&self.session) as usize
    }

    /// The session's plain-data view at the current frame.
    pub fn view(&self) -> &SessionView {
        &self.view
    }

    /// Calls `f` with the event log at the end of the timeline when the current log is a prefix
    /// of it (the usual case); otherwise (at the end, or viewing a frame before a `reset`) with
    /// the current log alone. Events from index `sim().log().len()` on are the future.
    pub fn with_timeline<R>(&self, f: impl FnOnce(&[Event]) -> R) -> R {
        let session = self.session.borrow();
        let log = session.sim().log();
        if self.timeline_extends_log() {
            f(&self.future)
        } else {
            f(log)
        }
    }

    /// True when the timeline's end holds events after the current frame's log (so they are the
    /// future of the frame being viewed). O(1): the log at an earlier frame of the same
    /// timeline is a prefix of the log at its end (replay is deterministic), so the length and
    /// the last event tell a prefix from the log of a frame before a `reset`.
    pub fn timeline_extends_log(&self) -> bool {
        let session = self.session.borrow();
        if !session.is_in_past() {
            return false;
        }
        let log = session.sim().log();
        self.future.len() > log.len()
            && match log.last() {
                Some(last) => self.future.get(log.len() - 1) == Some(last),
                None => true,
            }
    }

    /// Simulated time at the end of the timeline, in milliseconds.
    pub fn end_time_ms(&self) -> u64 {
        self.end_time_ms
    }

    /// True while the play timer runs.
    pub fn playing(&self) -> bool {
        self.playing
    }

    /// The notice to show, if any.
    pub fn notice(&self) -> Option<Notice> {
        self.notice
    }

    /// Counts the actions applied; two states with the same version show the same thing.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The trace hash at the current frame.
    pub fn trace_hash(&self) -> &str {
        &self.view.trace_hash
    }

    /// Applies one action in place.
    pub fn apply(&mut self, action: Action) {
        self.notice = None;
        let floor = self.first_frame();
        let action = match action {
            Action::OpenLesson(lesson) => {
                self.stashed = None;
                self.open_lesson(lesson);
                return self.sync();
            }
            Action::TryLesson(lesson) => {
                if self.lesson.is_none() {
                    self.stashed = Some((self.session.clone(), self.base_seed));
                }
                self.open_lesson(lesson);
                return self.sync();
            }
            Action::BackToBuilder => {
                match self.stashed.take() {
                    Some((session, seed)) => {
                        self.replace_session(Session::new(SimConfig { seed }));
                        self.session = session;
                        self.base_seed = seed;
                    }
                    None => self.replace_session(Session::new(SimConfig::default())),
                }
                self.lesson = None;
                return self.sync();
            }
            Action::OpenSandbox => {
                self.stashed = None;
                self.replace_session(Session::new(SimConfig::default()));
                self.lesson = None;
                return self.sync();
            }
            Action::Replay(lesson, shared) => {
                self.stashed = None;
                self.replay(lesson, &shared);
                return self.sync();
            }
            Action::ResetLesson => {
                if let Some(lesson) = self.lesson.as_ref().map(|l| l.lesson.clone()) {
                    self.open_lesson(lesson);
                }
                return self.sync();
            }
            Action::RunDemo(page) => {
                self.run_demo(page);
                return self.sync();
            }
            Action::StartExercise => {
                self.start_exercise();
                return self.sync();
            }
            // In a lesson, the transport's reset starts the lesson over (a bare `reset` would
            // drop the setup the goals stand on).
            Action::Reset if self.lesson.is_some() => {
                return self.apply(Action::ResetLesson);
            }
            Action::Seed(text) if self.lesson.is_some() => {
                Action::Submit(shell_quote(&["seed".to_string(), text.trim().to_string()]))
            }
            Action::Submit(text) if self.lesson.is_some() => {
                if !self.allowed(&text) {
                    return self.sync();
                }
                // Typing before "Start the exercise" starts it: the demonstrations first.
                self.start_exercise();
                Action::Submit(text)
            }
            other => other,
        };
        {
            let mut session = self.session.borrow_mut();
            // Leaving the end of the timeline: keep its log for the stage's faded future (the
            // only copy of it; stepping and typing at the end copy nothing).
            let leaves_end = match action {
                Action::Seek(frame) => frame.max(floor) < session.total_frames(),
                Action::StepBack => session.frame() > floor,
                _ => false,
            };
            if leaves_end && !session.is_in_past() {
                self.future = Rc::new(session.sim().log().to_vec());
            }
            match action {
                Action::Submit(text) => {
                    session.submit(&text);
                    let at = session.entries().len();
                    if self.refusals.iter().any(|r| r.at > at) {
                        self.refusals = Rc::new(
                            self.refusals
                                .iter()
                                .filter(|r| r.at <= at)
                                .cloned()
                                .collect(),
                        );
                    }
                }
                Action::Seek(frame) => session.seek(frame.max(floor)),
                Action::StepBack => {
                    if session.frame() > floor {
                        session.step_back();
                    }
                }
                Action::Step => {
                    if !session.step_forward() {
                        session.submit("step");
                    }
                }
                Action::GoToNow => {
                    let end = session.total_frames();
                    session.seek(end);
                }
                Action::Reset => {
                    session.submit("reset");
                }
                Action::Seed(text) => {
                    let line = shell_quote(&["seed".to_string(), text.trim().to_string()]);
                    session.submit(&line);
                }
                Action::TogglePlay => {
                    if self.playing {
                        self.playing = false;
                    } else if has_more_to_play(&session) {
                        self.playing = true;
                    } else {
                        self.notice = Some(Notice::NothingToPlay);
                    }
                }
                Action::Pause => self.playing = false,
                Action::OpenLesson(_)
                | Action::OpenSandbox
                | Action::RunDemo(_)
                | Action::StartExercise
                | Action::ResetLesson
                | Action::Replay(..)
                | Action::TryLesson(_)
                | Action::BackToBuilder => {}
                Action::PlayTick => {
                    if self.playing {
                        if !session.step_forward() && session.sim().scheduled() > 0 {
                            // Live: the next instant, or under a lesson's declared time scale
                            // that many simulated seconds per second of play at 1×.
                            match play_run_ms(self.lesson.as_ref()) {
                                Some(ms) => session.submit(&format!(
                                    "run {}",
                                    sim_core::time::format_duration_ms(ms)
                                )),
                                None => session.submit("step"),
                            };
                        }
                        self.playing = has_more_to_play(&session);
                    }
                }
            }
        }
        self.sync();
    }

    /// Puts a new session in place of the old one (which earlier states keep).
    fn replace_session(&mut self, session: Session) {
        self.base_seed = session.view().seed;
        self.session = Rc::new(RefCell::new(session));
        self.future = Rc::default();
        self.end_time_ms = 0;
        self.playing = false;
        self.refusals = Rc::default();
        self.goals = Rc::default();
        self.announce = None;
        self.score = None;
    }

    fn open_lesson(&mut self, lesson: Rc<Lesson>) {
        let (session, error) = match runner::setup(&lesson) {
            Ok(s) => (s, None),
            Err(e) => (
                Session::new(SimConfig { seed: lesson.seed }),
                Some(e.to_string()),
            ),
        };
        let setup_frames = session.total_frames();
        let setup_inputs = session.inputs().count();
        self.replace_session(session);
        self.generations += 1;
        self.lesson = Some(LessonRun {
            lesson,
            setup_frames,
            setup_inputs,
            demos_run: BTreeSet::new(),
            since: None,
            start_frame: None,
            generation: self.generations,
            error,
        });
    }

    /// Checks typed text against the open lesson's rules; a refusal is recorded.
    fn allowed(&mut self, text: &str) -> bool {
        let Some(run) = &self.lesson else {
            return true;
        };
        match run.lesson.command_allowed(text) {
            Ok(()) => true,
            Err(message) => {
                let at = self.session.borrow().entries().len();
                let mut refusals: Vec<Refusal> = self
                    .refusals
                    .iter()
                    .filter(|r| r.at <= at)
                    .cloned()
                    .collect();
                refusals.push(Refusal {
                    at,
                    command: text.trim_end_matches('\n').to_string(),
                    message,
                });
                // Bounded like the terminal's history.
                let excess = refusals.len().saturating_sub(sim_core::limits::MAX_HISTORY);
                refusals.drain(..excess);
                self.refusals = Rc::new(refusals);
                false
            }
        }
    }

    fn run_demo(&mut self, page: usize) {
        let Some(run) = self.lesson.as_mut() else {
            return;
        };
        let Some(Page::Demo(demo)) = run.lesson.intro.get(page) else {
            return;
        };
        if run.demos_run.contains(&page) {
            return;
        }
        let entries = self.session.borrow_mut().submit(&demo.command);
        if let Some(e) = entries.iter().find(|e| e.error.is_some()) {
            run.error = Some(format!(
                "\"{}\": {}",
                e.command,
                e.error.as_deref().unwrap_or_default()
            ));
        }
        run.demos_run.insert(page);
    }

    fn start_exercise(&mut self) {
        let Some(run) = self.lesson.as_ref() else {
            return;
        };
        if run.since.is_some() {
            return;
        }
        for page in 0..run.lesson.intro.len() {
            self.run_demo(page);
        }
        let session = self.session.borrow();
        let since = runner::since(&session);
        let frame = session.frame();
        drop(session);
        if let Some(run) = self.lesson.as_mut() {
            run.since = Some(since);
            run.start_frame = Some(frame);
        }
    }

    fn replay(&mut self, lesson: Option<Rc<Lesson>>, shared: &Shared) {
        let Some(lesson) = lesson else {
            self.replace_session(Session::new(SimConfig { seed: shared.seed }));
            self.lesson = None;
            let mut session = self.session.borrow_mut();
            for c in &shared.commands {
                session.submit(c);
            }
            return;
        };
        // The link's seed wins: it is what the sharer's session ran with.
        let lesson = if lesson.seed == shared.seed {
            lesson
        } else {
            Rc::new(Lesson {
                seed: shared.seed,
                ..(*lesson).clone()
            })
        };
        self.open_lesson(lesson.clone());
        let (demos, start) = lessons::runner::split_demos(&lesson, &shared.commands);
        let mut session = self.session.borrow_mut();
        let mut since = None;
        for (i, c) in shared.commands.iter().enumerate() {
            if start == Some(i) {
                since = Some((runner::since(&session), session.frame()));
            }
            session.submit(c);
        }
        if start == Some(shared.commands.len()) {
            since = Some((runner::since(&session), session.frame()));
        }
        drop(session);
        if let Some(run) = self.lesson.as_mut() {
            run.demos_run = demos;
            run.since = since.map(|s| s.0);
            run.start_frame = since.map(|s| s.1);
        }
    }

    /// Refreshes the cached view and, at the end of the timeline, its end time.
    fn sync(&mut self) {
        let session = self.session.borrow();
        self.view = Rc::new(session.view());
        if !session.is_in_past() {
            if !self.future.is_empty() {
                self.future = Rc::default();
            }
            self.end_time_ms = session.sim().now().as_ms();
        }
        // Goals: once per action, never per render.
        if let Some(run) = &self.lesson {
            let goals = match run.since {
                Some(since) => runner::goals(&run.lesson, &session, since),
                None => vec![
                    GoalStatus {
                        met: false,
                        progress: String::new(),
                    };
                    run.lesson.goals.len()
                ],
            };
            if let Some(newly) = goals
                .iter()
                .zip(self.goals.iter())
                .rposition(|(new, old)| new.met && !old.met)
            {
                self.announce = Some(newly);
            }
            let done = run.since.is_some() && goals.iter().all(|g| g.met);
            self.score = done
                .then(|| runner::score(&run.lesson, &session, run.since.unwrap_or_default()))
                .flatten();
            self.goals = Rc::new(goals);
        }
        drop(session);
        self.version += 1;
    }
}

/// True while play has something to do: frames ahead of the cursor, or scheduled work.
/// Simulated milliseconds one play tick runs when a lesson declares a time scale above 1:
/// the scale times a tick at 1× ([`crate::controls::BASE_TICK_MS`]), so playing at 1× moves
/// simulated time that many times faster than the wall clock (and 2× twice that).
fn play_run_ms(lesson: Option<&LessonRun>) -> Option<u64> {
    let scale = lesson?.lesson.time_scale.filter(|n| *n > 1)?;
    Some(u64::from(scale) * u64::from(crate::controls::BASE_TICK_MS))
}

fn has_more_to_play(session: &Session) -> bool {
    session.is_in_past() || session.sim().scheduled() > 0
}

impl Reducible for Sandbox {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = Rc::unwrap_or_clone(self);
        next.apply(action);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(actions: impl IntoIterator<Item = Action>) -> Sandbox {
        let mut s = Sandbox::default();
        for a in actions {
            s.apply(a);
        }
        s
    }

    #[test]
    fn the_same_script_gives_the_same_hash_and_seeking_replays_it() {
        let script = "cat > hello.txt <<EOF\nhello\nEOF\nafter 10s echo hi\nrun 30s\n";
        let a = run([Action::Submit(script.into())]);
        let b = run([Action::Submit(script.into())]);
        assert_eq!(a.trace_hash(), b.trace_hash());
        let mut c = a.clone();
        c.apply(Action::Seek(0));
        assert_ne!(c.trace_hash(), a.trace_hash());
        c.apply(Action::GoToNow);
        assert_eq!(c.trace_hash(), b.trace_hash());
    }

    #[test]
    fn step_moves_forward_in_the_past_and_runs_step_at_the_end() {
        let mut s = run([Action::Submit("after 10s echo hi".into())]);
        let frames = s.session().total_frames();
        s.apply(Action::StepBack);
        assert_eq!(s.session().frame(), frames - 1);
        s.apply(Action::Step);
        assert_eq!(s.session().frame(), frames);
        assert_eq!(s.session().entries().len(), 1);
        s.apply(Action::Step);
        assert_eq!(s.session().entries().last().unwrap().command, "step");
        assert_eq!(s.view().clock, "00:00:10");
    }

    #[test]
    fn play_advances_until_idle_then_stops() {
        let mut s = run([Action::Submit("after 1s echo a\nafter 2s echo b".into())]);
        s.apply(Action::TogglePlay);
        assert!(s.playing());
        s.apply(Action::PlayTick);
        assert!(s.playing(), "one action still scheduled");
        s.apply(Action::PlayTick);
        assert!(!s.playing(), "idle after the second step");
        assert_eq!(s.view().clock, "00:00:02");
        s.apply(Action::TogglePlay);
        assert!(!s.playing());
        assert_eq!(s.notice(), Some(Notice::NothingToPlay));
    }

    #[test]
    fn the_timeline_keeps_the_future_while_viewing_the_past() {
        let mut s = run([Action::Submit("after 10s echo hi\nrun 30s".into())]);
        let all = s.with_timeline(|t| t.to_vec());
        assert_eq!(all.as_slice(), s.session().sim().log());
        s.apply(Action::Seek(1));
        assert_eq!(s.with_timeline(|t| t.to_vec()), all);
        assert!(s.timeline_extends_log());
        assert!(s.session().sim().log().len() < all.len());
        assert_eq!(s.end_time_ms(), 30_000);
        s.apply(Action::Seek(0));
        assert!(s.timeline_extends_log());
        s.apply(Action::Step);
        assert_eq!(s.session().frame(), 1);
        assert!(s.timeline_extends_log());
        assert_eq!(s.with_timeline(|t| t.to_vec()), all);
        // Typing in the past drops the future, and the timeline follows.
        s.apply(Action::Submit("ls".into()));
        assert!(!s.timeline_extends_log());
        let end = s.with_timeline(|t| t.to_vec());
        assert_eq!(end.as_slice(), s.session().sim().log());
        assert_eq!(end.last().map(|e| e.message.as_str()), Some("$ ls"));
    }

    #[test]
    fn stepping_back_from_the_end_keeps_the_future_for_the_stage() {
        let mut s = run([Action::Submit("after 10s echo hi\nrun 30s".into())]);
        let all = s.session().sim().log().to_vec();
        s.apply(Action::StepBack);
        assert!(s.session().is_in_past());
        assert!(s.timeline_extends_log());
        assert_eq!(s.with_timeline(|t| t.to_vec()), all);
    }

    #[test]
    fn a_seed_typed_with_shell_syntax_stays_one_argument() {
        let s = run([Action::Seed("7; ls".into())]);
        let entry = s.session().entries()[0].clone();
        assert_eq!(entry.command, "seed '7; ls'");
        assert!(entry.failed());
        let s = run([Action::Seed(" 42 ".into())]);
        assert_eq!(s.view().seed, 42);
    }

    fn lesson() -> Rc<Lesson> {
        Rc::new(
            lessons::builtin()
                .lesson("containers-vs-vms")
                .expect("lesson 1 is in the course")
                .clone(),
        )
    }

    #[test]
    fn a_command_the_lesson_refuses_is_shown_and_changes_nothing() {
        let mut s = run([Action::OpenLesson(lesson())]);
        let before = (s.trace_hash().to_string(), s.session().inputs().count());
        s.apply(Action::Submit("kubectl get pods".into()));
        assert_eq!(
            (s.trace_hash().to_string(), s.session().inputs().count()),
            before
        );
        assert_eq!(s.refusals().len(), 1);
        let message = &s.refusals()[0].message;
        assert!(message.en.contains("kubectl: not available in this lesson"));
        assert!(message
            .ko
            .contains("kubectl: 이 레슨에서는 쓸 수 없는 명령이에요"));
        assert!(
            s.lesson().unwrap().since.is_none(),
            "a refusal starts nothing"
        );
    }

    #[test]
    fn the_solution_meets_every_goal_and_a_share_link_lands_on_the_same_state() {
        let l = lesson();
        let mut s = run([Action::OpenLesson(l.clone()), Action::RunDemo(1)]);
        assert!(s.lesson().unwrap().demos_run.contains(&1));
        s.apply(Action::StartExercise);
        assert!(!s.lesson_done());
        s.apply(Action::Submit(l.solution.clone()));
        assert!(s.lesson_done(), "{:?}", s.goals());
        assert!(s.announce().is_some());
        let shared = lessons::share::decode(&s.share_fragment()).unwrap();
        assert_eq!(shared.lesson, l.id);
        let r = run([Action::Replay(Some(l), Rc::new(shared))]);
        assert_eq!(r.trace_hash(), s.trace_hash());
        assert!(r.lesson_done());
    }

    #[test]
    fn playing_live_under_a_declared_time_scale_runs_that_many_seconds_per_second() {
        let course = lessons::builtin();
        let mut scaled = course.lesson("orchestration").expect("lesson 7").clone();
        scaled.time_scale = Some(30);
        let mut plain = scaled.clone();
        plain.time_scale = None;
        let plain = Rc::new(plain);
        let play_once = |lesson: Rc<Lesson>| {
            let mut s = run([Action::OpenLesson(lesson), Action::StartExercise]);
            let before = s.view().time_ms;
            s.apply(Action::TogglePlay);
            assert!(s.playing(), "the cluster always has work queued");
            s.apply(Action::PlayTick);
            let last = s
                .session()
                .entries()
                .last()
                .expect("an entry")
                .command
                .clone();
            (last, s.view().time_ms - before)
        };
        // 30 simulated seconds per second at 1×: one 0.8 s tick runs 24 s.
        assert_eq!(play_once(Rc::new(scaled)), ("run 24s".to_string(), 24_000));
        let (command, advanced) = play_once(plain);
        assert_eq!(command, "step");
        assert!(advanced < 24_000, "{advanced}");
    }

    #[test]
    fn typing_before_start_runs_the_demonstrations_first_and_step_back_stops_there() {
        let mut s = run([Action::OpenLesson(lesson())]);
        s.apply(Action::Submit("vm list".into()));
        let run_ = s.lesson().unwrap().clone();
        assert!(run_.since.is_some());
        assert_eq!(s.session().entries()[0].command, "host show");
        let first = s.first_frame();
        assert!(first > 0);
        for _ in 0..10 {
            s.apply(Action::StepBack);
        }
        assert_eq!(s.session().frame(), first);
        s.apply(Action::Seek(0));
        assert_eq!(s.session().frame(), first);
    }

    #[test]
    fn trying_a_lesson_keeps_the_sandbox_session_for_the_way_back() {
        let mut s = run([
            Action::Seed("5".into()),
            Action::Submit("after 5s echo hi\nrun 10s".into()),
        ]);
        let hash = s.trace_hash().to_string();
        let inputs = s.session().inputs().count();
        let seed = s.base_seed();
        s.apply(Action::TryLesson(lesson()));
        assert!(s.trying() && s.lesson().is_some());
        s.apply(Action::Submit("vm list".into()));
        s.apply(Action::BackToBuilder);
        assert!(!s.trying() && s.lesson().is_none());
        assert_eq!(s.trace_hash(), hash);
        assert_eq!(s.session().inputs().count(), inputs);
        assert_eq!(s.base_seed(), seed);
        assert_eq!(s.shared().commands.len(), inputs);
    }

    #[test]
    fn a_sandbox_share_link_replays_from_its_seed() {
        let s = run([
            Action::Seed("7".into()),
            Action::Submit("after 5s echo hi\nrun 10s".into()),
        ]);
        let shared = lessons::share::decode(&s.share_fragment()).unwrap();
        assert_eq!(shared.lesson, "");
        let r = run([Action::Replay(None, Rc::new(shared))]);
        assert_eq!(r.trace_hash(), s.trace_hash());
        assert!(r.lesson().is_none());
    }
}
