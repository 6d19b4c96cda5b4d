//! `cargo xtask dist`: the browser bundle in `dist/`.
//!
//! Steps: build the `web` binary for wasm32 with the size-optimised `wasm-release` profile, run
//! wasm-bindgen as a library (so its version always equals the macro crate's, with no CLI to
//! install), optionally shrink with `wasm-opt` when it happens to be installed, copy the page
//! entry and static assets, and report the gzipped download size.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use flate2::write::GzEncoder;
use flate2::Compression;
use wasm_bindgen_cli_support::Bindgen;

use crate::prereq::{ensure_wasm_target, WASM_TARGET};
use crate::process::{cargo, run, succeeds};

/// The cargo profile for the browser bundle (see the root `Cargo.toml`).
const WASM_PROFILE: &str = "wasm-release";
/// Base name of the generated files: `web.js` and `web_bg.wasm`.
const OUT_NAME: &str = "web";

/// Builds the bundle into `<root>/dist` and returns that folder.
pub fn dist(root: &Path) -> Result<PathBuf> {
    ensure_wasm_target(root)?;
    run(cargo()
        .args([
            "build",
            "-p",
            "web",
            "--bin",
            "web",
            "--target",
            WASM_TARGET,
        ])
        .args(["--profile", WASM_PROFILE])
        .current_dir(root))?;
    let wasm = crate::target_dir(root)
        .join(WASM_TARGET)
        .join(WASM_PROFILE)
        .join("web.wasm");

    let dist = root.join("dist");
    if dist.exists() {
        fs::remove_dir_all(&dist).with_context(|| format!("cannot clear {}", dist.display()))?;
    }
    fs::create_dir_all(&dist).with_context(|| format!("cannot create {}", dist.display()))?;

    println!("wasm-bindgen {} -> {}", wasm.display(), dist.display());
    Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .omit_default_module_path(false)
        .typescript(false)
        .out_name(OUT_NAME)
        .generate(&dist)
        .with_context(|| format!("wasm-bindgen failed on {}", wasm.display()))?;
    optimize_with_wasm_opt(root, &dist.join(format!("{OUT_NAME}_bg.wasm")));

    fs::copy(root.join("index.html"), dist.join("index.html"))
        .context("cannot copy index.html into dist/")?;
    let assets = root.join("assets");
    if assets.is_dir() {
        copy_dir_contents(&assets, &dist)?;
    }

    report_sizes(&dist)?;
    println!("dist ready: {}", dist.display());
    Ok(dist)
}

/// The binaryen release whose `wasm-opt` reads what rustc 1.95 emits (Debian's 108 does not).
const BINARYEN_NPM: &str = "binaryen@132";

/// Finds a `wasm-opt` that can read our wasm: one on PATH that is new enough, else the one from
/// the npm package `binaryen` installed under the target folder (npm's registry is reachable
/// where crates.io is). `None` when neither can be had.
fn find_wasm_opt(root: &Path) -> Option<std::path::PathBuf> {
    let on_path = Command::new("wasm-opt").arg("--version").output().ok();
    if let Some(out) = on_path {
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let version = text
            .split_whitespace()
            .nth(2)
            .and_then(|v| v.parse::<u32>().ok());
        if version.is_some_and(|v| v >= 116) {
            return Some("wasm-opt".into());
        }
    }
    let tools = crate::target_dir(root).join("tools").join("binaryen");
    let local = tools.join("node_modules").join(".bin").join("wasm-opt");
    if !local.exists() {
        if !succeeds("npm", &["--version"]) {
            return None;
        }
        println!("installing wasm-opt from npm ({BINARYEN_NPM})");
        let _ = fs::create_dir_all(&tools);
        let installed = run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&tools)
            .arg(BINARYEN_NPM));
        if let Err(error) = installed {
            println!("could not install {BINARYEN_NPM}: {error:#}");
            return None;
        }
    }
    local.exists().then_some(local)
}

/// Runs `wasm-opt -Oz` in place; the bundle works without it, only larger.
fn optimize_with_wasm_opt(root: &Path, wasm: &Path) {
    let Some(wasm_opt) = find_wasm_opt(root) else {
        println!("wasm-opt not available; shipping the unoptimised wasm");
        return;
    };
    let optimized = wasm.with_extension("opt.wasm");
    // The features rustc enables by default for wasm32-unknown-unknown; wasm-opt must accept
    // them in its input.
    let outcome = run(Command::new(&wasm_opt)
        .arg("-Oz")
        .args([
            "--enable-bulk-memory",
            "--enable-mutable-globals",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(wasm)
        .arg("-o")
        .arg(&optimized))
    .and_then(|()| fs::rename(&optimized, wasm).context("cannot replace the wasm file"));
    if let Err(error) = outcome {
        let _ = fs::remove_file(&optimized);
        println!("wasm-opt failed, keeping the unoptimised wasm: {error:#}");
    }
}

fn copy_dir_contents(from: &Path, to: &Path) -> Result<()> {
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            fs::create_dir_all(&target)?;
            copy_dir_contents(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target).with_context(|| {
                format!(
                    "cannot copy {} to {}",
                    entry.path().display(),
                    target.display()
                )
            })?;
        }
    }
    Ok(())
}

/// Prints raw and gzipped sizes of what the browser downloads to start: wasm, JS and CSS.
fn report_sizes(dist: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    files.retain(|file| {
        matches!(
            file.extension().and_then(|extension| extension.to_str()),
            Some("wasm" | "js" | "css")
        )
    });
    files.sort();
    println!("bundle size (gzip level 6, as a web server would send it):");
    let (mut raw_total, mut gzip_total) = (0, 0);
    for file in &files {
        let bytes = fs::read(file)?;
        let gzip_bytes = gzipped_len(&bytes)?;
        raw_total += bytes.len();
        gzip_total += gzip_bytes;
        let name = file.strip_prefix(dist).unwrap_or(file).display();
        println!(
            "  {:>9} raw {:>9} gzip  {name}",
            kib(bytes.len()),
            kib(gzip_bytes)
        );
    }
    println!(
        "  {:>9} raw {:>9} gzip  total (wasm + js + css)",
        kib(raw_total),
        kib(gzip_total)
    );
    Ok(())
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            collect_files(&entry.path(), files)?;
        } else {
            files.push(entry.path());
        }
    }
    Ok(())
}

fn gzipped_len(bytes: &[u8]) -> Result<usize> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(6));
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_shrinks_repetitive_input() {
        let text = "kubectl get pods\n".repeat(1000);
        let gzipped = gzipped_len(text.as_bytes()).unwrap();
        assert!(gzipped > 0 && gzipped < text.len() / 10, "{gzipped}");
    }

    #[test]
    fn kib_has_one_decimal() {
        assert_eq!(kib(1536), "1.5 KiB");
    }
}
