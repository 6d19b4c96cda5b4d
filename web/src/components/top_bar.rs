//! The top bar: product name, lesson picker, seed, trace hash, presenter mode, shortcuts and
//! the language switch.

use yew::prelude::*;

use super::icons::{Icon, IconName};
use crate::i18n::{fill, tr, Lang, Msg};

/// Characters of the trace hash shown; the full hash is in `data-hash` and the tooltip.
pub const SHORT_HASH_CHARS: usize = 12;

/// Properties of [`TopBar`].
#[derive(Properties, PartialEq)]
pub struct TopBarProps {
    /// UI language.
    pub lang: Lang,
    /// The seed in force.
    pub seed: u64,
    /// The full trace hash at the current frame.
    pub trace_hash: AttrValue,
    /// Presenter mode is on.
    pub presenter: bool,
    /// Switches the language.
    pub on_lang: Callback<()>,
    /// Toggles presenter mode.
    pub on_presenter: Callback<()>,
    /// Opens the shortcut list.
    pub on_shortcuts: Callback<()>,
}

/// The bar across the top of the page.
#[function_component(TopBar)]
pub fn top_bar(props: &TopBarProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let short: String = props.trace_hash.chars().take(SHORT_HASH_CHARS).collect();
    let hash_title = fill(t(Msg::TraceHashTitle), &[("hash", &props.trace_hash)]);
    let click = |cb: &Callback<()>| {
        let cb = cb.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let other = lang.other();
    html! {
        <header class="top-bar">
            <div class="brand">
                <span class="brand-mark"><Icon name={IconName::Wheel} size={26} /></span>
                <span class="brand-name">{ "Kube Sandbox" }</span>
                <span class="brand-tagline">{ t(Msg::TagLine) }</span>
            </div>
            <label class="lesson-picker">
                <span class="lesson-picker-label">{ t(Msg::LessonPicker) }</span>
                <select id="lesson-picker">
                    <option value="welcome" selected=true>{ t(Msg::LessonWelcome) }</option>
                    <option value="" disabled=true>{ t(Msg::LessonMoreSoon) }</option>
                </select>
            </label>
            <div class="top-status">
                <span class="seed-display">
                    <span class="status-label">{ t(Msg::SeedLabel) }</span>
                    <strong id="seed-display">{ props.seed }</strong>
                </span>
                <span class="trace-display">
                    <span class="status-label">{ t(Msg::TraceLabel) }</span>
                    <code id="trace-hash" data-hash={props.trace_hash.clone()} title={hash_title.clone()}
                        aria-label={hash_title}>
                        { short }
                    </code>
                </span>
            </div>
            <div class="top-actions">
                <button id="btn-presenter" type="button" class="btn btn-quiet"
                    aria-pressed={props.presenter.to_string()} title={t(Msg::PresenterTitle)}
                    aria-keyshortcuts="Alt+M" onclick={click(&props.on_presenter)}>
                    <Icon name={IconName::Presenter} />{ t(Msg::Presenter) }
                </button>
                <button id="btn-shortcuts" type="button" class="btn btn-quiet"
                    aria-keyshortcuts="?" aria-haspopup="dialog" onclick={click(&props.on_shortcuts)}>
                    <span aria-hidden="true" class="key-cap">{ "?" }</span>{ t(Msg::ShortcutsButton) }
                </button>
                <button id="btn-lang" type="button" class="btn" lang={other.code()}
                    aria-label={t(Msg::SwitchLanguage)} title={t(Msg::SwitchLanguage)}
                    aria-keyshortcuts="Alt+L" onclick={click(&props.on_lang)}>
                    <span class="lang-glyph" aria-hidden="true">{ "가/A" }</span>{ other.native_name() }
                </button>
            </div>
        </header>
    }
}
