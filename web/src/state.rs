//! The app's state: one [`sim_core::Session`] behind an `Rc<RefCell<…>>`, and the few things
//! the UI keeps around it (a cached view, the timeline seen from its end, play/pause).
//!
//! Every user action becomes an [`Action`]; [`Sandbox::apply`] turns it into calls on the
//! session. Nothing here models the simulation: commands are sent as text, as typed.
//!
//! The session is shared, not cloned, between successive states; each action bumps
//! [`Sandbox::version`], which is what the components compare.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

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
    /// The event log as it stands at the end of the timeline, so the stage can show the frames
    /// after the one being viewed (faded). Updated whenever the cursor is at the end.
    timeline: Rc<RefCell<Vec<Event>>>,
    /// Simulated time at the end of the timeline, in milliseconds.
    end_time_ms: u64,
    /// The session's view at the current frame (computing it hashes the log: once per action).
    view: Rc<SessionView>,
    playing: bool,
    notice: Option<Notice>,
    version: u64,
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
        let session = Session::new(config);
        let view = Rc::new(session.view());
        Sandbox {
            session: Rc::new(RefCell::new(session)),
            timeline: Rc::default(),
            end_time_ms: 0,
            view,
            playing: false,
            notice: None,
            version: 0,
        }
    }

    /// The session, read-only.
    pub fn session(&self) -> Ref<'_, Session> {
        self.session.borrow()
    }

    /// The session's plain-data view at the current frame.
    pub fn view(&self) -> &SessionView {
        &self.view
    }

    /// The event log at the end of the timeline when the current log is a prefix of it (the
    /// usual case); otherwise (viewing a frame before a `reset`) the current log alone.
    pub fn timeline(&self) -> Ref<'_, Vec<Event>> {
        self.timeline.borrow()
    }

    /// True when [`Sandbox::timeline`] extends the current log (so its extra events are the
    /// future of the frame being viewed).
    pub fn timeline_extends_log(&self) -> bool {
        let timeline = self.timeline.borrow();
        timeline.starts_with(self.session.borrow().sim().log())
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
        {
            let mut session = self.session.borrow_mut();
            match action {
                Action::Submit(text) => {
                    session.submit(&text);
                }
                Action::Seek(frame) => session.seek(frame),
                Action::StepBack => {
                    session.step_back();
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
                Action::PlayTick => {
                    if self.playing {
                        if !session.step_forward() && session.sim().scheduled() > 0 {
                            session.submit("step");
                        }
                        self.playing = has_more_to_play(&session);
                    }
                }
            }
        }
        self.sync();
    }

    /// Refreshes the cached view and, at the end of the timeline, the timeline itself.
    fn sync(&mut self) {
        let session = self.session.borrow();
        self.view = Rc::new(session.view());
        if !session.is_in_past() {
            let log = session.sim().log();
            let mut timeline = self.timeline.borrow_mut();
            if log.starts_with(&timeline) {
                let known = timeline.len();
                timeline.extend_from_slice(&log[known..]);
            } else {
                *timeline = log.to_vec();
            }
            self.end_time_ms = session.sim().now().as_ms();
        }
        self.version += 1;
    }
}

/// True while play has something to do: frames ahead of the cursor, or scheduled work.
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
        let all = s.timeline().len();
        s.apply(Action::Seek(1));
        assert_eq!(s.timeline().len(), all);
        assert!(s.timeline_extends_log());
        assert!(s.session().sim().log().len() < all);
        assert_eq!(s.end_time_ms(), 30_000);
        // Typing in the past drops the future, and the timeline follows.
        s.apply(Action::Submit("ls".into()));
        assert_eq!(s.timeline().as_slice(), s.session().sim().log());
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
}
