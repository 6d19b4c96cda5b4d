//! The lesson builder: the teacher records commands in the free sandbox, marks where the
//! student takes over, picks goals suggested from what changed since, writes the text in both
//! languages, tests the lesson (validated exactly as a file, then solved headlessly), exports
//! it as `ID.yaml` or tries it as the current lesson.
//!
//! The form's state ([`BuilderState`]) is owned by the app, so it outlives the panel while a
//! lesson is tried.

use std::rc::Rc;

use lessons::builder::{suggest_goals, to_yaml};
use lessons::{runner, Lesson, Problem, Text};
use sim_core::Session;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::builder::{Draft, Pick, Recording};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::{Action, Sandbox};

/// Where the student takes over: the session then, and the inputs it had.
#[derive(Clone, Debug)]
pub struct Mark {
    /// A copy of the session at the mark (the suggestions compare against it).
    pub session: Rc<Session>,
    /// The inputs before the mark (the setup).
    pub inputs: Rc<Vec<String>>,
}

impl PartialEq for Mark {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
    }
}

/// What "Test" found.
#[derive(Clone, Debug, PartialEq)]
pub enum TestOutcome {
    /// The lesson file is not valid: every problem.
    Problems(Vec<Problem>),
    /// The setup failed.
    RunError(String),
    /// The solution ran: each goal's label and whether it was met, the failed commands.
    Solved {
        /// Every goal met, nothing failed, not all met before.
        passed: bool,
        /// Every goal was met before the student's part.
        already_met: bool,
        /// Each goal: label, met, progress.
        goals: Vec<(Text, bool, String)>,
        /// Failed commands and their errors.
        failed: Vec<(String, String)>,
    },
}

/// The builder's state, kept by the app.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BuilderState {
    /// The form.
    pub draft: Draft,
    /// The mark, once set.
    pub mark: Option<Mark>,
    /// "Suggest goals" was pressed (so an empty list says why).
    pub suggested: bool,
    /// The last test's (or refused export's) outcome.
    pub outcome: Option<TestOutcome>,
}

impl BuilderState {
    /// The recording in `session`, when the mark is still a prefix of its inputs.
    fn recording(&self, session: &Session, seed: u64) -> Option<Recording> {
        let mark = self.mark.as_ref()?;
        let inputs: Vec<&str> = session.inputs().collect();
        let valid = inputs.len() >= mark.inputs.len()
            && inputs.iter().zip(mark.inputs.iter()).all(|(a, b)| a == b);
        valid.then(|| Recording::split(seed, inputs.into_iter(), mark.inputs.len()))
    }
}

/// Properties of [`BuilderPanel`].
#[derive(Properties, PartialEq)]
pub struct BuilderProps {
    /// UI language.
    pub lang: Lang,
    /// The app state (the free sandbox being recorded).
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The builder's state.
    pub state: UseStateHandle<BuilderState>,
    /// Closes the panel (after "Try it").
    pub on_close: Callback<()>,
}

/// Sets one field of the form from an input's value.
type Setter = Rc<dyn Fn(&mut BuilderState, String)>;

fn setter(f: impl Fn(&mut BuilderState, String) + 'static) -> Setter {
    Rc::new(f)
}

fn action(f: impl Fn(&mut BuilderState) + 'static) -> Rc<dyn Fn(&mut BuilderState)> {
    Rc::new(f)
}

/// Counts the lines of a script (its commands, here-documents counted as one).
fn count_commands(script: &str) -> usize {
    lessons::runner::demo_inputs(script)
        .iter()
        .filter(|l| !l.trim().is_empty())
        .count()
}

/// The lesson builder's panel.
#[function_component(BuilderPanel)]
pub fn builder_panel(props: &BuilderProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let state = &props.state;
    let sandbox = &props.sandbox;
    let recording = state.recording(&sandbox.session(), sandbox.base_seed());
    let typed = sandbox.session().inputs().count();

    let edit = |f: Setter| {
        let handle = state.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target()
                .and_then(|t| {
                    t.dyn_ref::<web_sys::HtmlInputElement>()
                        .map(|i| i.value())
                        .or_else(|| {
                            t.dyn_ref::<web_sys::HtmlTextAreaElement>()
                                .map(|a| a.value())
                        })
                })
                .unwrap_or_default();
            let mut next = (*handle).clone();
            f(&mut next, value);
            handle.set(next);
        })
    };
    let click = |f: Rc<dyn Fn(&mut BuilderState)>| {
        let handle = state.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*handle).clone();
            f(&mut next);
            handle.set(next);
        })
    };

    // 1. The mark.
    let on_mark = {
        let handle = state.clone();
        let sandbox = sandbox.clone();
        Callback::from(move |_: MouseEvent| {
            let session = sandbox.session().clone();
            let inputs = session.inputs().map(str::to_string).collect();
            let mut next = (*handle).clone();
            next.mark = Some(Mark {
                session: Rc::new(session),
                inputs: Rc::new(inputs),
            });
            next.suggested = false;
            next.outcome = None;
            handle.set(next);
        })
    };
    let mark_status = match (&state.mark, &recording) {
        (None, _) => fill(t(Msg::NotMarked), &[("n", &typed.to_string())]),
        (Some(_), None) => t(Msg::MarkLost).to_string(),
        (Some(_), Some(r)) => fill(
            t(Msg::MarkStatus),
            &[
                ("setup", &count_commands(&r.setup).to_string()),
                ("solution", &count_commands(&r.solution).to_string()),
            ],
        ),
    };
    let scripts = recording.as_ref().map(|r| {
        html! {
            <div class="builder-scripts">
                <details class="builder-script">
                    <summary>{ t(Msg::SetupLabel) }</summary>
                    <pre class="md-code" id="builder-setup"><code>{ r.setup.trim_end() }</code></pre>
                </details>
                <details class="builder-script" open=true>
                    <summary>{ t(Msg::SolutionLabel) }</summary>
                    <pre class="md-code" id="builder-solution"><code>{ r.solution.trim_end() }</code></pre>
                </details>
            </div>
        }
    });

    // 2. Goals.
    let on_suggest = {
        let handle = state.clone();
        let sandbox = sandbox.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*handle).clone();
            next.suggested = true;
            if let Some(mark) = &next.mark {
                let now = sandbox.session();
                let since = runner::since(&mark.session);
                let old = std::mem::take(&mut next.draft.goals);
                next.draft.goals = suggest_goals(&mark.session, &now, since)
                    .into_iter()
                    .map(|s| {
                        // A goal suggested again keeps its edited label and its tick.
                        old.iter()
                            .find(|p| p.goal.check == s.goal.check)
                            .cloned()
                            .unwrap_or(Pick {
                                goal: s.goal,
                                picked: false,
                            })
                    })
                    .collect();
            }
            handle.set(next);
        })
    };
    let goal_rows = state.draft.goals.iter().enumerate().map(|(i, p)| {
        let toggle = click(action(move |s| {
            if let Some(p) = s.draft.goals.get_mut(i) {
                p.picked = !p.picked;
            }
        }));
        let set_ko = edit(setter(move |s, v| {
            if let Some(p) = s.draft.goals.get_mut(i) {
                p.goal.text.ko = v;
            }
        }));
        let set_en = edit(setter(move |s, v| {
            if let Some(p) = s.draft.goals.get_mut(i) {
                p.goal.text.en = v;
            }
        }));
        let check = serde_json::to_string(&p.goal.check).unwrap_or_default();
        html! {
            <li class={classes!("builder-goal", p.picked.then_some("picked"))} data-picked={p.picked.to_string()}>
                <label class="builder-goal-pick">
                    <input type="checkbox" id={format!("builder-goal-{i}")} class="builder-goal-check"
                        checked={p.picked} onclick={toggle} />
                    <span>{ t(Msg::PickGoal) }</span>
                    <code class="builder-goal-code">{ check }</code>
                </label>
                <label class="builder-field">
                    <span>{ t(Msg::GoalTextKo) }</span>
                    <input type="text" id={format!("builder-goal-{i}-ko")} lang="ko"
                        value={p.goal.text.ko.clone()} oninput={set_ko} />
                </label>
                <label class="builder-field">
                    <span>{ t(Msg::GoalTextEn) }</span>
                    <input type="text" id={format!("builder-goal-{i}-en")} lang="en"
                        value={p.goal.text.en.clone()} oninput={set_en} />
                </label>
            </li>
        }
    });
    let goals_note = if state.mark.is_none() {
        Some(t(Msg::SuggestFirst))
    } else if state.suggested && state.draft.goals.is_empty() {
        Some(t(Msg::NoSuggestions))
    } else {
        None
    };

    // 3. Text fields.
    let pair = |id: &str, label: Msg, value: &Text, multiline: bool, ko: Setter, en: Setter| {
        let one = |lang_code: &'static str, name: Msg, v: &str, f: Setter| {
            let field_id = format!("{id}-{lang_code}");
            let oninput = edit(f);
            html! {
                <label class="builder-field">
                    <span class="builder-lang">{ t(name) }</span>
                    if multiline {
                        <textarea id={field_id} lang={lang_code} rows="2" value={v.to_string()} {oninput} />
                    } else {
                        <input type="text" id={field_id} lang={lang_code} value={v.to_string()} {oninput} />
                    }
                </label>
            }
        };
        html! {
            <fieldset class="builder-pair">
                <legend>{ t(label) }</legend>
                { one("ko", Msg::InKorean, &value.ko, ko) }
                { one("en", Msg::InEnglish, &value.en, en) }
            </fieldset>
        }
    };
    let d = &state.draft;
    let hints = d.hints.iter().enumerate().map(|(i, h)| {
        let n = (i + 1).to_string();
        let remove = click(action(move |s| {
            if i < s.draft.hints.len() {
                s.draft.hints.remove(i);
            }
        }));
        let label = fill(t(Msg::RemoveHint), &[("n", &n)]);
        html! {
            <li class="builder-hint">
                { pair(&format!("builder-hint-{i}"), Msg::FieldHints, h, true,
                    setter(move |s, v| if let Some(h) = s.draft.hints.get_mut(i) { h.ko = v }),
                    setter(move |s, v| if let Some(h) = s.draft.hints.get_mut(i) { h.en = v })) }
                <button type="button" class="btn btn-quiet btn-small" id={format!("btn-remove-hint-{i}")}
                    aria-label={label.clone()} title={label} onclick={remove}>
                    { "✕ " }{ fill(t(Msg::HintNumber), &[("n", &n)]) }
                </button>
            </li>
        }
    });
    let add_hint = click(action(|s| {
        if s.draft.hints.len() < lessons::MAX_ITEMS {
            s.draft.hints.push(Text::default());
        }
    }));

    // 4. Test, export, try.
    let build = {
        let sandbox = sandbox.clone();
        let handle = state.clone();
        move || -> Result<Lesson, ()> {
            let recording = handle
                .recording(&sandbox.session(), sandbox.base_seed())
                .unwrap_or_else(|| {
                    Recording::split(sandbox.base_seed(), sandbox.session().inputs(), 0)
                });
            match handle.draft.build(&recording) {
                Ok(lesson) => Ok(lesson),
                Err(p) => {
                    let mut next = (*handle).clone();
                    next.outcome = Some(TestOutcome::Problems(p.problems));
                    handle.set(next);
                    Err(())
                }
            }
        }
    };
    let on_test = {
        let build = build.clone();
        let handle = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Ok(lesson) = build() else { return };
            let outcome = match runner::solve(&lesson) {
                Err(e) => TestOutcome::RunError(e.to_string()),
                Ok(solved) => TestOutcome::Solved {
                    passed: solved.passed(),
                    already_met: !solved.before.is_empty() && solved.before.iter().all(|g| g.met),
                    goals: lesson
                        .goals
                        .iter()
                        .zip(&solved.after)
                        .map(|(g, s)| (g.text.clone(), s.met, s.progress.clone()))
                        .collect(),
                    failed: solved.failed.clone(),
                },
            };
            let mut next = (*handle).clone();
            next.outcome = Some(outcome);
            handle.set(next);
        })
    };
    let on_export = {
        let build = build.clone();
        let handle = state.clone();
        Callback::from(move |_: MouseEvent| {
            let Ok(lesson) = build() else { return };
            let text = to_yaml(&lesson);
            let _ = crate::dom::download_bytes(
                &handle.draft.file_name(),
                "application/yaml",
                text.as_bytes(),
            );
        })
    };
    let on_try = {
        let sandbox = sandbox.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| {
            let Ok(lesson) = build() else { return };
            sandbox.dispatch(Action::TryLesson(Rc::new(lesson)));
            on_close.emit(());
        })
    };

    let outcome = state
        .outcome
        .as_ref()
        .map(|o| outcome_view(lang, o))
        .unwrap_or_default();

    html! {
        <section class="lesson-body builder" id="builder" aria-labelledby="lesson-title">
            <h1 id="lesson-title">{ t(Msg::BuilderTitle) }</h1>
            <p class="lesson-hint">{ t(Msg::BuilderIntro) }</p>

            <h2>{ t(Msg::BuilderStepRecord) }</h2>
            <p class="builder-status" id="builder-mark-status" role="status">{ mark_status }</p>
            <button type="button" class="btn btn-primary" id="btn-mark-start" onclick={on_mark}>
                { if state.mark.is_some() { t(Msg::MarkAgain) } else { t(Msg::MarkStart) } }
            </button>
            { for scripts }

            <h2>{ t(Msg::BuilderStepGoals) }</h2>
            <button type="button" class="btn" id="btn-suggest-goals" disabled={state.mark.is_none()}
                onclick={on_suggest}>{ t(Msg::SuggestGoals) }</button>
            if let Some(note) = goals_note {
                <p class="lesson-hint" id="builder-goals-note">{ note }</p>
            }
            <ul class="builder-goals" id="builder-goals">{ for goal_rows }</ul>

            <h2>{ t(Msg::BuilderStepText) }</h2>
            <label class="builder-field">
                <span>{ t(Msg::FieldId) }</span>
                <input type="text" id="builder-id" value={d.id.clone()} spellcheck="false"
                    aria-describedby="builder-id-hint"
                    oninput={edit(setter(|s, v| s.draft.id = v))} />
                <small id="builder-id-hint" class="lesson-hint">{ t(Msg::FieldIdHint) }</small>
            </label>
            { pair("builder-title", Msg::FieldTitle, &d.title, false,
                setter(|s, v| s.draft.title.ko = v), setter(|s, v| s.draft.title.en = v)) }
            { pair("builder-summary", Msg::FieldSummary, &d.summary, true,
                setter(|s, v| s.draft.summary.ko = v), setter(|s, v| s.draft.summary.en = v)) }
            <ol class="builder-hints" id="builder-hints">{ for hints }</ol>
            <button type="button" class="btn btn-small" id="btn-add-hint" onclick={add_hint}>
                { "+ " }{ t(Msg::AddHint) }
            </button>
            { pair("builder-learned", Msg::FieldLearned, &d.learned, true,
                setter(|s, v| s.draft.learned.ko = v), setter(|s, v| s.draft.learned.en = v)) }
            <label class="builder-field">
                <span>{ t(Msg::FieldAllowed) }</span>
                <input type="text" id="builder-allowed" value={d.allowed.clone()} spellcheck="false"
                    placeholder="vm, host, docker" oninput={edit(setter(|s, v| s.draft.allowed = v))} />
            </label>

            <h2>{ t(Msg::BuilderStepCheck) }</h2>
            <div class="builder-actions">
                <button type="button" class="btn btn-primary" id="btn-builder-test" onclick={on_test}>
                    { t(Msg::TestLesson) }
                </button>
                <button type="button" class="btn" id="btn-builder-export" onclick={on_export}>
                    { t(Msg::ExportLesson) }
                </button>
                <button type="button" class="btn" id="btn-builder-try" onclick={on_try}>
                    { t(Msg::TryLesson) }
                </button>
            </div>
            <div class="builder-result" id="builder-result" aria-live="polite">{ outcome }</div>
        </section>
    }
}

/// A list of lesson-file problems, each with its field path (or line and column).
pub fn problem_list(lang: Lang, id: &str, item_class: &str, problems: &[Problem]) -> Html {
    let t = |m| tr(lang, m);
    let items = problems.iter().map(|p| {
        let place = match (&p.location, p.path.is_empty()) {
            (Some((line, column)), _) => fill(
                t(Msg::ProblemLocation),
                &[("line", &line.to_string()), ("column", &column.to_string())],
            ),
            (None, true) => t(Msg::WholeFile).to_string(),
            (None, false) => p.path.clone(),
        };
        html! {
            <li class={item_class.to_string()} data-path={p.path.clone()}>
                <code class="problem-path">{ place }</code>
                <span class="problem-message">{ p.message_in(lang.code()) }</span>
            </li>
        }
    });
    html! { <ul class="problem-list" id={id.to_string()}>{ for items }</ul> }
}

fn outcome_view(lang: Lang, outcome: &TestOutcome) -> Html {
    let t = |m| tr(lang, m);
    let code = lang.code();
    match outcome {
        TestOutcome::Problems(problems) => html! {
            <div class="builder-outcome failed" data-outcome="problems" role="alert">
                <p><strong>{ fill(t(Msg::TestProblems), &[("n", &problems.len().to_string())]) }</strong></p>
                { problem_list(lang, "builder-problems", "builder-problem", problems) }
            </div>
        },
        TestOutcome::RunError(e) => html! {
            <div class="builder-outcome failed" data-outcome="run-error" role="alert">
                <p>{ fill(t(Msg::TestRunError), &[("error", e)]) }</p>
            </div>
        },
        TestOutcome::Solved {
            passed,
            already_met,
            goals,
            failed,
        } => {
            let rows = goals.iter().map(|(text, met, progress)| {
                html! {
                    <li class={classes!("builder-test-goal", met.then_some("met"))} data-met={met.to_string()}>
                        <span aria-hidden="true" class="goal-icon">{ if *met { "✓" } else { "✗" } }</span>
                        <span class="visually-hidden">{ format!("{}: ", if *met { t(Msg::TestGoalMet) } else { t(Msg::TestGoalNotMet) }) }</span>
                        <span>{ text.get(code) }</span>
                        if !progress.is_empty() {
                            <span class="goal-progress">{ progress }</span>
                        }
                    </li>
                }
            });
            let failures = failed.iter().map(|(command, error)| {
                html! {
                    <li class="builder-failed-command">
                        { fill(t(Msg::TestFailedCommand), &[("command", command), ("error", error)]) }
                    </li>
                }
            });
            html! {
                <div class={classes!("builder-outcome", if *passed { "passed" } else { "failed" })}
                    data-outcome={if *passed { "passed" } else { "failed" }} role="status">
                    <p><strong>{ if *passed { t(Msg::TestPassed) } else { t(Msg::TestNotPassed) } }</strong></p>
                    <ul class="builder-test-goals" id="builder-test-goals">{ for rows }</ul>
                    if *already_met {
                        <p class="builder-warning">{ t(Msg::TestAlreadyMet) }</p>
                    }
                    if !failed.is_empty() {
                        <ul class="builder-failed" id="builder-failed">{ for failures }</ul>
                    }
                </div>
            }
        }
    }
}
