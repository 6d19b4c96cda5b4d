//! Build, serve and test orchestration for Kube Sandbox, run as `cargo xtask <command>`.
//!
//! - `dist`: builds the browser bundle into `dist/` (wasm, JS glue, `index.html`, `assets/`).
//! - `serve [--port P]`: `dist`, then serves `dist/` on `127.0.0.1:P` until killed.
//! - `test`: every check CI runs, in order, stopping at the first failure.
//! - `bench-wasm [--runs N] [--profile P]`: times the scheduler's 150,000-pod workload in wasm
//!   under Node and checks its placements equal the native bench's (not part of `test`).
//!
//! Arguments are parsed by hand on purpose: four commands and three flags do not need a parser
//! crate, and every dependency here is compile time for each CI run.
#![warn(missing_docs)]

mod bench_wasm;
mod dist;
mod prereq;
mod process;
mod test;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dist                 build the browser bundle into dist/ and report its gzipped size
  serve [--port PORT]  build dist/, then serve it on http://127.0.0.1:PORT/ (default 8080)
  test                 fmt, clippy, native tests, in-browser wasm tests, dist, browser e2e
  bench-wasm [--runs N] [--profile release|wasm-release]
                       time scheduling 150,000 pods onto 5,000 nodes in wasm under Node
                       (one warm-up, then N runs, default 5); fails if the placements
                       differ from the native bench's
  help                 show this message";

/// Port `cargo xtask serve` listens on unless `--port` says otherwise.
const SERVE_PORT_DEFAULT: u16 = 8080;

fn main() {
    if let Err(error) = run(std::env::args().skip(1).collect()) {
        eprintln!("xtask: error: {error:#}");
        std::process::exit(1);
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let root = workspace_root();
    let (command, rest) = args
        .split_first()
        .map_or(("help", &[][..]), |(first, rest)| (first.as_str(), rest));
    match command {
        "dist" => {
            no_more_args(command, rest)?;
            dist::dist(&root).map(drop)
        }
        "serve" => {
            let port = parse_serve_args(rest)?;
            let dist = dist::dist(&root)?;
            let server = devserver::serve_dir(&dist, ("127.0.0.1", port))
                .with_context(|| format!("cannot listen on 127.0.0.1:{port}"))?;
            println!("Serving Kube Sandbox at {}", server.url());
            server.wait();
            Ok(())
        }
        "test" => {
            no_more_args(command, rest)?;
            test::test(&root)
        }
        "bench-wasm" => {
            let options = bench_wasm::parse_args(rest, USAGE)?;
            bench_wasm::bench_wasm(&root, &options)
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

fn no_more_args(command: &str, rest: &[String]) -> Result<()> {
    match rest.first() {
        None => Ok(()),
        Some(arg) => bail!("`{command}` takes no arguments, got `{arg}`\n\n{USAGE}"),
    }
}

fn parse_serve_args(args: &[String]) -> Result<u16> {
    let mut port = SERVE_PORT_DEFAULT;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--port=") {
            Some(value) => value,
            None if arg == "--port" => args.next().context("`--port` needs a value")?,
            None => bail!("unknown argument `{arg}` for `serve`\n\n{USAGE}"),
        };
        port = value
            .parse()
            .with_context(|| format!("`--port` takes a number from 0 to 65535, got `{value}`"))?;
    }
    Ok(port)
}

/// The workspace's root folder (the parent of this crate's manifest folder).
fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// Cargo's target folder: `$CARGO_TARGET_DIR` (relative to the root) or `<root>/target`.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn serve_port_defaults_to_8080() {
        assert_eq!(parse_serve_args(&[]).unwrap(), 8080);
    }

    #[test]
    fn serve_port_accepts_both_flag_spellings() {
        assert_eq!(
            parse_serve_args(&args(&["--port", "18080"])).unwrap(),
            18080
        );
        assert_eq!(parse_serve_args(&args(&["--port=9000"])).unwrap(), 9000);
    }

    #[test]
    fn serve_rejects_bad_ports_and_unknown_flags() {
        assert!(parse_serve_args(&args(&["--port"])).is_err());
        assert!(parse_serve_args(&args(&["--port", "70000"])).is_err());
        assert!(parse_serve_args(&args(&["--host", "0.0.0.0"])).is_err());
    }

    #[test]
    fn unknown_commands_are_errors() {
        assert!(run(args(&["deploy"])).is_err());
        assert!(run(args(&["test", "extra"])).is_err());
        assert!(run(args(&["bench-wasm", "--runs", "many"])).is_err());
    }
}
