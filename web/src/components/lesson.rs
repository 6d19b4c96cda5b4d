//! The lesson pane. In the free sandbox it holds the welcome page (what the sandbox does, a few
//! commands to try, each put in the terminal with one click) and the course's lessons; with a
//! lesson open, the lesson: its intro one page at a time (text, demonstrations with "predict,
//! then reveal"), the live goal checklist, hints, the solution, and the finishing panel.

use std::collections::BTreeMap;
use std::rc::Rc;

use lessons::{Course, Demo, Lesson, Page};
use yew::prelude::*;

use super::builder::{BuilderPanel, BuilderState};
use super::icons::{Icon, IconName};
use super::markdown::{markdown, markdown_inline};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::progress::Progress;
use crate::state::{Action, Sandbox};

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
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The course.
    pub course: Rc<Course>,
    /// What the student completed.
    pub progress: Rc<Progress>,
    /// Opens a lesson by id (`None`: the free sandbox).
    pub on_open: Callback<Option<String>>,
    /// The lesson builder is open (it shows in place of the welcome page).
    pub builder_open: bool,
    /// The builder's state.
    pub builder: UseStateHandle<BuilderState>,
    /// Opens the builder (from a tried lesson: back to the recorded sandbox).
    pub on_builder: Callback<()>,
    /// Closes the builder.
    pub on_close_builder: Callback<()>,
    /// A clicker's page turn: a counter and the direction (+1 next, -1 previous).
    pub page_nudge: (u64, i8),
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
    let body = match props.sandbox.lesson() {
        None if props.builder_open => html! {
            <BuilderPanel lang={lang} sandbox={props.sandbox.clone()} state={props.builder.clone()}
                on_close={props.on_close_builder.clone()} />
        },
        None => welcome(props),
        Some(run) => html! {
            <LessonView key={run.generation} lang={lang} sandbox={props.sandbox.clone()}
                course={props.course.clone()} on_insert={props.on_insert.clone()}
                on_open={props.on_open.clone()} on_builder={props.on_builder.clone()}
                page_nudge={props.page_nudge} />
        },
    };
    html! {
        <aside class="lesson-pane" aria-labelledby="lesson-title">
            <div class="pane-header">
                <span class="pane-kicker">{ t(Msg::LessonPane) }</span>
                <button type="button" class="btn btn-icon" id="btn-lesson-toggle" aria-expanded="true"
                    aria-label={t(Msg::HideLesson)} title={t(Msg::HideLesson)} onclick={toggle}>
                    <Icon name={IconName::CollapseLeft} />
                </button>
            </div>
            { body }
        </aside>
    }
}

/// The free sandbox's page: getting started, then the course.
fn welcome(props: &LessonPaneProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
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
    let open = |id: &str| {
        let cb = props.on_open.clone();
        let id = id.to_string();
        Callback::from(move |_: MouseEvent| cb.emit(Some(id.clone())))
    };
    let resume = props
        .progress
        .last
        .as_deref()
        .and_then(|id| props.course.lesson(id))
        .map(|l| {
            html! {
                <button type="button" class="btn btn-primary" id="btn-continue-lesson"
                    data-lesson={l.id.clone()} onclick={open(&l.id)}>
                    { fill(t(Msg::ContinueLesson), &[("title", l.title.get(lang.code()))]) }
                </button>
            }
        });
    let mut number = 0;
    let chapters = props.course.index.chapters.iter().map(|chapter| {
        let lessons = chapter
            .lessons
            .iter()
            .filter_map(|id| props.course.lesson(id))
            .map(|l| {
                number += 1;
                let done = props.progress.is_completed(&l.id);
                let title = l.title.get(lang.code());
                let label = format!(
                    "{}{}",
                    fill(t(Msg::OpenLessonLabel), &[("title", title)]),
                    if done { format!(" ({})", t(Msg::CompletedMark)) } else { String::new() }
                );
                html! {
                    <li>
                        <button type="button" class="course-lesson" data-lesson={l.id.clone()}
                            data-completed={done.to_string()} aria-label={label} onclick={open(&l.id)}>
                            <span class="course-check" aria-hidden="true">{ if done { "✓" } else { "" } }</span>
                            <span class="course-num" aria-hidden="true">{ format!("{number}.") }</span>
                            <span class="course-text">
                                <span class="course-title">{ title }</span>
                                <span class="course-summary">{ l.summary.get(lang.code()) }</span>
                            </span>
                        </button>
                    </li>
                }
            })
            .collect::<Html>();
        html! {
            <>
                <h3 class="course-chapter">{ chapter.title.get(lang.code()) }</h3>
                <ol class="course-list">{ lessons }</ol>
            </>
        }
    });
    html! {
        <div class="lesson-body">
            <h1 id="lesson-title">{ t(Msg::WelcomeTitle) }</h1>
            <p>{ t(Msg::WelcomeIntro) }</p>
            <p>{ t(Msg::WelcomeTime) }</p>
            <h2>{ t(Msg::TryTheseTitle) }</h2>
            <ul class="try-list">{ for items }</ul>
            <p class="lesson-hint">{ t(Msg::TryHint) }</p>
            if !props.course.lessons.is_empty() {
                <section class="course" id="course" aria-labelledby="course-title">
                    <h2 id="course-title">{ t(Msg::CourseTitle) }</h2>
                    <p class="lesson-hint">{ t(Msg::CourseIntro) }</p>
                    { for resume }
                    { for chapters }
                </section>
            }
        </div>
    }
}

/// The solution's three states: hidden, asking to confirm, shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SolutionStep {
    Hidden,
    Confirm,
    Shown,
}

/// Properties of [`LessonView`].
#[derive(Properties, PartialEq)]
struct LessonViewProps {
    lang: Lang,
    sandbox: UseReducerHandle<Sandbox>,
    course: Rc<Course>,
    on_insert: Callback<String>,
    on_open: Callback<Option<String>>,
    on_builder: Callback<()>,
    page_nudge: (u64, i8),
}

/// One open lesson. Keyed by the lesson run's generation, so opening or resetting a lesson
/// starts its page, answers and hints over.
#[function_component(LessonView)]
fn lesson_view(props: &LessonViewProps) -> Html {
    let lang = props.lang;
    let code = lang.code();
    let t = |m| tr(lang, m);
    let page = use_state_eq(|| 0usize);
    let choices = use_state_eq(BTreeMap::<usize, usize>::new);
    let hints = use_state_eq(|| 0usize);
    let solution = use_state_eq(|| SolutionStep::Hidden);
    let sandbox = &props.sandbox;
    // A clicker's page turn (counted from this view's mount, so an old one is not replayed).
    {
        let seen = use_mut_ref(|| props.page_nudge.0);
        let page = page.clone();
        let pages = sandbox.lesson().map_or(0, |r| r.lesson.intro.len());
        use_effect_with(props.page_nudge, move |(seq, dir)| {
            if *seq != *seen.borrow() {
                *seen.borrow_mut() = *seq;
                let at = (*page).min(pages.saturating_sub(1));
                let to = if *dir > 0 {
                    (at + 1).min(pages.saturating_sub(1))
                } else {
                    at.saturating_sub(1)
                };
                page.set(to);
            }
        });
    }
    let done = sandbox.lesson_done();
    // Finishing brings the panel into view (it sits below the goals).
    use_effect_with(done, |done| {
        if *done {
            crate::dom::scroll_into_view("lesson-done");
        }
    });
    let Some(run) = sandbox.lesson() else {
        return Html::default();
    };
    let lesson: &Lesson = &run.lesson;
    let started = run.since.is_some();
    let goals = sandbox.goals();
    let dispatch = |action: Action| {
        let handle = sandbox.clone();
        Callback::from(move |_: MouseEvent| handle.dispatch(action.clone()))
    };

    // The intro, one page at a time.
    let pages = lesson.intro.len();
    let current = (*page).min(pages.saturating_sub(1));
    let go = |to: usize| {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.set(to))
    };
    let page_html = match lesson.intro.get(current) {
        None => Html::default(),
        Some(Page::Text(text)) => markdown(text.get(code)),
        Some(Page::Demo(demo)) => {
            let pick = {
                let choices = choices.clone();
                Callback::from(move |j: usize| {
                    let mut next = (*choices).clone();
                    next.insert(current, j);
                    choices.set(next);
                })
            };
            demo_page(
                lang,
                current,
                demo,
                run.demos_run.contains(&current),
                choices.get(&current).copied(),
                pick,
                dispatch(Action::RunDemo(current)),
            )
        }
    };
    let intro = (pages > 0).then(|| {
        html! {
            <details class="lesson-intro" id="lesson-intro" open={!started}>
                <summary><h2 class="intro-title">{ t(Msg::IntroTitle) }</h2></summary>
                <div class="intro-page" id="intro-page" data-page={current.to_string()}
                    aria-live="polite">
                    { page_html }
                </div>
                <nav class="intro-nav" aria-label={t(Msg::IntroTitle)}>
                    <button type="button" class="btn" id="btn-page-prev" disabled={current == 0}
                        onclick={go(current.saturating_sub(1))}>{ "← " }{ t(Msg::PrevPage) }</button>
                    <span class="intro-count" id="intro-count">
                        { fill(t(Msg::PageOf), &[("page", &(current + 1).to_string()), ("total", &pages.to_string())]) }
                    </span>
                    <button type="button" class="btn" id="btn-page-next" disabled={current + 1 >= pages}
                        onclick={go(current + 1)}>{ t(Msg::NextPage) }{ " →" }</button>
                </nav>
            </details>
        }
    });
    let start = if started {
        html! { <p class="exercise-started" id="exercise-started" role="status">{ t(Msg::ExerciseStarted) }</p> }
    } else {
        let at_end = current + 1 >= pages;
        html! {
            <div class="lesson-start">
                <button type="button" id="btn-start-exercise"
                    class={classes!("btn", at_end.then_some("btn-primary"))}
                    onclick={dispatch(Action::StartExercise)}>
                    { t(Msg::StartExercise) }
                </button>
                <p class="lesson-hint">{ t(Msg::StartExerciseNote) }</p>
            </div>
        }
    };

    // The goal checklist.
    let goal_items = lesson.goals.iter().zip(goals).enumerate().map(|(i, (g, s))| {
        let state = if s.met { t(Msg::GoalMet) } else { t(Msg::GoalNotMet) };
        html! {
            <li class={classes!("goal-item", s.met.then_some("met"))} id={format!("goal-{i}")}
                data-met={s.met.to_string()}>
                <span class="goal-icon" aria-hidden="true">{ if s.met { "✓" } else { "○" } }</span>
                <span class="visually-hidden">{ format!("{state}: ") }</span>
                <span class="goal-text">{ markdown_inline(g.text.get(code)) }</span>
                if !s.progress.is_empty() {
                    <span class="goal-progress">{ &s.progress }</span>
                }
            </li>
        }
    });
    let announce = sandbox
        .announce()
        .and_then(|i| lesson.goals.get(i))
        .map(|g| fill(t(Msg::GoalMetAnnounce), &[("goal", g.text.get(code))]))
        .unwrap_or_default();

    // Hints, then the solution.
    let total_hints = lesson.hints.len();
    let more_hints = *hints < total_hints;
    let next_hint = {
        let hints = hints.clone();
        Callback::from(move |_: MouseEvent| hints.set((*hints + 1).min(total_hints)))
    };
    let set_solution = |to: SolutionStep| {
        let solution = solution.clone();
        Callback::from(move |_: MouseEvent| solution.set(to))
    };
    let insert_solution = {
        let cb = props.on_insert.clone();
        let text = lesson.solution.trim_end().to_string();
        Callback::from(move |_: MouseEvent| cb.emit(text.clone()))
    };
    let solution_html = match *solution {
        SolutionStep::Hidden => html! {
            <button type="button" class="btn" id="btn-solution" onclick={set_solution(SolutionStep::Confirm)}>
                { t(Msg::ShowSolution) }
            </button>
        },
        SolutionStep::Confirm => html! {
            <div class="solution-confirm" role="group" aria-labelledby="solution-question">
                <p id="solution-question">{ t(Msg::SolutionConfirm) }</p>
                <button type="button" class="btn btn-primary" id="btn-solution-confirm"
                    onclick={set_solution(SolutionStep::Shown)}>{ t(Msg::SolutionYes) }</button>
                <button type="button" class="btn" id="btn-solution-cancel"
                    onclick={set_solution(SolutionStep::Hidden)}>{ t(Msg::SolutionNo) }</button>
            </div>
        },
        SolutionStep::Shown => html! {
            <div class="solution">
                <h3>{ t(Msg::SolutionTitle) }</h3>
                <pre class="md-code" id="solution-script"><code>{ lesson.solution.trim_end() }</code></pre>
                <button type="button" class="btn" id="btn-solution-insert" onclick={insert_solution}>
                    { t(Msg::SolutionInsert) }
                </button>
            </div>
        },
    };

    // Finishing.
    let finish = done.then(|| {
        let next = props.course.next_after(&lesson.id).map(|n| {
            let cb = props.on_open.clone();
            let id = n.id.clone();
            html! {
                <button type="button" class="btn btn-primary" id="btn-next-lesson" data-lesson={n.id.clone()}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(Some(id.clone())))}>
                    { fill(t(Msg::NextLesson), &[("title", n.title.get(code))]) }{ " →" }
                </button>
            }
        });
        let to_sandbox = {
            let cb = props.on_open.clone();
            Callback::from(move |_: MouseEvent| cb.emit(None))
        };
        html! {
            <section class="lesson-done" id="lesson-done" aria-labelledby="lesson-done-title">
                <h2 id="lesson-done-title"><span aria-hidden="true">{ "✓ " }</span>{ t(Msg::LessonDoneTitle) }</h2>
                <h3>{ t(Msg::LearnedTitle) }</h3>
                { markdown(lesson.learned.get(code)) }
                if let Some(score) = sandbox.score() {
                    <div class="lesson-score" id="lesson-score">
                        <h3>{ t(Msg::ScoreTitle) }</h3>
                        <ul>
                            <li id="score-commands">{ fill(t(Msg::ScoreCommands), &[("n", &score.commands.to_string())]) }</li>
                            <li id="score-traffic">{ fill(t(Msg::ScoreTraffic), &[
                                ("percent", &score.traffic_percent.to_string()),
                                ("sent", &score.sent.to_string()),
                                ("ok", &score.ok.to_string()),
                            ]) }</li>
                        </ul>
                    </div>
                }
                if let Some(next) = next {
                    { next }
                } else {
                    <p>{ t(Msg::CourseDone) }</p>
                    <button type="button" class="btn" id="btn-to-sandbox" onclick={to_sandbox}>
                        { t(Msg::BackToSandbox) }
                    </button>
                }
            </section>
        }
    });

    html! {
        <div class="lesson-body" data-lesson={lesson.id.clone()}>
            if sandbox.trying() {
                <div class="builder-trying" role="status">
                    <p>{ t(Msg::TryingNote) }</p>
                    <button type="button" class="btn btn-small" id="btn-back-to-builder"
                        onclick={let cb = props.on_builder.clone(); Callback::from(move |_: MouseEvent| cb.emit(()))}>
                        { "← " }{ t(Msg::BackToBuilder) }
                    </button>
                </div>
            }
            <h1 id="lesson-title">{ lesson.title.get(code) }</h1>
            <p class="lesson-summary">{ lesson.summary.get(code) }</p>
            if let Some(error) = &run.error {
                <p class="lesson-error" role="alert">{ fill(t(Msg::LessonError), &[("error", error)]) }</p>
            }
            { for intro }
            { start }
            <section class="lesson-goals" aria-labelledby="goals-title">
                <h2 id="goals-title">{ t(Msg::GoalsTitle) }</h2>
                if !started {
                    <p class="lesson-hint">{ t(Msg::GoalsNotStarted) }</p>
                }
                <ul class="goal-list" id="goal-list">{ for goal_items }</ul>
                <div class="visually-hidden" id="goal-announce" aria-live="polite" role="status">{ announce }</div>
            </section>
            { for finish }
            <section class="lesson-help" aria-labelledby="hints-title">
                <h2 id="hints-title">{ t(Msg::HintsTitle) }</h2>
                if *hints > 0 {
                    <ol class="hint-list" id="hint-list">
                        { for lesson.hints.iter().take(*hints).map(|h| html! { <li class="hint">{ markdown_inline(h.get(code)) }</li> }) }
                    </ol>
                }
                if total_hints > 0 {
                    <button type="button" class="btn" id="btn-hint" disabled={!more_hints} onclick={next_hint}>
                        { if more_hints {
                            fill(t(Msg::HintButton), &[("n", &(*hints + 1).to_string()), ("total", &total_hints.to_string())])
                        } else {
                            t(Msg::NoMoreHints).to_string()
                        } }
                    </button>
                }
                <div class="solution-area">{ solution_html }</div>
            </section>
            <div class="lesson-actions">
                <button type="button" class="btn" id="btn-reset-lesson" title={t(Msg::ResetLessonTitle)}
                    onclick={dispatch(Action::ResetLesson)}>
                    <Icon name={IconName::Reset} />{ t(Msg::ResetLesson) }
                </button>
            </div>
        </div>
    }
}

/// A demonstration page: the text before, the command, an optional prediction, Run, and once
/// it ran, the reveal and the text after.
fn demo_page(
    lang: Lang,
    page: usize,
    demo: &Demo,
    ran: bool,
    choice: Option<usize>,
    on_pick: Callback<usize>,
    on_run: Callback<MouseEvent>,
) -> Html {
    let code = lang.code();
    let t = |m| tr(lang, m);
    let predict = demo.predict.as_ref().map(|q| {
        let options = q.choices.iter().enumerate().map(|(j, c)| {
            let mark = match (ran, j == q.answer, choice == Some(j)) {
                (true, true, _) => Some(("✓", t(Msg::PredictAnswer))),
                (true, false, true) => Some(("✗", t(Msg::PredictYours))),
                _ => None,
            };
            let onchange = {
                let on_pick = on_pick.clone();
                Callback::from(move |_: Event| on_pick.emit(j))
            };
            html! {
                <li class={classes!("predict-choice", mark.map(|_| if j == q.answer { "answer" } else { "wrong" }))}>
                    <label>
                        <input type="radio" name={format!("predict-{page}")} value={j.to_string()}
                            checked={choice == Some(j)} disabled={ran} onchange={onchange} />
                        <span>{ markdown_inline(c.get(code)) }</span>
                        if let Some((icon, word)) = mark {
                            <span class="predict-mark">{ format!(" {icon} {word}") }</span>
                        }
                    </label>
                </li>
            }
        });
        let verdict = ran.then(|| {
            let answer = q.choices.get(q.answer).map_or("", |c| c.get(code));
            let (class, text) = match choice {
                Some(c) if c == q.answer => ("right", format!("✓ {}", t(Msg::PredictRight))),
                Some(_) => ("wrong", format!("✗ {}", fill(t(Msg::PredictWrong), &[("answer", answer)]))),
                None => ("none", format!("{}: {answer}", t(Msg::PredictAnswer))),
            };
            html! {
                <div class={classes!("predict-result", class)} id="predict-result" data-result={class}>
                    <p class="predict-verdict">{ text }</p>
                    { markdown(q.explain.get(code)) }
                </div>
            }
        });
        html! {
            <fieldset class="predict" id="predict">
                <legend>
                    <span class="predict-kicker">{ t(Msg::PredictTitle) }</span>
                    <span class="predict-question">{ markdown_inline(q.question.get(code)) }</span>
                </legend>
                <ul class="predict-choices">{ for options }</ul>
                { for verdict }
            </fieldset>
        }
    });
    let needs_choice = demo.predict.is_some() && choice.is_none() && !ran;
    let label = fill(
        t(Msg::RunDemoLabel),
        &[("command", demo.command.trim_end())],
    );
    html! {
        <div class="demo" data-ran={ran.to_string()}>
            { markdown(demo.before.get(code)) }
            <pre class="md-code demo-command"><code>{ demo.command.trim_end() }</code></pre>
            { for predict }
            if ran {
                <p class="demo-ran"><span aria-hidden="true">{ "✓ " }</span>{ t(Msg::DemoRan) }</p>
                { markdown(demo.after.get(code)) }
            } else {
                <button type="button" class="btn btn-primary" id="btn-run-demo" aria-label={label}
                    disabled={needs_choice} onclick={on_run}>
                    <Icon name={IconName::Play} />{ t(Msg::RunDemo) }
                </button>
                if needs_choice {
                    <p class="lesson-hint">{ t(Msg::PredictPick) }</p>
                }
            }
        </div>
    }
}
