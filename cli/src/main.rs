//! `kube-sandbox`: runs Kube Sandbox scripts headlessly, for tests and for teachers.
//!
//! All IO of the headless runner lives here; the model in `sim-core` never touches files.

mod lesson;

use std::io::{Read, Write};
use std::process::ExitCode;

use serde::Serialize;
use sim_core::{shell, Event, Session, SimConfig};

/// The largest script file read (the parser also limits lines and line length).
const MAX_SCRIPT_FILE_BYTES: u64 = 16 * 1024 * 1024;

const USAGE: &str = "\
usage: kube-sandbox run SCRIPT|- [--seed N] [--format text|json] [--trace-hash] [--keep-going]
                         [--export-dir DIR]
       kube-sandbox lesson list|check [DIR]   |   kube-sandbox lesson run ID [DIR]

Runs a script of sandbox commands (one per line, as typed in the browser terminal) and prints a
transcript: \"$ command\" followed by its output. Stops with exit status 1 at the first failing
command unless --keep-going is given.

options:
  --seed N          seed of the simulation's random number generator (default 1)
  --format text     terminal-like transcript (default)
  --format json     one JSON object per command: time_ms, command, output, error, events
  --trace-hash      print the trace hash (sha256 of the event log) last
  --keep-going      run every command even after one fails (exit status is still 1)
  --export-dir DIR  after the run, copy every workspace file (Dockerfiles, `docker save`
                    archives…) into DIR, keeping their paths; DIR is created if needed";

#[derive(Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

#[derive(Debug)]
struct RunArgs {
    script: String,
    seed: u64,
    format: Format,
    trace_hash: bool,
    keep_going: bool,
    export_dir: Option<std::path::PathBuf>,
}

fn parse_args(args: &[String]) -> Result<RunArgs, String> {
    let Some((sub, rest)) = args.split_first() else {
        return Err("missing command".into());
    };
    if sub != "run" {
        return Err(format!("unknown command \"{sub}\""));
    }
    let mut script = None;
    let mut seed = 1;
    let mut format = Format::Text;
    let (mut trace_hash, mut keep_going) = (false, false);
    let mut export_dir = None;
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => {
                let v = it.next().ok_or("--seed needs a value")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("invalid seed \"{v}\": must be a whole number"))?;
            }
            "--format" => {
                format = match it.next().map(String::as_str) {
                    Some("text") => Format::Text,
                    Some("json") => Format::Json,
                    Some(v) => return Err(format!("invalid format \"{v}\": use text or json")),
                    None => return Err("--format needs a value (text or json)".into()),
                }
            }
            "--trace-hash" => trace_hash = true,
            "--keep-going" => keep_going = true,
            "--export-dir" => {
                let v = it.next().ok_or("--export-dir needs a directory")?;
                export_dir = Some(std::path::PathBuf::from(v));
            }
            "-h" | "--help" => return Err(String::new()),
            f if f.starts_with("--") => return Err(format!("unknown option \"{f}\"")),
            s if script.is_none() => script = Some(s.to_string()),
            extra => return Err(format!("unexpected argument \"{extra}\"")),
        }
    }
    Ok(RunArgs {
        script: script.ok_or("missing SCRIPT (a file, or - for standard input)")?,
        seed,
        format,
        trace_hash,
        keep_going,
        export_dir,
    })
}

fn read_script(path: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin()
            .take(MAX_SCRIPT_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_SCRIPT_FILE_BYTES + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| format!("{path}: {e}"))?;
    if bytes.len() as u64 > MAX_SCRIPT_FILE_BYTES {
        return Err(format!("{path}: script is larger than 16 MiB"));
    }
    String::from_utf8(bytes).map_err(|_| format!("{path}: script is not valid UTF-8"))
}

#[derive(Serialize)]
struct JsonRecord<'a> {
    time_ms: u64,
    command: &'a str,
    output: &'a str,
    error: Option<&'a str>,
    events: &'a [Event],
}

/// Copies every workspace file into `dir`, keeping its path. Workspace paths are normalized
/// (relative, no `..`), so nothing lands outside `dir`.
fn export(session: &Session, dir: &std::path::Path) -> std::io::Result<usize> {
    let mut n = 0;
    for (path, content) in session.sim().workspace().files() {
        let target = path
            .split('/')
            .fold(dir.to_path_buf(), |acc, part| acc.join(part));
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, content.bytes())?;
        n += 1;
    }
    Ok(n)
}

/// Runs the script, writing the transcript to `out`; returns whether every command succeeded.
fn run(args: &RunArgs, text: &str, out: &mut impl Write) -> std::io::Result<bool> {
    let lines = match shell::parse_script(text) {
        Ok(lines) => lines,
        Err(e) => {
            writeln!(out, "error: {}: {e}", args.script)?;
            return Ok(false);
        }
    };
    let mut session = Session::new(SimConfig { seed: args.seed });
    let mut ok = true;
    for line in lines {
        let entry = session.submit_line(line);
        match args.format {
            Format::Text => {
                writeln!(out, "$ {}", entry.command)?;
                out.write_all(entry.output.as_bytes())?;
                if !entry.output.is_empty() && !entry.output.ends_with('\n') {
                    writeln!(out)?;
                }
                if let Some(e) = &entry.error {
                    writeln!(out, "error: {e}")?;
                }
            }
            Format::Json => {
                let record = JsonRecord {
                    time_ms: entry.time.as_ms(),
                    command: &entry.command,
                    output: &entry.output,
                    error: entry.error.as_deref(),
                    events: session.entry_events(&entry),
                };
                serde_json::to_writer(&mut *out, &record)?;
                writeln!(out)?;
            }
        }
        if entry.failed() {
            ok = false;
            if !args.keep_going {
                break;
            }
        }
    }
    if let Some(dir) = &args.export_dir {
        std::fs::create_dir_all(dir)
            .and_then(|_| export(&session, dir))
            .map_err(|e| {
                std::io::Error::new(e.kind(), format!("--export-dir {}: {e}", dir.display()))
            })?;
    }
    if args.trace_hash {
        let hash = session.sim().trace_hash();
        match args.format {
            Format::Text => writeln!(out, "trace-hash: {hash}")?,
            Format::Json => writeln!(out, "{}", serde_json::json!({ "trace_hash": hash }))?,
        }
    }
    Ok(ok)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("lesson") {
        return lesson::main(&argv[1..]);
    }
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("kube-sandbox: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let text = match read_script(&args.script) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("kube-sandbox: {msg}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match run(&args, &text, &mut out).and_then(|ok| out.flush().map(|_| ok)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("kube-sandbox: {e}");
            ExitCode::from(2)
        }
    }
}
