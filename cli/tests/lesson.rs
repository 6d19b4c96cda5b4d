//! `kube-sandbox lesson …` as a teacher uses it: check a folder of lessons, run one.

use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_kube-sandbox");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn course_dir() -> String {
    format!("{}/../lessons/course", env!("CARGO_MANIFEST_DIR"))
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ks-lesson-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn lesson_check_solves_every_shipped_lesson() {
    let out = run(&["lesson", "check", &course_dir()]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("ok   containers-vs-vms"), "{stdout}");
    assert!(stdout.trim_end().ends_with("all solved"), "{stdout}");
}

#[test]
fn lesson_check_reports_every_problem_of_a_bad_folder_by_file_and_path() {
    let dir = temp_dir("bad");
    let good =
        std::fs::read_to_string(format!("{}/01-containers-vs-vms.yaml", course_dir())).unwrap();
    std::fs::write(dir.join("a.yaml"), &good).unwrap();
    std::fs::write(
        dir.join("b.yaml"),
        good.replace("id: containers-vs-vms", "id: second")
            .replace("learned:", "learnd:"),
    )
    .unwrap();
    std::fs::write(
        dir.join("index.yaml"),
        "chapters:\n  - title: {ko: 장, en: Chapter}\n    lessons: [containers-vs-vms, second]\n",
    )
    .unwrap();
    let out = run(&["lesson", "check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let d = dir.display();
    assert_eq!(
        stderr,
        format!(
            "{d}/b.yaml: learnd: unknown field \"learnd\" (did you mean \"learned\"?)\n\
             {d}/b.yaml: learned: missing required field\n"
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lesson_check_fails_a_lesson_whose_solution_misses_a_goal() {
    let dir = temp_dir("unsolved");
    let good =
        std::fs::read_to_string(format!("{}/01-containers-vs-vms.yaml", course_dir())).unwrap();
    std::fs::write(
        dir.join("a.yaml"),
        good.replace("  host density --max 200\n", ""),
    )
    .unwrap();
    std::fs::write(
        dir.join("index.yaml"),
        "chapters:\n  - title: {ko: 장, en: Chapter}\n    lessons: [containers-vs-vms]\n",
    )
    .unwrap();
    let out = run(&["lesson", "check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("FAIL containers-vs-vms        4/5 goals"),
        "{stdout}"
    );
    assert!(stdout.contains("not met: Measure how many VMs"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn lesson_run_prints_the_transcript_and_the_goals() {
    let out = run(&["lesson", "run", "containers-vs-vms"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("# lesson containers-vs-vms (seed 1)\n$ host show\n"),
        "{stdout}"
    );
    assert!(stdout.contains(
        "# --- the student's part (reference solution) ---\n$ vm create vm1 --profile full\n"
    ));
    assert!(stdout.contains("[x] Create a full VM and let it finish booting (0/1 → 1/1)"));
    assert!(stdout.lines().last().unwrap().starts_with("trace-hash: "));
}

#[test]
fn an_unknown_lesson_is_an_error() {
    let out = run(&["lesson", "run", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "kube-sandbox: no lesson \"nope\"\n");
}
