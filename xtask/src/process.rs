//! Running child commands and timing named stages.

use std::ffi::OsStr;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// A `cargo` command: the cargo that runs this xtask (`$CARGO`), else `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `command` with inherited stdio and fails unless it exits with status 0.
pub fn run(command: &mut Command) -> Result<()> {
    let shown = show(command);
    println!("$ {shown}");
    let status = command
        .status()
        .with_context(|| format!("cannot start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Runs `program args…` quietly and returns its stdout, or `None` if it cannot run or fails.
pub fn output_of(program: impl AsRef<OsStr>, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Whether `program` can be started with `args` and exits successfully.
pub fn succeeds(program: impl AsRef<OsStr>, args: &[&str]) -> bool {
    output_of(program, args).is_some()
}

fn show(command: &Command) -> String {
    let mut shown = String::new();
    for (key, value) in command.get_envs() {
        if let Some(value) = value {
            shown.push_str(&format!(
                "{}={} ",
                key.to_string_lossy(),
                value.to_string_lossy()
            ));
        }
    }
    shown.push_str(&command.get_program().to_string_lossy());
    for arg in command.get_args() {
        shown.push(' ');
        shown.push_str(&arg.to_string_lossy());
    }
    shown
}

/// A sequence of named stages that stops at the first failure and reports wall times.
#[derive(Debug, Default)]
pub struct Stages {
    finished: Vec<(String, f64)>,
}

impl Stages {
    /// Runs one stage under a header; its error, if any, names the stage.
    pub fn run(&mut self, name: &str, stage: impl FnOnce() -> Result<()>) -> Result<()> {
        let number = self.finished.len() + 1;
        println!("\n==> [{number}] {name}");
        let started = Instant::now();
        let outcome = stage();
        let seconds = started.elapsed().as_secs_f64();
        match outcome {
            Ok(()) => {
                println!("<== [{number}] {name}: ok in {seconds:.1}s");
                self.finished.push((name.to_owned(), seconds));
                Ok(())
            }
            Err(error) => {
                println!("<== [{number}] {name}: FAILED after {seconds:.1}s");
                Err(error.context(format!("stage `{name}` failed")))
            }
        }
    }

    /// Prints every finished stage with its wall time, and the total.
    pub fn print_summary(&self) {
        println!("\nstage times:");
        for (name, seconds) in &self.finished {
            println!("  {seconds:>7.1}s  {name}");
        }
        let total: f64 = self.finished.iter().map(|(_, seconds)| seconds).sum();
        println!("  {total:>7.1}s  total");
    }
}
