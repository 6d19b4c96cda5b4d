//! The lesson pane. Until lessons exist it holds a welcome page: what the sandbox does and a
//! few commands to try, each of which can be put in the terminal with one click.

use yew::prelude::*;

use super::icons::{Icon, IconName};
use crate::i18n::{fill, tr, Lang, Msg};

/// The here-document example of the welcome page.
pub const HERE_DOC_EXAMPLE: &str = "cat > hello.txt <<EOF\nHello, Kube Sandbox!\nEOF";

/// The commands the welcome page suggests, with what each one does.
pub const TRY_COMMANDS: &[(&str, Msg)] = &[
    ("help", Msg::TryHelp),
    (HERE_DOC_EXAMPLE, Msg::TryHereDoc),
    ("ls", Msg::TryLs),
    ("cat hello.txt", Msg::TryCat),
    ("after 10s echo hi", Msg::TryAfter),
    ("run 30s", Msg::TryRun),
    ("step", Msg::TryStep),
];

/// Properties of [`LessonPane`].
#[derive(Properties, PartialEq)]
pub struct LessonPaneProps {
    /// UI language.
    pub lang: Lang,
    /// The pane is expanded.
    pub open: bool,
    /// Expands or collapses the pane.
    pub on_toggle: Callback<()>,
    /// Puts a command in the terminal input.
    pub on_insert: Callback<String>,
}

/// The left pane with the lesson text.
#[function_component(LessonPane)]
pub fn lesson_pane(props: &LessonPaneProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let toggle = {
        let cb = props.on_toggle.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    if !props.open {
        return html! {
            <aside class="lesson-pane collapsed" aria-label={t(Msg::LessonPane)}>
                <button type="button" class="btn btn-quiet rail-button" id="btn-lesson-toggle"
                    aria-expanded="false" onclick={toggle}>
                    <Icon name={IconName::CollapseRight} />
                    <span class="rail-text">{ t(Msg::ShowLesson) }</span>
                </button>
            </aside>
        };
    }
    let items = TRY_COMMANDS.iter().map(|(command, what)| {
        let insert = {
            let cb = props.on_insert.clone();
            let command = command.to_string();
            Callback::from(move |_: MouseEvent| cb.emit(command.clone()))
        };
        html! {
            <li class="try-item">
                <button type="button" class="try-command" onclick={insert}
                    aria-label={fill(t(Msg::InsertCommand), &[("command", command)])}>
                    <code>{ *command }</code>
                </button>
                <span class="try-what">{ t(*what) }</span>
            </li>
        }
    });
    html! {
        <aside class="lesson-pane" aria-labelledby="lesson-title">
            <div class="pane-header">
                <span class="pane-kicker">{ t(Msg::LessonPane) }</span>
                <button type="button" class="btn btn-icon" id="btn-lesson-toggle" aria-expanded="true"
                    aria-label={t(Msg::HideLesson)} title={t(Msg::HideLesson)} onclick={toggle}>
                    <Icon name={IconName::CollapseLeft} />
                </button>
            </div>
            <div class="lesson-body">
                <h1 id="lesson-title">{ t(Msg::WelcomeTitle) }</h1>
                <p>{ t(Msg::WelcomeIntro) }</p>
                <p>{ t(Msg::WelcomeTime) }</p>
                <h2>{ t(Msg::TryTheseTitle) }</h2>
                <ul class="try-list">{ for items }</ul>
                <p class="lesson-hint">{ t(Msg::TryHint) }</p>
            </div>
        </aside>
    }
}
