//! `cargo xtask test`: every check CI runs, cheapest first, stopping at the first failure.

use std::path::Path;

use anyhow::{Context, Result};

use crate::prereq::{
    ensure_browser, ensure_wasm_bindgen_test_runner, ensure_wasm_target, CHROMEDRIVER, WASM_TARGET,
};
use crate::process::{cargo, run, Stages};

/// Seconds one in-browser wasm test may take (the runner's default, 20, is tight on 2 cores).
const WASM_TEST_TIMEOUT_SECS: &str = "120";

/// Runs the whole suite from `root`.
pub fn test(root: &Path) -> Result<()> {
    let mut stages = Stages::default();
    let outcome = run_stages(root, &mut stages);
    stages.print_summary();
    outcome?;
    println!("\nall stages passed");
    Ok(())
}

fn run_stages(root: &Path, stages: &mut Stages) -> Result<()> {
    stages.run("rustfmt --check", || {
        run(cargo()
            .args(["fmt", "--all", "--", "--check"])
            .current_dir(root))
    })?;
    stages.run("clippy (native, all targets)", || {
        run(cargo()
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(root))
    })?;
    // `--all-targets` leaves out test targets declared `test = false`, such as the browser e2e.
    stages.run("clippy (browser e2e test)", || {
        run(cargo()
            .args([
                "clippy", "-p", "tests", "--test", "e2e", "--", "-D", "warnings",
            ])
            .current_dir(root))
    })?;
    stages.run("prerequisites: wasm target", || ensure_wasm_target(root))?;
    stages.run("clippy (web, wasm32)", || {
        run(cargo()
            .args([
                "clippy",
                "-p",
                "web",
                "--all-targets",
                "--target",
                WASM_TARGET,
            ])
            .args(["--", "-D", "warnings"])
            .current_dir(root))
    })?;
    stages.run(
        "prerequisites: chromium, chromedriver, fonts, skopeo, wasm-bindgen-test-runner",
        || {
            ensure_browser()?;
            ensure_wasm_bindgen_test_runner(root)
        },
    )?;
    stages.run("cargo test --workspace (native)", || {
        // The CLI's OCI export test must really run skopeo here, not skip when it is missing.
        run(cargo()
            .args(["test", "--workspace"])
            .env("KUBE_SANDBOX_REQUIRE_SKOPEO", "1")
            .current_dir(root))
    })?;
    stages.run("web unit tests in headless chromium (wasm32)", || {
        let webdriver_json = root.join("web").join("webdriver.json");
        // Doctests are left out: rustdoc would need the same runner wiring, and the web crate's
        // docs are not examples.
        run(cargo()
            .args(["test", "-p", "web", "--target", WASM_TARGET])
            .args(["--lib", "--bins", "--tests"])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env("WASM_BINDGEN_USE_BROWSER", "1")
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json)
            .env("WASM_BINDGEN_TEST_TIMEOUT", WASM_TEST_TIMEOUT_SECS)
            .current_dir(root))
    })?;
    let mut dist_dir = None;
    stages.run("dist", || {
        dist_dir = Some(crate::dist::dist(root)?);
        Ok(())
    })?;
    let dist_dir = dist_dir.context("dist stage produced no folder")?;
    stages.run("browser end-to-end test (chromium)", || {
        // The e2e test compares the browser's trace hash with the CLI binary's.
        run(cargo()
            .args(["build", "-p", "cli", "--bin", "kube-sandbox"])
            .current_dir(root))?;
        let cli = crate::target_dir(root)
            .join("debug")
            .join(format!("kube-sandbox{}", std::env::consts::EXE_SUFFIX));
        run(cargo()
            .args(["test", "-p", "tests", "--test", "e2e", "--", "--nocapture"])
            .env("KUBE_SANDBOX_DIST", &dist_dir)
            .env("KUBE_SANDBOX_CLI", &cli)
            .current_dir(root))
    })?;
    Ok(())
}
