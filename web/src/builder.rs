//! The teacher's side, as plain data: the lesson builder's draft (what the form holds, turned
//! into a lesson file and validated exactly as a file is), and the session file that "Export
//! session…" writes and "Import session…" reads (a share link's content as readable JSON).
//!
//! The model of the builder (goal suggestions, writing YAML) is [`lessons::builder`]; this
//! module only assembles the form's fields.

use lessons::builder::to_yaml;
use lessons::share::{Shared, MAX_COMMANDS};
use lessons::{CommandRules, Goal, Lesson, Problem, Problems, Text};
use serde::{Deserialize, Serialize};

/// The largest lesson file "Import lesson file…" reads, in bytes (the format's own limit).
pub const MAX_LESSON_FILE_BYTES: usize = lessons::MAX_LESSON_BYTES;

/// The largest session file "Import session…" reads, in bytes.
pub const MAX_SESSION_FILE_BYTES: usize = 1024 * 1024;

/// A suggested goal in the builder: the goal (its label editable) and whether it is picked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pick {
    /// The goal, with the label as edited.
    pub goal: Goal,
    /// The teacher ticked it.
    pub picked: bool,
}

/// What the builder's form holds (everything but the recorded commands).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// The lesson id.
    pub id: String,
    /// Title, both languages.
    pub title: Text,
    /// Summary, both languages.
    pub summary: Text,
    /// Hints, in order.
    pub hints: Vec<Text>,
    /// What the student learned.
    pub learned: Text,
    /// Allowed commands, comma-separated as typed (empty: every command).
    pub allowed: String,
    /// The suggested goals.
    pub goals: Vec<Pick>,
}

/// The recorded part of a lesson: the seed and the commands before and after the mark.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recording {
    /// The sandbox's seed.
    pub seed: u64,
    /// The commands before the mark (the lesson's `setup`).
    pub setup: String,
    /// The commands after it (the `solution`).
    pub solution: String,
}

impl Recording {
    /// Splits a session's inputs at the mark (`mark` inputs before it).
    pub fn split<'a>(seed: u64, inputs: impl Iterator<Item = &'a str>, mark: usize) -> Recording {
        let inputs: Vec<&str> = inputs.collect();
        let mark = mark.min(inputs.len());
        let script = |lines: &[&str]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
        Recording {
            seed,
            setup: script(&inputs[..mark]),
            solution: script(&inputs[mark..]),
        }
    }
}

/// The command names of a comma-separated list (spaces and empty items dropped); `None` when
/// there are none (the lesson then allows every command).
pub fn parse_allowed(text: &str) -> Option<Vec<String>> {
    let names: Vec<String> = text
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (!names.is_empty()).then_some(names)
}

impl Draft {
    /// The lesson the form describes, as data (not yet validated).
    pub fn lesson(&self, recording: &Recording) -> Lesson {
        Lesson {
            id: self.id.trim().to_string(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            seed: recording.seed,
            time_scale: None,
            setup: recording.setup.clone(),
            intro: Vec::new(),
            goals: self
                .goals
                .iter()
                .filter(|p| p.picked)
                .map(|p| p.goal.clone())
                .collect(),
            hints: self.hints.clone(),
            solution: recording.solution.clone(),
            commands: parse_allowed(&self.allowed).map(CommandRules::Allowed),
            learned: self.learned.clone(),
            score: None,
        }
    }

    /// The lesson file the form describes.
    pub fn yaml(&self, recording: &Recording) -> String {
        to_yaml(&self.lesson(recording))
    }

    /// The lesson, validated exactly as a lesson file is: written as one, then parsed.
    pub fn build(&self, recording: &Recording) -> Result<Lesson, Problems> {
        let text = self.yaml(recording);
        if text.is_empty() {
            return Err(Problems {
                problems: vec![Problem::new(
                    "",
                    "the lesson could not be written as YAML",
                    "레슨을 YAML로 쓸 수 없어요",
                )],
            });
        }
        Lesson::parse(&text)
    }

    /// The file name "Export" saves as (`ID.yaml`, or `lesson.yaml` while the id is empty).
    pub fn file_name(&self) -> String {
        let id = self.id.trim();
        format!("{}.yaml", if id.is_empty() { "lesson" } else { id })
    }
}

/// A session file: a share link's content with readable names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionFile {
    /// The lesson id, or empty for the free sandbox.
    #[serde(default, alias = "l")]
    lesson: String,
    /// The seed.
    #[serde(alias = "s")]
    seed: u64,
    /// Every command typed after the lesson's setup.
    #[serde(default, alias = "c")]
    commands: Vec<String>,
}

/// Why a session file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionFileError {
    /// Larger than [`MAX_SESSION_FILE_BYTES`].
    TooLarge(usize),
    /// Not the expected JSON (serde's message).
    Json(String),
    /// More than [`MAX_COMMANDS`] commands.
    TooManyCommands(usize),
}

/// The JSON "Export session…" writes: `{"lesson": …, "seed": …, "commands": […]}`.
pub fn session_file_json(shared: &Shared) -> String {
    let file = SessionFile {
        lesson: shared.lesson.clone(),
        seed: shared.seed,
        commands: shared.commands.clone(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Reads a session file, with the same limits as a share link.
pub fn parse_session_file(text: &str) -> Result<Shared, SessionFileError> {
    if text.len() > MAX_SESSION_FILE_BYTES {
        return Err(SessionFileError::TooLarge(text.len()));
    }
    let file: SessionFile =
        serde_json::from_str(text).map_err(|e| SessionFileError::Json(e.to_string()))?;
    if file.commands.len() > MAX_COMMANDS {
        return Err(SessionFileError::TooManyCommands(file.commands.len()));
    }
    Ok(Shared {
        lesson: file.lesson,
        seed: file.seed,
        commands: file.commands,
    })
}

/// The file name "Export session…" saves as.
pub fn session_file_name(lesson: &str) -> String {
    if lesson.is_empty() {
        "sandbox-session.json".into()
    } else {
        format!("{lesson}-session.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lessons::Check;

    fn text(ko: &str, en: &str) -> Text {
        Text {
            ko: ko.into(),
            en: en.into(),
        }
    }

    fn draft() -> Draft {
        Draft {
            id: "my-first".into(),
            title: text("첫 레슨", "First lesson"),
            summary: text("VM을 하나 켜요.", "Boot one VM."),
            hints: vec![text("vm create를 써 보세요.", "Try vm create.")],
            learned: text("VM은 부팅에 시간이 걸려요.", "A VM takes time to boot."),
            allowed: "vm, host".into(),
            goals: vec![
                Pick {
                    goal: Goal {
                        text: text("VM 1개 부팅", "1 VM booted"),
                        check: Check::VmsRunning { count: 1 },
                    },
                    picked: true,
                },
                Pick {
                    goal: Goal {
                        text: text("이미지", "image"),
                        check: Check::ImageExists {
                            image: "nginx:1.25".into(),
                        },
                    },
                    picked: false,
                },
            ],
        }
    }

    fn recording() -> Recording {
        Recording::split(
            1,
            [
                "host show",
                "vm create vm1 --profile full",
                "vm start vm1",
                "run 60s",
            ]
            .into_iter(),
            1,
        )
    }

    #[test]
    fn a_recording_splits_at_the_mark() {
        let r = recording();
        assert_eq!(r.setup, "host show\n");
        assert_eq!(
            r.solution,
            "vm create vm1 --profile full\nvm start vm1\nrun 60s\n"
        );
        let all = Recording::split(3, ["ls"].into_iter(), 9);
        assert_eq!((all.setup.as_str(), all.solution.as_str()), ("ls\n", ""));
    }

    #[test]
    fn allowed_commands_are_split_on_commas_and_spaces() {
        assert_eq!(
            parse_allowed(" vm,host ,, docker "),
            Some(vec!["vm".into(), "host".into(), "docker".into()])
        );
        assert_eq!(parse_allowed(" , "), None);
    }

    #[test]
    fn a_complete_draft_builds_a_valid_lesson_with_only_the_picked_goals() {
        let lesson = draft().build(&recording()).expect("valid");
        assert_eq!(lesson.id, "my-first");
        assert_eq!(lesson.goals.len(), 1);
        assert_eq!(
            lesson.commands,
            Some(CommandRules::Allowed(vec!["vm".into(), "host".into()]))
        );
        let solved = lessons::runner::solve(&lesson).expect("setup runs");
        assert!(solved.passed(), "{}", solved.transcript);
        assert_eq!(draft().file_name(), "my-first.yaml");
    }

    #[test]
    fn an_incomplete_draft_reports_every_problem_with_its_path() {
        let mut d = draft();
        d.id = "Not An Id".into();
        d.title.ko.clear();
        d.allowed = "vm, nosuch".into();
        for g in &mut d.goals {
            g.picked = false;
        }
        let problems = d.build(&recording()).expect_err("invalid").problems;
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.iter().any(|p| p.starts_with("id")), "{problems:?}");
        assert!(paths.iter().any(|p| p.starts_with("title")), "{problems:?}");
        assert!(paths.iter().any(|p| p.starts_with("goals")), "{problems:?}");
    }

    #[test]
    fn a_session_file_round_trips_and_reads_the_short_names_too() {
        let shared = Shared {
            lesson: "containers-vs-vms".into(),
            seed: 7,
            commands: vec!["host show".into(), "cat > a <<EOF\nhi\nEOF".into()],
        };
        let json = session_file_json(&shared);
        assert!(json.contains("\"lesson\"") && json.contains("\"commands\""));
        assert_eq!(parse_session_file(&json), Ok(shared));
        let short = parse_session_file(r#"{"l":"","s":3,"c":["ls"]}"#).unwrap();
        assert_eq!((short.seed, short.commands.len()), (3, 1));
        assert_eq!(session_file_name(""), "sandbox-session.json");
    }

    #[test]
    fn a_bad_session_file_is_an_error_not_a_panic() {
        for bad in [
            "",
            "not json",
            "[]",
            r#"{"lesson":"x"}"#,
            r#"{"seed":-1}"#,
            r#"{"seed":1,"commands":[1]}"#,
            r#"{"seed":1,"extra":true}"#,
        ] {
            assert!(
                matches!(parse_session_file(bad), Err(SessionFileError::Json(_))),
                "{bad:?}"
            );
        }
        let many = format!(
            r#"{{"seed":1,"commands":[{}]}}"#,
            vec!["\"ls\""; MAX_COMMANDS + 1].join(",")
        );
        assert_eq!(
            parse_session_file(&many),
            Err(SessionFileError::TooManyCommands(MAX_COMMANDS + 1))
        );
        let huge = " ".repeat(MAX_SESSION_FILE_BYTES + 1);
        assert!(matches!(
            parse_session_file(&huge),
            Err(SessionFileError::TooLarge(_))
        ));
    }
}
