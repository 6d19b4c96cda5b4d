//! The shortcut list overlay (opened with `?`).

use yew::prelude::*;

use crate::controls::{keys_label, Shortcut, CLICKER_PAGE_KEYS, CLICKER_STEP_KEYS};
use crate::i18n::{tr, Lang, Msg};

/// Properties of [`ShortcutsOverlay`].
#[derive(Properties, PartialEq)]
pub struct ShortcutsProps {
    /// UI language.
    pub lang: Lang,
    /// Closes the overlay.
    pub on_close: Callback<()>,
}

/// Every shortcut and what it does, in a modal dialog.
#[function_component(ShortcutsOverlay)]
pub fn shortcuts_overlay(props: &ShortcutsProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let backdrop_close = {
        let cb = props.on_close.clone();
        Callback::from(move |e: MouseEvent| {
            // Only a click on the backdrop itself, not inside the dialog.
            if e.target() == e.current_target() {
                cb.emit(());
            }
        })
    };
    let global: [(&str, Msg); 10] = [
        (keys_label(Shortcut::StepBack), Msg::ScStepBack),
        (keys_label(Shortcut::StepForward), Msg::ScStepForward),
        (keys_label(Shortcut::PlayPause), Msg::ScPlay),
        (keys_label(Shortcut::Reset), Msg::ScReset),
        (keys_label(Shortcut::BackToNow), Msg::ScNow),
        (keys_label(Shortcut::SwitchLanguage), Msg::ScLang),
        (keys_label(Shortcut::FocusTerminal), Msg::ScTerminal),
        (keys_label(Shortcut::Presenter), Msg::ScPresenter),
        (keys_label(Shortcut::ShowShortcuts), Msg::ScHelp),
        (keys_label(Shortcut::Close), Msg::ScClose),
    ];
    let presenter: [(&str, Msg); 2] = [
        (CLICKER_STEP_KEYS, Msg::ScClickerStep),
        (CLICKER_PAGE_KEYS, Msg::ScClickerPage),
    ];
    let terminal: [(&str, Msg); 5] = [
        ("↑ / ↓", Msg::ScHistory),
        ("Tab", Msg::ScComplete),
        ("Shift + Enter", Msg::ScNewline),
        ("Ctrl + C", Msg::ScCancel),
        ("Esc, Tab", Msg::ScLeave),
    ];
    let row = |(keys, what): &(&str, Msg)| {
        html! {
            <tr>
                <th scope="row"><kbd>{ *keys }</kbd></th>
                <td>{ t(*what) }</td>
            </tr>
        }
    };
    html! {
        <div class="overlay" onclick={backdrop_close}>
            <div class="dialog" id="shortcuts-dialog" role="dialog" aria-modal="true"
                aria-labelledby="shortcuts-title">
                <div class="dialog-header">
                    <h2 id="shortcuts-title">{ t(Msg::ShortcutsTitle) }</h2>
                    <button type="button" class="btn" id="btn-close-shortcuts" ref={close_ref}
                        onclick={close}>{ t(Msg::Close) }</button>
                </div>
                <table class="shortcut-table">
                    <tbody>
                        { for global.iter().map(row) }
                        { for presenter.iter().map(row) }
                        { for terminal.iter().map(row) }
                    </tbody>
                </table>
                <p class="dialog-note">{ t(Msg::ScArrowsNote) }</p>
            </div>
        </div>
    }
}
