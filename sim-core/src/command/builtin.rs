//! The built-in commands: session, time and workspace files.

use std::fmt::Write as _;

use super::{lookup, shell_quote, CommandSpec, Family, Invocation, Plan, FAMILIES};
use crate::error::{CommandError, Result};
use crate::event::{EventId, EventKind, ObjectRef};
use crate::limits;
use crate::shell::CommandLine;
use crate::sim::{Action, Sim, SimConfig};
use crate::time::{format_duration_ms, parse_duration_ms, MAX_RUN_MS};
use crate::workspace::{normalize, Lookup};

/// The built-in family.
pub(super) const FAMILY: Family = Family {
    name: "session",
    commands: &[
        CommandSpec {
            name: "help",
            usage: "help [COMMAND]",
            summary: "list the commands, or show how to use one",
            help: "Without an argument, lists every command with a one-line summary.",
            schedulable: true,
            handles_redirect: false,
            plan: help,
        },
        CommandSpec {
            name: "seed",
            usage: "seed N",
            summary: "start the simulation again from seed N",
            help: "Resets the simulation (clock, files, events) and reseeds its random number \
                   generator. The same seed and the same commands always give the same trace.",
            schedulable: false,
            handles_redirect: false,
            plan: seed,
        },
        CommandSpec {
            name: "reset",
            usage: "reset",
            summary: "start the simulation again from the same seed",
            help: "Clears the clock, the workspace files, the queue and the event log. The \
                   command history is kept.",
            schedulable: false,
            handles_redirect: false,
            plan: reset,
        },
        CommandSpec {
            name: "step",
            usage: "step [N]",
            summary: "advance to the next instant with work, N times (default 1)",
            help: "Each step jumps the clock to the next moment something is scheduled and \
                   processes everything due then. Prints the events of each step.",
            schedulable: false,
            handles_redirect: false,
            plan: step,
        },
        CommandSpec {
            name: "run",
            usage: "run DURATION",
            summary: "let simulated time pass (500ms, 30s, 2m, 1h, 1m30s)",
            help: "Processes every instant with work up to now + DURATION, then sets the clock \
                   to that time. At most 30 days at once.",
            schedulable: false,
            handles_redirect: false,
            plan: run,
        },
        CommandSpec {
            name: "after",
            usage: "after DURATION COMMAND [ARG...]",
            summary: "schedule a command to run when DURATION of simulated time has passed",
            help: "The command is checked now and run later, when `step` or `run` reaches its \
                   time; if it fails then, the failure is an event in the log.",
            schedulable: true,
            handles_redirect: true,
            plan: after,
        },
        CommandSpec {
            name: "clock",
            usage: "clock",
            summary: "show the simulated time, seed and scheduled work",
            help: "Simulated time starts at 00:00:00 and moves with `step` and `run`, and with commands \
                   that wait as their real tools do (`docker run` waits for its container's start).",
            schedulable: true,
            handles_redirect: false,
            plan: clock,
        },
        CommandSpec {
            name: "ls",
            usage: "ls [-l] [PATH...]",
            summary: "list workspace files",
            help: "Directories end in /. With -l, also shows each file's size in bytes.",
            schedulable: true,
            handles_redirect: false,
            plan: ls,
        },
        CommandSpec {
            name: "cat",
            usage: "cat [PATH...]   |   cat > PATH <<EOF",
            summary: "print files, or write one from a here-document",
            help: "`cat > Dockerfile <<EOF` followed by lines and a line `EOF` writes the lines \
                   into the file, as in a shell.",
            schedulable: true,
            handles_redirect: false,
            plan: cat,
        },
        CommandSpec {
            name: "rm",
            usage: "rm [-r] [-f] PATH...",
            summary: "remove workspace files",
            help: "-r removes directories and what they contain; -f ignores missing paths.",
            schedulable: true,
            handles_redirect: false,
            plan: rm,
        },
        CommandSpec {
            name: "echo",
            usage: "echo [-n] [TEXT...]",
            summary: "print text (redirect it with > FILE or >> FILE)",
            help: "-n leaves out the trailing newline.",
            schedulable: true,
            handles_redirect: false,
            plan: echo,
        },
        CommandSpec {
            name: "history",
            usage: "history",
            summary: "list the commands typed in this session",
            help: "Numbered as a shell numbers them; failed commands are listed too.",
            schedulable: true,
            handles_redirect: false,
            plan: history,
        },
    ],
};

fn spec(name: &str) -> &'static CommandSpec {
    FAMILY
        .commands
        .iter()
        .find(|c| c.name == name)
        .expect("built-in command is registered")
}

fn no_args(inv: &Invocation) -> Result<()> {
    if let Some(extra) = inv.args.first() {
        return Err(spec(inv.name).usage_error(format!("unexpected argument \"{extra}\"")));
    }
    Ok(())
}

/// Writes a workspace file and records the event (the caller has checked the write).
pub(super) fn write_file(sim: &mut Sim, path: String, content: String, cause: EventId) {
    let bytes = content.len() as u64;
    let object = ObjectRef::new("file", path.clone());
    sim.workspace.write(path.clone(), content);
    sim.record(
        EventKind::FileWritten { bytes },
        object,
        Some(cause),
        format!("wrote {path} ({bytes} bytes)"),
    );
}

fn help(_: &Sim, inv: &Invocation) -> Result<Plan> {
    match inv.args {
        [] => {
            let mut out = String::new();
            for family in FAMILIES {
                let _ = writeln!(out, "{} commands:", family.name);
                for c in family.commands {
                    let _ = writeln!(
                        out,
                        "  {:<34} {}",
                        c.usage.split("   |").next().unwrap_or(c.usage),
                        c.summary
                    );
                }
            }
            out.push_str("\nType \"help COMMAND\" for more about one command.\n");
            Ok(Plan::Output(out))
        }
        [name] => {
            let c = lookup(name)?;
            Ok(Plan::Output(format!(
                "usage: {}\n\n{}.\n{}\n",
                c.usage, c.summary, c.help
            )))
        }
        [_, extra, ..] => Err(spec("help").usage_error(format!("unexpected argument \"{extra}\""))),
    }
}

fn parse_seed(text: &str) -> Result<u64> {
    text.parse::<u64>().map_err(|_| {
        spec("seed").usage_error(format!(
            "invalid seed \"{text}\": must be a whole number from 0 to {}",
            u64::MAX
        ))
    })
}

fn restart(sim: &mut Sim, seed: u64, source: String) -> EventId {
    let history = std::mem::take(&mut sim.history);
    *sim = Sim::new(SimConfig { seed });
    sim.history = history;
    sim.record(
        EventKind::CommandRun {
            command: source.clone(),
        },
        ObjectRef::new("session", "terminal"),
        None,
        format!("$ {source}"),
    )
}

fn seed(_: &Sim, inv: &Invocation) -> Result<Plan> {
    let [n] = inv.args else {
        return Err(spec("seed").usage_error("expected exactly one seed"));
    };
    let seed = parse_seed(n)?;
    let source = shell_quote(&["seed".to_string(), n.clone()]);
    Ok(Plan::Effect(Box::new(move |sim, _| {
        restart(sim, seed, source);
        format!("simulation reset with seed {seed}\n")
    })))
}

fn reset(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    no_args(inv)?;
    let seed = sim.config().seed;
    Ok(Plan::Effect(Box::new(move |sim, _| {
        restart(sim, seed, "reset".into());
        format!("simulation reset (seed {seed})\n")
    })))
}

/// Formats the events of one step the way `step` prints them.
fn describe_events(out: &mut String, events: &[crate::event::Event]) {
    for e in events {
        let cause = e
            .cause
            .map(|c| format!(" (cause #{})", c.0))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  #{} {} {}: {}{}",
            e.id.0,
            e.kind.name(),
            e.object,
            e.message,
            cause
        );
    }
}

fn step(_: &Sim, inv: &Invocation) -> Result<Plan> {
    let n = match inv.args {
        [] => 1,
        [n] => n
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=limits::MAX_STEPS).contains(n))
            .ok_or_else(|| {
                spec("step").usage_error(format!(
                    "invalid count \"{n}\": must be a whole number from 1 to {}",
                    limits::MAX_STEPS
                ))
            })?,
        [_, extra, ..] => {
            return Err(spec("step").usage_error(format!("unexpected argument \"{extra}\"")))
        }
    };
    Ok(Plan::Effect(Box::new(move |sim, _| {
        let mut out = String::new();
        for _ in 0..n {
            if sim.is_paused() {
                out.push_str("(paused)\n");
                break;
            }
            if sim.next_time().is_none() {
                let _ = writeln!(out, "idle: nothing is scheduled (clock {})", sim.now());
                break;
            }
            let events = sim.step().to_vec();
            let _ = writeln!(out, "{}  {} event(s)", sim.now(), events.len());
            describe_events(&mut out, &events);
            out.push_str(&std::mem::take(&mut sim.scheduled_output));
        }
        out
    })))
}

fn run(_: &Sim, inv: &Invocation) -> Result<Plan> {
    let [d] = inv.args else {
        return Err(spec("run").usage_error("expected one duration, such as 30s"));
    };
    let ms = parse_duration_ms(d)?;
    if ms > MAX_RUN_MS {
        return Err(spec("run").usage_error(format!(
            "duration \"{d}\" is longer than the limit of 30 days (720h) per run"
        )));
    }
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let before = sim.log().len();
        let deadline = sim.now().plus_ms(ms);
        let summary = sim.run_to(deadline, Some(id), 0, before);
        finish_run(sim, ms, deadline, Some(id), before, String::new(), summary)
    })))
}

/// What `run` prints when it ends or the session's budget pauses it; a pause is remembered so
/// the session can carry on from a copy ([`resume_run`]).
fn finish_run(
    sim: &mut Sim,
    ms: u64,
    deadline: crate::time::SimTime,
    cause: Option<crate::event::EventId>,
    before: usize,
    printed_before: String,
    summary: crate::sim::RunSummary,
) -> String {
    let printed = printed_before + &std::mem::take(&mut sim.scheduled_output);
    if summary.paused {
        sim.paused_run = Some(crate::sim::PausedRun {
            ms,
            deadline,
            steps: summary.steps,
            log_before: before,
            cause,
            printed: printed.clone(),
        });
        printed
            + &format!(
                "(paused at {} after {} step(s), {} event(s))\n",
                sim.now(),
                summary.steps,
                summary.events
            )
    } else {
        sim.paused_run = None;
        printed
            + &format!(
                "ran {} to {}: {} step(s), {} event(s)\n",
                format_duration_ms(ms),
                sim.now(),
                summary.steps,
                summary.events
            )
    }
}

/// Carries on the `run` the session's budget paused (on this simulation or the copy it was
/// taken from), under the budget now set; prints what that one `run` would have printed had it
/// gone this far in one call. `None` when no run is paused.
pub(crate) fn resume_run(sim: &mut Sim) -> Option<String> {
    let p = sim.paused_run.take()?;
    let summary = sim.run_to(p.deadline, p.cause, p.steps, p.log_before);
    Some(finish_run(
        sim,
        p.ms,
        p.deadline,
        p.cause,
        p.log_before,
        p.printed,
        summary,
    ))
}

fn after(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let [d, command, rest @ ..] = inv.args else {
        return Err(spec("after").usage_error("expected a duration and a command"));
    };
    let ms = parse_duration_ms(d)?;
    if ms > MAX_RUN_MS {
        return Err(spec("after").usage_error(format!(
            "duration \"{d}\" is longer than the limit of 30 days (720h)"
        )));
    }
    let target = lookup(command)?;
    if !target.schedulable {
        return Err(spec("after").usage_error(format!(
            "\"{command}\" moves simulated time itself and cannot be scheduled"
        )));
    }
    if inv.stdin.is_some() {
        return Err(spec("after").usage_error("a scheduled command cannot read a here-document"));
    }
    sim.check_schedule("after")?;
    let mut words = vec![command.clone()];
    words.extend(rest.iter().cloned());
    let mut source = shell_quote(&words);
    if let Some(r) = inv.redirect {
        let path = crate::workspace::normalize(command, &r.path)?;
        source.push_str(if r.append { " >> " } else { " > " });
        source.push_str(&shell_quote(&[path]));
    }
    let line = CommandLine {
        line: 1,
        words,
        redirect: inv.redirect.cloned(),
        heredoc: None,
        source: source.clone(),
    };
    Ok(Plan::Effect(Box::new(move |sim, id| {
        let at = sim.now().plus_ms(ms);
        let scheduled = sim.record(
            EventKind::CommandScheduled {
                command: source.clone(),
                at_ms: at.as_ms(),
            },
            ObjectRef::new("session", "scheduler"),
            Some(id),
            format!("scheduled \"{source}\" for {at}"),
        );
        sim.schedule(
            at,
            Action::RunCommand {
                line,
                scheduled_by: scheduled,
            },
        );
        format!("scheduled \"{source}\" for {at}\n")
    })))
}

fn clock(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    no_args(inv)?;
    let next = sim
        .next_time()
        .map(|t| format!(", next at {t}"))
        .unwrap_or_default();
    Ok(Plan::Output(format!(
        "{} ({} ms since start), seed {}, {} scheduled{}\n",
        sim.now(),
        sim.now().as_ms(),
        sim.config().seed,
        sim.scheduled(),
        next
    )))
}

fn ls(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let mut long = false;
    let mut paths = Vec::new();
    for a in inv.args {
        match a.as_str() {
            "-l" => long = true,
            "-la" | "-al" | "-a" => long |= a != "-a",
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(spec("ls").usage_error(format!("invalid option \"{f}\"")))
            }
            p => paths.push(p),
        }
    }
    if paths.is_empty() {
        paths.push(".");
    }
    let ws = sim.workspace();
    let mut out = String::new();
    let line = |out: &mut String, name: &str, is_dir: bool, bytes: u64| {
        if long {
            let mode = if is_dir { "drwxr-xr-x" } else { "-rw-r--r--" };
            let _ = writeln!(
                out,
                "{mode} {bytes:>8} {name}{}",
                if is_dir { "/" } else { "" }
            );
        } else {
            let _ = writeln!(out, "{name}{}", if is_dir { "/" } else { "" });
        }
    };
    let many = paths.len() > 1;
    for (i, p) in paths.iter().enumerate() {
        let path = normalize("ls", p)?;
        match ws.lookup(&path) {
            Lookup::Missing => {
                return Err(CommandError::InvalidPath {
                    command: "ls".into(),
                    path: format!("cannot access '{p}'"),
                    reason: "No such file or directory".into(),
                })
            }
            Lookup::File(content) => line(&mut out, p, false, content.len() as u64),
            Lookup::Dir => {
                if many {
                    let _ = writeln!(out, "{}{p}:", if i > 0 { "\n" } else { "" });
                }
                let entries = ws.list(&path);
                if long {
                    let _ = writeln!(out, "total {}", entries.len());
                }
                for e in entries {
                    line(&mut out, &e.name, e.is_dir, e.bytes);
                }
            }
        }
    }
    Ok(Plan::Output(out))
}

fn cat(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    if inv.args.is_empty() {
        return match inv.stdin {
            Some(text) => Ok(Plan::Output(text.to_string())),
            None => Err(spec("cat").usage_error(
                "no file named, and no here-document to read (cat > FILE <<EOF … EOF)",
            )),
        };
    }
    let mut out = String::new();
    for p in inv.args {
        let path = normalize("cat", p)?;
        match sim.workspace().lookup(&path) {
            Lookup::File(content) => match content.as_text() {
                Some(text) => out.push_str(text),
                // A terminal would fill with garbage; GNU cat would print the raw bytes. The
                // sandbox says what the file is instead and points at the way out.
                None => {
                    return Err(CommandError::InvalidPath {
                        command: "cat".into(),
                        path: p.clone(),
                        reason: format!(
                            "binary file ({} bytes); the terminal prints text files only \
                             (kube-sandbox run --export-dir copies files to the host)",
                            content.len()
                        ),
                    })
                }
            },
            Lookup::Dir => {
                return Err(CommandError::IsADirectory {
                    command: "cat".into(),
                    path: p.clone(),
                })
            }
            Lookup::Missing => {
                return Err(CommandError::NoSuchFile {
                    command: "cat".into(),
                    path: p.clone(),
                })
            }
        }
    }
    if out.len() > limits::MAX_FILE_BYTES * 4 {
        return Err(spec("cat").usage_error("output larger than 4 MiB"));
    }
    Ok(Plan::Output(out))
}

fn rm(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    let (mut recursive, mut force) = (false, false);
    let mut paths = Vec::new();
    for a in inv.args {
        if a.starts_with('-') && a.len() > 1 {
            for f in a[1..].chars() {
                match f {
                    'r' | 'R' => recursive = true,
                    'f' => force = true,
                    _ => return Err(spec("rm").usage_error(format!("invalid option -- '{f}'"))),
                }
            }
        } else {
            paths.push(a);
        }
    }
    if paths.is_empty() {
        return Err(spec("rm").usage_error("missing operand"));
    }
    let cannot = |p: &str, reason: &str| CommandError::InvalidPath {
        command: "rm".into(),
        path: format!("cannot remove '{p}'"),
        reason: reason.into(),
    };
    let ws = sim.workspace();
    let mut doomed: Vec<String> = Vec::new();
    for p in paths {
        let path = normalize("rm", p)?;
        match ws.lookup(&path) {
            Lookup::File(_) => doomed.push(path),
            Lookup::Dir if path.is_empty() => {
                return Err(cannot(p, "refusing to remove the workspace root"))
            }
            Lookup::Dir if recursive => {
                let prefix = format!("{path}/");
                doomed.extend(
                    ws.paths()
                        .filter(|f| f.starts_with(&prefix))
                        .map(String::from),
                );
            }
            Lookup::Dir => return Err(cannot(p, "Is a directory")),
            Lookup::Missing if force => {}
            Lookup::Missing => return Err(cannot(p, "No such file or directory")),
        }
    }
    doomed.sort();
    doomed.dedup();
    Ok(Plan::Effect(Box::new(move |sim, id| {
        for path in doomed {
            sim.workspace.remove(&path);
            sim.record(
                EventKind::FileRemoved,
                ObjectRef::new("file", path.clone()),
                Some(id),
                format!("removed {path}"),
            );
        }
        String::new()
    })))
}

fn echo(_: &Sim, inv: &Invocation) -> Result<Plan> {
    let (newline, words) = match inv.args.split_first() {
        Some((flag, rest)) if flag == "-n" => (false, rest),
        _ => (true, inv.args),
    };
    let mut text = words.join(" ");
    if newline {
        text.push('\n');
    }
    Ok(Plan::Output(text))
}

fn history(sim: &Sim, inv: &Invocation) -> Result<Plan> {
    no_args(inv)?;
    let mut out = String::new();
    for (i, line) in sim.history().iter().enumerate() {
        let first = line.lines().next().unwrap_or("");
        let _ = writeln!(out, "{:>5}  {first}", i + 1);
    }
    Ok(Plan::Output(out))
}
