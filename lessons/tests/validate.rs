//! A malformed lesson file gets every problem reported at once, each with its field path.

use lessons::{Course, Lesson, Problem};

const GOOD: &str = r#"
id: tiny
title: {ko: 작은 레슨, en: A tiny lesson}
summary: {ko: 요약, en: Summary}
setup: |
  echo hi > a.txt
goals:
  - text: {ko: 파일 만들기, en: Make a file}
    check:
      file_exists: {path: b.txt}
hints:
  - {ko: 힌트, en: Hint}
solution: |
  echo there > b.txt
commands:
  allowed: [rm]
learned: {ko: 배웠어요, en: Learned}
"#;

fn problems(text: &str) -> Vec<String> {
    match Lesson::parse(text) {
        Ok(_) => panic!("expected problems"),
        Err(p) => p.problems.iter().map(Problem::to_string).collect(),
    }
}

#[test]
fn a_good_lesson_parses() {
    let l = Lesson::parse(GOOD).expect("valid");
    assert_eq!(l.id, "tiny");
    assert_eq!(l.seed, 1);
    assert_eq!(l.goals.len(), 1);
}

#[test]
fn every_unknown_missing_and_mistyped_field_is_reported_at_once() {
    let bad = GOOD
        .replace("summary:", "sumary:")
        .replace("hints:", "hints:\n  - {ko: 두번째, en: 2, fr: x}")
        .replace(
            "file_exists: {path: b.txt}",
            "file_exists: {path: b.txt, size: 3}",
        )
        .replace("id: tiny", "id: tiny\nseed: -4");
    assert_eq!(
        problems(&bad),
        vec![
            "goals[0].check.file_exists.size: unknown field \"size\"; known fields: path",
            "hints[0].en: must be a string, not a whole number",
            "hints[0].fr: unknown field \"fr\"; known fields: ko, en",
            "seed: must be a whole number ≥ 0, not a number",
            "sumary: unknown field \"sumary\" (did you mean \"summary\"?)",
            "summary: missing required field",
        ]
    );
}

#[test]
fn a_yaml_syntax_error_has_its_line_and_column() {
    let p = problems("id: x\ntitle: {ko: a, en: b\nsummary: y\n");
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("line 3, column "), "{}", p[0]);
    assert!(p[0].contains("invalid YAML"), "{}", p[0]);
}

#[test]
fn meaning_is_checked_after_shape_with_paths() {
    let bad = GOOD
        .replace("id: tiny", "id: Tiny_Lesson")
        .replace("allowed: [rm]", "allowed: [rm, dockr]")
        .replace(
            "echo there > b.txt",
            "echo there > b.txt\n  docker images\n  echo \"unclosed",
        )
        .replace(
            "file_exists: {path: b.txt}",
            "pods_ready: {selector: 'app in (', count: 1}",
        )
        .replace("{ko: 힌트, en: Hint}", "{ko: '  ', en: Hint}");
    let p = problems(&bad);
    assert!(
        p.contains(
            &"id: must be lowercase letters, digits and '-', at most 63 characters".to_string()
        ),
        "{p:?}"
    );
    assert!(
        p.contains(&"commands.allowed[1]: unknown command \"dockr\"".to_string()),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.starts_with("solution: does not parse: ")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.starts_with("goals[0].check: selector \"app in (\"")),
        "{p:?}"
    );
    assert!(p.contains(&"hints[0].ko: is empty".to_string()), "{p:?}");
}

#[test]
fn a_solution_may_only_use_the_commands_the_lesson_allows() {
    let bad = GOOD.replace("echo there > b.txt", "echo there > b.txt\n  docker images");
    assert_eq!(
        problems(&bad),
        vec!["solution: uses \"docker\", which the lesson's commands rule does not allow"]
    );
}

#[test]
fn a_predict_answer_must_name_one_of_its_choices() {
    let bad = GOOD.replace(
        "goals:",
        "intro:\n  - demo:\n      before: {ko: a, en: a}\n      command: ls\n      after: {ko: b, en: b}\n      predict:\n        question: {ko: q, en: q}\n        choices: [{ko: c, en: c}]\n        answer: 3\n        explain: {ko: e, en: e}\ngoals:",
    );
    assert_eq!(
        problems(&bad),
        vec![
            "intro[0].demo.predict.choices: needs at least 2 choices",
            "intro[0].demo.predict.answer: is 3 but there are 1 choices (counted from 0)",
        ]
    );
}

#[test]
fn a_page_must_be_exactly_one_kind() {
    let bad = GOOD.replace(
        "goals:",
        "intro:\n  - text: {ko: a, en: a}\n    demo: {before: {ko: a, en: a}, command: ls, after: {ko: b, en: b}}\n  - slide: {ko: a, en: a}\ngoals:",
    );
    assert_eq!(
        problems(&bad),
        vec![
            "intro[0]: must have exactly one of: text, demo (it has demo, text)",
            "intro[1].slide: unknown field \"slide\"; known fields: text, demo",
        ]
    );
}

#[test]
fn oversized_files_and_long_lists_are_refused() {
    let huge = format!("{GOOD}\n# {}", "x".repeat(lessons::MAX_LESSON_BYTES));
    assert_eq!(problems(&huge).len(), 1);
    let many = GOOD.replace(
        "hints:\n",
        &format!(
            "hints:\n{}",
            "  - {ko: h, en: h}\n".repeat(lessons::MAX_ITEMS)
        ),
    );
    assert_eq!(
        problems(&many),
        vec![format!(
            "hints: has {} items; the limit is {}",
            lessons::MAX_ITEMS + 1,
            lessons::MAX_ITEMS
        )]
    );
}

#[test]
fn the_index_must_list_each_lesson_once_and_only_existing_ones() {
    let index = "chapters:\n  - title: {ko: 장, en: Chapter}\n    lessons: [tiny, tiny, ghost]\n";
    let other = GOOD.replace("id: tiny", "id: other");
    let err = Course::load(index, &[("a.yaml", GOOD), ("b.yaml", &other)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "index.yaml: chapters[0].lessons[1]: lesson \"tiny\" is listed twice\n\
         index.yaml: chapters[0].lessons[2]: no lesson file has id \"ghost\"\n\
         index.yaml: lesson \"other\" (b.yaml) is in no chapter"
    );
}

#[test]
fn a_bad_lesson_file_is_reported_by_name_with_the_others_checked_too() {
    let index = "chapters:\n  - title: {ko: 장, en: Chapter}\n    lessons: [tiny]\n";
    let err = Course::load(index, &[("a.yaml", GOOD), ("z.yaml", "id: [")]).unwrap_err();
    assert_eq!(err.files.len(), 1);
    assert_eq!(err.files[0].0, "z.yaml");
}

#[test]
fn a_lesson_refuses_commands_it_does_not_allow() {
    let l = Lesson::parse(GOOD).unwrap();
    assert_eq!(l.command_allowed("rm a.txt"), Ok(()));
    assert_eq!(l.command_allowed("run 10s"), Ok(()));
    assert_eq!(
        l.command_allowed("kubectl get pods"),
        Err(lessons::Text::new(
            "kubectl: 이 레슨에서는 쓸 수 없는 명령이에요 (레슨 \"tiny\")",
            "kubectl: not available in this lesson (lesson \"tiny\")"
        ))
    );
}

#[test]
fn the_shipped_course_loads() {
    let course = Course::load(lessons::BUILTIN_INDEX, lessons::BUILTIN_FILES)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!course.lessons.is_empty());
    assert_eq!(lessons::builtin(), course);
}

/// Every problem of `text`, in Korean: (path, message_ko).
fn problems_ko(text: &str) -> Vec<(String, String)> {
    match Lesson::parse(text) {
        Ok(_) => panic!("expected problems"),
        Err(p) => p
            .problems
            .iter()
            .map(|p| (p.path.clone(), p.message_in("ko").to_string()))
            .collect(),
    }
}

fn hangul(s: &str) -> bool {
    s.chars().any(|c| ('가'..='힣').contains(&c))
}

#[test]
fn every_problem_is_also_worded_in_korean_for_korean_teachers() {
    // Shape problems.
    let shape = GOOD
        .replace("summary:", "sumary:")
        .replace("hints:", "hints:\n  - {ko: 두번째, en: 2, fr: x}")
        .replace("id: tiny", "id: tiny\nseed: -4");
    let p = problems_ko(&shape);
    assert_eq!(
        p,
        vec![
            (
                "hints[0].en".into(),
                "문자열이어야 해요 (지금은 정수)".into()
            ),
            (
                "hints[0].fr".into(),
                "없는 필드예요: \"fr\". 쓸 수 있는 필드: ko, en".into()
            ),
            ("seed".into(), "0 이상의 정수여야 해요 (지금은 숫자)".into()),
            (
                "sumary".into(),
                "없는 필드예요: \"sumary\" (혹시 \"summary\" 아닌가요?)".into()
            ),
            ("summary".into(), "꼭 있어야 하는 필드가 없어요".into()),
        ]
    );
    // Meaning problems, and a goal check's own.
    let meaning = GOOD
        .replace("id: tiny", "id: Tiny_Lesson")
        .replace("allowed: [rm]", "allowed: [rm, dockr]")
        .replace(
            "file_exists: {path: b.txt}",
            "traffic_success: {target: web, min_percent: 50, seconds: 10}",
        )
        .replace("{ko: 힌트, en: Hint}", "{ko: '  ', en: Hint}");
    let p = problems_ko(&meaning);
    assert!(p.len() >= 4, "{p:?}");
    for (path, message) in &p {
        assert!(hangul(message), "{path}: {message}");
    }
    assert!(p.contains(&(
        "commands.allowed[1]".into(),
        "없는 명령이에요: \"dockr\"".into()
    )));
    assert!(p.contains(&(
        "goals[0].check".into(),
        "target은 svc/NAME이나 lb/NAME 꼴이어야 해요 (지금은 \"web\")".into()
    )));
    assert!(p.contains(&("hints[0].ko".into(), "비어 있어요".into())));
    // A YAML syntax error keeps the parser's words after a Korean lead.
    let p = problems_ko("id: x\ntitle: {ko: a, en: b\nsummary: y\n");
    assert!(p[0].1.starts_with("YAML 문법이 틀렸어요: "), "{p:?}");
    // English stays the default.
    let Err(e) = Lesson::parse(&meaning) else {
        panic!("expected problems")
    };
    assert!(e.problems.iter().all(|p| p.message_in("en") == p.message));
}
