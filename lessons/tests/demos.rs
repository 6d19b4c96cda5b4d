//! How a replayed share link divides into the intro's demonstrations and the student's part.

use std::collections::BTreeSet;

use lessons::runner::{demo_inputs, split_demos};
use lessons::{Lesson, Page};

fn lesson() -> Lesson {
    lessons::builtin()
        .lessons
        .into_iter()
        .next()
        .expect("the course has a lesson")
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
