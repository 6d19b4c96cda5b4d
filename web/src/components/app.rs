//! The root component: owns the state, the play timer and the page-wide keyboard shortcuts,
//! and lays the panes out.

use std::cell::RefCell;
use std::rc::Rc;

use lessons::share::{self, ShareError, Shared};
use lessons::{Course, Lesson, Problem};

use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::build_view::BuildView;
use super::builder::{problem_list, BuilderState};
use super::cluster::ClusterViewPane;
use super::containers::ContainersView;
use super::event_log::EventLog;
use super::files::FilesView;
use super::host::HostViewPane;
use super::images::ImagesView;
use super::lesson::LessonPane;
use super::shortcuts::ShortcutsOverlay;
use super::stage::Stage;
use super::terminal::Terminal;
use super::top_bar::TopBar;
use super::transport::Transport;
use crate::controls::{shortcut_for, KeyPress, Shortcut, Speed};
use crate::i18n::{tr, Lang, Msg};
use crate::layers::{explain_schedule_pod, view_for_command, HostSection, StageTab};
use crate::prefs;
use crate::state::{Action, Sandbox};

/// A message across the top of the page about a share link.
#[derive(Clone, Debug, PartialEq)]
enum Banner {
    /// The link did not decode.
    Failed(ShareError),
    /// The link names a lesson the course does not have.
    UnknownLesson(String),
    /// The link was replayed.
    Opened(usize),
    /// Something the import/export panel did.
    Import(ImportNote),
}

/// What an import did, for the banner.
#[derive(Clone, Debug, PartialEq)]
enum ImportNote {
    /// A lesson file was opened.
    LessonOpened { file: String, title: lessons::Text },
    /// A session file was replayed.
    SessionOpened(usize),
    /// The file was larger than the limit.
    TooLarge {
        file: String,
        bytes: u64,
        limit: usize,
    },
    /// The file could not be read as text.
    Unreadable(String),
    /// The session file was refused.
    SessionFailed {
        file: String,
        error: crate::builder::SessionFileError,
    },
    /// The session file names a lesson neither the course nor the open lesson is.
    SessionUnknownLesson { file: String, id: String },
}

/// Opens what a share link (or a session file) holds: its lesson from the course, or the open
/// lesson when that has its id (an imported one), replayed. `Err` is an unknown lesson id.
fn open_shared(
    course: &Course,
    sandbox: &UseReducerHandle<Sandbox>,
    shared: Shared,
) -> Result<usize, String> {
    let lesson = if shared.lesson.is_empty() {
        None
    } else if let Some(l) = course.lesson(&shared.lesson) {
        Some(Rc::new(l.clone()))
    } else {
        match sandbox.lesson() {
            Some(run) if run.lesson.id == shared.lesson => Some(run.lesson.clone()),
            _ => return Err(shared.lesson),
        }
    };
    let n = shared.commands.len();
    sandbox.dispatch(Action::Replay(lesson, Rc::new(shared)));
    Ok(n)
}

/// Whether the share panel's Copy worked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Failed,
}

/// Duration of the stage's motion at 1× speed (the speed control scales it).
const MOTION_MS_AT_1X: u32 = 300;

/// The id of the terminal's input, which Alt+T focuses.
pub const TERMINAL_INPUT_ID: &str = "terminal-input";

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let sandbox = use_reducer(Sandbox::default);
    let lang = use_state_eq(prefs::load_lang);
    let speed = use_state_eq(|| Speed::One);
    let overlay = use_state_eq(|| false);
    let presenter = use_state_eq(|| false);
    let lesson_open = use_state_eq(|| true);
    let log_open = use_state_eq(|| true);
    // The selected event and a counter so that selecting it again scrolls to it again.
    let selection = use_state_eq(|| None::<(u64, u64)>);
    let inject = use_state_eq(|| (0u64, AttrValue::default()));
    let tab = use_state_eq(|| StageTab::Timeline);
    let picked_image = use_state_eq(|| None::<String>);
    let host_section = use_state_eq(|| HostSection::Stacks);
    // The pod the Cluster tab's scheduler panel explains (`namespace/name`).
    let picked_pod = use_state_eq(|| None::<AttrValue>);
    let course: Rc<Course> = use_memo((), |_| lessons::builtin());
    let progress = use_state_eq(|| Rc::new(prefs::load_progress()));
    let banner = use_state_eq(|| None::<Banner>);
    let share_open = use_state_eq(|| false);
    let copy_state = use_state_eq(|| CopyState::Idle);
    let builder_open = use_state_eq(|| false);
    let builder = use_state_eq(BuilderState::default);
    let transfer_open = use_state_eq(|| false);
    let import_problems = use_state_eq(|| None::<(String, Vec<Problem>)>);
    let presenter_terminal = use_state_eq(|| false);
    // Turns the intro's page from a clicker: a counter (so the same direction repeats) and
    // the direction.
    let page_nudge = use_state_eq(|| (0u64, 0i8));

    // A share link in the address: replay it, then take it out of the address so a reload
    // starts afresh instead of replaying it again (the link is for opening, not for staying
    // in). A link pasted into this tab's address bar arrives as a `hashchange`.
    {
        let sandbox = sandbox.clone();
        let banner = banner.clone();
        let course = course.clone();
        use_effect_with((), move |_| {
            let open_fragment = move || {
                let fragment = crate::dom::location_fragment();
                if fragment.is_empty() {
                    return;
                }
                match share::decode(&fragment) {
                    Err(e) => banner.set(Some(Banner::Failed(e))),
                    Ok(shared) => match open_shared(&course, &sandbox, shared) {
                        Ok(n) => banner.set(Some(Banner::Opened(n))),
                        Err(id) => banner.set(Some(Banner::UnknownLesson(id))),
                    },
                }
                crate::dom::clear_fragment();
            };
            open_fragment();
            let listener = web_sys::window()
                .map(|w| EventListener::new(&w, "hashchange", move |_| open_fragment()));
            move || drop(listener)
        });
    }

    // Opening a lesson (or the sandbox) from the picker, the course list or "Next lesson".
    let on_open = {
        let sandbox = sandbox.clone();
        let course = course.clone();
        let progress = progress.clone();
        let share_open = share_open.clone();
        let builder_open = builder_open.clone();
        Callback::from(move |id: Option<String>| {
            share_open.set(false);
            builder_open.set(false);
            match id.as_deref().and_then(|id| course.lesson(id)) {
                Some(lesson) => {
                    let mut next = (**progress).clone();
                    next.last = Some(lesson.id.clone());
                    prefs::save_progress(&next);
                    progress.set(Rc::new(next));
                    sandbox.dispatch(Action::OpenLesson(Rc::new(lesson.clone())));
                }
                None => sandbox.dispatch(Action::OpenSandbox),
            }
        })
    };

    // Every goal met: the lesson is completed, and stays so.
    {
        let progress = progress.clone();
        // Only the course's lessons count (not an imported or tried one).
        let finished = sandbox
            .lesson_done()
            .then(|| sandbox.lesson().map(|l| l.lesson.id.clone()))
            .flatten()
            .filter(|id| course.lesson(id).is_some());
        use_effect_with(finished, move |finished| {
            if let Some(id) = finished {
                if !progress.is_completed(id) {
                    let mut next = (**progress).clone();
                    next.completed.insert(id.clone());
                    prefs::save_progress(&next);
                    progress.set(Rc::new(next));
                }
            }
        });
    }

    // The share link, built only while the panel is open, once per state.
    let share_url = {
        let sandbox = sandbox.clone();
        use_memo((*share_open, sandbox.version()), move |(open, _)| {
            open.then(|| {
                format!(
                    "{}#{}",
                    crate::dom::page_address(),
                    sandbox.share_fragment()
                )
            })
        })
    };
    let on_share = {
        let share_open = share_open.clone();
        let copy_state = copy_state.clone();
        Callback::from(move |()| {
            copy_state.set(CopyState::Idle);
            share_open.set(!*share_open);
        })
    };

    // A newly typed docker command brings up the view that shows what it did. Only new input
    // counts: stepping through the timeline leaves the tab alone.
    {
        let tab = tab.clone();
        let host_section = host_section.clone();
        let picked_pod = picked_pod.clone();
        let session = sandbox.session();
        let inputs = session.inputs().count();
        let newest = session.inputs().last().map(str::to_string);
        drop(session);
        let seen = use_mut_ref(|| inputs);
        use_effect_with(inputs, move |inputs| {
            let grew = *inputs > *seen.borrow();
            *seen.borrow_mut() = *inputs;
            if let Some((next, section)) = newest
                .as_deref()
                .filter(|_| grew)
                .and_then(view_for_command)
            {
                tab.set(next);
                if let Some(section) = section {
                    host_section.set(section);
                }
            }
            if let Some(pod) = newest
                .as_deref()
                .filter(|_| grew)
                .and_then(explain_schedule_pod)
            {
                picked_pod.set(Some(pod.into()));
            }
        });
    }

    {
        use_effect_with(*lang, |lang| prefs::apply_document_lang(*lang));
    }

    // Play: one frame per tick while playing; the state stops itself when idle.
    {
        let dispatcher = sandbox.dispatcher();
        use_effect_with((sandbox.playing(), *speed), move |(playing, speed)| {
            let timer = playing.then(|| {
                Interval::new(speed.tick_ms(), move || {
                    dispatcher.dispatch(Action::PlayTick)
                })
            });
            move || drop(timer)
        });
    }

    // A selection that no longer exists (after stepping back or a reset) is dropped.
    {
        let selection = selection.clone();
        let log_len = sandbox.view().events as u64;
        use_effect_with((log_len, *selection), move |(len, sel)| {
            if sel.is_some_and(|(id, _)| id > *len) {
                selection.set(None);
            }
        });
    }

    let switch_lang = {
        let lang = lang.clone();
        Callback::from(move |()| {
            let next = lang.other();
            prefs::save_lang(next);
            lang.set(next);
        })
    };
    let toggle = |state: &UseStateHandle<bool>| {
        let state = state.clone();
        Callback::from(move |()| state.set(!*state))
    };
    let on_select = {
        let selection = selection.clone();
        Callback::from(move |id: u64| {
            let seq = selection.map_or(1, |(_, seq)| seq + 1);
            selection.set(Some((id, seq)));
        })
    };
    let on_insert = {
        let inject = inject.clone();
        Callback::from(move |text: String| inject.set((inject.0 + 1, text.into())))
    };
    let on_tab = |which: StageTab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(which))
    };
    let on_host_section = {
        let host_section = host_section.clone();
        Callback::from(move |s: HostSection| host_section.set(s))
    };
    let on_pick_image = {
        let picked = picked_image.clone();
        Callback::from(move |id: String| picked.set(Some(id)))
    };
    let on_open_image = {
        let picked = picked_image.clone();
        let tab = tab.clone();
        Callback::from(move |id: String| {
            picked.set(Some(id));
            tab.set(StageTab::Images);
        })
    };
    let on_pick_pod = {
        let picked = picked_pod.clone();
        Callback::from(move |pod: AttrValue| picked.set(Some(pod)))
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |s: Speed| speed.set(s))
    };

    let on_shortcut = {
        let sandbox = sandbox.clone();
        let switch_lang = switch_lang.clone();
        let overlay = overlay.clone();
        let presenter = presenter.clone();
        let selection = selection.clone();
        let page_nudge = page_nudge.clone();
        Callback::from(move |s: Shortcut| match s {
            Shortcut::NextPage => page_nudge.set((page_nudge.0 + 1, 1)),
            Shortcut::PrevPage => page_nudge.set((page_nudge.0 + 1, -1)),
            Shortcut::StepBack => sandbox.dispatch(Action::StepBack),
            Shortcut::StepForward => sandbox.dispatch(Action::Step),
            Shortcut::PlayPause => sandbox.dispatch(Action::TogglePlay),
            Shortcut::Reset => sandbox.dispatch(Action::Reset),
            Shortcut::BackToNow => sandbox.dispatch(Action::GoToNow),
            Shortcut::SwitchLanguage => switch_lang.emit(()),
            Shortcut::FocusTerminal => crate::dom::focus_id(TERMINAL_INPUT_ID),
            Shortcut::Presenter => presenter.set(!*presenter),
            Shortcut::ShowShortcuts => overlay.set(true),
            Shortcut::Close => {
                overlay.set(false);
                selection.set(None);
            }
        })
    };
    // The document listener is attached once; it always calls the newest callback.
    let shortcut_handler = use_mut_ref(Callback::<Shortcut>::noop);
    *shortcut_handler.borrow_mut() = on_shortcut;
    let presenter_now = use_mut_ref(|| false);
    *presenter_now.borrow_mut() = *presenter;
    {
        let handler: Rc<RefCell<Callback<Shortcut>>> = shortcut_handler.clone();
        let presenter_now = presenter_now.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                EventListener::new(&doc, "keydown", move |event| {
                    let Some(e) = event.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if e.is_composing() || e.default_prevented() {
                        return;
                    }
                    let target = e.target();
                    let in_form_control = crate::dom::is_form_control(target.as_ref());
                    let (in_text_field, field_has_text) = crate::dom::text_field_state(target);
                    let presenter = *presenter_now.borrow();
                    let press = KeyPress {
                        key: e.key(),
                        code: e.code(),
                        alt: e.alt_key(),
                        ctrl: e.ctrl_key(),
                        meta: e.meta_key(),
                        in_text_field,
                        field_has_text,
                        in_form_control,
                        presenter,
                        intro_showing: presenter && crate::dom::details_open("lesson-intro"),
                    };
                    if let Some(shortcut) = shortcut_for(&press) {
                        if shortcut != Shortcut::Close {
                            e.prevent_default();
                        }
                        handler.borrow().emit(shortcut);
                    }
                })
            });
            move || drop(listener)
        });
    }

    let on_close_overlay = {
        let overlay = overlay.clone();
        Callback::from(move |()| {
            overlay.set(false);
            crate::dom::focus_id("btn-shortcuts");
        })
    };
    // "Build a lesson": the builder records the free sandbox, so opening it leaves a lesson
    // (back to the sandbox kept aside while trying one, else a fresh one).
    let on_builder = {
        let builder_open = builder_open.clone();
        let sandbox = sandbox.clone();
        let lesson_open = lesson_open.clone();
        Callback::from(move |()| {
            if *builder_open && sandbox.lesson().is_none() {
                builder_open.set(false);
                return;
            }
            if sandbox.trying() {
                sandbox.dispatch(Action::BackToBuilder);
            } else if sandbox.lesson().is_some() {
                sandbox.dispatch(Action::OpenSandbox);
            }
            lesson_open.set(true);
            builder_open.set(true);
        })
    };
    let on_close_builder = {
        let builder_open = builder_open.clone();
        Callback::from(move |()| builder_open.set(false))
    };
    let on_transfer = {
        let transfer_open = transfer_open.clone();
        let import_problems = import_problems.clone();
        Callback::from(move |()| {
            import_problems.set(None);
            transfer_open.set(!*transfer_open);
        })
    };
    let transfer = TransferHandles {
        sandbox: sandbox.clone(),
        course: course.clone(),
        banner: banner.clone(),
        problems: import_problems.clone(),
        builder_open: builder_open.clone(),
    };
    let view = sandbox.view();
    let lang_now: Lang = *lang;
    let class = classes!(
        "app",
        presenter.then_some("presenter"),
        (*presenter && *presenter_terminal).then_some("presenter-terminal"),
        (!*lesson_open).then_some("lesson-collapsed"),
        (!*log_open).then_some("log-collapsed"),
    );

    html! {
        <div id="app" class={class} lang={lang_now.code()}
            style={format!("--motion-ms: {}ms", MOTION_MS_AT_1X * speed.tick_ms() / crate::controls::BASE_TICK_MS)}>
            <a class="skip-link" href="#terminal-input">{ crate::i18n::tr(lang_now, crate::i18n::Msg::SkipToTerminal) }</a>
            <TopBar lang={lang_now} seed={view.seed} trace_hash={AttrValue::from(view.trace_hash.clone())}
                presenter={*presenter} on_lang={switch_lang} on_presenter={toggle(&presenter)}
                on_shortcuts={toggle(&overlay)} course={course.clone()} progress={(*progress).clone()}
                current={sandbox.lesson().map(|l| AttrValue::from(l.lesson.id.clone()))}
                outside_course={sandbox.lesson().filter(|l| course.lesson(&l.lesson.id) != Some(&*l.lesson))
                    .map(|l| AttrValue::from(l.lesson.title.get(lang_now.code()).to_string()))}
                on_pick={on_open.clone()} share_open={*share_open} on_share={on_share.clone()}
                builder_open={*builder_open && sandbox.lesson().is_none()} on_builder={on_builder.clone()}
                transfer_open={*transfer_open} on_transfer={on_transfer.clone()}
                presenter_terminal={*presenter_terminal} on_presenter_terminal={toggle(&presenter_terminal)}>
                { share_panel(lang_now, (*share_url).clone(), *copy_state, &copy_state, &on_share) }
                if *transfer_open {
                    { transfer_panel(lang_now, &transfer, (*import_problems).clone(), &on_transfer) }
                }
                { banner_view(lang_now, (*banner).clone(), &banner) }
            </TopBar>
            <main class="workspace">
                <LessonPane lang={lang_now} open={*lesson_open} on_toggle={toggle(&lesson_open)}
                    on_insert={on_insert} sandbox={sandbox.clone()} course={course.clone()}
                    progress={(*progress).clone()} on_open={on_open.clone()}
                    builder_open={*builder_open} builder={builder.clone()} on_builder={on_builder}
                    on_close_builder={on_close_builder} page_nudge={*page_nudge} />
                <div class="stage-column">
                    <div class="stage-tabs" role="tablist" aria-label={tr(lang_now, Msg::StageViews)}>
                    { for StageTab::ALL.iter().map(|&which| {
                        let selected = *tab == which;
                        let label = match which {
                            StageTab::Timeline => Msg::TabTimeline,
                            StageTab::Build => Msg::TabBuild,
                            StageTab::Images => Msg::TabImages,
                            StageTab::Containers => Msg::TabContainers,
                            StageTab::Files => Msg::TabFiles,
                            StageTab::Host => Msg::TabHost,
                            StageTab::Cluster => Msg::TabCluster,
                        };
                        html! {
                            <button id={which.id()} type="button" role="tab" class="stage-tab"
                                aria-selected={selected.to_string()} aria-controls="stage-panel"
                                onclick={on_tab(which)}>{ tr(lang_now, label) }</button>
                        }
                    }) }
                    </div>
                    // Keyed by the tab, so a newly chosen view starts scrolled to its top.
                    <div key={tab.id()} class="stage-panel" id="stage-panel" role="tabpanel" aria-labelledby={tab.id()}>
                    { match *tab {
                        StageTab::Timeline => html! {
                            <Stage lang={lang_now} sandbox={sandbox.clone()} selected={selection.map(|(id, _)| id)}
                                on_select={on_select.clone()} />
                        },
                        StageTab::Build => html! {
                            <BuildView lang={lang_now} sandbox={sandbox.clone()} on_open_image={on_open_image} />
                        },
                        StageTab::Images => html! {
                            <ImagesView lang={lang_now} sandbox={sandbox.clone()} selected={(*picked_image).clone()}
                                on_select={on_pick_image} />
                        },
                        StageTab::Containers => html! {
                            <ContainersView lang={lang_now} sandbox={sandbox.clone()} />
                        },
                        StageTab::Files => html! {
                            <FilesView lang={lang_now} sandbox={sandbox.clone()} />
                        },
                        StageTab::Host => html! {
                            <HostViewPane lang={lang_now} sandbox={sandbox.clone()} section={*host_section}
                                on_section={on_host_section} />
                        },
                        StageTab::Cluster => html! {
                            <ClusterViewPane lang={lang_now} sandbox={sandbox.clone()} picked_pod={(*picked_pod).clone()}
                                on_pick_pod={on_pick_pod} on_select_event={on_select.clone()} />
                        },
                    } }
                    </div>
                    <Transport lang={lang_now} sandbox={sandbox.clone()} speed={*speed} on_speed={on_speed} />
                </div>
                <Terminal lang={lang_now} sandbox={sandbox.clone()} inject={(*inject).clone()} />
                <EventLog lang={lang_now} sandbox={sandbox.clone()} selection={*selection}
                    on_select={on_select} open={*log_open} on_toggle={toggle(&log_open)} />
            </main>
            if *overlay {
                <ShortcutsOverlay lang={lang_now} on_close={on_close_overlay} />
            }
        </div>
    }
}

/// The share panel: the link in a read-only field, Copy, and what the link does.
fn share_panel(
    lang: Lang,
    url: Option<String>,
    copied: CopyState,
    copy_state: &UseStateHandle<CopyState>,
    on_close: &Callback<()>,
) -> Html {
    let Some(url) = url else {
        return Html::default();
    };
    let t = |m| tr(lang, m);
    let on_copy = {
        let copy_state = copy_state.clone();
        let url = url.clone();
        Callback::from(move |_: MouseEvent| {
            let copy_state = copy_state.clone();
            crate::dom::copy_text(&url, move |ok| {
                if !ok {
                    crate::dom::select_input("share-url");
                }
                copy_state.set(if ok {
                    CopyState::Copied
                } else {
                    CopyState::Failed
                });
            });
        })
    };
    let on_focus = Callback::from(|_: FocusEvent| crate::dom::select_input("share-url"));
    let close = {
        let cb = on_close.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(());
            crate::dom::focus_id("btn-share");
        })
    };
    html! {
        <div class="top-row share-panel" id="share-panel" role="group" aria-labelledby="share-url-label">
            <label id="share-url-label" for="share-url">{ t(Msg::ShareLinkLabel) }</label>
            <input id="share-url" type="text" readonly=true value={url.clone()} onfocus={on_focus}
                spellcheck="false" aria-describedby="share-note" />
            <button id="btn-copy-share" type="button" class="btn btn-primary" onclick={on_copy}>{ t(Msg::Copy) }</button>
            <span id="share-status" class="share-status" role="status">
                { match copied {
                    CopyState::Idle => "",
                    CopyState::Copied => t(Msg::Copied),
                    CopyState::Failed => t(Msg::CopyFailed),
                } }
            </span>
            <button id="btn-share-close" type="button" class="btn btn-quiet" onclick={close}>{ t(Msg::Close) }</button>
            <p id="share-note" class="share-note">{ t(Msg::ShareNote) }</p>
        </div>
    }
}

/// The share link's banner, in the user's language.
fn banner_view(
    lang: Lang,
    banner: Option<Banner>,
    handle: &UseStateHandle<Option<Banner>>,
) -> Html {
    let Some(banner) = banner else {
        return Html::default();
    };
    let t = |m| tr(lang, m);
    let (class, role, text) = match &banner {
        Banner::Failed(e) => (
            "banner-error",
            "alert",
            crate::i18n::fill(
                t(Msg::ShareOpenFailed),
                &[("error", &crate::sharing::error_text(lang, e))],
            ),
        ),
        Banner::UnknownLesson(id) => (
            "banner-error",
            "alert",
            crate::i18n::fill(
                t(Msg::ShareOpenFailed),
                &[(
                    "error",
                    &crate::i18n::fill(t(Msg::ShareUnknownLesson), &[("id", id)]),
                )],
            ),
        ),
        Banner::Opened(n) => (
            "banner-info",
            "status",
            crate::i18n::fill(t(Msg::ShareOpened), &[("n", &n.to_string())]),
        ),
        Banner::Import(note) => import_note(lang, note),
    };
    let dismiss = {
        let handle = handle.clone();
        Callback::from(move |_: MouseEvent| handle.set(None))
    };
    html! {
        <div class={classes!("top-row", "banner", class)} id="share-banner" role={role}
            data-kind={if class == "banner-error" { "error" } else { "info" }}>
            <span class="banner-text">{ text }</span>
            <button id="btn-banner-dismiss" type="button" class="btn btn-quiet btn-small"
                aria-label={t(Msg::Dismiss)} title={t(Msg::Dismiss)} onclick={dismiss}>{ "✕" }</button>
        </div>
    }
}

/// An import's banner: its class, role and text.
fn import_note(lang: Lang, note: &ImportNote) -> (&'static str, &'static str, String) {
    use crate::builder::SessionFileError;
    use crate::i18n::fill;
    let t = |m| tr(lang, m);
    let error = |text: String| ("banner-error", "alert", text);
    match note {
        ImportNote::LessonOpened { file, title } => (
            "banner-info",
            "status",
            fill(
                t(Msg::ImportLessonOpened),
                &[("title", title.get(lang.code())), ("file", file)],
            ),
        ),
        ImportNote::SessionOpened(n) => (
            "banner-info",
            "status",
            fill(t(Msg::SessionImported), &[("n", &n.to_string())]),
        ),
        ImportNote::TooLarge { file, bytes, limit } => error(fill(
            t(Msg::ImportTooLarge),
            &[
                ("file", file),
                ("bytes", &bytes.to_string()),
                ("limit", &limit.to_string()),
            ],
        )),
        ImportNote::Unreadable(file) => error(fill(t(Msg::ImportUnreadable), &[("file", file)])),
        ImportNote::SessionFailed { file, error: e } => {
            let why = match e {
                SessionFileError::TooLarge(bytes) => fill(
                    t(Msg::ShareErrTooLong),
                    &[
                        ("bytes", &bytes.to_string()),
                        ("limit", &crate::builder::MAX_SESSION_FILE_BYTES.to_string()),
                    ],
                ),
                SessionFileError::Json(why) => fill(t(Msg::SessionFileErrJson), &[("why", why)]),
                SessionFileError::TooManyCommands(n) => fill(
                    t(Msg::ShareErrTooMany),
                    &[
                        ("count", &n.to_string()),
                        ("limit", &share::MAX_COMMANDS.to_string()),
                    ],
                ),
            };
            error(fill(
                t(Msg::SessionImportFailed),
                &[("file", file), ("error", &why)],
            ))
        }
        ImportNote::SessionUnknownLesson { file, id } => error(fill(
            t(Msg::SessionImportFailed),
            &[
                ("file", file),
                ("error", &fill(t(Msg::ShareUnknownLesson), &[("id", id)])),
            ],
        )),
    }
}

/// What the import/export panel acts on.
struct TransferHandles {
    sandbox: UseReducerHandle<Sandbox>,
    course: Rc<Course>,
    banner: UseStateHandle<Option<Banner>>,
    problems: UseStateHandle<Option<(String, Vec<Problem>)>>,
    builder_open: UseStateHandle<bool>,
}

/// The import/export panel: import a lesson file, export or import a session file.
fn transfer_panel(
    lang: Lang,
    h: &TransferHandles,
    problems: Option<(String, Vec<Problem>)>,
    on_close: &Callback<()>,
) -> Html {
    let t = |m| tr(lang, m);
    let too_large_or_unreadable = |file: String, e: crate::dom::FileReadError, limit: usize| {
        Banner::Import(match e {
            crate::dom::FileReadError::TooLarge(bytes) => {
                ImportNote::TooLarge { file, bytes, limit }
            }
            crate::dom::FileReadError::Unreadable => ImportNote::Unreadable(file),
        })
    };
    let on_lesson_file = {
        let sandbox = h.sandbox.clone();
        let banner = h.banner.clone();
        let problems = h.problems.clone();
        let builder_open = h.builder_open.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let sandbox = sandbox.clone();
            let banner = banner.clone();
            let problems = problems.clone();
            let builder_open = builder_open.clone();
            let limit = crate::builder::MAX_LESSON_FILE_BYTES;
            crate::dom::read_chosen_file(&input, limit, move |file, text| match text {
                Err(e) => {
                    problems.set(None);
                    banner.set(Some(too_large_or_unreadable(file, e, limit)));
                }
                Ok(text) => match Lesson::parse(&text) {
                    Err(p) => {
                        banner.set(None);
                        problems.set(Some((file, p.problems)));
                    }
                    Ok(lesson) => {
                        problems.set(None);
                        builder_open.set(false);
                        banner.set(Some(Banner::Import(ImportNote::LessonOpened {
                            file,
                            title: lesson.title.clone(),
                        })));
                        sandbox.dispatch(Action::OpenLesson(Rc::new(lesson)));
                    }
                },
            });
        })
    };
    let on_session_file = {
        let sandbox = h.sandbox.clone();
        let banner = h.banner.clone();
        let problems = h.problems.clone();
        let course = h.course.clone();
        let builder_open = h.builder_open.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let sandbox = sandbox.clone();
            let banner = banner.clone();
            let course = course.clone();
            let builder_open = builder_open.clone();
            problems.set(None);
            let limit = crate::builder::MAX_SESSION_FILE_BYTES;
            crate::dom::read_chosen_file(&input, limit, move |file, text| {
                let note = match text {
                    Err(e) => too_large_or_unreadable(file, e, limit),
                    Ok(text) => Banner::Import(match crate::builder::parse_session_file(&text) {
                        Err(error) => ImportNote::SessionFailed { file, error },
                        Ok(shared) => match open_shared(&course, &sandbox, shared) {
                            Ok(n) => {
                                builder_open.set(false);
                                ImportNote::SessionOpened(n)
                            }
                            Err(id) => ImportNote::SessionUnknownLesson { file, id },
                        },
                    }),
                };
                banner.set(Some(note));
            });
        })
    };
    let on_export_session = {
        let sandbox = h.sandbox.clone();
        Callback::from(move |_: MouseEvent| {
            let shared = sandbox.shared();
            let json = crate::builder::session_file_json(&shared);
            let _ = crate::dom::download_bytes(
                &crate::builder::session_file_name(&shared.lesson),
                "application/json",
                json.as_bytes(),
            );
        })
    };
    let close = {
        let cb = on_close.clone();
        Callback::from(move |_: MouseEvent| {
            cb.emit(());
            crate::dom::focus_id("btn-transfer");
        })
    };
    let problem_view = problems.map(|(file, list)| {
        html! {
            <div class="import-problems" id="import-problems" role="alert">
                <p><strong>{ crate::i18n::fill(t(Msg::ImportLessonProblems), &[("file", &file), ("n", &list.len().to_string())]) }</strong></p>
                { problem_list(lang, "import-problem-list", "import-problem", &list) }
            </div>
        }
    });
    html! {
        <div class="top-row transfer-panel" id="transfer-panel" role="group" aria-label={t(Msg::Transfer)}>
            <label class="btn file-button" id="import-lesson-label">
                { t(Msg::ImportLesson) }
                <input type="file" id="import-lesson" class="visually-hidden" accept=".yaml,.yml"
                    onchange={on_lesson_file} />
            </label>
            <button type="button" class="btn" id="btn-export-session" onclick={on_export_session}>
                { t(Msg::ExportSession) }
            </button>
            <label class="btn file-button" id="import-session-label">
                { t(Msg::ImportSession) }
                <input type="file" id="import-session" class="visually-hidden" accept=".json,application/json"
                    onchange={on_session_file} />
            </label>
            <button type="button" class="btn btn-quiet" id="btn-transfer-close" onclick={close}>{ t(Msg::Close) }</button>
            <p class="share-note" id="transfer-note">{ t(Msg::TransferNote) }</p>
            { for problem_view }
        </div>
    }
}
