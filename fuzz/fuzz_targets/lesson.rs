//! Fuzzes lesson files, the course index and share links: any text must parse or fail with
//! problems (each with a message), never panic or hang; a parsed lesson's goals evaluate on a
//! fresh session.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = lessons::Index::parse(text);
    let _ = lessons::share::decode(text);
    let _ = lessons::markdown::parse(text);
    match lessons::Lesson::parse(text) {
        Ok(lesson) => {
            let s = sim_core::Session::new(sim_core::SimConfig::default());
            let since = lessons::runner::since(&s);
            for g in &lesson.goals {
                let _ = g.check.status(s.sim(), s.entries(), since);
            }
            let _ = lesson.command_allowed(text);
        }
        Err(p) => assert!(p.problems.iter().all(|p| !p.message.is_empty())),
    }
});
