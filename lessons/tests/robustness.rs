//! The proptest side of `fuzz/fuzz_targets/lesson.rs`: lesson files, the index, Markdown and
//! share links never panic on any text, and a mangled lesson file yields problems, not a crash.

use proptest::prelude::*;

const GOOD: &str = include_str!("../course/01-containers-vs-vms.yaml");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_text_parses_or_reports_problems(text in "\\PC{0,400}") {
        if let Err(p) = lessons::Lesson::parse(&text) {
            prop_assert!(!p.problems.is_empty());
        }
        let _ = lessons::Index::parse(&text);
        let _ = lessons::markdown::parse(&text);
        let _ = lessons::share::decode(&text);
    }

    #[test]
    fn a_mangled_lesson_file_reports_problems_with_messages(
        cut_at in 0usize..GOOD.len(),
        cut_len in 0usize..200,
        insert in "[a-z:\\- \\n{}\\[\\]]{0,20}",
    ) {
        let mut text = GOOD.to_string();
        let start = (0..=cut_at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let end = (start + cut_len).min(text.len());
        let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text.replace_range(start..end, &insert);
        match lessons::Lesson::parse(&text) {
            Ok(l) => prop_assert!(!l.goals.is_empty()),
            Err(p) => prop_assert!(p.problems.iter().all(|p| !p.message.is_empty())),
        }
    }
}
