//! Kube Sandbox's course: lessons as data.
//!
//! A lesson is a YAML file (`lessons/course/*.yaml`): its text in Korean and English, a setup
//! script run before the student starts, an intro of text pages and demonstrations (optionally
//! with a "predict, then reveal" question), goals as predicates on the simulation state, hints,
//! a reference solution and the commands it allows. The course index (`course/index.yaml`)
//! orders lessons into chapters.
//!
//! This crate parses and validates lesson files from `&str` (every problem at once, each with
//! its field path), evaluates goals against a [`sim_core::Session`], and runs a lesson headlessly
//! ([`runner`]). Like `sim-core` it does no IO: the CLI reads files, the browser embeds the
//! course with [`builtin`].
#![warn(missing_docs)]

pub mod builder;
pub mod goal;
pub mod markdown;
pub mod runner;
mod schema;
pub mod share;

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

pub use goal::{Check, GoalStatus};

/// The largest lesson or index file accepted, in bytes.
pub const MAX_LESSON_BYTES: usize = 256 * 1024;
/// The most goals, hints, intro pages, or choices one lesson may hold (each).
pub const MAX_ITEMS: usize = 64;
/// The most lessons in a course.
pub const MAX_LESSONS: usize = 200;

/// Text in both of the app's languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A text from its Korean and English versions.
    pub fn new(ko: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            ko: ko.into(),
            en: en.into(),
        }
    }

    /// The text in `lang` (`"ko"` or anything else for English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ko" {
            &self.ko
        } else {
            &self.en
        }
    }
}

/// One lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Stable id, used in share links and saved progress (`containers-vs-vms`).
    pub id: String,
    /// Title.
    pub title: Text,
    /// One or two sentences for the lesson list.
    pub summary: Text,
    /// The seed of the lesson's simulation (default 1).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// A declared time scale: simulated seconds per wall-clock second while playing. The app
    /// shows it as a badge whenever it is not 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_scale: Option<u32>,
    /// Commands run before the student starts (their output is not shown as the student's).
    #[serde(default)]
    pub setup: String,
    /// Pages shown before the student works: text, and demonstrations.
    #[serde(default)]
    pub intro: Vec<Page>,
    /// What the student must reach.
    pub goals: Vec<Goal>,
    /// Hints, in the order they are given.
    #[serde(default)]
    pub hints: Vec<Text>,
    /// A reference solution: commands that reach every goal from the setup.
    pub solution: String,
    /// Which commands the student may use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<CommandRules>,
    /// What the student learned: shown when every goal is met.
    pub learned: Text,
    /// A score shown on finishing (the final challenge): commands used and traffic kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
}

/// How a lesson scores a finished attempt: fewer commands is better, more traffic kept is better.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// The traffic target whose success rate since the start counts (`svc/web`).
    pub traffic: String,
}

fn default_seed() -> u64 {
    1
}

/// A page of a lesson's intro.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum Page {
    /// Markdown text.
    Text(Text),
    /// A demonstration: text, a command that runs (and animates), text after.
    Demo(Demo),
}

/// A demonstration inside a lesson's intro.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demo {
    /// Text before the command.
    pub before: Text,
    /// The command (one or more lines of the sandbox's command language).
    pub command: String,
    /// Text after it ran.
    pub after: Text,
    /// A question asked before the command runs; the run shows the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predict: Option<Predict>,
}

/// A "predict, then reveal" checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predict {
    /// The question.
    pub question: Text,
    /// The choices (2 or more).
    pub choices: Vec<Text>,
    /// The index of the right choice, from 0.
    pub answer: usize,
    /// Why that is the answer, shown on reveal.
    pub explain: Text,
}

/// A goal: a label and the predicate that decides it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// What the checklist says.
    pub text: Text,
    /// The predicate.
    pub check: Check,
}

/// Which commands a lesson lets the student use (by command name: `docker`, `kubectl`, `chaos`…).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum CommandRules {
    /// Only these (the built-ins `help`, `run`, `step`, `ls`, `cat`… are always allowed).
    Allowed(Vec<String>),
    /// Everything but these.
    Disabled(Vec<String>),
}

/// Commands every lesson allows: moving time, looking at files, asking for help.
pub const ALWAYS_ALLOWED: &[&str] = &[
    "help", "run", "step", "clock", "ls", "cat", "echo", "history", "after",
];

impl Lesson {
    /// Parses and validates one lesson file. On failure, every problem found, each with its
    /// field path (and line and column for YAML syntax errors).
    pub fn parse(text: &str) -> Result<Lesson, Problems> {
        let value = schema::load_yaml(text)?;
        schema::check_lesson(&value)?;
        let lesson: Lesson = serde_json::from_value(value).map_err(|e| Problems {
            problems: vec![Problem::decoding(&e)],
        })?;
        lesson.check_semantics()?;
        Ok(lesson)
    }

    /// Checks a command line against the lesson's rules: `Err` with the message to show, in
    /// both languages.
    pub fn command_allowed(&self, line: &str) -> Result<(), Text> {
        let Ok(lines) = sim_core::shell::parse_script(line) else {
            return Ok(()); // the session reports the syntax error itself
        };
        for l in lines {
            let Some(name) = l.words.first() else {
                continue;
            };
            if !self.name_allowed(name) {
                return Err(Text::new(
                    format!(
                        "{name}: 이 레슨에서는 쓸 수 없는 명령이에요 (레슨 \"{}\")",
                        self.id
                    ),
                    format!(
                        "{name}: not available in this lesson (lesson \"{}\")",
                        self.id
                    ),
                ));
            }
        }
        Ok(())
    }

    fn name_allowed(&self, name: &str) -> bool {
        match &self.commands {
            None => true,
            Some(CommandRules::Allowed(list)) => {
                ALWAYS_ALLOWED.contains(&name) || list.iter().any(|c| c == name)
            }
            Some(CommandRules::Disabled(list)) => !list.iter().any(|c| c == name),
        }
    }

    fn check_semantics(&self) -> Result<(), Problems> {
        let mut p = Vec::new();
        if !valid_id(&self.id) {
            p.push(Problem::new(
                "id",
                "must be lowercase letters, digits and '-', at most 63 characters",
                "영문 소문자, 숫자, '-'만 쓸 수 있고 63자를 넘으면 안 돼요",
            ));
        }
        let known = sim_core::command::command_names();
        if let Some(rules) = &self.commands {
            let (field, list) = match rules {
                CommandRules::Allowed(l) => ("commands.allowed", l),
                CommandRules::Disabled(l) => ("commands.disabled", l),
            };
            for (i, name) in list.iter().enumerate() {
                if !known.contains(&name.as_str()) {
                    p.push(Problem::new(
                        &format!("{field}[{i}]"),
                        format!("unknown command \"{name}\""),
                        format!("없는 명령이에요: \"{name}\""),
                    ));
                }
            }
        }
        for (field, script) in [("setup", &self.setup), ("solution", &self.solution)] {
            check_script(field, script, &mut p);
        }
        for line in script_names(&self.solution) {
            if !self.name_allowed(&line) {
                p.push(Problem::new(
                    "solution",
                    format!("uses \"{line}\", which the lesson's commands rule does not allow"),
                    format!("\"{line}\" 명령을 쓰는데, 레슨의 commands 규칙이 허용하지 않아요"),
                ));
            }
        }
        for (i, page) in self.intro.iter().enumerate() {
            if let Page::Demo(d) = page {
                check_script(&format!("intro[{i}].demo.command"), &d.command, &mut p);
                if let Some(q) = &d.predict {
                    if q.choices.len() < 2 {
                        p.push(Problem::new(
                            &format!("intro[{i}].demo.predict.choices"),
                            "needs at least 2 choices",
                            "선택지가 2개 이상 있어야 해요",
                        ));
                    }
                    if q.answer >= q.choices.len() {
                        p.push(Problem::new(
                            &format!("intro[{i}].demo.predict.answer"),
                            format!(
                                "is {} but there are {} choices (counted from 0)",
                                q.answer,
                                q.choices.len()
                            ),
                            format!(
                                "{}인데 선택지는 {}개예요 (0부터 세요)",
                                q.answer,
                                q.choices.len()
                            ),
                        ));
                    }
                }
            }
        }
        if self.goals.is_empty() {
            p.push(Problem::new(
                "goals",
                "a lesson needs at least one goal",
                "레슨에는 목표가 하나 이상 있어야 해요",
            ));
        }
        for (i, g) in self.goals.iter().enumerate() {
            if let Err(e) = g.check.validate() {
                p.push(Problem::new(&format!("goals[{i}].check"), e.en, e.ko));
            }
        }
        if self.time_scale == Some(0) {
            p.push(Problem::new(
                "time_scale",
                "must be at least 1",
                "1 이상이어야 해요",
            ));
        }
        text_problems("", self, &mut p);
        Problems::result(p)
    }
}

/// Empty text in either language is a problem: the app shows both.
fn text_problems(_root: &str, l: &Lesson, p: &mut Vec<Problem>) {
    let mut check = |path: String, t: &Text| {
        if t.ko.trim().is_empty() {
            p.push(Problem::new(
                &format!("{path}.ko"),
                "is empty",
                "비어 있어요",
            ));
        }
        if t.en.trim().is_empty() {
            p.push(Problem::new(
                &format!("{path}.en"),
                "is empty",
                "비어 있어요",
            ));
        }
    };
    check("title".into(), &l.title);
    check("summary".into(), &l.summary);
    check("learned".into(), &l.learned);
    for (i, h) in l.hints.iter().enumerate() {
        check(format!("hints[{i}]"), h);
    }
    for (i, g) in l.goals.iter().enumerate() {
        check(format!("goals[{i}].text"), &g.text);
    }
    for (i, page) in l.intro.iter().enumerate() {
        match page {
            Page::Text(t) => check(format!("intro[{i}].text"), t),
            Page::Demo(d) => {
                check(format!("intro[{i}].demo.before"), &d.before);
                check(format!("intro[{i}].demo.after"), &d.after);
                if let Some(q) = &d.predict {
                    check(format!("intro[{i}].demo.predict.question"), &q.question);
                    check(format!("intro[{i}].demo.predict.explain"), &q.explain);
                    for (j, c) in q.choices.iter().enumerate() {
                        check(format!("intro[{i}].demo.predict.choices[{j}]"), c);
                    }
                }
            }
        }
    }
}

fn check_script(field: &str, script: &str, p: &mut Vec<Problem>) {
    if let Err(e) = sim_core::shell::parse_script(script) {
        p.push(Problem::new(
            field,
            format!("does not parse: {e}"),
            format!("명령을 해석할 수 없어요: {e}"),
        ));
    }
}

/// The command names a script uses, in order, without repeats.
fn script_names(script: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    if let Ok(lines) = sim_core::shell::parse_script(script) {
        for l in lines {
            if let Some(n) = l.words.first() {
                if seen.insert(n.clone()) {
                    out.push(n.clone());
                }
            }
        }
    }
    out
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 63
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// One problem in a lesson or index file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The field path (`goals[2].check.pods_ready.count`); empty for the whole file.
    pub path: String,
    /// Line and column (1-based), for YAML syntax errors.
    pub location: Option<(usize, usize)>,
    /// What is wrong (English; the CLI and [`fmt::Display`] use it).
    pub message: String,
    /// The same in Korean (the app shows it when its language is Korean). Quoted file content
    /// and messages from other tools (the YAML parser, the shell) stay as they are.
    pub message_ko: String,
}

impl Problem {
    /// A problem at `path`, in English and Korean.
    pub fn new(path: &str, en: impl Into<String>, ko: impl Into<String>) -> Problem {
        Problem {
            path: path.to_string(),
            location: None,
            message: en.into(),
            message_ko: ko.into(),
        }
    }

    /// The message in `lang` (`"ko"` or anything else for English).
    pub fn message_in(&self, lang: &str) -> &str {
        if lang == "ko" {
            &self.message_ko
        } else {
            &self.message
        }
    }

    /// serde's typed decoding failed after the shape check passed (it should not).
    fn decoding(e: &serde_json::Error) -> Problem {
        Problem::new("", e.to_string(), format!("파일을 읽을 수 없어요: {e}"))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.location, self.path.is_empty()) {
            (Some((l, c)), _) => write!(f, "line {l}, column {c}: {}", self.message),
            (None, true) => write!(f, "{}", self.message),
            (None, false) => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Every problem found in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct Problems {
    /// In the order found: structure first (document order), then meaning.
    pub problems: Vec<Problem>,
}

impl Problems {
    fn result(problems: Vec<Problem>) -> Result<(), Problems> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Problems { problems })
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// The course index: chapters of lesson ids, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// The chapters.
    pub chapters: Vec<Chapter>,
}

/// A chapter of the course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    /// Its title.
    pub title: Text,
    /// Lesson ids in order.
    pub lessons: Vec<String>,
}

impl Index {
    /// Parses the course index.
    pub fn parse(text: &str) -> Result<Index, Problems> {
        let value = schema::load_yaml(text)?;
        schema::check_index(&value)?;
        serde_json::from_value(value).map_err(|e| Problems {
            problems: vec![Problem::decoding(&e)],
        })
    }
}

/// A course: the index and its lessons, in course order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Course {
    /// The index.
    pub index: Index,
    /// Every lesson, in the index's order.
    pub lessons: Vec<Lesson>,
}

/// Problems of a course, by file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct CourseProblems {
    /// (file name, its problems).
    pub files: Vec<(String, Problems)>,
}

impl CourseProblems {
    fn render(&self) -> String {
        let mut out = String::new();
        for (file, problems) in &self.files {
            for p in &problems.problems {
                out.push_str(&format!("{file}: {p}\n"));
            }
        }
        out.trim_end().to_string()
    }
}

impl Course {
    /// Builds a course from the index text and the lesson files (file name, text). Every file
    /// is checked, and every problem of every file is reported.
    pub fn load(index: &str, files: &[(&str, &str)]) -> Result<Course, CourseProblems> {
        let mut problems = Vec::new();
        let index = match Index::parse(index) {
            Ok(i) => Some(i),
            Err(e) => {
                problems.push(("index.yaml".to_string(), e));
                None
            }
        };
        if files.len() > MAX_LESSONS {
            problems.push((
                "course".to_string(),
                Problems {
                    problems: vec![Problem::new(
                        "",
                        format!("more than {MAX_LESSONS} lesson files"),
                        format!("레슨 파일이 {MAX_LESSONS}개를 넘어요"),
                    )],
                },
            ));
        }
        let mut lessons = Vec::new();
        for (name, text) in files.iter().take(MAX_LESSONS) {
            match Lesson::parse(text) {
                Ok(l) => lessons.push((name.to_string(), l)),
                Err(e) => problems.push((name.to_string(), e)),
            }
        }
        let Some(index) = index else {
            return Err(CourseProblems { files: problems });
        };
        let mut ordered = Vec::new();
        let mut index_problems = Vec::new();
        let mut listed = BTreeSet::new();
        for (c, chapter) in index.chapters.iter().enumerate() {
            for (i, id) in chapter.lessons.iter().enumerate() {
                if !listed.insert(id.clone()) {
                    index_problems.push(Problem::new(
                        &format!("chapters[{c}].lessons[{i}]"),
                        format!("lesson \"{id}\" is listed twice"),
                        format!("\"{id}\" 레슨이 두 번 들어 있어요"),
                    ));
                    continue;
                }
                match lessons.iter().find(|(_, l)| &l.id == id) {
                    Some((_, l)) => ordered.push(l.clone()),
                    None if problems.is_empty() => index_problems.push(Problem::new(
                        &format!("chapters[{c}].lessons[{i}]"),
                        format!("no lesson file has id \"{id}\""),
                        format!("id가 \"{id}\"인 레슨 파일이 없어요"),
                    )),
                    None => {}
                }
            }
        }
        let mut ids = BTreeSet::new();
        for (name, l) in &lessons {
            if !ids.insert(l.id.clone()) {
                index_problems.push(Problem::new(
                    "",
                    format!("two lesson files have id \"{}\" ({name} is one)", l.id),
                    format!(
                        "id가 \"{}\"인 레슨 파일이 둘이에요 ({name}도 그중 하나예요)",
                        l.id
                    ),
                ));
            }
            if !listed.contains(&l.id) {
                index_problems.push(Problem::new(
                    "",
                    format!("lesson \"{}\" ({name}) is in no chapter", l.id),
                    format!("\"{}\" 레슨({name})이 어느 장(chapter)에도 없어요", l.id),
                ));
            }
        }
        if !index_problems.is_empty() {
            problems.push((
                "index.yaml".to_string(),
                Problems {
                    problems: index_problems,
                },
            ));
        }
        if !problems.is_empty() {
            return Err(CourseProblems { files: problems });
        }
        Ok(Course {
            index,
            lessons: ordered,
        })
    }

    /// The lesson with this id.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// The lesson after `id` in course order.
    pub fn next_after(&self, id: &str) -> Option<&Lesson> {
        let i = self.lessons.iter().position(|l| l.id == id)?;
        self.lessons.get(i + 1)
    }
}

include!(concat!(env!("OUT_DIR"), "/course_files.rs"));

/// The course index shipped in `lessons/course/index.yaml`.
pub const BUILTIN_INDEX: &str = include_str!("../course/index.yaml");

/// The shipped course. The test suite checks that it loads strictly; should a file still be
/// broken (a lesson being written), the app keeps every listed lesson that is valid instead of
/// losing the whole course.
pub fn builtin() -> Course {
    Course::load(BUILTIN_INDEX, BUILTIN_FILES)
        .unwrap_or_else(|_| lenient(BUILTIN_INDEX, BUILTIN_FILES))
}

/// The listed lessons that parse, in index order; chapters left empty are dropped.
fn lenient(index: &str, files: &[(&str, &str)]) -> Course {
    let Ok(mut index) = Index::parse(index) else {
        return Course {
            index: Index {
                chapters: Vec::new(),
            },
            lessons: Vec::new(),
        };
    };
    let parsed: Vec<Lesson> = files
        .iter()
        .filter_map(|(_, text)| Lesson::parse(text).ok())
        .collect();
    let mut lessons = Vec::new();
    for chapter in &mut index.chapters {
        chapter.lessons.retain(|id| {
            let found = parsed.iter().find(|l| &l.id == id);
            if let Some(l) = found {
                if !lessons.iter().any(|x: &Lesson| &x.id == id) {
                    lessons.push(l.clone());
                }
            }
            found.is_some()
        });
    }
    index.chapters.retain(|c| !c.lessons.is_empty());
    Course { index, lessons }
}
