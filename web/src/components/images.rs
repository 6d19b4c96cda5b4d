//! The image view: a picker of local images; the selected image's layer stack drawn bottom-up
//! (base at the bottom, blues by depth, empty layers marked); a dive-like file tree of the
//! selected layer (added / changed / removed, this layer only or aggregated, wasted space); and
//! the graph of every local image in which a layer several images share is one node.
//!
//! Everything shown comes from [`sim_core::image::view`] at the frame being viewed.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use sim_core::image::view::{
    image_detail, images, last_build, layer_files, layer_graph, wasted_space, FileChange,
    GraphNodeKind, ImageSummary, LayerFiles, WastedSpace,
};
use yew::prelude::*;

use crate::i18n::{fill, tr, Lang, Msg};
use crate::layers::{
    change_class, change_symbol, depth_colors, ellipsize, initially_open, layout_graph,
    short_instruction, visible_rows,
};
use crate::state::Sandbox;

/// Most file-tree rows drawn at once (the rest are counted).
const MAX_DRAWN_ROWS: usize = 300;
/// Most wasted files listed.
const MAX_WASTED_ROWS: usize = 8;

/// Properties of [`ImagesView`].
#[derive(Properties, PartialEq)]
pub struct ImagesViewProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The image the user picked (an ImageID), if any.
    pub selected: Option<String>,
    /// Picks an image.
    pub on_select: Callback<String>,
}

/// The image the view shows: the picked one while it exists, else the last build's, else the
/// newest.
fn current_image(
    list: &[ImageSummary],
    picked: Option<&str>,
    built: Option<&str>,
) -> Option<usize> {
    let find = |id: &str| list.iter().position(|i| i.id == id);
    picked
        .and_then(find)
        .or_else(|| built.and_then(find))
        .or(if list.is_empty() { None } else { Some(0) })
}

/// The stage's image tab.
#[function_component(ImagesView)]
pub fn images_view(props: &ImagesViewProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    // (image id, layer index) the user picked; a pick for another image is ignored.
    let picked_layer = use_state_eq(|| None::<(String, usize)>);
    let aggregate = use_state_eq(|| false);
    let open_dirs = use_state_eq(|| None::<(String, BTreeSet<String>)>);

    let session = props.sandbox.session();
    let engine = session.sim().docker();
    let list = images(engine);
    let build = last_build(session.sim());
    let built_id = build.as_ref().and_then(|b| b.image_id.clone());
    let new_layers: BTreeSet<String> = build
        .map(|b| b.new_layers.into_iter().collect())
        .unwrap_or_default();
    let Some(current) = current_image(&list, props.selected.as_deref(), built_id.as_deref()) else {
        return html! {
            <div class="stage-empty" id="images-view">
                <p>{ t(Msg::ImagesEmpty) }</p>
            </div>
        };
    };
    let image = list[current].clone();
    let Some(detail) = image_detail(engine, &image.id) else {
        return html! {};
    };
    let top_layer = image.layers.saturating_sub(1);
    let layer = match &*picked_layer {
        Some((id, l)) if *id == image.id && *l < image.layers => *l,
        _ => top_layer,
    };

    // Layers of an image never change (its id is the hash of its config, which lists them),
    // so file trees and wasted space are memoised by image id.
    let files: Rc<Option<LayerFiles>> = {
        let sandbox = props.sandbox.clone();
        use_memo(
            (image.id.clone(), layer, *aggregate),
            move |(id, layer, aggregate)| {
                let session = sandbox.session();
                session
                    .sim()
                    .docker()
                    .find(id)
                    .and_then(|img| layer_files(img, *layer, *aggregate))
            },
        )
    };
    let wasted: Rc<Option<WastedSpace>> = {
        let sandbox = props.sandbox.clone();
        use_memo(image.id.clone(), move |id| {
            let session = sandbox.session();
            session.sim().docker().find(id).map(wasted_space)
        })
    };

    let picker = list.iter().map(|img| {
        let pressed = img.id == image.id;
        let onclick = {
            let cb = props.on_select.clone();
            let id = img.id.clone();
            Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
        };
        html! {
            <li>
                <button type="button" class={classes!("image-chip", pressed.then_some("selected"))}
                    aria-pressed={pressed.to_string()} data-image={img.name.clone()} onclick={onclick}>
                    <span class="chip-name">{ &img.name }</span>
                    <code class="chip-id">{ &img.short_id }</code>
                    <span class="chip-size">{ &img.size }</span>
                </button>
            </li>
        }
    });

    let stack = detail.rows.iter().map(|row| {
        let instruction = ellipsize(&row.created_by, 64);
        match (row.layer_index, &row.short_diff_id) {
            (Some(index), Some(short)) => {
                let (fill_color, text_color) = depth_colors(index);
                let selected = index == layer;
                let is_new = row.chain_id.as_ref().is_some_and(|c| new_layers.contains(c));
                let label = fill(
                    t(Msg::LayerLabel),
                    &[
                        ("index", &index.to_string()),
                        ("instruction", &row.created_by),
                        ("digest", short),
                        ("size", &row.size),
                    ],
                );
                let onclick = {
                    let picked = picked_layer.clone();
                    let id = image.id.clone();
                    Callback::from(move |_: MouseEvent| picked.set(Some((id.clone(), index))))
                };
                html! {
                    <li class="stack-row">
                        <button type="button" class={classes!("layer-block", selected.then_some("selected"))}
                            style={format!("--layer-bg: {fill_color}; --layer-fg: {text_color}")}
                            aria-pressed={selected.to_string()} aria-label={label}
                            data-diff-id={row.diff_id.clone()} title={row.created_by.clone()} onclick={onclick}>
                            <span class="layer-index">{ format!("L{index}") }</span>
                            <code class="layer-instr">{ instruction }</code>
                            <span class="layer-meta">
                                <code class="layer-digest">{ short }</code>
                                <span class="layer-size">{ &row.size }</span>
                            </span>
                        </button>
                        if !row.shared_with.is_empty() || is_new {
                            <div class="layer-badges">
                                if !row.shared_with.is_empty() {
                                    <span class="badge shared"><span aria-hidden="true">{ "↔ " }</span>
                                        { fill(t(Msg::SharedWith), &[("images", &row.shared_with.join(", "))]) }</span>
                                }
                                if is_new {
                                    <span class="badge new" title={t(Msg::NewLayerTitle)}>
                                        <span aria-hidden="true">{ "★ " }</span>{ t(Msg::NewLayer) }</span>
                                }
                            </div>
                        }
                    </li>
                }
            }
            _ => html! {
                <li class="stack-row">
                    <div class="layer-empty" title={row.created_by.clone()}>
                        <span class="empty-mark" aria-hidden="true">{ "∅" }</span>
                        <code class="layer-instr">{ instruction }</code>
                        <span class="empty-label">{ t(Msg::EmptyLayer) }</span>
                    </div>
                </li>
            },
        }
    });

    html! {
        <div class="images-view" id="images-view">
            <h3 class="visually-hidden">{ t(Msg::ImagePicker) }</h3>
            <ul class="image-picker" aria-label={t(Msg::ImagePicker)}>{ for picker }</ul>
            <div class="images-grid">
                <section class="panel stack-panel" aria-labelledby="stack-title">
                    <div class="view-head">
                        <h3 id="stack-title">{ t(Msg::LayerStackTitle) }</h3>
                    </div>
                    <p class="image-facts">
                        <span>{ t(Msg::ImageIdLabel) }{ " " }<code id="image-id">{ &image.short_id }</code></span>
                        <span>{ fill(t(Msg::LayerCount), &[("count", &image.layers.to_string())]) }</span>
                        <span>{ &image.size }</span>
                    </p>
                    // Rows are in history order (base first); CSS stacks them bottom-up.
                    <ol class="layer-stack" id="layer-stack"
                        aria-label={fill(t(Msg::LayerStackLabel), &[("image", &image.name)])}>
                        { for stack }
                    </ol>
                </section>
                { files_panel(props, &files, layer, &aggregate, &open_dirs, &image.id) }
            </div>
            { wasted_panel(lang, wasted.as_ref().as_ref(), &image.size) }
            { graph_panel(props, &image, detail.rows.iter().find(|r| r.layer_index == Some(layer)).and_then(|r| r.chain_id.clone())) }
        </div>
    }
}

fn files_panel(
    props: &ImagesViewProps,
    files: &Option<LayerFiles>,
    layer: usize,
    aggregate: &UseStateHandle<bool>,
    open_dirs: &UseStateHandle<Option<(String, BTreeSet<String>)>>,
    image_id: &str,
) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let Some(files) = files else {
        return html! {};
    };
    let key = format!("{image_id}/{layer}/{}", **aggregate);
    let mode_button = |value: bool, msg: Msg, id: &'static str| {
        let aggregate = aggregate.clone();
        let pressed = *aggregate == value;
        html! {
            <button id={id} type="button" class="btn btn-small" aria-pressed={pressed.to_string()}
                onclick={Callback::from(move |_: MouseEvent| aggregate.set(value))}>{ t(msg) }</button>
        }
    };
    let summary = fill(
        t(Msg::FilesSummary),
        &[
            ("added", &files.added.to_string()),
            ("changed", &files.changed.to_string()),
            ("removed", &files.removed.to_string()),
            ("bytes", &sim_core::image::format::human_size(files.bytes)),
        ],
    );
    html! {
        <section class="panel files-panel" aria-labelledby="files-title">
            <div class="view-head">
                <h3 id="files-title">{ fill(t(Msg::FilesTitle), &[("index", &format!("L{layer}"))]) }</h3>
                <div class="mode-switch" role="group">
                    { mode_button(false, Msg::FilesLayerOnly, "btn-files-layer") }
                    { mode_button(true, Msg::FilesAggregate, "btn-files-aggregate") }
                </div>
            </div>
            <p class="files-summary" id="files-summary">{ summary }</p>
            <p class="files-legend" aria-hidden="true">
                <span class="fc-added">{ "+" }</span><span class="fc-changed">{ "~" }</span><span class="fc-removed">{ "−" }</span>
                { " " }{ t(Msg::FilesLegend) }
            </p>
            { file_tree(lang, files, open_dirs, &key, None) }
        </section>
    }
}

/// What a container's tree marks beyond the change itself.
pub(crate) struct TreeMarks<'a> {
    /// Paths copied up from the image.
    pub copied_up: &'a BTreeSet<String>,
    /// Paths the writable layer holds a whiteout for.
    pub whiteouts: &'a BTreeSet<String>,
    /// A fingerprint of what the writable layer holds for each changed path: a row is keyed
    /// on it, so every write that changes the row (a copy-up, a rewrite, a delete) draws it
    /// anew and its animation plays again.
    pub versions: &'a BTreeMap<String, u64>,
}

/// A collapsible file tree (the rows of `files` whose parents are open). With `marks`, rows
/// carry `docker diff`'s letters and the container's copy-up and whiteout markers.
pub(crate) fn file_tree(
    lang: Lang,
    files: &LayerFiles,
    open_dirs: &UseStateHandle<Option<(String, BTreeSet<String>)>>,
    key: &str,
    marks: Option<&TreeMarks>,
) -> Html {
    let t = |m| tr(lang, m);
    let open: BTreeSet<String> = match &**open_dirs {
        Some((k, set)) if k == key => set.clone(),
        _ => initially_open(&files.rows),
    };
    let visible = visible_rows(&files.rows, &open);
    let hidden_rows = visible.len().saturating_sub(MAX_DRAWN_ROWS) + files.omitted;
    let rows = visible.iter().take(MAX_DRAWN_ROWS).map(|&i| {
        let r = &files.rows[i];
        let is_open = open.contains(&r.path);
        let toggle = r.is_dir.then(|| {
            let open_dirs = open_dirs.clone();
            let mut next = open.clone();
            if is_open {
                next.remove(&r.path);
            } else {
                next.insert(r.path.clone());
            }
            let key = key.to_string();
            Callback::from(move |_: MouseEvent| open_dirs.set(Some((key.clone(), next.clone()))))
        });
        let name = match &r.link_target {
            Some(target) => format!("{} → {target}", r.name),
            None if r.is_dir => format!("{}/", r.name),
            None => r.name.clone(),
        };
        let copied = marks.is_some_and(|m| m.copied_up.contains(&r.path));
        let whiteout = marks.is_some_and(|m| m.whiteouts.contains(&r.path));
        let version = marks.and_then(|m| m.versions.get(&r.path)).copied();
        let row_key = match version {
            Some(v) => format!("{}#{v:016x}", r.path),
            None => r.path.clone(),
        };
        // A write that is not a copy-up (a new file, a rewrite of one already up) pulses.
        let written = version.is_some() && !copied && r.change != FileChange::Removed;
        let symbol = match (marks.is_some(), r.change) {
            (true, FileChange::Added) => "A",
            (true, FileChange::Changed) => "C",
            (true, FileChange::Removed) => "D",
            (_, change) => change_symbol(change),
        };
        html! {
            <li key={row_key} class={classes!("file-row", change_class(r.change), copied.then_some("copied-up"),
                    written.then_some("written"), whiteout.then_some("whited-out"))}
                data-version={version.map(|v| format!("{v:016x}"))}
                role="treeitem" aria-level={(r.depth + 1).to_string()}
                aria-expanded={r.is_dir.then(|| is_open.to_string())}
                style={format!("--depth: {}", r.depth)} data-path={r.path.clone()}>
                if let Some(toggle) = toggle {
                    <button type="button" class="dir-toggle" onclick={toggle}
                        aria-label={fill(t(Msg::ToggleDir), &[("path", &format!("/{}", r.path))])}>
                        { if is_open { "▾" } else { "▸" } }
                    </button>
                } else {
                    <span class="dir-toggle-space" aria-hidden="true"></span>
                }
                <span class="fc-mark">{ symbol }</span>
                <span class="file-name">{ name }</span>
                if r.opaque {
                    <span class="badge opaque">{ t(Msg::OpaqueDir) }</span>
                }
                if copied {
                    <span class="badge copied"><span aria-hidden="true">{ "↑ " }</span>{ t(Msg::CopiedUp) }</span>
                }
                if whiteout {
                    <span class="badge whiteout">{ format!(".wh.{}", r.name) }</span>
                }
                <span class="file-mode">{ &r.mode }</span>
                <span class="file-size">{ &r.size }</span>
            </li>
        }
    });
    html! {
        <>
            <ul class="file-tree" id="file-tree" role="tree">{ for rows }</ul>
            if hidden_rows > 0 {
                <p class="view-note">{ fill(t(Msg::FilesMore), &[("count", &hidden_rows.to_string())]) }</p>
            }
        </>
    }
}

fn wasted_panel(lang: Lang, wasted: Option<&WastedSpace>, image_size: &str) -> Html {
    let t = |m| tr(lang, m);
    let Some(w) = wasted else {
        return html! {};
    };
    let percent = format!("{}.{:02}%", w.wasted_bp / 100, w.wasted_bp % 100);
    let rows = w.files.iter().take(MAX_WASTED_ROWS).map(|f| {
        let how = if f.removed {
            t(Msg::WastedRemoved)
        } else {
            t(Msg::WastedOverwritten)
        };
        html! {
            <li class={classes!("wasted-row", if f.removed { "fc-removed" } else { "fc-changed" })}>
                <code class="file-name">{ format!("/{}", f.path) }</code>
                <span class="wasted-how">{ fill(t(Msg::WastedRow), &[
                    ("from", &format!("L{}", f.layer_index)),
                    ("by", &format!("L{}", f.by_layer_index)),
                    ("how", how),
                ]) }</span>
                <span class="file-size">{ &f.size }</span>
            </li>
        }
    });
    html! {
        <section class="panel wasted-panel" id="wasted-space" aria-labelledby="wasted-title">
            <h3 id="wasted-title">{ t(Msg::WastedTitle) }</h3>
            if w.total_bytes == 0 {
                <p class="view-note">{ t(Msg::WastedNone) }</p>
            } else {
                <p class="wasted-summary">{ fill(t(Msg::WastedSummary), &[
                    ("total", &w.total), ("percent", &percent), ("image", image_size),
                ]) }</p>
                <ul class="wasted-list">{ for rows }</ul>
            }
        </section>
    }
}

/// SVG units of the graph.
const COL_W: f64 = 150.0;
const ROW_H: f64 = 56.0;
const NODE_W: f64 = 132.0;
const NODE_H: f64 = 38.0;
const PAD: f64 = 8.0;

fn graph_panel(
    props: &ImagesViewProps,
    image: &ImageSummary,
    selected_chain: Option<String>,
) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let session = props.sandbox.session();
    let graph = layer_graph(session.sim().docker());
    if graph.nodes.is_empty() {
        return html! {};
    }
    let layout = layout_graph(&graph);
    let width = layout.columns as f64 * COL_W + 2.0 * PAD;
    let height = layout.levels as f64 * ROW_H + 2.0 * PAD;
    let center = |i: usize| {
        let p = layout.places[i];
        (
            PAD + p.slot * COL_W + COL_W / 2.0,
            height - PAD - p.level as f64 * ROW_H - ROW_H / 2.0,
        )
    };
    let me = image
        .tags
        .first()
        .cloned()
        .unwrap_or_else(|| format!("<none>@{}", image.short_id));
    let edges = graph.edges.iter().map(|&(a, b)| {
        let (x1, y1) = center(a);
        let (x2, y2) = center(b);
        let (y1, y2) = (y1 - NODE_H / 2.0, y2 + NODE_H / 2.0);
        let mid = (y1 + y2) / 2.0;
        let mine = graph.nodes[b].images.contains(&me);
        html! {
            <path class={classes!("graph-edge", mine.then_some("mine"))}
                d={format!("M{x1:.1},{y1:.1} C{x1:.1},{mid:.1} {x2:.1},{mid:.1} {x2:.1},{y2:.1}")} />
        }
    });
    let nodes = graph.nodes.iter().enumerate().map(|(i, node)| {
        let (cx, cy) = center(i);
        let (x, y) = (cx - NODE_W / 2.0, cy - NODE_H / 2.0);
        let mine = node.images.contains(&me);
        match &node.kind {
            GraphNodeKind::Layer { short_diff_id, size, depth, created_by, .. } => {
                let (fill_color, text_color) = depth_colors(*depth);
                let shared = node.shared();
                let selected = selected_chain.as_deref() == Some(node.id.as_str()) && mine;
                let label = fill(t(Msg::GraphLayerLabel), &[
                    ("digest", short_diff_id), ("size", size), ("images", &node.images.join(", ")),
                ]);
                html! {
                    <g class={classes!("graph-node", "layer", shared.then_some("shared"), (!mine).then_some("other"), selected.then_some("selected"))}
                        role="img" aria-label={label.clone()} data-chain={node.id.clone()}>
                        <title>{ format!("{label}\n{created_by}") }</title>
                        <rect x={fmt(x)} y={fmt(y)} width={fmt(NODE_W)} height={fmt(NODE_H)} rx="5"
                            fill={fill_color} />
                        <text class="node-digest" x={fmt(cx)} y={fmt(cy - 3.0)} fill={text_color} text-anchor="middle">{ short_diff_id }</text>
                        <text class="node-sub" x={fmt(cx)} y={fmt(cy + 12.0)} fill={text_color} text-anchor="middle">
                            { format!("{} · {}", ellipsize(&short_instruction(created_by), 12), size) }
                        </text>
                        if shared {
                            <g class="share-badge">
                                <circle cx={fmt(x + NODE_W)} cy={fmt(y)} r="10" />
                                <text x={fmt(x + NODE_W)} y={fmt(y + 4.0)} text-anchor="middle">{ format!("×{}", node.images.len()) }</text>
                            </g>
                        }
                    </g>
                }
            }
            GraphNodeKind::Image { tags, short_id } => {
                let name = tags.first().cloned().unwrap_or_else(|| "<none>".to_string());
                let label = fill(t(Msg::GraphImageLabel), &[("name", &name), ("id", short_id)]);
                let onclick = {
                    let cb = props.on_select.clone();
                    let id = node.id.clone();
                    Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
                };
                let onkeydown = {
                    let cb = props.on_select.clone();
                    let id = node.id.clone();
                    Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "Enter" || e.key() == " " {
                            e.prevent_default();
                            cb.emit(id.clone());
                        }
                    })
                };
                html! {
                    <g class={classes!("graph-node", "image", mine.then_some("selected"))} role="button" tabindex="0"
                        aria-label={label.clone()} aria-pressed={mine.to_string()} onclick={onclick} onkeydown={onkeydown}
                        data-image={name.clone()}>
                        <title>{ label }</title>
                        <rect x={fmt(x)} y={fmt(y + 2.0)} width={fmt(NODE_W)} height={fmt(NODE_H - 4.0)} rx="17" />
                        <text class="node-name" x={fmt(cx)} y={fmt(cy - 1.0)} text-anchor="middle">{ ellipsize(&name, 17) }</text>
                        <text class="node-sub" x={fmt(cx)} y={fmt(cy + 12.0)} text-anchor="middle">{ short_id }</text>
                    </g>
                }
            }
        }
    });
    html! {
        <section class="panel graph-panel" aria-labelledby="graph-title">
            <h3 id="graph-title">{ t(Msg::GraphTitle) }</h3>
            <p class="view-note">{ t(Msg::GraphCaption) }</p>
            <svg id="layer-graph" class="layer-graph" viewBox={format!("0 0 {width:.0} {height:.0}")}
                style={format!("max-width: {width:.0}px")} role="group" aria-label={t(Msg::GraphLabel)}>
                { for edges }
                { for nodes }
            </svg>
        </section>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}
