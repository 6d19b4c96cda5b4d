//! The registry's base images: realistic trees and sizes, deterministic, sharing base layers.

use sim_core::image::base::{catalogue, lookup, RegistryError};
use sim_core::image::layer::flatten;
use sim_core::image::packages::{resolve, APK, APT, PIP};

fn size_of(repo: &str, tag: &str) -> u64 {
    let img = lookup(repo, tag).unwrap();
    img.layers.iter().map(|l| l.size()).sum()
}

fn assert_near(actual: u64, expected: u64, what: &str) {
    let diff = actual.abs_diff(expected);
    assert!(
        diff * 100 <= expected,
        "{what}: {actual} bytes, expected ≈{expected}"
    );
}

/// Expected sizes, decimal bytes, as `docker images` shows them on linux/amd64. Sources (the
/// image comments in `sim-core/src/image/base.rs` give commits and image IDs):
/// docker-library/repo-info `repos/<image>/local/<tag>.md`, "Virtual Size":
/// busybox 1.36-glibc.md 4.87 MB (2023-01-04); ubuntu 24.04.md 78.16 MB (2026-08-17);
/// debian 12.md 116.57 MB (2026-09-18); redis 7.4.11-alpine.md 39.09 MB (2026-08-18);
/// python 3.12.14-alpine.md 48.89 MB (2026-09-17); node 22.23-alpine.md 167.77 MB (2026-09-17).
/// Approximate, unverified (no record found): alpine:3.20 7.8 MB (alpine:3.21.8 records 7.8 MB),
/// nginx:1.27-alpine 48 MB.
#[test]
fn base_images_have_their_real_uncompressed_sizes() {
    assert_near(size_of("alpine", "3.20"), 7_800_000, "alpine:3.20");
    assert_near(size_of("busybox", "latest"), 4_870_000, "busybox");
    assert_near(size_of("ubuntu", "24.04"), 78_160_000, "ubuntu:24.04");
    assert_near(size_of("debian", "12"), 116_570_000, "debian:12");
    assert_near(
        size_of("nginx", "1.27-alpine"),
        48_000_000,
        "nginx:1.27-alpine",
    );
    assert_near(size_of("redis", "alpine"), 39_090_000, "redis:7.4-alpine");
    assert_near(
        size_of("python", "alpine"),
        48_890_000,
        "python:3.12-alpine",
    );
    assert_near(size_of("node", "alpine"), 167_770_000, "node:22-alpine");
}

#[test]
fn official_alpine_variants_share_the_alpine_base_layer() {
    let alpine = lookup("alpine", "3.20").unwrap();
    for repo in ["nginx", "python", "node", "redis"] {
        let img = lookup(repo, "alpine").unwrap();
        assert_eq!(
            img.layers[0].diff_id(),
            alpine.layers[0].diff_id(),
            "{repo}"
        );
        assert_eq!(img.config.rootfs.diff_ids.len(), img.layers.len());
        let layer_history = img.config.history.iter().filter(|h| !h.empty_layer).count();
        assert_eq!(
            layer_history,
            img.layers.len(),
            "{repo}: one non-empty history entry per layer"
        );
    }
}

#[test]
fn tags_resolve_and_unknown_names_are_refused() {
    assert_eq!(
        lookup("alpine", "latest").unwrap().config.id(),
        lookup("alpine", "3.20").unwrap().config.id()
    );
    assert_eq!(
        lookup("alpne", "latest").err(),
        Some(RegistryError::NoSuchRepository)
    );
    assert_eq!(
        lookup("alpine", "9.99").err(),
        Some(RegistryError::NoSuchTag)
    );
    assert!(catalogue().count() >= 8);
}

#[test]
fn base_image_trees_hold_the_files_a_lesson_touches() {
    let alpine = flatten(
        lookup("alpine", "3.20")
            .unwrap()
            .layers
            .iter()
            .map(|l| l.as_ref()),
    );
    assert!(alpine.exists("bin/busybox") && alpine.exists("bin/sh") && alpine.exists("sbin/apk"));
    assert_eq!(alpine.get("tmp").unwrap().meta().mode, 0o1777);
    let ubuntu = flatten(
        lookup("ubuntu", "24.04")
            .unwrap()
            .layers
            .iter()
            .map(|l| l.as_ref()),
    );
    assert!(ubuntu.exists("usr/bin/apt-get") && ubuntu.exists("usr/bin/dash"));
    assert!(
        ubuntu.children("var/lib/apt/lists").next().is_none(),
        "lists ship empty"
    );
    let python = flatten(
        lookup("python", "3.12-alpine")
            .unwrap()
            .layers
            .iter()
            .map(|l| l.as_ref()),
    );
    assert!(python.exists("usr/local/bin/pip"));
}

#[test]
fn package_dependencies_come_first_and_installed_ones_are_skipped() {
    let names =
        |v: Vec<&sim_core::image::packages::Package>| v.iter().map(|p| p.name).collect::<Vec<_>>();
    let curl = resolve(APK, &["curl".into()], &|_| false).unwrap();
    assert_eq!(curl.last().unwrap().name, "curl");
    assert!(
        names(curl.clone())
            .iter()
            .position(|n| *n == "libunistring")
            < names(curl).iter().position(|n| *n == "libidn2")
    );
    let flask = resolve(PIP, &["Flask==3.1.0".into()], &|n| n == "click").unwrap();
    assert!(!names(flask).contains(&"click"));
    assert_eq!(
        resolve(APT, &["nosuch".into()], &|_| false).err(),
        Some("nosuch".to_string())
    );
}

#[test]
fn nginx_1_26_alpine_is_a_distinct_older_image_on_the_same_alpine_base() {
    let old = lookup("nginx", "1.26-alpine").unwrap();
    let new = lookup("nginx", "1.27-alpine").unwrap();
    let alpine = lookup("alpine", "3.20").unwrap();
    assert_ne!(old.config.id(), new.config.id());
    assert_ne!(old.manifest.digest(), new.manifest.digest());
    // The alpine base layer is shared; the nginx layer is its own.
    assert_eq!(old.layers[0].diff_id(), alpine.layers[0].diff_id());
    assert_eq!(new.layers[0].diff_id(), alpine.layers[0].diff_id());
    assert_ne!(old.layers[1].diff_id(), new.layers[1].diff_id());
    let env = |img: &sim_core::image::base::RegistryImage| img.config.config.env.clone();
    assert!(
        env(&old).iter().any(|e| e == "NGINX_VERSION=1.26.2"),
        "{:?}",
        env(&old)
    );
    assert!(env(&new).iter().any(|e| e == "NGINX_VERSION=1.27.2"));
    assert_near(
        size_of("nginx", "1.26-alpine"),
        47_000_000,
        "nginx:1.26-alpine",
    );
    // The other tags still name 1.27; each image is found by its own digest.
    for tag in ["alpine", "latest"] {
        assert_eq!(lookup("nginx", tag).unwrap().config.id(), new.config.id());
    }
    for img in [&old, &new] {
        let by_digest =
            sim_core::image::base::lookup_digest("nginx", img.manifest.digest().as_str());
        assert_eq!(by_digest.unwrap().config.id(), img.config.id());
    }
    assert_eq!(
        lookup("nginx", "1.25-alpine").err(),
        Some(RegistryError::NoSuchTag)
    );
}
