//! Fuzzes the command language end to end: any text typed into the terminal must parse or fail
//! with an error, and a failed input must leave the simulation exactly as it was.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::{shell, Session, SimConfig};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = shell::needs_more_input(text);
    let mut session = Session::new(SimConfig { seed: 1 });
    session.submit("echo seed > f\nafter 5s echo later\nrun 1s");
    let before = session.sim().state_fingerprint();
    let entries = session.submit(text);
    if entries.len() == 1 && entries[0].failed() {
        assert_eq!(session.sim().state_fingerprint(), before);
    }
});
