//! The terminal: the transcript of what was typed and printed, and a real `<textarea>` input
//! with a `$` prompt, `> ` continuation lines, ↑/↓ history and Tab completion.
//!
//! Command output is shown exactly as the core prints it. The input is its own component, so
//! typing re-renders only the input, never the transcript.

use std::cell::RefCell;
use std::rc::Rc;

use sim_core::command::command_names;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::icons::{Icon, IconName};
use crate::completion::complete;
use crate::history::History;
use crate::i18n::{fill, tr, Lang, Msg};
use crate::input::{Enter, PendingInput};
use crate::state::{Action, Sandbox};

/// Most rows the input grows to before it scrolls.
const MAX_INPUT_ROWS: usize = 12;

/// Properties of [`Terminal`].
#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// Text to put in the input (with a counter, so the same text can be put twice).
    pub inject: (u64, AttrValue),
}

/// The bottom pane.
#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let output_ref = use_node_ref();
    let sandbox = &props.sandbox;

    // Follow new output, as a terminal does.
    {
        let output_ref = output_ref.clone();
        use_effect_with(sandbox.version(), move |_| {
            if let Some(el) = output_ref.cast::<web_sys::Element>() {
                crate::dom::scroll_to_bottom(&el);
            }
        });
    }

    let session = sandbox.session();
    let entries = session.entries();
    let later: Vec<String> = session
        .inputs()
        .skip(entries.len())
        .map(str::to_string)
        .collect();
    let refusals = sandbox.refusals();
    let refused_at = |at: usize| {
        refusals
            .iter()
            .filter(move |r| r.at == at)
            .map(|r| {
                html! {
                    <div class="term-refused-entry">
                        { command_lines(&r.command, false) }
                        <pre class="term-error term-refused"><span class="err-label"><span aria-hidden="true">{ "⛔ " }</span>{ t(Msg::RefusedLabel) }{ ": " }</span>{ r.message.get(lang.code()) }</pre>
                    </div>
                }
            })
            .collect::<Html>()
    };
    let rendered = entries.iter().enumerate().map(|(i, e)| {
        // A `docker save -o FILE` that worked offers its archive, as the workspace holds it now.
        let saved = (!e.failed())
            .then(|| crate::files::saved_path(session.entry_events(e)))
            .flatten()
            .filter(|p| session.sim().workspace().file(p).is_some())
            .map(|path| {
                let sandbox = sandbox.clone();
                let label = fill(
                    t(Msg::DownloadLabel),
                    &[
                        ("name", &path),
                        (
                            "size",
                            &sim_core::image::format::human_size(
                                session
                                    .sim()
                                    .workspace()
                                    .file(&path)
                                    .map_or(0, |c| c.len() as u64),
                            ),
                        ),
                    ],
                );
                let onclick = {
                    let path = path.clone();
                    Callback::from(move |_: MouseEvent| {
                        if let Err(err) = super::files::download(&sandbox, lang, &path) {
                            web_sys::console::warn_1(&err.into());
                        }
                    })
                };
                html! {
                    <button type="button" class="term-download" data-path={path.clone()} {onclick}>
                        <span aria-hidden="true">{ "⬇ " }</span>{ label }
                    </button>
                }
            });
        html! {
            <div key={e.input} class={classes!("term-entry", e.failed().then_some("failed"),
                (!e.complete).then_some("partial"))}>
                { command_lines(&e.command, false) }
                if !e.output.is_empty() {
                    <pre class="term-out">{ output_text(&e.output) }</pre>
                }
                { for saved }
                if let Some(err) = &e.error {
                    <pre class="term-error"><span class="err-label"><span aria-hidden="true">{ "✖ " }</span>{ t(Msg::ErrorLabel) }{ ": " }</span>{ err }</pre>
                }
                if !e.complete {
                    <span class="term-tag">{ t(Msg::PausedHere) }</span>
                }
                // Commands refused right after this one (a refusal changes nothing, so it
                // belongs to the moment after this entry).
                { refused_at(i + 1) }
            </div>
        }
    });
    let refused_first = refused_at(0);
    let empty = entries.is_empty() && later.is_empty() && refusals.is_empty();
    let dispatcher = sandbox.dispatcher();
    let (frame, total) = (session.frame(), session.total_frames());
    let in_past = frame < total;
    let go_to_now = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::GoToNow))
    };

    // Every child of the output is keyed: in a list with an unkeyed child, Yew pairs children
    // by position from the end, so one new entry would remount every entry.
    let mut items: Vec<Html> = Vec::with_capacity(entries.len() + 3);
    if empty {
        items.push(html! { <p key="term-empty" class="term-empty">{ t(Msg::TerminalEmpty) }</p> });
    }
    items.push(html! { <div key="term-refusals-first" class="term-refusals-first">{ refused_first }</div> });
    items.extend(rendered);
    if !later.is_empty() {
        items.push(html! {
            <div key="term-later" class="term-later">
                <div class="term-later-title">{ t(Msg::LaterCommands) }</div>
                { for later.iter().map(|c| command_lines(c, true)) }
            </div>
        });
    }
    let items: Html = items.into_iter().collect();

    html! {
        <section class="terminal" aria-labelledby="terminal-title">
            <div class="pane-header terminal-header">
                <h2 id="terminal-title">{ t(Msg::TerminalTitle) }</h2>
            </div>
            <div id="terminal-output" class="terminal-output" ref={output_ref} role="log"
                aria-label={t(Msg::TerminalOutputLabel)} tabindex="0">
                { items }
            </div>
            if in_past {
                // Here, where the student types, because typing is what drops the later frames.
                <div class="past-badge" id="past-badge" role="status">
                    <Icon name={IconName::StepBack} />
                    <span>{ fill(t(Msg::ViewingPast), &[("frame", &frame.to_string()), ("total", &total.to_string())]) }</span>
                    <button id="btn-now" type="button" class="btn btn-small" aria-keyshortcuts="Alt+N"
                        onclick={go_to_now}>
                        <Icon name={IconName::ToNow} size={14} />{ t(Msg::BackToNow) }
                    </button>
                </div>
            }
            <TerminalInput lang={lang} dispatcher={dispatcher} inject={props.inject.clone()} />
        </section>
    }
}

/// Command output as printed, with BuildKit's `#N CACHED` lines marked as cache hits (the
/// stage's colour for a hit; the word itself says it too).
fn output_text(output: &str) -> Html {
    if !output.contains(" CACHED") {
        return html! { { output } };
    }
    let lines = output.split_inclusive('\n').map(|line| {
        if crate::layers::is_cached_line(line) {
            html! { <span class="term-cached">{ line }</span> }
        } else {
            html! { { line } }
        }
    });
    html! { { for lines } }
}

/// A command echoed as a shell shows it: `$ first line`, then `> ` before each further line.
fn command_lines(command: &str, later: bool) -> Html {
    let lines = command.split('\n').enumerate().map(|(i, line)| {
        let prompt = if i == 0 { "$ " } else { "> " };
        html! {
            <>
                <span class="prompt" aria-hidden="true">{ prompt }</span>{ line }{ "\n" }
            </>
        }
    });
    html! {
        <pre class={classes!("term-cmd", later.then_some("later"))}>{ for lines }</pre>
    }
}

/// Properties of [`TerminalInput`].
#[derive(Properties, PartialEq)]
pub struct TerminalInputProps {
    /// UI language.
    pub lang: Lang,
    /// Sends what was typed to the session.
    pub dispatcher: UseReducerDispatcher<Sandbox>,
    /// Text to put in the input.
    pub inject: (u64, AttrValue),
}

/// The prompt and the input line(s). Lines already entered into a command that needs more (a
/// here-document) are shown above the input with `> `, as a shell shows them.
#[function_component(TerminalInput)]
pub fn terminal_input(props: &TerminalInputProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let input_ref = use_node_ref();
    let history = use_mut_ref(History::default);
    let pending = use_mut_ref(PendingInput::default);
    // Set by Escape: the next Tab leaves the terminal instead of completing (no keyboard trap).
    let escaped = use_mut_ref(|| false);
    // The text in the input, kept for rendering the prompt gutter and the hints.
    let current = use_state_eq(String::new);
    let candidates = use_state_eq(Vec::<&'static str>::new);
    let force_update = use_force_update();

    // Text put in from outside (the lesson's "try" buttons) replaces the command being typed.
    {
        let input_ref = input_ref.clone();
        let current = current.clone();
        let candidates = candidates.clone();
        let pending = pending.clone();
        use_effect_with(props.inject.clone(), move |(seq, text)| {
            if *seq > 0 {
                if let Some(area) = input_ref.cast::<HtmlTextAreaElement>() {
                    pending.borrow_mut().cancel();
                    set_input(&area, text);
                    current.set(text.to_string());
                    candidates.set(Vec::new());
                    let _ = area.focus();
                }
            }
        });
    }

    let on_input = {
        let current = current.clone();
        let candidates = candidates.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                current.set(area.value());
                candidates.set(Vec::new());
            }
        })
    };

    let on_keydown = {
        let dispatcher = props.dispatcher.clone();
        let history: Rc<RefCell<History>> = history.clone();
        let pending: Rc<RefCell<PendingInput>> = pending.clone();
        let escaped = escaped.clone();
        let candidates = candidates.clone();
        let current = current.clone();
        Callback::from(move |e: KeyboardEvent| {
            // An IME is composing (Korean input): its Enter and arrows belong to it.
            if e.is_composing() || e.key_code() == 229 {
                return;
            }
            let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let key = e.key();
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), key == "Escape");
            let text = area.value();
            let set = |value: &str| {
                set_input(&area, value);
                current.set(value.to_string());
            };
            let modifiers = e.alt_key() || e.ctrl_key() || e.meta_key();
            match key.as_str() {
                "Enter" if !e.shift_key() && !modifiers => {
                    e.prevent_default();
                    candidates.set(Vec::new());
                    let outcome = pending.borrow_mut().enter(&text);
                    set("");
                    force_update.force_update();
                    if let Enter::Submit(command) = outcome {
                        history.borrow_mut().push(&command);
                        if !command.trim().is_empty() {
                            dispatcher.dispatch(Action::Submit(command));
                        }
                    }
                }
                "Backspace" if text.is_empty() && !modifiers => {
                    if let Some(line) = pending.borrow_mut().reopen_last() {
                        e.prevent_default();
                        set(&line);
                        force_update.force_update();
                    }
                }
                "ArrowUp"
                    if !modifiers && pending.borrow().is_empty() && caret_line(&area, &text).0 =>
                {
                    if let Some(older) = history.borrow_mut().up(&text) {
                        e.prevent_default();
                        set(&older);
                    }
                }
                "ArrowDown"
                    if !modifiers && pending.borrow().is_empty() && caret_line(&area, &text).1 =>
                {
                    if let Some(newer) = history.borrow_mut().down() {
                        e.prevent_default();
                        set(&newer);
                    }
                }
                "Tab"
                    if !was_escaped
                        && !text.is_empty()
                        && !e.shift_key()
                        && pending.borrow().is_empty() =>
                {
                    e.prevent_default();
                    let names = command_names();
                    let completion = complete(&text, &names);
                    if let Some(new) = completion.text {
                        set(&new);
                    }
                    candidates.set(completion.candidates);
                }
                "c" if e.ctrl_key() && selection_is_empty(&area) => {
                    // As in a shell: Ctrl+C abandons the command (and an open here-document).
                    e.prevent_default();
                    candidates.set(Vec::new());
                    pending.borrow_mut().cancel();
                    set("");
                    force_update.force_update();
                }
                "Escape" => candidates.set(Vec::new()),
                _ => {}
            }
        })
    };

    let pending_now = pending.borrow();
    let lines = current.split('\n').count();
    let rows = lines.clamp(1, MAX_INPUT_ROWS);
    let first_prompt = if pending_now.is_empty() { "$" } else { ">" };
    let gutter: String = (0..lines)
        .map(|i| if i == 0 { first_prompt } else { ">" })
        .collect::<Vec<_>>()
        .join("\n");
    let continuing = pending_now.needs_more(&current) || !pending_now.is_empty();
    let committed = pending_now.lines().iter().enumerate().map(|(i, line)| {
        html! {
            <>
                <span class="prompt" aria-hidden="true">{ if i == 0 { "$ " } else { "> " } }</span>
                { line }{ "\n" }
            </>
        }
    });

    html! {
        <div class="term-input-area">
            if !pending_now.is_empty() {
                <pre class="term-pending" id="terminal-pending">{ for committed }</pre>
            }
            <div class="term-input-row">
                <pre class="term-gutter" aria-hidden="true">{ gutter }</pre>
                <textarea id="terminal-input" ref={input_ref} rows={rows.to_string()} wrap="off"
                    spellcheck="false" autocomplete="off" autocapitalize="off" autocorrect="off"
                    aria-label={t(Msg::TerminalInputLabel)} aria-describedby="terminal-hint"
                    aria-keyshortcuts="Alt+T" oninput={on_input} onkeydown={on_keydown} />
            </div>
            <div class="terminal-hint" id="terminal-hint">{ t(Msg::TerminalHint) }</div>
            if continuing {
                <div class="term-continue" role="status">{ t(Msg::ContinueHint) }</div>
            }
            if !candidates.is_empty() {
                <div class="term-candidates" role="status">
                    <span>{ t(Msg::Completions) }</span>
                    { for candidates.iter().map(|c| html! { <code>{ *c }</code> }) }
                </div>
            }
        </div>
    }
}

/// Replaces the input's text and puts the caret at its end.
fn set_input(area: &HtmlTextAreaElement, value: &str) {
    area.set_value(value);
    let end = value.encode_utf16().count() as u32;
    let _ = area.set_selection_range(end, end);
}

/// Whether the caret is on the first line and on the last line of `text`.
fn caret_line(area: &HtmlTextAreaElement, text: &str) -> (bool, bool) {
    let utf16_pos = area.selection_start().ok().flatten().unwrap_or(0) as usize;
    // The DOM counts UTF-16 units; find the matching byte offset.
    let mut units = 0;
    let mut byte = text.len();
    for (i, c) in text.char_indices() {
        if units >= utf16_pos {
            byte = i;
            break;
        }
        units += c.len_utf16();
    }
    (!text[..byte].contains('\n'), !text[byte..].contains('\n'))
}

fn selection_is_empty(area: &HtmlTextAreaElement) -> bool {
    let start = area.selection_start().ok().flatten();
    let end = area.selection_end().ok().flatten();
    start == end
}
