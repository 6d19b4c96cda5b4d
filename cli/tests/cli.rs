//! The `kube-sandbox` binary as a teacher or CI uses it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kube-sandbox");

fn example(name: &str) -> String {
    format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("binary runs")
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn trace_hash(o: &Output) -> String {
    let out = stdout(o);
    let last = out.lines().last().expect("output");
    last.strip_prefix("trace-hash: ")
        .expect("hash line last")
        .to_string()
}

#[test]
fn the_same_script_twice_gives_the_same_trace_hash() {
    let a = run(&["run", &example("skeleton.ksh"), "--trace-hash"]);
    let b = run(&["run", &example("skeleton.ksh"), "--trace-hash"]);
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(trace_hash(&a), trace_hash(&b));
    assert_eq!(stdout(&a), stdout(&b));
    assert_eq!(trace_hash(&a).len(), 64);
}

#[test]
fn the_transcript_shows_each_command_and_its_output() {
    let o = run_stdin(
        &["run", "-"],
        "echo hello\ncat > f <<EOF\nline\nEOF\ncat f\n",
    );
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "$ echo hello\nhello\n$ cat > f <<EOF\nline\nEOF\n$ cat f\nline\n"
    );
}

#[test]
fn json_format_prints_one_object_per_command_with_its_events() {
    let o = run_stdin(
        &["run", "-", "--format", "json", "--trace-hash"],
        "after 10s echo hi\nrun 30s\n",
    );
    assert!(o.status.success());
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["command"], "after 10s echo hi");
    assert_eq!(lines[0]["time_ms"], 0);
    assert_eq!(lines[0]["events"][1]["kind"]["type"], "CommandScheduled");
    assert_eq!(lines[1]["time_ms"], 30_000);
    assert_eq!(
        lines[1]["output"],
        "[00:00:10] echo hi\n  | hi\nran 30s to 00:00:30: 1 step(s), 3 event(s)\n"
    );
    let kinds: Vec<_> = lines[1]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"]["type"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        kinds,
        [
            "CommandRun",
            "ScheduledCommandRan",
            "CommandRun",
            "ClockAdvanced"
        ]
    );
    assert_eq!(lines[2]["trace_hash"].as_str().unwrap().len(), 64);
}

#[test]
fn a_failing_command_stops_the_script_with_status_1() {
    let o = run_stdin(&["run", "-"], "echo one\nrun 5x\necho never\n");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "$ echo one\none\n$ run 5x\nerror: invalid duration \"5x\": use a number followed by ms, s, m or h\n"
    );
}

#[test]
fn keep_going_runs_every_command_but_still_fails() {
    let o = run_stdin(&["run", "-", "--keep-going"], "kubect\necho after\n");
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("error: unknown command \"kubect\""), "{out}");
    assert!(out.ends_with("$ echo after\nafter\n"), "{out}");
}

#[test]
fn the_seed_option_reaches_the_simulation() {
    let o = run_stdin(&["run", "-", "--seed", "99"], "clock\n");
    assert!(stdout(&o).contains("seed 99"));
}

#[test]
fn a_script_that_does_not_parse_runs_nothing() {
    let o = run_stdin(&["run", "-"], "echo one\ncat > f <<EOF\nno end\n");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "error: -: here-document not terminated: expected \"EOF\"\n"
    );
}

#[test]
fn bad_arguments_print_usage_with_status_2() {
    for args in [
        &["walk"][..],
        &["run"],
        &["run", "x", "--format", "xml"],
        &["run", "x", "--bogus"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("usage: kube-sandbox run"));
    }
    let o = run(&["run", "/no/such/script"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/script"));
}
