//! The root component: owns the state, the play timer and the page-wide keyboard shortcuts,
//! and lays the panes out.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::build_view::BuildView;
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
        Callback::from(move |s: Shortcut| match s {
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
    {
        let handler: Rc<RefCell<Callback<Shortcut>>> = shortcut_handler.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
                EventListener::new(&doc, "keydown", move |event| {
                    let Some(e) = event.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if e.is_composing() || e.default_prevented() {
                        return;
                    }
                    let (in_text_field, field_has_text) = crate::dom::text_field_state(e.target());
                    let press = KeyPress {
                        key: e.key(),
                        code: e.code(),
                        alt: e.alt_key(),
                        ctrl: e.ctrl_key(),
                        meta: e.meta_key(),
                        in_text_field,
                        field_has_text,
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
    let view = sandbox.view();
    let lang_now: Lang = *lang;
    let class = classes!(
        "app",
        presenter.then_some("presenter"),
        (!*lesson_open).then_some("lesson-collapsed"),
        (!*log_open).then_some("log-collapsed"),
    );

    html! {
        <div id="app" class={class} lang={lang_now.code()}
            style={format!("--motion-ms: {}ms", MOTION_MS_AT_1X * speed.tick_ms() / crate::controls::BASE_TICK_MS)}>
            <a class="skip-link" href="#terminal-input">{ crate::i18n::tr(lang_now, crate::i18n::Msg::SkipToTerminal) }</a>
            <TopBar lang={lang_now} seed={view.seed} trace_hash={AttrValue::from(view.trace_hash.clone())}
                presenter={*presenter} on_lang={switch_lang} on_presenter={toggle(&presenter)}
                on_shortcuts={toggle(&overlay)} />
            <main class="workspace">
                <LessonPane lang={lang_now} open={*lesson_open} on_toggle={toggle(&lesson_open)}
                    on_insert={on_insert} />
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
