//! Running a lesson headlessly: the same steps the app takes, as one function.
//!
//! A lesson's session is: the setup script, then each intro demonstration's command in order
//! (the app runs the ones the student did not run when the exercise starts), then the student's
//! commands. Goals about history ("an event happened", "a command ran") count only what came
//! after the demonstrations.

use std::collections::BTreeSet;

use serde::Serialize;
use sim_core::{Entry, Session, SimConfig};

use crate::goal::{GoalStatus, Since};
use crate::{Lesson, Page};

/// A lesson's session, started: setup and demonstrations done.
#[derive(Clone, Debug)]
pub struct Started {
    /// The session, ready for the student.
    pub session: Session,
    /// Where the student's part begins.
    pub since: Since,
    /// Frames the setup took (the app does not step back into the setup).
    pub setup_frames: u64,
}

/// Why a lesson could not be started or solved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// A setup command failed.
    #[error("setup command \"{command}\" failed: {error}")]
    Setup {
        /// The command.
        command: String,
        /// Its error.
        error: String,
    },
    /// A demonstration's command failed.
    #[error("demonstration {page} (\"{command}\") failed: {error}")]
    Demo {
        /// The intro page (from 0).
        page: usize,
        /// The command.
        command: String,
        /// Its error.
        error: String,
    },
}

/// Runs a lesson's setup; the demonstrations are left for the app to run page by page.
pub fn setup(lesson: &Lesson) -> Result<Session, RunError> {
    let mut session = Session::new(SimConfig { seed: lesson.seed });
    for e in session.submit(&lesson.setup) {
        if let Some(error) = e.error {
            return Err(RunError::Setup {
                command: e.command,
                error,
            });
        }
    }
    Ok(session)
}

/// Runs one demonstration's command (intro page `page`) on the lesson's session.
pub fn run_demo(lesson: &Lesson, session: &mut Session, page: usize) -> Result<(), RunError> {
    let Some(Page::Demo(d)) = lesson.intro.get(page) else {
        return Ok(());
    };
    for e in session.submit(&d.command) {
        if let Some(error) = e.error {
            return Err(RunError::Demo {
                page,
                command: e.command,
                error,
            });
        }
    }
    Ok(())
}

/// Where the student's part begins in `session`.
pub fn since(session: &Session) -> Since {
    Since {
        events: session.sim().log().len(),
        entries: session.entries().len(),
    }
}

/// Setup, then every demonstration: the state the student starts the exercise from.
pub fn start(lesson: &Lesson) -> Result<Started, RunError> {
    let mut session = setup(lesson)?;
    let setup_frames = session.total_frames();
    for page in 0..lesson.intro.len() {
        run_demo(lesson, &mut session, page)?;
    }
    let since = since(&session);
    Ok(Started {
        session,
        since,
        setup_frames,
    })
}

/// Every goal's status on `session`.
pub fn goals(lesson: &Lesson, session: &Session, since: Since) -> Vec<GoalStatus> {
    lesson
        .goals
        .iter()
        .map(|g| g.check.status(session.sim(), session.entries(), since))
        .collect()
}

/// The outcome of running a lesson's reference solution.
#[derive(Clone, Debug, Serialize)]
pub struct Solved {
    /// The lesson id.
    pub id: String,
    /// Each goal's status right after the demonstrations (none may be met by all of them).
    pub before: Vec<GoalStatus>,
    /// Each goal's status after the solution.
    pub after: Vec<GoalStatus>,
    /// The solution's commands that failed (a reference solution has none).
    pub failed: Vec<(String, String)>,
    /// The transcript: setup, demonstrations and solution, as a terminal shows them.
    pub transcript: String,
    /// The trace hash at the end.
    pub trace_hash: String,
}

impl Solved {
    /// Every goal is met, no solution command failed, and the goals were not all met before.
    pub fn passed(&self) -> bool {
        self.failed.is_empty()
            && self.after.iter().all(|g| g.met)
            && !self.before.iter().all(|g| g.met)
    }
}

/// Starts the lesson and runs its reference solution one command at a time.
pub fn solve(lesson: &Lesson) -> Result<Solved, RunError> {
    let Started {
        mut session, since, ..
    } = start(lesson)?;
    let before = goals(lesson, &session, since);
    let mut failed = Vec::new();
    for e in session.submit(&lesson.solution) {
        if let Some(err) = e.error {
            failed.push((e.command, err));
        }
    }
    let after = goals(lesson, &session, since);
    let transcript = transcript(lesson, session.entries(), since, &before, &after);
    Ok(Solved {
        id: lesson.id.clone(),
        before,
        after,
        failed,
        transcript,
        trace_hash: session.sim().trace_hash(),
    })
}

fn transcript(
    lesson: &Lesson,
    entries: &[Entry],
    since: Since,
    before: &[GoalStatus],
    after: &[GoalStatus],
) -> String {
    let mut out = format!("# lesson {} (seed {})\n", lesson.id, lesson.seed);
    for (i, e) in entries.iter().enumerate() {
        if i == since.entries {
            out.push_str("# --- the student's part (reference solution) ---\n");
        }
        out.push_str(&format!("$ {}\n", e.command));
        out.push_str(&e.output);
        if !e.output.is_empty() && !e.output.ends_with('\n') {
            out.push('\n');
        }
        if let Some(err) = &e.error {
            out.push_str(&format!("{err}\n"));
        }
    }
    out.push_str("# goals (before → after)\n");
    for ((g, b), a) in lesson.goals.iter().zip(before).zip(after) {
        out.push_str(&format!(
            "[{}] {} ({} → {})\n",
            if a.met { "x" } else { " " },
            g.text.en,
            or_dash(&b.progress, b.met),
            or_dash(&a.progress, a.met),
        ));
    }
    out
}

fn or_dash(progress: &str, met: bool) -> String {
    if progress.is_empty() {
        if met { "met" } else { "not met" }.into()
    } else {
        progress.to_string()
    }
}

/// A finished attempt's score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreCard {
    /// Commands the student ran since the start (failed ones too: they cost time in a real
    /// outage).
    pub commands: usize,
    /// Requests answered / sent to the score's traffic target since the start, in percent
    /// (rounded down), and the counts.
    pub traffic_percent: u64,
    /// Requests sent.
    pub sent: u64,
    /// Requests answered.
    pub ok: u64,
}

/// The lesson's score for `session`, if the lesson keeps one.
pub fn score(lesson: &Lesson, session: &Session, since: Since) -> Option<ScoreCard> {
    let target = &lesson.score.as_ref()?.traffic;
    let start = session
        .sim()
        .log()
        .get(since.events.saturating_sub(1))
        .map_or(sim_core::SimTime::ZERO, |e| e.time);
    let (sent, ok) = sim_core::cluster::traffic::series(session.sim(), target)
        .iter()
        .filter(|s| s.time > start)
        .fold((0u64, 0u64), |(a, b), s| {
            (a + u64::from(s.sent), b + u64::from(s.ok))
        });
    Some(ScoreCard {
        commands: session.entries().len().saturating_sub(since.entries),
        traffic_percent: (ok * 100).checked_div(sent).unwrap_or(0),
        sent,
        ok,
    })
}

/// The inputs a demonstration's command becomes when submitted, as the session records them.
pub fn demo_inputs(command: &str) -> Vec<String> {
    sim_core::shell::input_texts(command)
}

/// How a replayed lesson link's `commands` divide: the intro pages whose demonstration they
/// ran (matched greedily from the start, in any order, as the Run buttons allow), and the
/// index of the first command of the student's part — `None` when the link ends inside the
/// intro (demonstrations left, no command of the student's).
pub fn split_demos(lesson: &Lesson, commands: &[String]) -> (BTreeSet<usize>, Option<usize>) {
    let demos: Vec<(usize, Vec<String>)> = lesson
        .intro
        .iter()
        .enumerate()
        .filter_map(|(i, p)| match p {
            Page::Demo(d) => Some((i, demo_inputs(&d.command))),
            Page::Text(_) => None,
        })
        .collect();
    let mut run = BTreeSet::new();
    let mut at = 0;
    'outer: while run.len() < demos.len() {
        for (page, inputs) in &demos {
            if !run.contains(page)
                && !inputs.is_empty()
                && commands.get(at..at + inputs.len()) == Some(inputs.as_slice())
            {
                run.insert(*page);
                at += inputs.len();
                continue 'outer;
            }
        }
        break;
    }
    let started = run.len() == demos.len() || at < commands.len();
    (run, started.then_some(at))
}
