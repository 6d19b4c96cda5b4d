//! The Files view: the workspace's files at the frame being viewed (what the student wrote and
//! the archives `docker save` wrote), each with its size and a download button that hands the
//! very bytes the sandbox holds to the browser.

use sim_core::image::format::human_size;
use yew::prelude::*;

use crate::files::{file_rows, FileKind};
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
    let rows = {
        let session = props.sandbox.session();
        file_rows(session.sim().workspace())
    };
    if rows.is_empty() {
        return html! {
            <div class="stage-empty" id="files-view">
                <p>{ t(Msg::FilesEmpty) }</p>
            </div>
        };
    }
    let total: u64 = rows.iter().map(|r| r.bytes).sum();
    let summary = fill(
        t(Msg::WsFilesSummary),
        &[
            ("count", &rows.len().to_string()),
            ("size", &human_size(total)),
        ],
    );
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
        html! {
            <tr class={classes!("ws-file-row", kind_class)} data-path={r.path.clone()}>
                <td class="ws-file-name"><code>{ &r.path }</code>
                    if let Some(sha) = &r.sha256 {
                        <span class="ws-file-digest" title={format!("sha256:{sha}")}>{ format!("sha256:{}", &sha[..12]) }</span>
                    }
                </td>
                <td class="ws-file-kind"><span class={classes!("badge", "ws-file-badge", kind_class)}>
                    <span aria-hidden="true">{ kind_icon }{ " " }</span>{ kind_text }</span></td>
                <td class="ws-file-size" title={bytes_text.clone()} data-bytes={r.bytes.to_string()}>{ &r.size }</td>
                <td class="ws-file-action">
                    <button type="button" class="btn btn-small download-btn" data-path={r.path.clone()}
                        aria-label={label.clone()} title={label} onclick={on_download}>
                        <span aria-hidden="true">{ "⬇ " }</span>{ t(Msg::Download) }
                    </button>
                </td>
            </tr>
        }
    });
    html! {
        <div class="files-view" id="files-view">
            <div class="view-head">
                <h3 id="files-view-title">{ t(Msg::WsFilesTitle) }</h3>
                <span class="ws-files-summary" id="ws-files-summary">{ summary }</span>
            </div>
            <table class="files-table" aria-label={t(Msg::FilesTableLabel)}>
                <thead>
                    <tr>
                        <th scope="col">{ t(Msg::FileColName) }</th>
                        <th scope="col">{ t(Msg::FileColKind) }</th>
                        <th scope="col" class="ws-file-size">{ t(Msg::FileColSize) }</th>
                        <th scope="col"><span class="visually-hidden">{ t(Msg::Download) }</span></th>
                    </tr>
                </thead>
                <tbody>{ for body }</tbody>
            </table>
            if let Some(e) = &*error {
                <p class="files-error" role="alert">{ e }</p>
            }
            <p class="view-note">{ t(Msg::FilesNote) }</p>
        </div>
    }
}
