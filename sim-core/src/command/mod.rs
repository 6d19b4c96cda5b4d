//! Command dispatch: looks a command up among the registered families, plans it against the
//! current state (pure, may fail), then commits the plan (infallible, records events).
//!
//! Planning before committing is what guarantees that a failed command changes nothing: a plan
//! only reads the simulation. Later capabilities add a family (`docker`, `vm`, `kubectl`,
//! `chaos`…) as one module and one line in [`FAMILIES`]; nothing else here changes.

mod bench;
mod builtin;
pub(crate) use builtin::resume_run;
mod chaos;
mod cluster;
mod docker;
mod docker_container;
mod docker_logs;
mod docker_registry;
mod host;
pub mod isolation;
mod kubectl;
mod kubectl_apply;
mod kubectl_expose;
mod kubectl_get;
mod kubectl_logs;
mod kubectl_node;
mod kubectl_run;
pub(crate) mod ssh;
mod traffic;
mod unified_diff;
mod vm;

use crate::error::{CommandError, Result};
use crate::event::{EventId, EventKind, ObjectRef};
use crate::shell::{CommandLine, Redirect};
use crate::sim::Sim;
use crate::workspace::{self, Lookup};

/// What a command asks to do, decided by looking at the state without changing it.
pub enum Plan {
    /// Print this text (or write it to a redirection's file). Changes nothing else.
    Output(String),
    /// Change the simulation; returns the text to print. Runs after the `CommandRun` event was
    /// recorded and receives its id, to use as the cause of the events it records.
    Effect(EffectFn),
    /// Change the simulation, then fail with the error: the one exception to "a failed command
    /// changes nothing", for work real tools keep when they fail part-way (a build whose RUN
    /// exits non-zero keeps the cache of the steps before it, as BuildKit does).
    EffectThenFail(EffectFn, CommandError),
}

/// The change a [`Plan::Effect`] makes: applied to the simulation with the id of the command's
/// `CommandRun` event, it returns the text to print.
pub type EffectFn = Box<dyn FnOnce(&mut Sim, EventId) -> String>;

/// One invocation of a command.
pub struct Invocation<'a> {
    /// The command name (first word).
    pub name: &'a str,
    /// The words after the name.
    pub args: &'a [String],
    /// Standard input from a here-document.
    pub stdin: Option<&'a str>,
    /// The line's output redirection, for commands that handle it themselves.
    pub redirect: Option<&'a Redirect>,
}

/// A command a family registers.
pub struct CommandSpec {
    /// The command's name (first word of the line).
    pub name: &'static str,
    /// Usage line, as `help` prints it.
    pub usage: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Longer help text.
    pub help: &'static str,
    /// Whether `after` may schedule it (commands that themselves move time may not).
    pub schedulable: bool,
    /// Whether the command handles an output redirection itself (`after` hands it on to the
    /// command it schedules); for the others the dispatcher writes their output to the file.
    pub handles_redirect: bool,
    /// Plans an invocation against the current state.
    pub plan: fn(&Sim, &Invocation) -> Result<Plan>,
}

impl CommandSpec {
    /// A usage error for this command.
    pub fn usage_error(&self, message: impl Into<String>) -> CommandError {
        CommandError::Usage {
            command: self.name.to_string(),
            message: message.into(),
            usage: self.usage.to_string(),
        }
    }
}

/// A group of commands, such as the built-ins or (later) `docker`.
pub struct Family {
    /// The family's name as `help` groups it.
    pub name: &'static str,
    /// Its commands.
    pub commands: &'static [CommandSpec],
}

/// Every registered command family, in the order `help` lists them.
pub const FAMILIES: &[&Family] = &[
    &builtin::FAMILY,
    &docker::FAMILY,
    &host::FAMILY,
    &vm::FAMILY,
    &bench::FAMILY,
    &cluster::FAMILY,
    &kubectl::FAMILY,
    &ssh::FAMILY,
    &chaos::FAMILY,
    &traffic::FAMILY,
    &traffic::LB_FAMILY,
];

/// Every command name, sorted (for Tab completion).
pub fn command_names() -> Vec<&'static str> {
    let mut names: Vec<_> = FAMILIES
        .iter()
        .flat_map(|f| f.commands.iter().map(|c| c.name))
        .collect();
    names.sort_unstable();
    names
}

/// Finds a command by name.
pub fn lookup(name: &str) -> Result<&'static CommandSpec> {
    FAMILIES
        .iter()
        .flat_map(|f| f.commands.iter())
        .find(|c| c.name == name)
        .ok_or_else(|| CommandError::UnknownCommand {
            name: name.to_string(),
            suggestion: suggest(name),
        })
}

/// The closest command name within an edit distance of 2 (or one that the name starts), if any.
fn suggest(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    command_names()
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= 2 || (name.len() >= 3 && c.starts_with(name)))
        .min()
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A command that passed planning and is ready to commit.
pub struct Prepared {
    source: String,
    plan: Plan,
    redirect: Option<(String, bool)>,
}

/// Plans a command line against the state without changing anything.
pub fn prepare(sim: &Sim, line: &CommandLine) -> Result<Prepared> {
    let Some((name, args)) = line.words.split_first() else {
        return Err(CommandError::Syntax {
            line: line.line,
            message: "empty command".into(),
        });
    };
    let spec = lookup(name)?;
    let inv = Invocation {
        name,
        args,
        stdin: line.heredoc.as_ref().map(|h| h.body.as_str()),
        redirect: line.redirect.as_ref(),
    };
    let plan = (spec.plan)(sim, &inv)?;
    let redirect = match &line.redirect {
        None => None,
        Some(_) if spec.handles_redirect => None,
        Some(r) => {
            let Plan::Output(text) = &plan else {
                return Err(spec.usage_error("its output cannot be redirected to a file"));
            };
            let path = workspace::normalize(name, &r.path)?;
            let content = match (r.append, sim.workspace.lookup(&path)) {
                (true, Lookup::File(old)) => match old.as_text() {
                    Some(old) => format!("{old}{text}"),
                    None => {
                        return Err(CommandError::InvalidPath {
                            command: name.to_string(),
                            path: r.path.clone(),
                            reason: "binary file: text cannot be appended to it".into(),
                        })
                    }
                },
                _ => text.clone(),
            };
            sim.workspace.check_write(name, &path, &content)?;
            Some((path, r.append))
        }
    };
    Ok(Prepared {
        source: line.source.clone(),
        plan,
        redirect,
    })
}

/// Commits a prepared command: records its `CommandRun` event (caused by `cause`), applies it and
/// returns what it prints.
pub fn commit(sim: &mut Sim, prepared: Prepared, cause: Option<EventId>) -> String {
    let id = sim.record(
        EventKind::CommandRun {
            command: prepared.source.clone(),
        },
        ObjectRef::new("session", "terminal"),
        cause,
        format!("$ {}", prepared.source),
    );
    match prepared.plan {
        Plan::Output(text) => match prepared.redirect {
            None => text,
            Some((path, append)) => {
                let content = match (append, sim.workspace.read(&path)) {
                    (true, Some(old)) => format!("{old}{text}"),
                    _ => text,
                };
                builtin::write_file(sim, path, content, id);
                String::new()
            }
        },
        Plan::Effect(effect) => effect(sim, id),
        Plan::EffectThenFail(effect, _) => {
            effect(sim, id);
            String::new()
        }
    }
}

/// The error a prepared command ends with after its effect, if it is one that fails part-way.
fn failure_of(prepared: &Prepared) -> Option<CommandError> {
    match &prepared.plan {
        Plan::EffectThenFail(_, e) => Some(e.clone()),
        _ => None,
    }
}

/// Runs one command line: plans it, and commits it when planning succeeded. On error nothing
/// in the simulation has changed, except for a [`Plan::EffectThenFail`].
pub fn execute(sim: &mut Sim, line: &CommandLine) -> Result<String> {
    let prepared = prepare(sim, line)?;
    let failure = failure_of(&prepared);
    let output = commit(sim, prepared, None);
    failure.map_or(Ok(output), Err)
}

/// Runs a command that `after` scheduled, now that its time has come.
pub(crate) fn run_scheduled(sim: &mut Sim, line: &CommandLine, scheduled_by: EventId) {
    let object = ObjectRef::new("session", "scheduler");
    match prepare(sim, line) {
        Ok(prepared) => {
            let ran = sim.record(
                EventKind::ScheduledCommandRan {
                    command: line.source.clone(),
                },
                object.clone(),
                Some(scheduled_by),
                format!("scheduled command ran: {}", line.source),
            );
            let failure = failure_of(&prepared);
            let output = commit(sim, prepared, Some(ran));
            if let Some(err) = failure {
                sim.record(
                    EventKind::ScheduledCommandFailed {
                        command: line.source.clone(),
                        error: err.to_string(),
                    },
                    object,
                    Some(ran),
                    format!("scheduled command failed: {}: {err}", line.source),
                );
                return;
            }
            if !output.is_empty() {
                let at = sim.now();
                sim.scheduled_output
                    .push_str(&format!("[{at}] {}\n", line.source));
                for l in output.lines() {
                    sim.scheduled_output.push_str(&format!("  | {l}\n"));
                }
            }
        }
        Err(err) => {
            sim.record(
                EventKind::ScheduledCommandFailed {
                    command: line.source.clone(),
                    error: err.to_string(),
                },
                object,
                Some(scheduled_by),
                format!("scheduled command failed: {}: {err}", line.source),
            );
        }
    }
}

/// Quotes words so that the shell parser reads them back unchanged.
pub fn shell_quote(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
            {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::parse_script;

    #[test]
    fn a_typo_gets_the_closest_command_suggested() {
        let err = lookup("hlep").err().unwrap();
        assert_eq!(
            err.to_string(),
            "unknown command \"hlep\"; did you mean \"help\"?"
        );
        let err = lookup("histroy").err().unwrap();
        assert_eq!(
            err.to_string(),
            "unknown command \"histroy\"; did you mean \"history\"?"
        );
        let err = lookup("zzzzzzzz").err().unwrap();
        assert_eq!(
            err.to_string(),
            "unknown command \"zzzzzzzz\"; type \"help\" to list the commands"
        );
    }

    #[test]
    fn quoted_words_parse_back_to_themselves() {
        let words: Vec<String> = ["echo", "a b", "it's", "", "$x", "plain-1.0"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let quoted = shell_quote(&words);
        assert_eq!(parse_script(&quoted).unwrap()[0].words, words);
    }
}
