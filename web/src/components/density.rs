//! The Host tab's density section: the latest `host density` experiment — how many full VMs,
//! microVMs and containers fit on the host, what one instance holds, and what stopped the next
//! one — as a grid of dots per kind (one dot per instance, or per a round number of them) and a
//! bar of what one instance is made of.
//!
//! Everything shown comes from [`sim_core::host::view::density_view`] at the frame being viewed.

use sim_core::host::density::DensityRow;
use sim_core::host::quantity::format_bytes;
use sim_core::host::view::density_view;
use sim_core::SimTime;
use yew::prelude::*;

use super::host::SectionProps;
use crate::i18n::{fill, tr, Lang, Msg};

/// Most dots one grid draws; above it a dot stands for several instances.
const MAX_DOTS: u64 = 240;

/// How many instances one dot stands for: 1, 2, 5, 10, 20, 50… so that at most [`MAX_DOTS`]
/// are drawn.
pub fn per_dot(started: u64) -> u64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if started.div_ceil(step * m) <= MAX_DOTS {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// Okabe–Ito colours per kind: full VM orange, microVM reddish purple, container bluish green;
/// with the shape (square, diamond, circle) so colour is never alone.
fn kind_style(row: &DensityRow) -> (&'static str, &'static str) {
    match (row.kind.as_str(), row.profile.as_str()) {
        ("vm", "full") => ("#E69F00", "square"),
        ("vm", _) => ("#CC79A7", "diamond"),
        _ => ("#009E73", "circle"),
    }
}

fn part_color(kind: &str) -> &'static str {
    match kind {
        "guest" => "#E69F00",
        "vmm" => "#CC79A7",
        _ => "#56B4E9",
    }
}

fn limited_msg(limited_by: &str) -> Msg {
    match limited_by {
        "memory" => Msg::DensityByMemory,
        "disk" => Msg::DensityByDisk,
        _ => Msg::DensityByMax,
    }
}

fn row_card(lang: Lang, row: &DensityRow, free_bytes: u64) -> Html {
    let t = |m| tr(lang, m);
    let (color, shape) = kind_style(row);
    let title = match (row.kind.as_str(), row.profile.as_str()) {
        ("vm", "full") => t(Msg::DensityFullVm),
        ("vm", _) => t(Msg::DensityMicroVm),
        _ => t(Msg::DensityContainer),
    };
    let unit = per_dot(row.started);
    let dots = row.started.div_ceil(unit);
    let dot_items = (0..dots).map(|_| html! { <span class={classes!("dot", shape)}></span> });
    let total = row.per_instance_bytes.max(1);
    let parts = row.parts.iter().map(|p| {
        let pct = p.bytes as f64 * 100.0 / total as f64;
        let label = format!("{}: {}", p.label, format_bytes(p.bytes));
        html! {
            <span class={classes!("part", format!("part-{}", p.kind))}
                style={format!("flex-basis: {pct:.3}%; --part: {}", part_color(&p.kind))}
                title={label.clone()} aria-label={label}></span>
        }
    });
    let part_list = row.parts.iter().map(|p| {
        html! {
            <li><span class="swatch" style={format!("background: {}", part_color(&p.kind))} aria-hidden="true"></span>
                { format!("{} {}", p.label, format_bytes(p.bytes)) }</li>
        }
    });
    let used = free_bytes.saturating_sub(row.memory_left_bytes);
    let used_pct = if free_bytes == 0 {
        0.0
    } else {
        used as f64 * 100.0 / free_bytes as f64
    };
    html! {
        <section class="panel density-row" style={format!("--kind: {color}")}
            data-kind={row.kind.clone()} data-profile={row.profile.clone()}
            data-started={row.started.to_string()} data-limited-by={row.limited_by.clone()}
            aria-label={fill(t(Msg::DensityRowLabel), &[("kind", title), ("count", &row.started.to_string())])}>
            <div class="density-head">
                <h4><span class={classes!("dot", shape, "legend-dot")} aria-hidden="true"></span>{ title }
                    { " · " }<code>{ &row.image }</code></h4>
                <span class="density-count">{ fill(t(Msg::DensityFit), &[("count", &row.started.to_string())]) }</span>
            </div>
            <div class="dot-grid" aria-hidden="true">{ for dot_items }</div>
            <p class="view-note">{ if unit == 1 {
                t(Msg::DensityDotOne).to_string()
            } else {
                fill(t(Msg::DensityDotMany), &[("count", &unit.to_string())])
            } }</p>
            <div class="density-facts">
                <div>
                    <strong>{ t(Msg::DensityPerInstance) }</strong>{ " " }{ format_bytes(row.per_instance_bytes) }
                    if row.disk_bytes > 0 {
                        { " · " }{ fill(t(Msg::DensityDisk), &[("disk", &format_bytes(row.disk_bytes))]) }
                    }
                    <div class="part-bar">{ for parts }</div>
                    <ul class="part-list">{ for part_list }</ul>
                </div>
                <div>
                    <strong>{ t(Msg::DensityHostMemory) }</strong>{ " " }
                    { fill(t(Msg::DensityUsed), &[("used", &format_bytes(used)), ("free", &format_bytes(free_bytes))]) }
                    <div class="part-bar host-fill"><span class="part" style={format!("flex-basis: {used_pct:.3}%; --part: {color}")}></span></div>
                    <p class={classes!("limited", format!("by-{}", row.limited_by))}>
                        <span class="badge limit-badge">{ t(limited_msg(&row.limited_by)) }</span>{ " " }{ &row.limit }
                    </p>
                </div>
            </div>
        </section>
    }
}

/// The density section.
#[function_component(DensitySection)]
pub fn density_section(props: &SectionProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let session = props.sandbox.session();
    let Some(view) = density_view(session.sim()) else {
        return html! {
            <section class="panel density" id="density-view">
                <h3>{ t(Msg::DensityTitle) }</h3>
                <p class="view-note">{ t(Msg::DensityEmpty) }</p>
            </section>
        };
    };
    let rows = view
        .rows
        .iter()
        .map(|r| row_card(lang, r, view.free_memory_bytes));
    html! {
        <div class="density" id="density-view">
            <div class="view-head">
                <h3>{ t(Msg::DensityTitle) }</h3>
                <span class="view-note">{ fill(t(Msg::DensitySummary), &[
                    ("time", &SimTime(view.time_ms).to_string()),
                    ("memory", &format_bytes(view.memory_bytes)),
                    ("free", &format_bytes(view.free_memory_bytes)),
                    ("disk", &format_bytes(view.free_disk_bytes)),
                    ("max", &view.max.to_string()),
                ]) }</span>
            </div>
            { for rows }
            <p class="view-note">{ t(Msg::DensityNote) }</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::per_dot;

    #[test]
    fn a_dot_stands_for_a_round_number_of_instances() {
        assert_eq!(per_dot(0), 1);
        assert_eq!(per_dot(15), 1);
        assert_eq!(per_dot(240), 1);
        assert_eq!(per_dot(241), 2);
        assert_eq!(per_dot(32_768), 200);
        assert_eq!(per_dot(100_000), 500);
    }
}
