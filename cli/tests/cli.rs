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

/// A fresh directory under the system's temporary directory for one test.
fn scratch_dir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-sandbox-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const SAVE_SCRIPT: &str = "cat > app/Dockerfile <<EOF
FROM alpine:3.20
RUN echo one > /one
ENV GREETING=hi
EOF
docker build -t app:1.0 app
docker push app:1.0
docker inspect app:1.0
docker save app:1.0 -o out/app.tar
";

/// Runs the save script with `--export-dir`; returns the JSON records and the export dir.
fn export_saved_image(test: &str) -> (Vec<serde_json::Value>, std::path::PathBuf) {
    let dir = scratch_dir(test);
    let o = run_stdin(
        &[
            "run",
            "-",
            "--format",
            "json",
            "--export-dir",
            dir.to_str().unwrap(),
        ],
        SAVE_SCRIPT,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let records = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (records, dir)
}

#[test]
fn export_dir_copies_every_workspace_file_byte_for_byte() {
    let (records, dir) = export_saved_image("export");
    let dockerfile = std::fs::read_to_string(dir.join("app/Dockerfile")).unwrap();
    assert!(dockerfile.starts_with("FROM alpine:3.20\n"));
    let tar = std::fs::read(dir.join("out/app.tar")).unwrap();
    assert_eq!(tar.len() % 512, 0);
    assert_eq!(&tar[257..263], b"ustar\0");
    let written = records
        .iter()
        .flat_map(|r| r["events"].as_array().unwrap().iter())
        .find(|e| e["kind"]["type"] == "FileWritten" && e["object"]["name"] == "out/app.tar")
        .expect("the save wrote the file");
    assert_eq!(written["kind"]["bytes"].as_u64().unwrap(), tar.len() as u64);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_export_dir_that_cannot_be_created_is_an_error_with_status_2() {
    let file = scratch_dir("export-file");
    std::fs::write(&file, "not a directory").unwrap();
    let o = run_stdin(
        &["run", "-", "--export-dir", file.to_str().unwrap()],
        "echo hi > a\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--export-dir"));
    std::fs::remove_file(&file).unwrap();
}

/// Runs a host tool; `None` when it is not installed.
fn tool(program: &str, args: &[&str]) -> Option<Output> {
    match Command::new(program).args(args).output() {
        Ok(o) => Some(o),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("{program}: {e}"),
    }
}

/// skopeo (in Debian: `apt-get install -y skopeo`) must read `docker save`'s archive and report
/// the digests the sandbox shows. Without skopeo the test says it was skipped, unless
/// `KUBE_SANDBOX_REQUIRE_SKOPEO=1` (set by `cargo xtask test`), when it fails.
#[test]
fn skopeo_reads_a_saved_image_and_reports_the_digests_the_sandbox_shows() {
    if tool("skopeo", &["--version"]).is_none() {
        let required = std::env::var("KUBE_SANDBOX_REQUIRE_SKOPEO").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "skopeo is not installed but KUBE_SANDBOX_REQUIRE_SKOPEO=1: install it (apt-get install -y skopeo)"
        );
        eprintln!(
            "skipped: skopeo is not installed (set KUBE_SANDBOX_REQUIRE_SKOPEO=1 to require it)"
        );
        return;
    }
    let (records, dir) = export_saved_image("skopeo");
    let output = |command: &str| -> String {
        records
            .iter()
            .find(|r| r["command"] == command)
            .unwrap_or_else(|| panic!("{command} ran"))["output"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let inspect: serde_json::Value =
        serde_json::from_str(&output("docker inspect app:1.0")).unwrap();
    let push = output("docker push app:1.0");
    let pushed_digest = push
        .lines()
        .last()
        .and_then(|l| l.split_whitespace().nth(2))
        .unwrap()
        .to_string();
    let archive = format!("oci-archive:{}", dir.join("out/app.tar").display());
    let skopeo = |args: &[&str]| -> Vec<u8> {
        let o = tool("skopeo", args).unwrap();
        assert!(
            o.status.success(),
            "skopeo {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o.stdout
    };
    let info: serde_json::Value = serde_json::from_slice(&skopeo(&["inspect", &archive])).unwrap();
    assert_eq!(info["Digest"], pushed_digest.as_str(), "manifest digest");
    assert_eq!(
        info["Layers"], inspect[0]["RootFS"]["Layers"],
        "layer digests"
    );
    assert_eq!(info["Env"], inspect[0]["Config"]["Env"]);
    // The config blob skopeo reads hashes to the sandbox's ImageID.
    let config = skopeo(&["inspect", "--raw", "--config", &archive]);
    use sha2::Digest as _;
    let id = format!("sha256:{:x}", sha2::Sha256::digest(&config));
    assert_eq!(
        inspect[0]["Id"],
        id.as_str(),
        "ImageID = sha256 of the config"
    );
    // index.json's reference name selects the image too.
    let named: serde_json::Value =
        serde_json::from_slice(&skopeo(&["inspect", &format!("{archive}:1.0")])).unwrap();
    assert_eq!(named["Digest"], info["Digest"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
