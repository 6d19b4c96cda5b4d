//! Every lesson of the shipped course is solved by its reference solution, and its transcript
//! is a golden file (`snapshots/`): a change to the model that changes what a lesson shows is
//! seen in review. Update with `INSTA_UPDATE=always cargo test -p tests --test lessons` (or
//! `cargo insta review`) after checking the diff.

use lessons::runner;

#[test]
fn every_lesson_reaches_all_its_goals_with_its_reference_solution() {
    let course = lessons::Course::load(lessons::BUILTIN_INDEX, lessons::BUILTIN_FILES)
        .unwrap_or_else(|e| panic!("the shipped course does not load:\n{e}"));
    let mut failures = Vec::new();
    for lesson in &course.lessons {
        let solved = match runner::solve(lesson) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{}: {e}", lesson.id));
                continue;
            }
        };
        if !solved.passed() {
            failures.push(format!(
                "{}: failed commands {:?}; goals before {:?}; after {:?}",
                lesson.id, solved.failed, solved.before, solved.after
            ));
        }
        insta::assert_snapshot!(
            format!("lesson_{}", lesson.id.replace('-', "_")),
            format!("{}trace-hash: {}\n", solved.transcript, solved.trace_hash)
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn solving_a_lesson_twice_gives_the_same_trace() {
    let course = lessons::builtin();
    for lesson in &course.lessons {
        let a = runner::solve(lesson).expect("starts");
        let b = runner::solve(lesson).expect("starts");
        assert_eq!(a.trace_hash, b.trace_hash, "{}", lesson.id);
        assert_eq!(a.transcript, b.transcript, "{}", lesson.id);
    }
}

#[test]
fn no_goal_is_met_by_the_setup_and_demonstrations_alone() {
    // Stronger than `passed` (which asks that not all are met): each goal must be something the
    // student does.
    for lesson in &lessons::builtin().lessons {
        let started = runner::start(lesson).expect("starts");
        for (g, s) in
            lesson
                .goals
                .iter()
                .zip(runner::goals(lesson, &started.session, started.since))
        {
            assert!(
                !s.met,
                "{}: goal \"{}\" is met before the student starts",
                lesson.id, g.text.en
            );
        }
    }
}

#[test]
fn a_share_link_replays_a_lesson_to_the_same_state() {
    let course = lessons::builtin();
    let lesson = &course.lessons[0];
    let solved = runner::solve(lesson).expect("solves");
    // What the app puts in a link: the lesson, its seed, and the inputs after the setup.
    let started = runner::setup(lesson).expect("setup");
    let skip = started.inputs().count();
    let mut full = runner::setup(lesson).expect("setup");
    for page in 0..lesson.intro.len() {
        runner::run_demo(lesson, &mut full, page).expect("demo");
    }
    full.submit(&lesson.solution);
    let link = lessons::share::encode(&lessons::share::Shared {
        lesson: lesson.id.clone(),
        seed: lesson.seed,
        commands: full.inputs().skip(skip).map(str::to_string).collect(),
    });
    let shared = lessons::share::decode(&format!("#{link}")).expect("decodes");
    let opened = course.lesson(&shared.lesson).expect("lesson");
    let mut replay = runner::setup(opened).expect("setup");
    for c in &shared.commands {
        replay.submit(c);
    }
    assert_eq!(replay.sim().trace_hash(), solved.trace_hash);
}
