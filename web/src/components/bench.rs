//! The Host tab's benchmark section: the figures Felter et al. measured beside the sandbox's
//! modelled figures, for every workload and platform, each row with its source; the rows whose
//! `bench` ran in this session (read from the `BenchRan` events) are highlighted.
//!
//! The rows are [`sim_core::host::bench::table`]; nothing here computes a figure.

use std::collections::BTreeMap;

use sim_core::host::bench::{self, Platform, Row, Workload, SOURCE};
use sim_core::EventKind;
use yew::prelude::*;

use super::host::SectionProps;
use crate::i18n::{fill, tr, Msg};

fn platform_msg(p: Platform) -> Msg {
    match p {
        Platform::Host => Msg::PlatformHost,
        Platform::Container => Msg::PlatformContainer,
        Platform::Vm => Msg::PlatformVm,
        Platform::VmTuned => Msg::PlatformVmTuned,
    }
}

/// The width of a row's bar: its modelled figure against the largest of its workload's
/// (a scale for the eye; the figure itself is printed beside it).
fn bar_pct(w: Option<&Workload>, platform: Platform) -> f64 {
    let Some(w) = w else { return 0.0 };
    let max = Platform::ALL
        .iter()
        .filter_map(|p| w.figure(*p))
        .map(|f| f.0)
        .max()
        .unwrap_or(0);
    match w.figure(platform) {
        Some(f) if max > 0 => f.0 as f64 * 100.0 / max as f64,
        _ => 0.0,
    }
}

/// The benchmark section.
#[function_component(BenchSection)]
pub fn bench_section(props: &SectionProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let session = props.sandbox.session();
    // (workload, platform) → how many runs, in the frame being viewed.
    let mut ran: BTreeMap<(String, String), u32> = BTreeMap::new();
    for e in session.sim().log() {
        if let EventKind::BenchRan {
            workload, platform, ..
        } = &e.kind
        {
            *ran.entry((workload.clone(), platform.clone())).or_default() += 1;
        }
    }
    let rows = bench::table();
    let mut groups: Vec<(&str, Vec<&Row>)> = Vec::new();
    for r in &rows {
        match groups.last_mut() {
            Some((w, list)) if *w == r.workload => list.push(r),
            _ => groups.push((r.workload, vec![r])),
        }
    }
    let body = groups.iter().map(|(name, list)| {
        let w = bench::workload(name);
        let head = w.map_or_else(String::new, |w| {
            fill(
                t(Msg::BenchWorkloadHead),
                &[("benchmark", w.benchmark), ("stresses", w.stresses), ("unit", w.unit)],
            )
        });
        let trs = list.iter().map(|r| {
            let count = ran
                .get(&(r.workload.to_string(), r.platform.name().to_string()))
                .copied()
                .unwrap_or(0);
            html! {
                <tr class={classes!("bench-row", (count > 0).then_some("ran"))}
                    data-workload={r.workload} data-platform={r.platform.name()}
                    data-ran={count.to_string()}>
                    <th scope="row" class="platform">
                        { t(platform_msg(r.platform)) }
                        <code class="on-flag">{ format!("--on {}", r.platform.name()) }</code>
                        if count > 0 {
                            <span class="badge ran-badge"><span aria-hidden="true">{ "▶ " }</span>
                                { fill(t(Msg::BenchRanTimes), &[("count", &count.to_string())]) }</span>
                        }
                    </th>
                    <td class="num sandbox">{ &r.sandbox }
                        <span class="fig-bar" aria-hidden="true"
                            style={format!("width: {:.1}%", bar_pct(w, r.platform))}></span>
                    </td>
                    <td class="num paper">{ r.paper }</td>
                    <td class="source">{ r.source }</td>
                </tr>
            }
        });
        html! {
            <tbody class="bench-group" data-workload={*name}>
                <tr class="bench-workload">
                    <th colspan="4" scope="rowgroup"><strong>{ *name }</strong>{ " · " }{ head }</th>
                </tr>
                { for trs }
            </tbody>
        }
    });
    html! {
        <section class="panel bench-panel" id="bench-view" aria-labelledby="bench-title">
            <div class="view-head">
                <h3 id="bench-title">{ t(Msg::BenchTitle) }</h3>
                <span class="view-note">{ fill(t(Msg::BenchRanCount), &[("count", &ran.values().sum::<u32>().to_string())]) }</span>
            </div>
            <table class="bench-table" id="bench-table">
                <colgroup>
                    <col class="c-platform" />
                    <col class="c-sandbox" />
                    <col class="c-paper" />
                    <col class="c-source" />
                </colgroup>
                <caption>{ fill(t(Msg::BenchCaption), &[("source", SOURCE)]) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ t(Msg::BenchColPlatform) }</th>
                        <th scope="col" class="num">{ t(Msg::BenchColSandbox) }</th>
                        <th scope="col" class="num">{ t(Msg::BenchColPaper) }</th>
                        <th scope="col">{ t(Msg::BenchColSource) }</th>
                    </tr>
                </thead>
                { for body }
            </table>
            <p class="view-note">{ t(Msg::BenchNote) }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_platform_has_a_label() {
        for p in Platform::ALL {
            for lang in Lang::ALL {
                assert!(!tr(lang, platform_msg(p)).is_empty());
            }
        }
    }
}
