//! `docker push` (to the sandbox registry, with Docker's per-layer dedup lines) and
//! `docker save` (an OCI image layout archive written to the workspace).

use std::fmt::Write as _;

use super::docker::{err, find_image};
use super::Plan;
use crate::error::Result;
use crate::event::{EventKind, ObjectRef};
use crate::image::engine::parse_reference;
use crate::image::oci::{self, Saved};
use crate::image::registry::{host_of, LayerPush};
use crate::sim::Sim;
use crate::workspace::{normalize, FileContent};

/// `docker push NAME[:TAG]`. A name without a registry host goes to the sandbox registry
/// (Docker Hub's place; no login needed in the sandbox); `localhost:5000/NAME[:TAG]` goes to the
/// private registry; any other host does not resolve.
pub(super) fn plan_push(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let names: Vec<&str> = args
        .iter()
        .filter(|a| !matches!(**a, "-q" | "--quiet"))
        .copied()
        .collect();
    if let Some(bad) = names.iter().find(|a| a.starts_with('-')) {
        return Err(err(format!(
            "unknown flag: {bad}\nSee 'docker push --help'."
        )));
    }
    let [name] = names.as_slice() else {
        return Err(err("\"docker push\" requires exactly 1 argument.\nSee 'docker push --help'.\n\nUsage:  docker push [OPTIONS] NAME[:TAG]\n\nUpload an image to a registry"));
    };
    let reference = parse_reference(name).map_err(err)?;
    let pushing = format!("The push refers to repository [{}]", reference.name());
    // moby checks the name locally (tags and digest references), then reaches the registry,
    // then looks for the tag.
    let prefix = format!("{}:", reference.repository);
    let by_digest = format!("{}@", reference.repository);
    if !sim.docker.tags.keys().any(|t| t.starts_with(&prefix))
        && !sim
            .docker
            .images
            .values()
            .any(|i| i.repo_digests.iter().any(|d| d.starts_with(&by_digest)))
    {
        return Err(err(format!(
            "{pushing}\nAn image does not exist locally with the tag: {}",
            reference.repository
        )));
    }
    host_of(&reference.domain).map_err(|e| err(format!("{pushing}\n{e}")))?;
    let Some(tag) = reference.tag_key() else {
        return Err(err(format!("{pushing}\ncannot push a digest reference")));
    };
    let Some(image) = sim
        .docker
        .tags
        .get(&tag)
        .and_then(|id| sim.docker.images.get(id))
    else {
        return Err(err(format!("{pushing}\ntag does not exist: {tag}")));
    };
    let plan = sim.registry.plan_push(&reference, image).map_err(err)?;
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let mut out = format!("{pushing}\n");
        // Docker lists the layers topmost first.
        for (layer, how) in plan.image.layers.iter().zip(&plan.layers).rev() {
            let text = match how {
                LayerPush::Pushed => "Pushed".to_string(),
                LayerPush::AlreadyExists => "Layer already exists".to_string(),
                LayerPush::MountedFrom(r) => format!("Mounted from {r}"),
            };
            let _ = writeln!(out, "{}: {text}", layer.diff_id().0.short());
            sim.record(
                EventKind::LayerPushed { how: text.clone() },
                ObjectRef::new("layer", layer.diff_id().to_string()),
                Some(cause),
                format!("{}: {text}", layer.diff_id().0.short()),
            );
        }
        let digest = plan.manifest.digest();
        let size = plan.manifest.to_bytes().len();
        let _ = writeln!(out, "{}: digest: {digest} size: {size}", plan.reference.tag);
        sim.registry.push(&plan);
        let full = plan.reference.familiar();
        sim.record(
            EventKind::ImagePushed {
                digest: digest.to_string(),
            },
            ObjectRef::new("image", full.clone()),
            Some(cause),
            format!("pushed {full} ({digest})"),
        );
        // The local image now knows its registry digest (`docker images --digests`).
        let repo_digest = plan.reference.repo_digest(&digest);
        if let Some(img) = sim.docker.images.get_mut(&plan.image.id) {
            if !img.repo_digests.contains(&repo_digest) {
                img.repo_digests.push(repo_digest);
            }
        }
        out
    })))
}

/// `docker save IMAGE... -o FILE`: an OCI image layout archive in the workspace.
pub(super) fn plan_save(sim: &Sim, args: &[&str]) -> Result<Plan> {
    let mut output = None;
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match *a {
            "-o" | "--output" => {
                output = Some(*it.next().ok_or_else(|| {
                    err("flag needs an argument: 'o' in -o\nSee 'docker save --help'.")
                })?)
            }
            a if a.starts_with("--output=") => output = Some(&a[9..]),
            a if a.starts_with('-') => {
                return Err(err(format!("unknown flag: {a}\nSee 'docker save --help'.")))
            }
            a => names.push(a),
        }
    }
    if names.is_empty() {
        return Err(err("\"docker save\" requires at least 1 argument.\nSee 'docker save --help'.\n\nUsage:  docker save [OPTIONS] IMAGE [IMAGE...]\n\nSave one or more images to a tar archive (streamed to STDOUT by default)"));
    }
    let Some(file) = output else {
        // The sandbox's terminal is one, and a binary archive cannot go through `>`.
        return Err(err(
            "cowardly refusing to save to a terminal. Use the -o flag or redirect",
        ));
    };
    let path = normalize("docker", file).map_err(|e| err(e.to_string()))?;
    let mut saved = Vec::new();
    for n in &names {
        let image = find_image(sim, n)?;
        let tagged = parse_reference(n).ok().filter(|r| {
            r.tag_key()
                .is_some_and(|t| sim.docker.tags.get(&t) == Some(&image.id))
        });
        saved.push(Saved {
            image,
            name: tagged.as_ref().map(|r| (r.canonical(), r.tag.clone())),
            repo_tag: tagged.as_ref().map(|r| r.full()),
        });
    }
    let len = oci::archive_len(&saved);
    sim.workspace.check_write_binary(
        "docker save",
        &path,
        usize::try_from(len).unwrap_or(usize::MAX),
    )?;
    let bytes = oci::save(&saved);
    debug_assert_eq!(bytes.len() as u64, len);
    let ids: Vec<String> = saved.iter().map(|s| s.image.id.to_string()).collect();
    Ok(Plan::Effect(Box::new(move |sim, cause| {
        let n = bytes.len() as u64;
        sim.workspace
            .write_binary(path.clone(), FileContent::binary(bytes));
        sim.record(
            EventKind::FileWritten { bytes: n },
            ObjectRef::new("file", path.clone()),
            Some(cause),
            format!("wrote {path} ({n} bytes)"),
        );
        for id in ids {
            sim.record(
                EventKind::ImageSaved {
                    id: id.clone(),
                    bytes: n,
                },
                ObjectRef::new("file", path.clone()),
                Some(cause),
                format!("saved image {} to {path}", &id[7..19]),
            );
        }
        String::new()
    })))
}
