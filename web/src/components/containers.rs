//! The container view: the writable layer (reddish purple) above the image's read-only layers
//! (blues), and `docker diff` as a tree — A/C/D, files copied up from the image rising into the
//! writable layer, deletions marked with the whiteout that records them.
//!
//! Everything shown comes from [`sim_core::image::view::container_detail`] at the frame being
//! viewed.

use std::collections::BTreeSet;

use sim_core::image::view::{container_detail, containers};
use yew::prelude::*;

use super::images::{file_tree, TreeMarks};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::layers::{depth_colors, ellipsize, short_instruction, WRITABLE_COLORS};
use crate::state::Sandbox;

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
    let marks = TreeMarks {
        copied_up: &copied,
        whiteouts: &whiteouts,
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
