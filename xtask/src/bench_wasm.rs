//! `cargo xtask bench-wasm`: issue #5's wasm scheduling figure, reproducibly.
//!
//! Builds `bench/wasm-scheduler` (the native bench's workload, shared through sim-core's
//! `bench-workload` feature) for wasm32, runs wasm-bindgen as a library with the Node.js target,
//! writes a small JS driver next to the output and runs it with `node`: one warm-up, then each
//! run timed with `performance.now()`. Prints every run, the median and the placement hash, and
//! fails when the hash differs from the one the native bench asserts. Not part of `xtask test`:
//! it builds sim-core for wasm once more and runs the workload six times, which CI's time
//! budget has no room for.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use wasm_bindgen_cli_support::Bindgen;

use crate::prereq::{ensure_wasm_target, WASM_TARGET};
use crate::process::{cargo, output_of, run};

/// The harness crate (`bench/wasm-scheduler`) and the base name of its generated files.
const PACKAGE: &str = "wasm-scheduler";
const OUT_NAME: &str = "wasm_scheduler";
/// Timed runs unless `--runs` says otherwise (after one untimed warm-up).
const RUNS_DEFAULT: u32 = 5;
/// A limit, so a typo cannot start an hour of benchmarking.
const RUNS_MAX: u32 = 50;

/// What `bench-wasm` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Timed runs after the warm-up.
    pub runs: u32,
    /// The cargo profile the wasm is built with.
    pub profile: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: RUNS_DEFAULT,
            profile: "release".to_owned(),
        }
    }
}

/// Parses `[--runs N] [--profile release|wasm-release]`.
pub fn parse_args(args: &[String], usage: &str) -> Result<Options> {
    let mut options = Options::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value)),
            None => (arg.as_str(), None),
        };
        let mut value = |flag: &str| match inline {
            Some(value) => Ok(value),
            None => args
                .next()
                .map(String::as_str)
                .with_context(|| format!("`{flag}` needs a value")),
        };
        match flag {
            "--runs" => {
                let text = value(flag)?;
                options.runs = text
                    .parse()
                    .ok()
                    .filter(|runs| (1..=RUNS_MAX).contains(runs))
                    .with_context(|| {
                        format!("`--runs` takes a number from 1 to {RUNS_MAX}, got `{text}`")
                    })?;
            }
            "--profile" => {
                let profile = value(flag)?;
                ensure!(
                    matches!(profile, "release" | "wasm-release"),
                    "`--profile` is `release` or `wasm-release`, got `{profile}`"
                );
                options.profile = profile.to_owned();
            }
            _ => bail!("unknown argument `{arg}` for `bench-wasm`\n\n{usage}"),
        }
    }
    Ok(options)
}

/// Builds, runs and reports; an error if the build or Node fails or the placements differ.
pub fn bench_wasm(root: &Path, options: &Options) -> Result<()> {
    let node_version = output_of("node", &["--version"])
        .context("cannot run `node`; install Node.js 18 or later (it provides `performance`)")?;
    ensure_wasm_target(root)?;
    run(cargo()
        .args(["build", "-p", PACKAGE, "--lib", "--target", WASM_TARGET])
        .args(["--profile", &options.profile])
        .current_dir(root))?;
    let target = crate::target_dir(root);
    let wasm = target
        .join(WASM_TARGET)
        .join(&options.profile)
        .join(format!("{OUT_NAME}.wasm"));

    let out = target.join("bench-wasm");
    fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    println!(
        "wasm-bindgen --target nodejs {} -> {}",
        wasm.display(),
        out.display()
    );
    Bindgen::new()
        .input_path(&wasm)
        .nodejs(true)?
        .omit_default_module_path(false)
        .typescript(false)
        .out_name(OUT_NAME)
        .generate(&out)
        .with_context(|| format!("wasm-bindgen failed on {}", wasm.display()))?;
    let driver = out.join("driver.js");
    fs::write(&driver, DRIVER).with_context(|| format!("cannot write {}", driver.display()))?;

    let shown = format!("node {} {}", driver.display(), options.runs);
    println!("$ {shown}");
    let output = Command::new("node")
        .arg(&driver)
        .arg(options.runs.to_string())
        .current_dir(&out)
        .output()
        .with_context(|| format!("cannot start `{shown}`"))?;
    if !output.status.success() {
        bail!(
            "`{shown}` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let report = Report::parse(&String::from_utf8_lossy(&output.stdout))?;
    ensure!(
        report.runs.len() == options.runs as usize,
        "the driver printed {} timed runs, expected {}",
        report.runs.len(),
        options.runs
    );
    println!(
        "\nwasm ({}, Node {}, profile {}): 150,000 pods onto 5,000 nodes, default plugins, \
         adaptive percentageOfNodesToScore",
        WASM_TARGET,
        node_version.trim(),
        options.profile
    );
    print!("{}", report.render());
    report.check()
}

/// The driver `node` runs: it prints `expected HASH`, then `warmup MS HASH` and one
/// `run MS HASH` line per timed run.
const DRIVER: &str = r#"// Written by `cargo xtask bench-wasm` (xtask/src/bench_wasm.rs); overwritten on each run.
"use strict";
const { Workload } = require("./wasm_scheduler.js");
const runs = Number(process.argv[2]);
const workload = new Workload();
console.log(`expected ${Workload.expected_hash()}`);
for (let i = 0; i <= runs; i++) {
  workload.prepare();
  const start = performance.now();
  const hash = workload.run();
  const ms = performance.now() - start;
  console.log(`${i === 0 ? "warmup" : "run"} ${ms.toFixed(1)} ${hash}`);
}
"#;

/// What the driver printed.
#[derive(Debug, Default, PartialEq)]
struct Report {
    expected: String,
    warmup: Option<(f64, String)>,
    runs: Vec<(f64, String)>,
}

impl Report {
    fn parse(stdout: &str) -> Result<Report> {
        let mut report = Report::default();
        for line in stdout.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words[..] {
                ["expected", hash] => report.expected = hash.to_owned(),
                [kind @ ("warmup" | "run"), ms, hash] => {
                    let ms: f64 = ms
                        .parse()
                        .with_context(|| format!("not a time in the driver's `{line}`"))?;
                    let timed = (ms, hash.to_owned());
                    if kind == "warmup" {
                        report.warmup = Some(timed);
                    } else {
                        report.runs.push(timed);
                    }
                }
                _ => bail!("unexpected line from the driver: `{line}`"),
            }
        }
        ensure!(
            !report.expected.is_empty(),
            "the driver printed no expected hash"
        );
        Ok(report)
    }

    fn median_ms(&self) -> f64 {
        let mut ms: Vec<f64> = self.runs.iter().map(|(ms, _)| *ms).collect();
        ms.sort_by(f64::total_cmp);
        match ms.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => ms[n / 2],
            n => (ms[n / 2 - 1] + ms[n / 2]) / 2.0,
        }
    }

    /// Every hash the workload produced (warm-up included), in order.
    fn hashes(&self) -> impl Iterator<Item = &str> {
        self.warmup
            .iter()
            .chain(&self.runs)
            .map(|(_, hash)| hash.as_str())
    }

    fn render(&self) -> String {
        let mut text = String::new();
        if let Some((ms, _)) = &self.warmup {
            text.push_str(&format!("  warm-up  {ms:>8.1} ms\n"));
        }
        for (number, (ms, _)) in self.runs.iter().enumerate() {
            text.push_str(&format!("  run {:<4} {ms:>8.1} ms\n", number + 1));
        }
        text.push_str(&format!("  median   {:>8.1} ms\n", self.median_ms()));
        let hash = self.runs.first().map_or("none", |(_, hash)| hash.as_str());
        let verdict = if self.hashes().all(|h| h == self.expected) {
            "equals the native bench's"
        } else {
            "DIFFERS from the native bench's"
        };
        text.push_str(&format!(
            "  placement hash {hash} {verdict} {}\n",
            self.expected
        ));
        text
    }

    fn check(&self) -> Result<()> {
        for hash in self.hashes() {
            ensure!(
                hash == self.expected,
                "wasm placements differ from native: hash {hash}, native bench expects {}",
                self.expected
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn options_default_to_five_release_runs() {
        assert_eq!(parse_args(&[], "").unwrap(), Options::default());
        assert_eq!(Options::default().runs, 5);
        assert_eq!(Options::default().profile, "release");
    }

    #[test]
    fn options_accept_both_flag_spellings_and_reject_the_rest() {
        let options = parse_args(&args(&["--runs", "3", "--profile=wasm-release"]), "").unwrap();
        assert_eq!(options.runs, 3);
        assert_eq!(options.profile, "wasm-release");
        assert!(parse_args(&args(&["--runs"]), "").is_err());
        assert!(parse_args(&args(&["--runs", "0"]), "").is_err());
        assert!(parse_args(&args(&["--runs", "51"]), "").is_err());
        assert!(parse_args(&args(&["--profile", "dev"]), "").is_err());
        assert!(parse_args(&args(&["--node", "/usr/bin/node"]), "").is_err());
    }

    const OUTPUT: &str = "expected 0xe930c57f43ab8494\n\
                          warmup 900.0 0xe930c57f43ab8494\n\
                          run 800.5 0xe930c57f43ab8494\n\
                          run 700.0 0xe930c57f43ab8494\n\
                          run 750.0 0xe930c57f43ab8494\n\
                          run 820.0 0xe930c57f43ab8494\n";

    #[test]
    fn report_reads_the_driver_and_takes_the_median_of_timed_runs() {
        let report = Report::parse(OUTPUT).unwrap();
        assert_eq!(report.runs.len(), 4);
        assert_eq!(report.median_ms(), 775.25);
        assert!(report.check().is_ok());
        let text = report.render();
        assert!(text.contains("  warm-up     900.0 ms\n"), "{text}");
        assert!(text.contains("  run 1       800.5 ms\n"), "{text}");
        assert!(text.contains("  median      775.2 ms\n"), "{text}");
        assert!(text.contains("equals the native bench's"), "{text}");
    }

    #[test]
    fn report_fails_when_any_hash_differs_even_the_warm_up() {
        let differing = OUTPUT.replacen("warmup 900.0 0xe930c57f43ab8494", "warmup 900.0 0x1", 1);
        let report = Report::parse(&differing).unwrap();
        assert!(report.check().is_err());
        assert!(report.render().contains("DIFFERS"));
    }

    #[test]
    fn report_rejects_unexpected_output() {
        assert!(Report::parse("run 1.0 0x1\n").is_err(), "no expected hash");
        assert!(Report::parse("expected 0x1\nrun fast 0x1\n").is_err());
        assert!(Report::parse("expected 0x1\npanicked at …\n").is_err());
    }
}
