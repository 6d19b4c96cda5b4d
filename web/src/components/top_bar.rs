//! The top bar: product name, lesson picker, seed, trace hash, share, presenter mode,
//! shortcuts and the language switch; below them, when open, the share panel and banners.

use std::rc::Rc;

use lessons::Course;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::icons::{Icon, IconName};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::progress::Progress;

/// The picker's value for the free sandbox.
pub const SANDBOX_VALUE: &str = "welcome";

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
    /// The course.
    pub course: Rc<Course>,
    /// What the student completed.
    pub progress: Rc<Progress>,
    /// The open lesson's id (`None`: the free sandbox).
    pub current: Option<AttrValue>,
    /// The open lesson's title when it is not the course's lesson of that id (a lesson tried
    /// from the builder or imported from a file): the picker shows it as its own option.
    #[prop_or_default]
    pub outside_course: Option<AttrValue>,
    /// Opens a lesson (`None`: the free sandbox).
    pub on_pick: Callback<Option<String>>,
    /// The share panel is open.
    pub share_open: bool,
    /// Opens or closes the share panel.
    pub on_share: Callback<()>,
    /// The lesson builder is open.
    pub builder_open: bool,
    /// Opens or closes the lesson builder.
    pub on_builder: Callback<()>,
    /// The import/export panel is open.
    pub transfer_open: bool,
    /// Opens or closes the import/export panel.
    pub on_transfer: Callback<()>,
    /// Presenter mode shows the terminal.
    pub presenter_terminal: bool,
    /// Shows or hides the terminal in presenter mode.
    pub on_presenter_terminal: Callback<()>,
    /// What to show on a row of its own under the bar (share panel, banners).
    #[prop_or_default]
    pub children: Html,
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
    let refocus = use_mut_ref(|| false);
    {
        // The picker is re-created when the lesson changes (so the right option is selected):
        // give it back the focus it had.
        let refocus = refocus.clone();
        use_effect_with(props.current.clone(), move |_| {
            if std::mem::take(&mut *refocus.borrow_mut()) {
                crate::dom::focus_id("lesson-picker");
            }
        });
    }
    let on_pick = {
        let cb = props.on_pick.clone();
        Callback::from(move |e: Event| {
            let Some(value) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .map(|s| s.value())
            else {
                return;
            };
            *refocus.borrow_mut() = true;
            cb.emit((value != SANDBOX_VALUE).then_some(value));
        })
    };
    let current = props
        .current
        .as_deref()
        .unwrap_or(SANDBOX_VALUE)
        .to_string();
    let mut number = 0;
    let chapters = props.course.index.chapters.iter().map(|chapter| {
        let options = chapter
            .lessons
            .iter()
            .filter_map(|id| props.course.lesson(id))
            .map(|l| {
                number += 1;
                let done = props.progress.is_completed(&l.id);
                let text = format!(
                    "{} {number}. {}",
                    if done { "✓" } else { "\u{2003}" },
                    l.title.get(lang.code())
                );
                let selected = current == l.id && props.outside_course.is_none();
                html! {
                    <option value={l.id.clone()} selected={selected}
                        data-completed={done.to_string()}>{ text }</option>
                }
            })
            .collect::<Html>();
        html! { <optgroup label={chapter.title.get(lang.code()).to_string()}>{ options }</optgroup> }
    });
    html! {
        <header class="top-bar">
            <div class="brand">
                <span class="brand-mark"><Icon name={IconName::Wheel} size={26} /></span>
                <span class="brand-name">{ "Kube Sandbox" }</span>
                <span class="brand-tagline">{ t(Msg::TagLine) }</span>
            </div>
            <label class="lesson-picker">
                <span class="lesson-picker-label">{ t(Msg::LessonPicker) }</span>
                <select id="lesson-picker" key={current.clone()} onchange={on_pick}
                    aria-label={t(Msg::LessonPickerLabel)} title={t(Msg::LessonPickerLabel)}>
                    <option value={SANDBOX_VALUE} selected={current == SANDBOX_VALUE}>{ t(Msg::FreeSandbox) }</option>
                    if let Some(title) = &props.outside_course {
                        <option value={current.clone()} selected=true data-outside-course="true">
                            { fill(t(Msg::PickerOutsideCourse), &[("title", title)]) }
                        </option>
                    }
                    { for chapters }
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
                <button id="btn-builder" type="button" class="btn btn-quiet"
                    aria-pressed={props.builder_open.to_string()} aria-controls="builder"
                    title={t(Msg::BuildLessonTitle)} onclick={click(&props.on_builder)}>
                    { t(Msg::BuildLesson) }
                </button>
                <button id="btn-transfer" type="button" class="btn btn-quiet"
                    aria-expanded={props.transfer_open.to_string()} aria-controls="transfer-panel"
                    title={t(Msg::TransferTitle)} onclick={click(&props.on_transfer)}>
                    { t(Msg::Transfer) }
                </button>
                <button id="btn-share" type="button" class="btn btn-quiet"
                    aria-expanded={props.share_open.to_string()} aria-controls="share-panel"
                    title={t(Msg::ShareTitle)} onclick={click(&props.on_share)}>
                    { t(Msg::Share) }
                </button>
                <button id="btn-presenter" type="button" class="btn btn-quiet"
                    aria-pressed={props.presenter.to_string()} title={t(Msg::PresenterTitle)}
                    aria-label={t(Msg::Presenter)} aria-keyshortcuts="Alt+M" onclick={click(&props.on_presenter)}>
                    <Icon name={IconName::Presenter} /><span class="top-btn-label">{ t(Msg::Presenter) }</span>
                </button>
                if props.presenter {
                    <button id="btn-presenter-terminal" type="button" class="btn btn-quiet"
                        aria-pressed={props.presenter_terminal.to_string()} aria-controls="terminal-input"
                        title={t(Msg::PresenterTerminalTitle)} onclick={click(&props.on_presenter_terminal)}>
                        { t(Msg::PresenterTerminal) }
                    </button>
                }
                <button id="btn-shortcuts" type="button" class="btn btn-quiet"
                    aria-label={t(Msg::ShortcutsButton)} title={t(Msg::ShortcutsButton)}
                    aria-keyshortcuts="?" aria-haspopup="dialog" onclick={click(&props.on_shortcuts)}>
                    <span aria-hidden="true" class="key-cap">{ "?" }</span><span class="top-btn-label">{ t(Msg::ShortcutsButton) }</span>
                </button>
                <button id="btn-lang" type="button" class="btn" lang={other.code()}
                    aria-label={t(Msg::SwitchLanguage)} title={t(Msg::SwitchLanguage)}
                    aria-keyshortcuts="Alt+L" onclick={click(&props.on_lang)}>
                    <span class="lang-glyph" aria-hidden="true">{ "가/A" }</span>{ other.native_name() }
                </button>
            </div>
            { props.children.clone() }
        </header>
    }
}
