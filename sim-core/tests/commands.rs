//! Behaviour of the command language through a session: outputs, errors that change nothing,
//! limits, time, scheduled work.

use sim_core::{Session, SimConfig};

mod common;

fn session() -> Session {
    Session::new(SimConfig { seed: 42 })
}

fn assert_fails_and_changes_nothing(setup: &str, bad: &str, message: &str) {
    common::assert_fails_and_changes_nothing_in(session(), setup, bad, message);
}

const SETUP: &str = "echo hi > a.txt\nafter 5s echo later\nrun 2s";

#[test]
fn unknown_command_suggests_the_closest_name_and_changes_nothing() {
    assert_fails_and_changes_nothing(
        SETUP,
        "hlep",
        "unknown command \"hlep\"; did you mean \"help\"?",
    );
    assert_fails_and_changes_nothing(
        SETUP,
        "stpe 3",
        "unknown command \"stpe\"; did you mean \"step\"?",
    );
}

#[test]
fn invalid_duration_names_the_units_and_changes_nothing() {
    assert_fails_and_changes_nothing(
        SETUP,
        "run 5x",
        "invalid duration \"5x\": use a number followed by ms, s, m or h",
    );
    assert_fails_and_changes_nothing(
        SETUP,
        "after 5x echo",
        "invalid duration \"5x\": use a number followed by ms, s, m or h",
    );
}

#[test]
fn unterminated_here_document_names_its_delimiter_and_changes_nothing() {
    assert_fails_and_changes_nothing(
        SETUP,
        "cat > Dockerfile <<EOF\nFROM alpine\n",
        "here-document not terminated: expected \"EOF\"",
    );
}

#[test]
fn limits_are_stated_in_their_errors_and_change_nothing() {
    let long_line = format!("echo {}", "x".repeat(64 * 1024));
    assert_fails_and_changes_nothing(
        SETUP,
        &long_line,
        "line 1 is 65541 bytes long: a line may be at most 65536 bytes (64 KiB)",
    );
    let mut big = String::from("cat > big.txt <<EOF\n");
    for _ in 0..20 {
        big.push_str(&"y".repeat(60_000));
        big.push('\n');
    }
    big.push_str("EOF\n");
    assert_fails_and_changes_nothing(
        SETUP,
        &big,
        "big.txt: file is 1200020 bytes: a workspace file may be at most 1048576 bytes (1 MiB)",
    );
    let script = "echo\n".repeat(10_001);
    assert_fails_and_changes_nothing(
        SETUP,
        &script,
        "script has 10001 lines: a script may be at most 10000 lines",
    );
    assert_fails_and_changes_nothing(
        SETUP,
        "run 721h",
        "run: duration \"721h\" is longer than the limit of 30 days (720h) per run\nusage: run DURATION",
    );
}

#[test]
fn file_errors_use_shell_wording_and_change_nothing() {
    assert_fails_and_changes_nothing(SETUP, "cat nope", "cat: nope: No such file or directory");
    assert_fails_and_changes_nothing(
        SETUP,
        "ls nope",
        "ls: cannot access 'nope': No such file or directory",
    );
    assert_fails_and_changes_nothing(
        SETUP,
        "rm nope",
        "rm: cannot remove 'nope': No such file or directory",
    );
    assert_fails_and_changes_nothing(
        "echo x > d/f",
        "rm d",
        "rm: cannot remove 'd': Is a directory",
    );
    assert_fails_and_changes_nothing("echo x > d/f", "cat d", "cat: d: Is a directory");
    assert_fails_and_changes_nothing(
        SETUP,
        "cat ../etc/passwd",
        "cat: ../etc/passwd: path leaves the workspace",
    );
    // A failing path in a list fails the whole command before anything is removed.
    assert_fails_and_changes_nothing(
        SETUP,
        "rm a.txt nope",
        "rm: cannot remove 'nope': No such file or directory",
    );
}

#[test]
fn usage_errors_print_the_usage_line_and_change_nothing() {
    assert_fails_and_changes_nothing(
        SETUP,
        "seed banana",
        "seed: invalid seed \"banana\": must be a whole number from 0 to 18446744073709551615\nusage: seed N",
    );
    assert_fails_and_changes_nothing(
        SETUP,
        "step 0",
        "step: invalid count \"0\": must be a whole number from 1 to 100000\nusage: step [N]",
    );
    assert_fails_and_changes_nothing(
        SETUP,
        "after 1s run 5s",
        "after: \"run\" moves simulated time itself and cannot be scheduled\nusage: after DURATION COMMAND [ARG...]",
    );
    assert_fails_and_changes_nothing(
        SETUP,
        "run 5s > out.txt",
        "run: its output cannot be redirected to a file\nusage: run DURATION",
    );
    assert_fails_and_changes_nothing(
        SETUP,
        "echo a | wc",
        "line 1: \"|\" is not supported: write one command per line",
    );
}

#[test]
fn here_document_writes_a_file_that_ls_and_cat_show() {
    let mut s = session();
    let out = s.submit("cat > app/Dockerfile <<EOF\nFROM alpine:3.20\nCMD [\"sh\"]\nEOF\nls\nls app\ncat app/Dockerfile");
    assert!(out.iter().all(|e| !e.failed()), "{out:?}");
    assert_eq!(out[1].output, "app/\n");
    assert_eq!(out[2].output, "Dockerfile\n");
    assert_eq!(out[3].output, "FROM alpine:3.20\nCMD [\"sh\"]\n");
    let kinds: Vec<_> = s.sim().log().iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds[..2], ["CommandRun", "FileWritten"]);
    assert_eq!(s.sim().log()[1].cause, Some(s.sim().log()[0].id));
}

#[test]
fn echo_appends_with_double_redirect_and_rm_removes() {
    let mut s = session();
    s.submit("echo one > f\necho two >> f\necho -n three >> f");
    assert_eq!(s.sim().workspace().read("f"), Some("one\ntwo\nthree"));
    let e = s.submit("rm f").remove(0);
    assert!(!e.failed());
    assert_eq!(s.sim().workspace().read("f"), None);
    let e = s.submit("rm -f f").remove(0);
    assert!(!e.failed(), "rm -f ignores a missing file");
}

#[test]
fn run_moves_the_clock_and_fires_scheduled_commands_in_time_order() {
    let mut s = session();
    s.submit("after 20s echo second\nafter 10s echo first\nafter 10s echo first-too");
    let out = s.submit("run 30s").remove(0).output;
    assert_eq!(
        out,
        "[00:00:10] echo first\n  | first\n[00:00:10] echo first-too\n  | first-too\n\
         [00:00:20] echo second\n  | second\nran 30s to 00:00:30: 2 step(s), 7 event(s)\n"
    );
    assert_eq!(s.view().clock, "00:00:30");
    assert_eq!(s.sim().now().as_ms(), 30_000);
}

#[test]
fn step_jumps_to_the_next_instant_with_work_and_reports_idle_when_none() {
    let mut s = session();
    s.submit("after 1m30s echo x");
    let out = s.submit("step").remove(0).output;
    assert!(out.starts_with("00:01:30  2 event(s)\n"), "{out}");
    assert_eq!(s.sim().now().as_ms(), 90_000);
    let out = s.submit("step").remove(0).output;
    assert_eq!(out, "idle: nothing is scheduled (clock 00:01:30)\n");
}

#[test]
fn every_event_after_a_command_names_its_cause() {
    let mut s = session();
    s.submit("after 10s rm f\necho x > f\nrun 10s");
    let log = s.sim().log();
    let removed = log.iter().find(|e| e.kind.name() == "FileRemoved").unwrap();
    // FileRemoved ← CommandRun(rm) ← ScheduledCommandRan ← CommandScheduled ← CommandRun(after)
    let mut chain = vec![removed.kind.name()];
    let mut cause = removed.cause;
    while let Some(id) = cause {
        let e = &log[(id.0 - 1) as usize];
        chain.push(e.kind.name());
        cause = e.cause;
    }
    assert_eq!(
        chain,
        [
            "FileRemoved",
            "CommandRun",
            "ScheduledCommandRan",
            "CommandScheduled",
            "CommandRun"
        ]
    );
}

#[test]
fn a_scheduled_command_that_fails_later_is_logged_and_changes_nothing_else() {
    let mut s = session();
    s.submit("after 5s cat missing.txt\nrun 5s");
    let failed = s
        .sim()
        .log()
        .iter()
        .find(|e| e.kind.name() == "ScheduledCommandFailed")
        .expect("failure event");
    assert!(failed
        .message
        .contains("cat: missing.txt: No such file or directory"));
}

#[test]
fn reset_and_seed_start_over_but_keep_the_history() {
    let mut s = session();
    s.submit("echo x > f\nafter 5s echo y\nrun 1s");
    let e = s.submit("seed 7").remove(0);
    assert_eq!(e.output, "simulation reset with seed 7\n");
    assert_eq!(s.view().seed, 7);
    assert_eq!(s.sim().now().as_ms(), 0);
    assert!(s.sim().workspace().is_empty());
    assert_eq!(s.sim().scheduled(), 0);
    assert_eq!(s.sim().log().len(), 1);
    let e = s.submit("reset").remove(0);
    assert_eq!(e.output, "simulation reset (seed 7)\n");
    let h = s.submit("history").remove(0).output;
    assert_eq!(
        h,
        "    1  echo x > f\n    2  after 5s echo y\n    3  run 1s\n    4  seed 7\n    5  reset\n    6  history\n"
    );
}

#[test]
fn history_lists_failed_commands_too_as_a_shell_does() {
    let mut s = session();
    s.submit("kubect get pods");
    let h = s.submit("history").remove(0).output;
    assert_eq!(h, "    1  kubect get pods\n    2  history\n");
}

#[test]
fn help_lists_every_command_and_explains_one() {
    let mut s = session();
    let out = s.submit("help").remove(0).output;
    for name in sim_core::command::command_names() {
        assert!(out.contains(&format!("\n  {name}")), "help lacks {name}");
    }
    let out = s.submit("help after").remove(0).output;
    assert!(
        out.starts_with("usage: after DURATION COMMAND [ARG...]\n"),
        "{out}"
    );
    let e = s.submit("help kubect").remove(0);
    assert!(e.error.unwrap().starts_with("unknown command \"kubect\""));
}

#[test]
fn clock_reports_time_seed_and_queue() {
    let mut s = session();
    s.submit("after 90s echo x\nrun 1500ms");
    let out = s.submit("clock").remove(0).output;
    assert_eq!(
        out,
        "00:00:01.500 (1500 ms since start), seed 42, 1 scheduled, next at 00:01:30\n"
    );
}
