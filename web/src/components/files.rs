//! The Files view: the workspace's files at the frame being viewed (what the student wrote and
//! the archives `docker save` wrote), each with its size and a download button that hands the
//! very bytes the sandbox holds to the browser; text files open in the editor
//! ([`super::editor`]), and "New file" starts one.

use sim_core::image::format::human_size;
use yew::prelude::*;

use super::editor::{drafted_paths, open_path, set_open_path, Editor, EDITOR_TEXT_ID};
use crate::files::{file_rows, new_file_path, FileKind};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::Sandbox;

/// Properties of [`FilesView`].
#[derive(Properties, PartialEq)]
pub struct FilesViewProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
}

/// Downloads the workspace file at `path` as the session holds it now; returns an error text
/// for the user when it cannot.
pub fn download(sandbox: &Sandbox, lang: Lang, path: &str) -> Result<(), String> {
    let session = sandbox.session();
    let rows = file_rows(session.sim().workspace());
    let name = crate::files::download_name(path);
    let (Some(row), Some(bytes)) = (
        rows.iter().find(|r| r.path == path),
        session.sim().workspace().read_bytes(path),
    ) else {
        return Err(fill(tr(lang, Msg::FileGone), &[("name", &name)]));
    };
    crate::dom::download_bytes(&row.download_name, row.mime, bytes).map_err(|e| {
        fill(
            tr(lang, Msg::DownloadFailed),
            &[("error", &format!("{e:?}"))],
        )
    })
}

/// The stage's Files tab.
#[function_component(FilesView)]
pub fn files_view(props: &FilesViewProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let error = use_state_eq(|| None::<String>);
    let open = use_state_eq(open_path);
    let creating = use_state_eq(|| false);
    let new_name = use_state(String::new);
    let name_error = use_state_eq(|| false);
    // Bumped when a draft appears or goes, so the list's "unsaved" marks follow.
    let drafts_seen = use_state_eq(|| 0u64);
    let rows = {
        let session = props.sandbox.session();
        file_rows(session.sim().workspace())
    };
    // Drafts live beside the editor (see `editor::draft`); `drafts_seen` only re-renders.
    let drafts = drafted_paths();

    let open_file = {
        let open = open.clone();
        Callback::from(move |path: String| {
            set_open_path(Some(path.clone()));
            open.set(Some(path));
            crate::dom::focus_id(EDITOR_TEXT_ID);
        })
    };
    let on_close = {
        let open = open.clone();
        Callback::from(move |()| {
            set_open_path(None);
            open.set(None);
            crate::dom::focus_id("btn-new-file");
        })
    };
    let on_draft = {
        let drafts_seen = drafts_seen.clone();
        Callback::from(move |()| drafts_seen.set(*drafts_seen + 1))
    };
    let on_new = {
        let creating = creating.clone();
        let name_error = name_error.clone();
        Callback::from(move |_: MouseEvent| {
            creating.set(true);
            name_error.set(false);
            crate::dom::focus_id("new-file-name");
        })
    };
    let on_name_input = {
        let new_name = new_name.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            new_name.set(input.value());
        })
    };
    let on_create = {
        let new_name = new_name.clone();
        let creating = creating.clone();
        let name_error = name_error.clone();
        let open_file = open_file.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match new_file_path(&new_name) {
                Some(path) => {
                    creating.set(false);
                    new_name.set(String::new());
                    open_file.emit(path);
                }
                None => name_error.set(true),
            }
        })
    };
    let on_cancel_new = {
        let creating = creating.clone();
        Callback::from(move |_: MouseEvent| creating.set(false))
    };

    let total: u64 = rows.iter().map(|r| r.bytes).sum();
    let summary = fill(
        t(Msg::WsFilesSummary),
        &[
            ("count", &rows.len().to_string()),
            ("size", &human_size(total)),
        ],
    );
    let unsaved_badge = |path: &str| {
        html! {
            <span class="badge ws-file-unsaved" title={fill(t(Msg::EditorUnsavedLabel), &[("name", path)])}>
                <span aria-hidden="true">{ "● " }</span>{ t(Msg::EditorUnsaved) }</span>
        }
    };
    let edit_button = |path: &str| {
        let label = fill(t(Msg::EditLabel), &[("name", path)]);
        let onclick = {
            let open_file = open_file.clone();
            let path = path.to_string();
            Callback::from(move |_: MouseEvent| open_file.emit(path.clone()))
        };
        html! {
            <button type="button" class="btn btn-small edit-btn" data-path={path.to_string()}
                aria-label={label.clone()} title={label} onclick={onclick}>
                <span aria-hidden="true">{ "✎ " }</span>{ t(Msg::Edit) }
            </button>
        }
    };
    let body = rows.iter().map(|r| {
        let on_download = {
            let sandbox = props.sandbox.clone();
            let error = error.clone();
            let path = r.path.clone();
            Callback::from(move |_: MouseEvent| {
                error.set(download(&sandbox, lang, &path).err());
            })
        };
        let archive = r.kind == FileKind::Binary && r.mime == "application/x-tar";
        let (kind_class, kind_icon, kind_text) = match r.kind {
            FileKind::Text => ("text", "≡", t(Msg::FileKindText)),
            FileKind::Binary if archive => ("archive", "▣", t(Msg::FileKindArchive)),
            FileKind::Binary => ("archive", "▣", t(Msg::FileKindBinary)),
        };
        let bytes_text = fill(t(Msg::FileBytes), &[("bytes", &r.bytes.to_string())]);
        let label = fill(
            t(Msg::DownloadLabel),
            &[("name", &r.path), ("size", &r.size)],
        );
        let editing = open.as_deref() == Some(r.path.as_str());
        html! {
            <tr class={classes!("ws-file-row", kind_class, editing.then_some("editing"))} data-path={r.path.clone()}
                aria-current={editing.then_some("true")}>
                <td class="ws-file-name"><code>{ &r.path }</code>
                    if drafts.contains(&r.path) { { unsaved_badge(&r.path) } }
                    if let Some(sha) = &r.sha256 {
                        <span class="ws-file-digest" title={format!("sha256:{sha}")}>{ format!("sha256:{}", &sha[..12]) }</span>
                    }
                </td>
                <td class="ws-file-kind"><span class={classes!("badge", "ws-file-badge", kind_class)}>
                    <span aria-hidden="true">{ kind_icon }{ " " }</span>{ kind_text }</span></td>
                <td class="ws-file-size" title={bytes_text.clone()} data-bytes={r.bytes.to_string()}>{ &r.size }</td>
                <td class="ws-file-action">
                    if r.kind == FileKind::Text { { edit_button(&r.path) } }
                    <button type="button" class="btn btn-small download-btn" data-path={r.path.clone()}
                        aria-label={label.clone()} title={label} onclick={on_download}>
                        <span aria-hidden="true">{ "⬇ " }</span>{ t(Msg::Download) }
                    </button>
                </td>
            </tr>
        }
    });
    // Drafts of files the workspace does not hold (new, or gone after Step back).
    let draft_rows = drafts
        .iter()
        .filter(|p| !rows.iter().any(|r| &r.path == *p))
        .map(|p| {
            let editing = open.as_deref() == Some(p.as_str());
            html! {
                <tr class={classes!("ws-file-row", "draft", editing.then_some("editing"))} data-path={p.clone()}
                    aria-current={editing.then_some("true")}>
                    <td class="ws-file-name"><code>{ p }</code>{ unsaved_badge(p) }</td>
                    <td class="ws-file-kind"><span class="badge ws-file-badge text">
                        <span aria-hidden="true">{ "✚ " }</span>{ t(Msg::EditorNewFile) }</span></td>
                    <td class="ws-file-size"></td>
                    <td class="ws-file-action">{ edit_button(p) }</td>
                </tr>
            }
        })
        .collect::<Html>();
    let has_rows = !rows.is_empty() || drafts.iter().any(|p| !rows.iter().any(|r| &r.path == p));
    html! {
        <div class="files-view" id="files-view">
            <div class="view-head">
                <h3 id="files-view-title">{ t(Msg::WsFilesTitle) }</h3>
                if !rows.is_empty() {
                    <span class="ws-files-summary" id="ws-files-summary">{ summary }</span>
                }
                <button type="button" id="btn-new-file" class="btn btn-small files-new-btn" onclick={on_new}
                    aria-expanded={creating.to_string()}>
                    <span aria-hidden="true">{ "✚ " }</span>{ t(Msg::NewFile) }
                </button>
            </div>
            if *creating {
                <form class="new-file-form" id="new-file-form" onsubmit={on_create}>
                    <label for="new-file-name">{ t(Msg::NewFileName) }</label>
                    <input id="new-file-name" type="text" class="new-file-name" placeholder="web.yaml"
                        spellcheck="false" autocomplete="off" autocapitalize="off"
                        value={(*new_name).clone()} oninput={on_name_input}
                        aria-invalid={name_error.to_string()}
                        aria-describedby={name_error.then_some("new-file-error")} />
                    <button type="submit" id="new-file-create" class="btn btn-small btn-primary">{ t(Msg::NewFileCreate) }</button>
                    <button type="button" class="btn btn-small btn-quiet" onclick={on_cancel_new}>{ t(Msg::Cancel) }</button>
                    if *name_error {
                        <span class="files-error" id="new-file-error" role="alert">{ t(Msg::NewFileBadName) }</span>
                    }
                </form>
            }
            if has_rows {
                <table class="files-table" aria-label={t(Msg::FilesTableLabel)}>
                    <thead>
                        <tr>
                            <th scope="col">{ t(Msg::FileColName) }</th>
                            <th scope="col">{ t(Msg::FileColKind) }</th>
                            <th scope="col" class="ws-file-size">{ t(Msg::FileColSize) }</th>
                            <th scope="col"><span class="visually-hidden">{ t(Msg::Download) }</span></th>
                        </tr>
                    </thead>
                    <tbody>{ for body }{ draft_rows }</tbody>
                </table>
            } else {
                <p class="files-empty" id="files-empty">{ t(Msg::FilesEmpty) }</p>
            }
            if let Some(e) = &*error {
                <p class="files-error" role="alert">{ e }</p>
            }
            if let Some(path) = &*open {
                <Editor key={path.clone()} lang={lang} sandbox={props.sandbox.clone()} path={AttrValue::from(path.clone())}
                    on_close={on_close} on_draft={on_draft} />
            }
            if rows.iter().any(|r| r.kind == FileKind::Binary) {
                <p class="view-note">{ t(Msg::FilesNote) }</p>
            }
        </div>
    }
}
