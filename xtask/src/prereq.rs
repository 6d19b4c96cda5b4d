//! Installing what the build and the browser tests need when the machine lacks it.
//!
//! A fresh Debian machine has the pinned Rust toolchain (via rustup) and nothing else, so each
//! check here looks first and installs only what is missing: a second run installs nothing.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::process::{cargo, output_of, run, succeeds};

/// The browser the tests drive (Debian's `chromium` package).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Its WebDriver server (Debian's `chromium-driver` package).
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The target the web crate is built for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Must equal the `wasm-bindgen` pin in the root `Cargo.toml`: the test runner refuses test
/// binaries made with another version of the macro crate.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// Korean glyphs for the `ko` UI text in screenshots.
const KOREAN_FONT_PACKAGE: &str = "fonts-nanum";

/// Adds the wasm target to the pinned toolchain unless it is already there.
pub fn ensure_wasm_target(root: &Path) -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root)
        .output()
        .context("cannot run `rustup`; install rustup, or add the wasm32-unknown-unknown target to your toolchain")?;
    let installed = String::from_utf8_lossy(&installed.stdout);
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .current_dir(root))
}

/// Installs Chromium, ChromeDriver, a Korean font and skopeo (which reads the OCI archives
/// `docker save` writes, in the CLI tests) from Debian's packages if any is missing.
pub fn ensure_browser() -> Result<()> {
    let mut missing = Vec::new();
    if !Path::new("/usr/bin/skopeo").exists() {
        missing.push("skopeo");
    }
    if !Path::new(CHROMIUM).exists() {
        missing.push("chromium");
    }
    if !Path::new(CHROMEDRIVER).exists() {
        missing.push("chromium-driver");
    }
    if !debian_package_installed(KOREAN_FONT_PACKAGE) {
        missing.push(KOREAN_FONT_PACKAGE);
    }
    if missing.is_empty() {
        return Ok(());
    }
    println!("installing missing packages: {}", missing.join(" "));
    apt_get(&["update"])?;
    let mut install = vec!["install", "-y"];
    install.extend(&missing);
    apt_get(&install)
}

/// Installs `wasm-bindgen-test-runner` at [`WASM_BINDGEN_VERSION`] unless it is on `PATH`.
pub fn ensure_wasm_bindgen_test_runner(root: &Path) -> Result<()> {
    let wanted = format!("wasm-bindgen-test-runner {WASM_BINDGEN_VERSION}");
    let found = output_of("wasm-bindgen-test-runner", &["--version"]);
    if found.as_deref().map(str::trim) == Some(wanted.as_str()) {
        return Ok(());
    }
    println!(
        "need `{wanted}`, found {}",
        found.as_deref().map_or("none", str::trim)
    );
    let install = |locked: bool| {
        let mut command = cargo();
        command
            .args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                WASM_BINDGEN_VERSION,
            ])
            .current_dir(root);
        if locked {
            command.arg("--locked");
        }
        run(&mut command)
    };
    if let Err(error) = install(true) {
        // `--locked` pins the versions of wasm-bindgen-cli's own lock file; a registry copy
        // that lacks one of them (seen here: webpki-roots 1.0.11) cannot satisfy it, and the
        // newest compatible versions are the next best thing.
        println!("`cargo install --locked` failed ({error:#}); retrying without `--locked`");
        install(false)?;
    }
    let found = output_of("wasm-bindgen-test-runner", &["--version"]);
    if found.as_deref().map(str::trim) != Some(wanted.as_str()) {
        bail!("installed wasm-bindgen-cli, but `wasm-bindgen-test-runner` on PATH is not `{wanted}`; is cargo's bin folder on PATH?");
    }
    Ok(())
}

fn debian_package_installed(package: &str) -> bool {
    output_of("dpkg-query", &["-W", "-f=${Status}", package])
        .is_some_and(|status| status.trim() == "install ok installed")
}

/// Runs `apt-get args…` as root: directly when we are root, else through `sudo`.
fn apt_get(args: &[&str]) -> Result<()> {
    let is_root = output_of("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    let mut command = if is_root {
        let mut command = Command::new("apt-get");
        command.env("DEBIAN_FRONTEND", "noninteractive");
        command
    } else if succeeds("sudo", &["-n", "true"]) {
        let mut command = Command::new("sudo");
        command.args(["DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        command
    } else {
        bail!(
            "need root to run `apt-get {}`; run it yourself, or run this as root",
            args.join(" ")
        );
    };
    run(command.args(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wasm_bindgen_version_matches_the_workspace_pin() {
        let path = crate::workspace_root().join("Cargo.toml");
        let manifest = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let pin = format!("wasm-bindgen = \"={WASM_BINDGEN_VERSION}\"");
        assert!(
            manifest.lines().any(|line| line.trim() == pin),
            "root Cargo.toml should pin `{pin}`"
        );
    }
}
