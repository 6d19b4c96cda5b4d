//! Share links, the app's side: what a link holds for the session on screen, how a replayed
//! link's commands divide into the lesson's demonstrations and the student's part, and the
//! refusal messages in the user's language. The format itself is [`lessons::share`].

use std::collections::BTreeSet;

use lessons::share::{self, ShareError, Shared};
use lessons::{Lesson, Page};

use crate::i18n::{fill, tr, Lang, Msg};

/// The fragment (without `#`) for a session: `inputs` are every input of the session, of which
/// the first `skip` are the lesson's setup (0 in the free sandbox).
pub fn fragment<'a>(
    lesson: Option<&str>,
    seed: u64,
    inputs: impl Iterator<Item = &'a str>,
    skip: usize,
) -> String {
    share::encode(&Shared {
        lesson: lesson.unwrap_or_default().to_string(),
        seed,
        commands: inputs.skip(skip).map(str::to_string).collect(),
    })
}

/// The inputs a demonstration's command becomes when submitted: one per command line, as
/// [`sim_core::Session::submit`] records them (here-document bodies included).
///
/// This repeats the session's private `display_text`; it belongs beside it (or in
/// `lessons::runner`) so the two cannot drift.
pub fn demo_inputs(command: &str) -> Vec<String> {
    match sim_core::shell::parse_script(command) {
        Ok(lines) => lines
            .iter()
            .map(|l| match &l.heredoc {
                None => l.source.clone(),
                Some(h) => format!("{}\n{}{}", l.source, h.body, h.delimiter),
            })
            .collect(),
        Err(_) => vec![command.trim_end_matches('\n').to_string()],
    }
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

/// Why a share link could not be opened, in `lang`.
pub fn error_text(lang: Lang, error: &ShareError) -> String {
    let t = |m| tr(lang, m);
    match error {
        ShareError::Version => t(Msg::ShareErrVersion).to_string(),
        ShareError::TooLong(n) => fill(
            t(Msg::ShareErrTooLong),
            &[
                ("bytes", &n.to_string()),
                ("limit", &share::MAX_FRAGMENT_BYTES.to_string()),
            ],
        ),
        ShareError::Base64(at) => fill(t(Msg::ShareErrBase64), &[("at", &at.to_string())]),
        ShareError::Inflate => t(Msg::ShareErrInflate).to_string(),
        ShareError::Json(why) => fill(t(Msg::ShareErrJson), &[("why", why)]),
        ShareError::TooManyCommands(n) => fill(
            t(Msg::ShareErrTooMany),
            &[
                ("count", &n.to_string()),
                ("limit", &share::MAX_COMMANDS.to_string()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson() -> Lesson {
        lessons::builtin()
            .lessons
            .into_iter()
            .next()
            .expect("the course has a lesson")
    }

    #[test]
    fn a_fragment_decodes_to_the_inputs_after_the_setup() {
        let inputs = ["setup a", "setup b", "ls", "run 5s"];
        let text = fragment(Some("x"), 7, inputs.iter().copied(), 2);
        let shared = share::decode(&text).unwrap();
        assert_eq!(shared.lesson, "x");
        assert_eq!(shared.seed, 7);
        assert_eq!(shared.commands, ["ls", "run 5s"]);
        let sandbox = share::decode(&fragment(None, 1, inputs.iter().copied(), 0)).unwrap();
        assert_eq!(sandbox.lesson, "");
        assert_eq!(sandbox.commands.len(), 4);
    }

    #[test]
    fn demo_inputs_are_one_per_command_line_with_here_documents_whole() {
        assert_eq!(
            demo_inputs("host show\nvm list\n"),
            ["host show", "vm list"]
        );
        assert_eq!(
            demo_inputs("cat > a <<EOF\nhi\nEOF\nls"),
            ["cat > a <<EOF\nhi\nEOF", "ls"]
        );
    }

    #[test]
    fn a_replayed_lesson_link_finds_its_demonstrations_and_the_students_part() {
        let l = lesson();
        let demo: Vec<String> = l
            .intro
            .iter()
            .filter_map(|p| match p {
                Page::Demo(d) => Some(demo_inputs(&d.command)),
                Page::Text(_) => None,
            })
            .flatten()
            .collect();
        assert!(!demo.is_empty(), "lesson 1 has a demonstration");
        let mut commands = demo.clone();
        commands.push("vm list".into());
        let (run, start) = split_demos(&l, &commands);
        assert_eq!(run.len(), 1);
        assert_eq!(start, Some(demo.len()));
        // Nothing run yet: still in the intro.
        assert_eq!(split_demos(&l, &[]), (BTreeSet::new(), None));
        // Commands with no demonstration first: the student's part starts at once.
        let (run, start) = split_demos(&l, &["ls".to_string()]);
        assert!(run.is_empty());
        assert_eq!(start, Some(0));
    }

    #[test]
    fn every_share_error_has_a_message_in_both_languages() {
        let errors = [
            ShareError::Version,
            ShareError::TooLong(70000),
            ShareError::Base64(3),
            ShareError::Inflate,
            ShareError::Json("eof".into()),
            ShareError::TooManyCommands(6000),
        ];
        for e in &errors {
            for lang in Lang::ALL {
                let text = error_text(lang, e);
                assert!(!text.is_empty() && !text.contains('{'), "{text}");
            }
        }
    }
}
