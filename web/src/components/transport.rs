//! Transport controls under the stage: the timeline scrubber, ⏮ ⏯ ⏭, speed, reset and seed,
//! and the "viewing the past" badge.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::icons::{Icon, IconName};
use crate::controls::Speed;
use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::{Action, Notice, Sandbox};

/// Properties of [`Transport`].
#[derive(Properties, PartialEq)]
pub struct TransportProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// Play speed.
    pub speed: Speed,
    /// Changes the play speed.
    pub on_speed: Callback<Speed>,
}

/// The control bar directly under the stage.
#[function_component(Transport)]
pub fn transport(props: &TransportProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let sandbox = &props.sandbox;
    let view = sandbox.view();
    let (frame, total) = (view.frame, view.total_frames);
    // A lesson's timeline starts after its setup (and, once begun, at the student's part).
    let first = sandbox.first_frame().min(total);
    let time_scale = sandbox
        .lesson()
        .and_then(|l| l.lesson.time_scale)
        .filter(|n| *n > 1);
    let playing = sandbox.playing();
    let seed_ref = use_node_ref();

    let dispatch = |action: Action| {
        let handle = sandbox.clone();
        Callback::from(move |_: MouseEvent| handle.dispatch(action.clone()))
    };
    let on_scrub = {
        let handle = sandbox.clone();
        Callback::from(move |e: InputEvent| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            if let Ok(frame) = input.value().parse::<u64>() {
                handle.dispatch(Action::Seek(frame));
            }
        })
    };
    let on_speed = {
        let cb = props.on_speed.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .map(|s| s.value());
            if let Some(speed) = value.as_deref().and_then(Speed::from_value) {
                cb.emit(speed);
            }
        })
    };
    let on_seed = {
        let handle = sandbox.clone();
        let seed_ref = seed_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = seed_ref.cast::<HtmlInputElement>() {
                let text = input.value();
                if !text.trim().is_empty() {
                    handle.dispatch(Action::Seed(text));
                }
            }
        })
    };
    let frame_text = fill(
        t(Msg::ScrubberValue),
        &[("frame", &frame.to_string()), ("total", &total.to_string())],
    );
    let (play_icon, play_label) = if playing {
        (IconName::Pause, t(Msg::Pause))
    } else {
        (IconName::Play, t(Msg::Play))
    };

    html! {
        <div class="transport" role="group" aria-label={t(Msg::TransportLabel)}>
            <div class="transport-row">
                <button id="btn-back" type="button" class="btn" disabled={frame <= first}
                    aria-keyshortcuts="Alt+ArrowLeft" title={format!("{} (Alt+←)", t(Msg::StepBack))}
                    onclick={dispatch(Action::StepBack)}>
                    <Icon name={IconName::StepBack} /><span class="btn-text">{ t(Msg::StepBack) }</span>
                </button>
                <button id="btn-play" type="button" class={classes!("btn", "btn-primary", playing.then_some("active"))}
                    aria-pressed={playing.to_string()} aria-keyshortcuts="Alt+P"
                    title={format!("{play_label} (Alt+P)")} onclick={dispatch(Action::TogglePlay)}>
                    <Icon name={play_icon} /><span class="btn-text">{ play_label }</span>
                </button>
                <button id="btn-step" type="button" class="btn" aria-keyshortcuts="Alt+ArrowRight"
                    title={format!("{} (Alt+→)", t(Msg::StepForward))} onclick={dispatch(Action::Step)}>
                    <Icon name={IconName::Step} /><span class="btn-text">{ t(Msg::StepForward) }</span>
                </button>
                <div class="scrub">
                    <input id="scrubber" type="range" min={first.to_string()} max={total.to_string()} step="1"
                        value={frame.to_string()} aria-label={t(Msg::Scrubber)}
                        aria-valuetext={frame_text.clone()} oninput={on_scrub} />
                    <span class="frame-readout" aria-hidden="true">{ format!("{frame} / {total}") }</span>
                </div>
            </div>
            <div class="transport-row">
                <label class="speed-control">
                    <span>{ t(Msg::Speed) }</span>
                    <select id="speed" onchange={on_speed}>
                        { for Speed::ALL.into_iter().map(|s| html! {
                            <option value={s.value()} selected={s == props.speed}>{ s.label() }</option>
                        }) }
                    </select>
                </label>
                if let Some(n) = time_scale {
                    <span class="time-scale-badge" id="time-scale-badge" data-scale={n.to_string()}
                        title={fill(t(Msg::TimeScaleTitle), &[("n", &n.to_string())])}>
                        <Icon name={IconName::Stopwatch} size={15} />{ fill(t(Msg::TimeScaleBadge), &[("n", &n.to_string())]) }
                    </span>
                }
                <span class="spacer" />
                <button id="btn-reset" type="button" class="btn" aria-keyshortcuts="Alt+R"
                    title={format!("{} (Alt+R)", t(Msg::Reset))} onclick={dispatch(Action::Reset)}>
                    <Icon name={IconName::Reset} /><span class="btn-text">{ t(Msg::Reset) }</span>
                </button>
                <form class="seed-form" onsubmit={on_seed}>
                    <label for="seed-input">{ t(Msg::SeedLabel) }</label>
                    <input id="seed-input" ref={seed_ref} type="text" inputmode="numeric" size="8"
                        autocomplete="off" spellcheck="false" value={view.seed.to_string()}
                        aria-label={t(Msg::SeedInputLabel)} />
                    <button id="btn-seed" type="submit" class="btn">{ t(Msg::ApplySeed) }</button>
                </form>
            </div>
            if let Some(Notice::NothingToPlay) = sandbox.notice() {
                <div class="notice" role="status">{ t(Msg::NothingToPlay) }</div>
            }
        </div>
    }
}
