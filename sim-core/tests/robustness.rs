//! Bad input never panics, and input that fails changes nothing.

use proptest::prelude::*;
use sim_core::{shell, Session, SimConfig};

/// Text made of the characters the command language treats specially, plus some words.
fn shellish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("'".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just("\n".to_string()),
            Just(" ".to_string()),
            Just("\t".to_string()),
            Just(">".to_string()),
            Just(">>".to_string()),
            Just("<<".to_string()),
            Just("<<-".to_string()),
            Just("EOF".to_string()),
            Just("#".to_string()),
            Just("|".to_string()),
            Just("echo".to_string()),
            Just("cat".to_string()),
            Just("run".to_string()),
            Just("after".to_string()),
            Just("step".to_string()),
            Just("rm -rf".to_string()),
            Just("ls".to_string()),
            Just("10s".to_string()),
            Just("5x".to_string()),
            Just("..".to_string()),
            Just("/".to_string()),
            "[a-z0-9]{1,6}",
            any::<char>().prop_map(|c| c.to_string()),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_parser_never_panics(text in shellish()) {
        let _ = shell::parse_script(&text);
        let _ = shell::needs_more_input(&text);
    }

    #[test]
    fn a_session_never_panics_and_failures_change_nothing(
        setup in prop::collection::vec(shellish(), 0..5),
        text in shellish(),
    ) {
        let mut s = Session::new(SimConfig { seed: 11 });
        for t in &setup {
            s.submit(t);
        }
        let before = s.sim().state_fingerprint();
        let entries = s.submit(&text);
        if entries.len() == 1 && entries[0].failed() {
            prop_assert_eq!(s.sim().state_fingerprint(), before);
        }
    }
}
