//! The container view: the writable layer (reddish purple) above the image's read-only layers
//! (blues), and `docker diff` as a tree — A/C/D, files copied up from the image rising into the
//! writable layer, deletions marked with the whiteout that records them.
//!
//! Everything shown comes from [`sim_core::image::view::container_detail`] at the frame being
//! viewed. A tree row is keyed on what the writable layer holds for its path, so each write
//! that copies a file up, rewrites it or deletes it plays the row's animation again.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

use sim_core::image::fs::{Content, Node};
use sim_core::image::layer::Upper;
use sim_core::image::view::{container_detail, containers};
use yew::prelude::*;

use super::images::{file_tree, TreeMarks};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::layers::{depth_colors, ellipsize, short_instruction, WRITABLE_COLORS};
use crate::state::Sandbox;

/// Bytes of a file's content hashed whole; a larger file is fingerprinted by its length and
/// its first and last 64 KiB, which keeps a render cheap.
const HASHED_WHOLE_BYTES: usize = 1 << 20;
const HASHED_ENDS_BYTES: usize = 64 << 10;

/// A fingerprint of what the writable layer holds at a path (`None`: nothing, as for a path
/// hidden by a whiteout of its parent): it changes with every write that changes the file —
/// its content, mode, owner or kind — so a tree row keyed on it is drawn anew, and its
/// copy-up or whiteout animation plays again, at each such write. Not a digest the user sees.
fn fingerprint(upper: Option<&Upper>) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match upper {
        None => 0u8.hash(&mut h),
        Some(Upper::Whiteout) => 1u8.hash(&mut h),
        Some(Upper::Node(node)) => {
            let meta = node.meta();
            (meta.mode, meta.uid, meta.gid).hash(&mut h);
            match node {
                Node::Dir(_) => 2u8.hash(&mut h),
                Node::Symlink(_, target) => (3u8, target).hash(&mut h),
                Node::File(_, Content::Synthetic { seed, size }) => (4u8, seed, size).hash(&mut h),
                Node::File(_, Content::Bytes(bytes)) => {
                    (5u8, bytes.len()).hash(&mut h);
                    if bytes.len() <= HASHED_WHOLE_BYTES {
                        bytes.hash(&mut h);
                    } else {
                        bytes[..HASHED_ENDS_BYTES].hash(&mut h);
                        bytes[bytes.len() - HASHED_ENDS_BYTES..].hash(&mut h);
                    }
                }
            }
        }
    }
    h.finish()
}

/// Properties of [`ContainersView`].
#[derive(Properties, PartialEq)]
pub struct ContainersViewProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
}

/// The stage's container tab.
#[function_component(ContainersView)]
pub fn containers_view(props: &ContainersViewProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let picked = use_state_eq(|| None::<String>);
    let open_dirs = use_state_eq(|| None::<(String, BTreeSet<String>)>);
    let session = props.sandbox.session();
    let engine = session.sim().docker();
    let list = containers(engine);
    let current = picked
        .as_deref()
        .and_then(|id| list.iter().find(|c| c.id == id))
        .or(list.first());
    let Some(current) = current else {
        return html! {
            <div class="stage-empty" id="containers-view">
                <p>{ t(Msg::ContainersEmpty) }</p>
            </div>
        };
    };
    let Some(detail) = container_detail(engine, &current.id) else {
        return html! {};
    };
    let picker = list.iter().map(|c| {
        let pressed = c.id == current.id;
        let onclick = {
            let picked = picked.clone();
            let id = c.id.clone();
            Callback::from(move |_: MouseEvent| picked.set(Some(id.clone())))
        };
        html! {
            <li>
                <button type="button" class={classes!("image-chip", pressed.then_some("selected"))}
                    aria-pressed={pressed.to_string()} data-container={c.name.clone()} onclick={onclick}>
                    <span class="chip-name">{ &c.name }</span>
                    <span class={classes!("chip-status", c.running.then_some("running"))}>
                        <span aria-hidden="true">{ if c.running { "● " } else { "○ " } }</span>{ &c.status }
                    </span>
                    <code class="chip-id">{ &c.image }</code>
                </button>
            </li>
        }
    });
    let (w_bg, w_fg) = WRITABLE_COLORS;
    let image_layers = detail.image.as_ref().map(|img| {
        img.rows
            .iter()
            .filter(|r| !r.empty_layer)
            .map(|r| {
                let index = r.layer_index.unwrap_or(0);
                let (bg, fg) = depth_colors(index);
                html! {
                    <li class="stack-row">
                        <div class="layer-block readonly" style={format!("--layer-bg: {bg}; --layer-fg: {fg}")}
                            title={r.created_by.clone()}>
                            <span class="layer-index">{ format!("L{index}") }</span>
                            <code class="layer-instr">{ ellipsize(&short_instruction(&r.created_by), 48) }</code>
                            <span class="layer-meta">
                                <code class="layer-digest">{ r.short_diff_id.clone().unwrap_or_default() }</code>
                                <span class="layer-size">{ &r.size }</span>
                            </span>
                        </div>
                    </li>
                }
            })
            .collect::<Html>()
    });
    let copied: BTreeSet<String> = detail.copied_up.iter().cloned().collect();
    let whiteouts: BTreeSet<String> = detail
        .diff
        .iter()
        .filter(|d| d.whiteout)
        .map(|d| d.path.clone())
        .collect();
    let versions: BTreeMap<String, u64> = engine
        .find_container(&current.id)
        .map(|c| {
            detail
                .diff
                .iter()
                .map(|d| (d.path.clone(), fingerprint(c.rootfs.upper().get(&d.path))))
                .collect()
        })
        .unwrap_or_default();
    let marks = TreeMarks {
        copied_up: &copied,
        whiteouts: &whiteouts,
        versions: &versions,
    };
    let writable_facts = fill(
        t(Msg::WritableFacts),
        &[
            ("changes", &detail.diff.len().to_string()),
            ("size", &detail.upper_size),
            ("copied", &detail.copied_up.len().to_string()),
            ("whiteouts", &detail.whiteouts.to_string()),
        ],
    );
    html! {
        <div class="images-view containers-view" id="containers-view">
            <ul class="image-picker" aria-label={t(Msg::ContainerPicker)}>{ for picker }</ul>
            <div class="images-grid">
                <section class="panel stack-panel" aria-labelledby="cstack-title">
                    <h3 id="cstack-title">{ t(Msg::ContainerStackTitle) }</h3>
                    <ol class="layer-stack" id="container-stack">
                        if let Some(layers) = image_layers { { layers } }
                        <li class="stack-row ro-divider" aria-hidden="true">{ t(Msg::ReadOnlyBelow) }</li>
                        <li class="stack-row">
                            <div class="layer-block writable" id="writable-layer"
                                style={format!("--layer-bg: {w_bg}; --layer-fg: {w_fg}")}>
                                <span class="layer-index"><span aria-hidden="true">{ "✎ " }</span>{ t(Msg::WritableLayer) }</span>
                                <span class="layer-instr">{ writable_facts }</span>
                                <span class="layer-meta"><span class="layer-size">{ &detail.upper_size }</span></span>
                            </div>
                        </li>
                    </ol>
                </section>
                <section class="panel files-panel" aria-labelledby="diff-title">
                    <h3 id="diff-title">{ fill(t(Msg::DiffTitle), &[("name", &current.name)]) }</h3>
                    <p class="files-legend" aria-hidden="true">{ t(Msg::DiffLegend) }</p>
                    if detail.diff.is_empty() {
                        <p class="view-note">{ t(Msg::DiffEmpty) }</p>
                    } else {
                        { file_tree(lang, &detail.files, &open_dirs, &current.id, Some(&marks)) }
                    }
                </section>
            </div>
        </div>
    }
}
