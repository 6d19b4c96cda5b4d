//! The build view: the last `docker build`'s numbered steps, lighting up one after another as
//! cache hits (bluish green, ✔ CACHED) or misses that ran (orange, ▶), with the edited line
//! and the step where the cache broke marked. It renders [`sim_core::image::view::last_build`]
//! at the frame being viewed, so stepping back shows the build before.

use sim_core::image::view::last_build;
use yew::prelude::*;

use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::Sandbox;

/// Properties of [`BuildView`].
#[derive(Properties, PartialEq)]
pub struct BuildViewProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// Shows an image (by id) in the image view.
    pub on_open_image: Callback<String>,
}

/// The stage's build tab.
#[function_component(BuildView)]
pub fn build_view(props: &BuildViewProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let session = props.sandbox.session();
    let Some(build) = last_build(session.sim()) else {
        return html! {
            <div class="stage-empty" id="build-view">
                <p>{ t(Msg::BuildEmpty) }</p>
            </div>
        };
    };
    // A pulled base is a miss but breaks no cache: the steps' keys name the base's ImageID.
    let first_miss = build
        .steps
        .iter()
        .position(|s| !s.cached && s.from.is_none());
    let summary = fill(
        t(Msg::BuildSummary),
        &[
            ("total", &build.steps.len().to_string()),
            ("cached", &build.cached.to_string()),
            ("ran", &build.executed.to_string()),
            ("layers", &build.new_layers.len().to_string()),
        ],
    );
    let steps = build.steps.iter().enumerate().map(|(i, s)| {
        let status = match &s.from {
            Some(f) if f.pulled => html! {
                <span class="step-status miss"><span aria-hidden="true">{ "⬇ " }</span>{ t(Msg::FromPulled) }</span>
            },
            Some(_) => html! {
                <span class="step-status hit"><span aria-hidden="true">{ "✔ " }</span>{ t(Msg::FromLocal) }</span>
            },
            None if s.cached => html! {
                <span class="step-status hit"><span aria-hidden="true">{ "✔ " }</span>{ t(Msg::StepCached) }</span>
            },
            None => html! {
                <span class="step-status miss"><span aria-hidden="true">{ "▶ " }</span>{ t(Msg::StepRan) }</span>
            },
        };
        // The base as BuildKit resolved it (`docker.io/library/alpine:3.20@sha256:…`): its
        // digest beside the instruction, the whole reference in the tooltip. An earlier stage
        // or scratch has no digest; the instruction names it already.
        let digest = s.from.as_ref().and_then(|f| {
            let (_, hex) = f.base.split_once("@sha256:")?;
            Some(html! {
                <span class="step-base">{ format!(" @sha256:{}", &hex[..hex.len().min(12)]) }</span>
            })
        });
        let title = s
            .from
            .as_ref()
            .map(|f| format!("{}: {}", t(Msg::FromBase), f.base));
        let broke_here = first_miss == Some(i) && build.cached > 0;
        html! {
            // Keyed by the build, so a new build mounts new rows and the animation plays again.
            <li key={format!("{}-{i}", build.event_id)}
                class={classes!("build-step", if s.cached { "hit" } else { "miss" }, s.edited.then_some("edited"),
                    s.from.is_some().then_some("from-step"))}
                style={format!("--step: {i}")} data-cached={s.cached.to_string()}
                data-pulled={s.from.as_ref().map(|f| f.pulled.to_string())}>
                <span class="step-number">{ &s.number }</span>
                <code class="step-instruction" title={title}>{ &s.instruction }{ for digest }</code>
                { status }
                if s.edited && build.has_previous {
                    <span class="step-edited"><span aria-hidden="true">{ "✎ " }</span>{ t(Msg::StepEdited) }</span>
                }
                if broke_here {
                    <p class="cache-broken"><span aria-hidden="true">{ "⚡ " }</span>{ t(Msg::CacheBroken) }</p>
                }
            </li>
        }
    });
    let open = build.image_id.clone().map(|id| {
        let cb = props.on_open_image.clone();
        Callback::from(move |_: MouseEvent| cb.emit(id.clone()))
    });
    html! {
        <div class="build-view" id="build-view">
            <div class="view-head">
                <h3>{ t(Msg::BuildTitle) }</h3>
                <code class="build-command">{ format!("$ {}", build.command) }</code>
            </div>
            <p class="build-summary" id="build-summary">{ summary }</p>
            <ol class="build-steps" aria-label={t(Msg::BuildTitle)}>
                { for steps }
            </ol>
            <p class="view-note">{ t(Msg::BuildFromNote) }</p>
            <p class="view-note">{ t(Msg::BuildLegend) }</p>
            if let Some(open) = open {
                <button id="btn-open-image" type="button" class="btn btn-small" onclick={open}>
                    { t(Msg::OpenImage) }{ format!(" ({})", build.target) }
                </button>
            }
        </div>
    }
}
