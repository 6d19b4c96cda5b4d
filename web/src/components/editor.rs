//! The Files tab's editor: a workspace text file in a `<textarea>` with a line-number gutter,
//! checked as the student types (manifests with `kubectl apply`'s decoder, Dockerfiles with the
//! build's parser; debounced, pure) and saved as a real command (`cat > PATH <<'EOF'` … `EOF`)
//! through the session, so a save is in the trace, replays, and Step back undoes it.
//!
//! Drafts: unsaved text is kept per path for the page's lifetime ([`draft`]), so switching
//! files or stage tabs never loses it and never asks; the file list marks drafted files
//! "unsaved". The editor follows the workspace while it holds no unsaved edits (a save, a
//! command in the terminal, Step back all show up in it).

use std::cell::RefCell;
use std::collections::BTreeMap;

use gloo_timers::callback::Timeout;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::files::{
    caret_offset, check, gutter_text, line_count, replace_range, save_command, saved_text,
    CheckOutcome, SaveProblem,
};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::{Action, Sandbox};

/// Milliseconds after the last key before the text is checked again.
const CHECK_DEBOUNCE_MS: u32 = 300;
/// The editor's line height in CSS pixels (`--editor-lh` in style.css; gutter, text and marks
/// share it).
const LINE_PX: i32 = 21;
/// The textarea's id.
pub const EDITOR_TEXT_ID: &str = "editor-text";

thread_local! {
    static DRAFTS: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
    static OPEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The unsaved draft of `path`, if any.
pub fn draft(path: &str) -> Option<String> {
    DRAFTS.with(|d| d.borrow().get(path).cloned())
}

/// Keeps (`Some`) or drops (`None`) the draft of `path`.
pub fn set_draft(path: &str, text: Option<String>) {
    DRAFTS.with(|d| {
        let mut d = d.borrow_mut();
        match text {
            Some(t) => d.insert(path.to_string(), t),
            None => d.remove(path),
        };
    });
}

/// The paths that have unsaved drafts.
pub fn drafted_paths() -> Vec<String> {
    DRAFTS.with(|d| d.borrow().keys().cloned().collect())
}

/// The file open in the editor (kept while another stage tab is shown).
pub fn open_path() -> Option<String> {
    OPEN.with(|o| o.borrow().clone())
}

/// Opens `path` in the editor, or closes it.
pub fn set_open_path(path: Option<String>) {
    OPEN.with(|o| *o.borrow_mut() = path);
}

/// Properties of [`Editor`].
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The workspace path being edited (it may not exist yet).
    pub path: AttrValue,
    /// Closes the editor.
    pub on_close: Callback<()>,
    /// Called when the file's draft appears or goes (the list marks unsaved files).
    pub on_draft: Callback<()>,
}

fn problem_text(lang: Lang, problem: &SaveProblem) -> String {
    use sim_core::limits::{MAX_FILE_BYTES, MAX_LINE_BYTES, MAX_SCRIPT_LINES};
    match problem {
        SaveProblem::TooLarge { bytes } => fill(
            tr(lang, Msg::SaveTooLarge),
            &[
                ("bytes", &bytes.to_string()),
                ("limit", &MAX_FILE_BYTES.to_string()),
            ],
        ),
        SaveProblem::TooManyLines { lines } => fill(
            tr(lang, Msg::SaveTooManyLines),
            &[
                ("lines", &lines.to_string()),
                ("limit", &MAX_SCRIPT_LINES.to_string()),
            ],
        ),
        SaveProblem::LineTooLong { line, bytes } => fill(
            tr(lang, Msg::SaveLineTooLong),
            &[
                ("line", &line.to_string()),
                ("bytes", &bytes.to_string()),
                ("limit", &MAX_LINE_BYTES.to_string()),
            ],
        ),
    }
}

/// Copies the textarea's scroll position to the gutter and the backdrop behind the text.
fn sync_scroll(area: &NodeRef, gutter: &NodeRef, backdrop: &NodeRef) {
    let Some(a) = area.cast::<HtmlTextAreaElement>() else {
        return;
    };
    if let Some(g) = gutter.cast::<HtmlElement>() {
        g.set_scroll_top(a.scroll_top());
    }
    if let Some(b) = backdrop.cast::<HtmlElement>() {
        b.set_scroll_top(a.scroll_top());
        b.set_scroll_left(a.scroll_left());
    }
}

/// The editor pane for one file.
#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let path = props.path.to_string();
    let (file_text, in_past) = {
        let session = props.sandbox.session();
        (
            session.sim().workspace().read(&path).map(str::to_string),
            session.is_in_past(),
        )
    };
    let text = {
        let initial = draft(&path)
            .or_else(|| file_text.clone())
            .unwrap_or_default();
        use_state(move || initial)
    };
    // The workspace's text the editor last agreed with.
    let base = {
        let f = file_text.clone();
        use_mut_ref(move || f)
    };
    let checked = use_state(|| None::<(String, Option<CheckOutcome>)>);
    let timer = use_mut_ref(|| None::<Timeout>);
    let save_error = use_state_eq(|| None::<String>);
    let pending_save = use_mut_ref(|| None::<String>);
    let escaped = use_mut_ref(|| false);
    let area = use_node_ref();
    let gutter = use_node_ref();
    let backdrop = use_node_ref();

    // Follow the workspace while nothing is unsaved.
    {
        let text = text.clone();
        let base = base.clone();
        use_effect_with(file_text.clone(), move |file_text| {
            let agreed = base.borrow().clone().unwrap_or_default();
            if file_text.as_deref() == Some(text.as_str()) {
                *base.borrow_mut() = file_text.clone();
            } else if *text == agreed {
                text.set(file_text.clone().unwrap_or_default());
                *base.borrow_mut() = file_text.clone();
            }
        });
    }
    let dirty = file_text.as_deref() != Some(text.as_str());
    // Keep the draft beside the editor, so switching files or tabs keeps it.
    {
        let on_draft = props.on_draft.clone();
        use_effect_with(
            (path.clone(), dirty, (*text).clone()),
            move |(path, dirty, text)| {
                let had = draft(path).is_some();
                set_draft(path, dirty.then(|| text.clone()));
                if had != *dirty {
                    on_draft.emit(());
                }
            },
        );
    }
    // The live check: at once for the first text, then after a pause in typing.
    {
        let checked = checked.clone();
        let timer = timer.clone();
        use_effect_with((path.clone(), (*text).clone()), move |(path, current)| {
            let (path, current) = (path.clone(), current.clone());
            if checked.is_none() {
                let outcome = check(&path, &current);
                checked.set(Some((current, outcome)));
            } else {
                *timer.borrow_mut() = Some(Timeout::new(CHECK_DEBOUNCE_MS, move || {
                    let outcome = check(&path, &current);
                    checked.set(Some((current, outcome)));
                }));
            }
        });
    }
    // A save the model refused: show its error here too (the terminal shows it as well).
    {
        let pending = pending_save.clone();
        let save_error = save_error.clone();
        let sandbox = props.sandbox.clone();
        use_effect_with(props.sandbox.version(), move |_| {
            if let Some(command) = pending.borrow_mut().take() {
                let session = sandbox.session();
                let first_line = command.lines().next().unwrap_or_default().to_string();
                if let Some(error) = session
                    .entries()
                    .last()
                    .filter(|e| e.command.lines().next() == Some(first_line.as_str()))
                    .and_then(|e| e.error.clone())
                {
                    save_error.set(Some(fill(tr(lang, Msg::SaveRefused), &[("error", &error)])));
                }
            }
        });
    }

    let save = {
        let text = text.clone();
        let path = path.clone();
        let sandbox = props.sandbox.clone();
        let save_error = save_error.clone();
        let pending = pending_save.clone();
        Callback::from(move |()| {
            let body = saved_text(&text);
            let unchanged = sandbox.session().sim().workspace().read(&path) == Some(body.as_str());
            if unchanged {
                // Nothing to save (Ctrl+S on a saved file): no command, no frame.
                return;
            }
            match save_command(&path, &body) {
                Err(problem) => save_error.set(Some(problem_text(lang, &problem))),
                Ok(command) => {
                    save_error.set(None);
                    if body != *text {
                        text.set(body);
                    }
                    *pending.borrow_mut() = Some(command.clone());
                    sandbox.dispatch(Action::Submit(command));
                }
            }
        })
    };
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
        })
    };
    let on_scroll = {
        let (a, g, b) = (area.clone(), gutter.clone(), backdrop.clone());
        Callback::from(move |_: Event| sync_scroll(&a, &g, &b))
    };
    let on_keydown = {
        let text = text.clone();
        let save = save.clone();
        let escaped = escaped.clone();
        let (a, g, b) = (area.clone(), gutter.clone(), backdrop.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.is_composing() {
                return;
            }
            let key = e.key();
            if (e.ctrl_key() || e.meta_key()) && key.eq_ignore_ascii_case("s") {
                e.prevent_default();
                save.emit(());
                return;
            }
            if key == "Escape" {
                *escaped.borrow_mut() = true;
                return;
            }
            let leaving = std::mem::take(&mut *escaped.borrow_mut());
            if key == "Tab"
                && !leaving
                && !e.shift_key()
                && !e.ctrl_key()
                && !e.alt_key()
                && !e.meta_key()
            {
                e.prevent_default();
                if let Some(area) = a.cast::<HtmlTextAreaElement>() {
                    let start = area.selection_start().ok().flatten().unwrap_or(0);
                    let end = area.selection_end().ok().flatten().unwrap_or(start);
                    let (next, caret) = replace_range(&area.value(), start, end, "  ");
                    area.set_value(&next);
                    let _ = area.set_selection_range(caret, caret);
                    text.set(next);
                    sync_scroll(&a, &g, &b);
                }
            }
        })
    };
    let on_discard = {
        let text = text.clone();
        let base = base.clone();
        let file_text = file_text.clone();
        let save_error = save_error.clone();
        Callback::from(move |_: MouseEvent| {
            *base.borrow_mut() = file_text.clone();
            text.set(file_text.clone().unwrap_or_default());
            save_error.set(None);
        })
    };
    let on_close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let on_save_click = {
        let save = save.clone();
        Callback::from(move |_: MouseEvent| save.emit(()))
    };

    // The check's verdict, when it is about the text shown (else "checking").
    let current = checked
        .as_ref()
        .filter(|(checked_text, _)| *checked_text == *text)
        .map(|(_, outcome)| outcome.clone());
    let stale = checked.as_ref().and_then(|(_, o)| o.clone());
    let error_at = match &stale {
        Some(CheckOutcome::Error {
            line: Some(l),
            column,
            ..
        }) => Some((*l, *column)),
        _ => None,
    };
    let lines = line_count(&text);
    let name = path.clone();

    let status = if file_text.is_none() {
        html! { <span class="badge editor-state new" id="editor-state"><span aria-hidden="true">{ "✚ " }</span>{ t(Msg::EditorNewFile) }</span> }
    } else if dirty {
        html! { <span class="badge editor-state unsaved" id="editor-state"><span aria-hidden="true">{ "● " }</span>{ t(Msg::EditorUnsaved) }</span> }
    } else {
        html! { <span class="badge editor-state saved" id="editor-state"><span aria-hidden="true">{ "✓ " }</span>{ t(Msg::EditorSavedState) }</span> }
    };

    let check_view = match &current {
        None => html! {
            <div id="editor-check" class="editor-check pending" role="status" aria-live="polite"
                aria-label={t(Msg::CheckStatusLabel)}>{ t(Msg::CheckChecking) }</div>
        },
        Some(None) => html! {
            <div id="editor-check" class="editor-check none" role="status" aria-live="polite"
                aria-label={t(Msg::CheckStatusLabel)}>{ t(Msg::CheckNone) }</div>
        },
        Some(Some(CheckOutcome::Objects(names))) => {
            let summary = match names.len() {
                0 => t(Msg::CheckNoObjects).to_string(),
                1 => fill(t(Msg::CheckObjectsOne), &[("names", &names[0])]),
                n => fill(
                    t(Msg::CheckObjectsMany),
                    &[("count", &n.to_string()), ("names", &names.join(", "))],
                ),
            };
            html! {
                <div id="editor-check" class="editor-check ok" role="status" aria-live="polite"
                    aria-label={t(Msg::CheckStatusLabel)}>
                    <span aria-hidden="true" class="editor-check-icon">{ "✓" }</span>
                    <span class="editor-summary">{ summary }</span>
                </div>
            }
        }
        Some(Some(CheckOutcome::Dockerfile {
            instructions,
            stages,
        })) => html! {
            <div id="editor-check" class="editor-check ok" role="status" aria-live="polite"
                aria-label={t(Msg::CheckStatusLabel)}>
                <span aria-hidden="true" class="editor-check-icon">{ "✓" }</span>
                <span class="editor-summary">{ fill(t(Msg::CheckDockerfileOk), &[
                    ("instructions", &instructions.to_string()), ("stages", &stages.to_string())]) }</span>
            </div>
        },
        Some(Some(CheckOutcome::Error {
            message,
            line,
            column,
        })) => {
            let link = line.map(|l| {
                let label = match column {
                    Some(c) => fill(
                        t(Msg::GoToLineColumn),
                        &[("line", &l.to_string()), ("column", &c.to_string())],
                    ),
                    None => fill(t(Msg::GoToLine), &[("line", &l.to_string())]),
                };
                let title = fill(t(Msg::GoToTitle), &[("line", &l.to_string())]);
                let onclick = {
                    let area = area.clone();
                    let text = text.clone();
                    let column = column.unwrap_or(1);
                    let (a, g, b) = (area.clone(), gutter.clone(), backdrop.clone());
                    Callback::from(move |_: MouseEvent| {
                        if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                            let offset = caret_offset(&text, l, column);
                            let _ = el.focus();
                            let _ = el.set_selection_range(offset, offset);
                            let top = (l as i32 - 1) * LINE_PX - el.client_height() / 3;
                            el.set_scroll_top(top.max(0));
                            sync_scroll(&a, &g, &b);
                        }
                    })
                };
                html! {
                    <button type="button" class="btn btn-small editor-goto" id="editor-goto"
                        data-line={l.to_string()} data-column={column.map(|c| c.to_string())}
                        title={title} onclick={onclick}>
                        <span aria-hidden="true">{ "↪ " }</span>{ label }
                    </button>
                }
            });
            html! {
                <div id="editor-check" class="editor-check error" role="status" aria-live="polite"
                    aria-label={t(Msg::CheckStatusLabel)}>
                    <span aria-hidden="true" class="editor-check-icon">{ "✗" }</span>
                    { for link }
                    <pre class="editor-error-msg" id="editor-error">{ message }</pre>
                </div>
            }
        }
    };

    let mark_top = |l: usize| format!("top: {}px", (l as i32 - 1) * LINE_PX);
    html! {
        <section class="editor" id="editor" aria-labelledby="editor-title" data-path={path.clone()}
            data-dirty={dirty.to_string()}>
            <div class="editor-head">
                <h4 id="editor-title">{ fill(t(Msg::EditorTitle), &[("name", &name)]) }</h4>
                { status }
                <span class="editor-actions">
                    <button type="button" id="editor-save" class="btn btn-small btn-primary"
                        title={fill(t(Msg::SaveTitle), &[("name", &name)])} onclick={on_save_click}
                        disabled={!dirty}>
                        { t(Msg::Save) }
                    </button>
                    if dirty && file_text.is_some() {
                        <button type="button" id="editor-discard" class="btn btn-small"
                            title={t(Msg::DiscardTitle)} onclick={on_discard}>{ t(Msg::Discard) }</button>
                    }
                    <button type="button" id="editor-close" class="btn btn-small btn-quiet"
                        aria-label={t(Msg::CloseEditor)} title={t(Msg::CloseEditorTitle)} onclick={on_close}>
                        <span aria-hidden="true">{ "✕" }</span>
                    </button>
                </span>
            </div>
            if in_past {
                <p class="editor-past-note">{ t(Msg::EditorPastNote) }</p>
            }
            { check_view }
            <div class={classes!("editor-body", error_at.is_some().then_some("has-error"))}>
                <div class="editor-gutter" aria-hidden="true" ref={gutter}>
                    <div class="editor-gutter-inner">
                        if let Some((l, _)) = error_at {
                            <div class="editor-gutter-mark" id="editor-gutter-mark" data-line={l.to_string()}
                                style={mark_top(l)} title={t(Msg::ErrorLineMark)}>{ "▶" }</div>
                        }
                        <pre class="editor-gutter-lines">{ gutter_text(lines) }</pre>
                    </div>
                </div>
                <div class="editor-main">
                    <div class="editor-backdrop" aria-hidden="true" ref={backdrop}>
                        <div class="editor-backdrop-inner" style={format!("height: {}px", lines as i32 * LINE_PX + 60)}>
                            if let Some((l, c)) = error_at {
                                <div class="editor-line-mark" id="editor-line-mark" data-line={l.to_string()}
                                    style={mark_top(l)}></div>
                                if let Some(c) = c {
                                    <div class="editor-col-mark" style={format!("{}; left: calc(10px + {}ch)", mark_top(l), c - 1)}></div>
                                }
                            }
                        </div>
                    </div>
                    <textarea id={EDITOR_TEXT_ID} class="editor-text" ref={area.clone()}
                        wrap="off" spellcheck="false" autocomplete="off" autocapitalize="off"
                        aria-label={fill(t(Msg::EditorTextLabel), &[("name", &name)])}
                        aria-describedby="editor-check editor-hint"
                        aria-invalid={error_at.is_some().to_string()}
                        value={(*text).clone()} oninput={on_input} onkeydown={on_keydown} onscroll={on_scroll} />
                </div>
            </div>
            if let Some(e) = &*save_error {
                <p class="files-error" id="editor-save-error" role="alert">{ e }</p>
            }
            <p class="view-note" id="editor-hint">{ t(Msg::EditorHint) }</p>
        </section>
    }
}
