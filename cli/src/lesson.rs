//! `kube-sandbox lesson check|run|list`: the course, headlessly. Reads lesson files from a
//! folder (or uses the course built into the binary) and runs their reference solutions.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use lessons::{runner, Course, MAX_LESSON_BYTES};

pub const USAGE: &str = "\
usage: kube-sandbox lesson list [DIR]
       kube-sandbox lesson check [DIR]
       kube-sandbox lesson run ID [DIR]

DIR is a folder with index.yaml and one .yaml file per lesson (default: the course built
into this program, the files of lessons/course/).
  list    the chapters and lessons, in order
  check   validates every file (every problem, with its field path), then runs each lesson's
          setup, demonstrations and reference solution and reports its goals; exit status 1
          when a file is invalid or a lesson's solution does not reach every goal
  run     prints a lesson's transcript: setup, demonstrations, solution, goals before → after";

/// Reads the course in `dir`: index.yaml and every other *.yaml, by file name.
fn read_course(dir: &Path) -> Result<(String, Vec<(String, String)>), String> {
    let read = |p: &Path| -> Result<String, String> {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.len() > MAX_LESSON_BYTES as u64 {
            return Err(format!(
                "{}: {} bytes is over the limit of {MAX_LESSON_BYTES}",
                p.display(),
                meta.len()
            ));
        }
        std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
    };
    let index = read(&dir.join("index.yaml"))?;
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "index.yaml")
        .collect();
    names.sort();
    let mut files = Vec::new();
    for n in names.into_iter().take(lessons::MAX_LESSONS + 1) {
        files.push((n.clone(), read(&dir.join(&n))?));
    }
    Ok((index, files))
}

fn load(dir: Option<&str>) -> Result<Course, String> {
    match dir {
        None => {
            Course::load(lessons::BUILTIN_INDEX, lessons::BUILTIN_FILES).map_err(|e| e.to_string())
        }
        Some(d) => {
            let (index, files) = read_course(Path::new(d))?;
            let files: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            Course::load(&index, &files).map_err(|e| {
                e.files
                    .iter()
                    .flat_map(|(file, p)| {
                        p.problems.iter().map(move |p| format!("{d}/{file}: {p}"))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
    }
}

pub fn main(args: &[String]) -> ExitCode {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = match words.as_slice() {
        ["list"] => list(None, &mut out),
        ["list", dir] => list(Some(dir), &mut out),
        ["check"] => check(None, &mut out),
        ["check", dir] => check(Some(dir), &mut out),
        ["run", id] => run(id, None, &mut out),
        ["run", id, dir] => run(id, Some(dir), &mut out),
        ["-h" | "--help"] | [] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!(
                "kube-sandbox: unknown lesson command \"{}\"\n\n{USAGE}",
                words.join(" ")
            );
            return ExitCode::from(2);
        }
    };
    let _ = out.flush();
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

fn list(dir: Option<&str>, out: &mut impl Write) -> Result<bool, String> {
    let course = load(dir)?;
    let mut n = 0;
    for ch in &course.index.chapters {
        let _ = writeln!(out, "{} / {}", ch.title.ko, ch.title.en);
        for id in &ch.lessons {
            n += 1;
            if let Some(l) = course.lesson(id) {
                let _ = writeln!(out, "  {n:>2}. {id:<24} {} / {}", l.title.ko, l.title.en);
            }
        }
    }
    Ok(true)
}

fn check(dir: Option<&str>, out: &mut impl Write) -> Result<bool, String> {
    let course = load(dir)?;
    let mut all_ok = true;
    for lesson in &course.lessons {
        match runner::solve(lesson) {
            Err(e) => {
                all_ok = false;
                let _ = writeln!(out, "FAIL {}: {e}", lesson.id);
            }
            Ok(s) => {
                let met = s.after.iter().filter(|g| g.met).count();
                let ok = s.passed();
                all_ok &= ok;
                let _ = writeln!(
                    out,
                    "{} {:<24} {met}/{} goals",
                    if ok { "ok  " } else { "FAIL" },
                    lesson.id,
                    s.after.len()
                );
                for (cmd, err) in &s.failed {
                    let _ = writeln!(out, "     solution command \"{cmd}\" failed: {err}");
                }
                for (g, st) in lesson.goals.iter().zip(&s.after) {
                    if !st.met {
                        let _ = writeln!(out, "     not met: {} ({})", g.text.en, st.progress);
                    }
                }
                if s.before.iter().all(|g| g.met) {
                    let _ = writeln!(
                        out,
                        "     every goal is already met before the student starts"
                    );
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{} lesson(s), {}",
        course.lessons.len(),
        if all_ok { "all solved" } else { "some failed" }
    );
    Ok(all_ok)
}

fn run(id: &str, dir: Option<&str>, out: &mut impl Write) -> Result<bool, String> {
    let course = load(dir)?;
    let lesson = course
        .lesson(id)
        .ok_or_else(|| format!("kube-sandbox: no lesson \"{id}\""))?;
    let s = runner::solve(lesson).map_err(|e| format!("kube-sandbox: {id}: {e}"))?;
    let _ = write!(out, "{}", s.transcript);
    let _ = writeln!(out, "trace-hash: {}", s.trace_hash);
    Ok(s.passed())
}
