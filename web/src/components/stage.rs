//! The stage: the simulated clock, big, and the timeline of events along simulated time.
//!
//! Each event kind has a lane, a colour and a shape; marks after the frame being viewed are
//! faded; a vertical line marks the current time. Clicking a mark selects its event in the log.

use sim_core::time::format_duration_ms;
use sim_core::SimTime;
use yew::prelude::*;

use super::kind_icon::{mark_fill, mark_stroke};
use crate::i18n::{fill, tr, Lang, Msg};
use crate::state::Sandbox;
use crate::timeline::{axis_for, lanes, shape_path, Lane, Shape};

/// SVG user units: the timeline is drawn in this coordinate system and scaled to the width.
const WIDTH: f64 = 640.0;
/// Where the plot starts (the lane labels sit to the left of it).
const PLOT_LEFT: f64 = 204.0;
/// Where the plot ends.
const PLOT_RIGHT: f64 = 620.0;
/// Height of the tick-label band above the lanes.
const AXIS_HEIGHT: f64 = 44.0;
/// Height of one lane.
const LANE_HEIGHT: f64 = 30.0;
/// Half-size of a mark.
const MARK_R: f64 = 7.0;

/// Properties of [`Stage`].
#[derive(Properties, PartialEq)]
pub struct StageProps {
    /// UI language.
    pub lang: Lang,
    /// The app state.
    pub sandbox: UseReducerHandle<Sandbox>,
    /// The selected event's id.
    pub selected: Option<u64>,
    /// Selects an event (by id).
    pub on_select: Callback<u64>,
}

/// The centre pane's picture.
#[function_component(Stage)]
pub fn stage(props: &StageProps) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let sandbox = &*props.sandbox;
    let view = sandbox.view();
    let next_time = sandbox.session().sim().next_time();

    let in_past = view.frame < view.total_frames;
    // The lanes walk the whole timeline: once per state, not once per render (selecting a mark
    // re-renders the stage without changing the state).
    let lanes = {
        let sandbox = props.sandbox.clone();
        use_memo(sandbox.version(), move |_| {
            let present = sandbox.session().sim().log().len();
            sandbox.with_timeline(|events| lanes(events, present))
        })
    };
    let mut facts = vec![
        fill(
            t(Msg::FrameOf),
            &[
                ("frame", &view.frame.to_string()),
                ("total", &view.total_frames.to_string()),
            ],
        ),
        fill(t(Msg::EventCount), &[("count", &view.events.to_string())]),
        fill(
            t(Msg::ScheduledCount),
            &[("count", &view.scheduled.to_string())],
        ),
    ];
    if let Some(at) = next_time {
        facts.push(fill(t(Msg::NextAt), &[("time", &at.to_string())]));
    }

    html! {
        <section class="stage" aria-labelledby="stage-title">
            <h2 id="stage-title" class="visually-hidden">{ t(Msg::StageTitle) }</h2>
            <div class="clock-panel">
                <div id="clock" class="clock" role="timer" aria-live="off"
                    aria-describedby="clock-label">{ &view.clock }</div>
                <div class="clock-side">
                    <div class="clock-label" id="clock-label">{ t(Msg::SimulatedTime) }</div>
                    <ul class="stage-facts">
                    { for facts.into_iter().enumerate().map(|(i, f)| html! {
                        <li class={classes!((i == 0 && in_past).then_some("in-past"))}>{ f }</li>
                    }) }
                    </ul>
                </div>
            </div>
            { timeline(props, &lanes) }
        </section>
    }
}

fn timeline(props: &StageProps, lanes: &[Lane]) -> Html {
    let lang = props.lang;
    let t = |m| tr(lang, m);
    let sandbox = &*props.sandbox;
    let now_ms = sandbox.view().time_ms;
    if lanes.is_empty() {
        return html! {
            <div class="timeline-empty" id="timeline">
                <p>{ t(Msg::TimelineEmpty) }</p>
            </div>
        };
    }
    let has_future = lanes.iter().any(|l| l.marks.iter().any(|m| m.future));
    let axis = axis_for(sandbox.end_time_ms().max(now_ms));
    let x = |ms: u64| axis.x(ms, PLOT_LEFT, PLOT_RIGHT);
    let height = AXIS_HEIGHT + LANE_HEIGHT * lanes.len() as f64 + 8.0;
    let bottom = height - 4.0;

    let ticks = axis.ticks().into_iter().map(|tick| {
        let tx = x(tick);
        let anchor = if tick == axis.end_ms {
            "end"
        } else if tick == 0 {
            "start"
        } else {
            "middle"
        };
        html! {
            <g class="tick">
                <line x1={fmt(tx)} x2={fmt(tx)} y1="20" y2={fmt(bottom)} />
                <text x={fmt(tx)} y="16" text-anchor={anchor}>{ format_duration_ms(tick) }</text>
            </g>
        }
    });

    let lane_rows = lanes.iter().enumerate().map(|(i, lane)| {
        let top = AXIS_HEIGHT + LANE_HEIGHT * i as f64;
        let cy = top + LANE_HEIGHT / 2.0;
        let style = lane.style;
        let marks = lane.marks.iter().map(|m| {
            let mx = x(m.time_ms);
            let selected = props.selected.is_some_and(|id| m.ids.contains(&id));
            let label = fill(
                t(Msg::MarkLabel),
                &[
                    ("kind", &lane.kind),
                    ("count", &m.count.to_string()),
                    ("time", &SimTime(m.time_ms).to_string()),
                ],
            );
            let select = {
                let cb = props.on_select.clone();
                let id = m.last_id;
                Callback::from(move |_: MouseEvent| cb.emit(id))
            };
            let select_key = {
                let cb = props.on_select.clone();
                let id = m.last_id;
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        cb.emit(id);
                    }
                })
            };
            let span = match (style.shape, m.span_from_ms) {
                (Shape::Bar, Some(from)) => {
                    let x0 = x(from);
                    html! {
                        <rect class="span" x={fmt(x0)} y={fmt(cy - 4.0)} width={fmt((mx - x0).max(2.0))}
                            height="8" rx="2" fill={style.color} stroke={mark_stroke(style.shape, style.color)} />
                    }
                }
                _ => html! {},
            };
            let count = (m.count > 1).then(|| html! {
                <text class="mark-count" x={fmt(mx + MARK_R + 3.0)} y={fmt(cy + 4.0)}>
                    { format!("×{}", m.count) }
                </text>
            });
            html! {
                <g class={classes!("mark", m.future.then_some("future"), selected.then_some("selected"))}
                    role="button" tabindex="0" aria-label={label.clone()} aria-pressed={selected.to_string()}
                    data-event={m.last_id.to_string()} onclick={select} onkeydown={select_key}>
                    <title>{ label }</title>
                    { span }
                    if selected {
                        <circle class="mark-ring" cx={fmt(mx)} cy={fmt(cy)} r={fmt(MARK_R + 4.5)} />
                    }
                    <path d={shape_path(style.shape, mx, cy, MARK_R)} fill={mark_fill(style.shape, style.color)}
                        stroke={mark_stroke(style.shape, style.color)} stroke-width="1.5" />
                    { for count }
                </g>
            }
        });
        html! {
            <g class={classes!("lane", (i % 2 == 1).then_some("odd"))} data-kind={lane.kind.clone()}>
                <rect class="lane-bg" x="0" y={fmt(top)} width={fmt(WIDTH)} height={fmt(LANE_HEIGHT)} />
                <path d={shape_path(style.shape, 14.0, cy, 6.0)} fill={mark_fill(style.shape, style.color)}
                    stroke={mark_stroke(style.shape, style.color)} stroke-width="1.5" aria-hidden="true" />
                <text class="lane-label" x="28" y={fmt(cy + 4.5)}>{ &lane.kind }</text>
                { for marks }
            </g>
        }
    });

    let now_x = x(now_ms);
    let now_anchor = if now_x > PLOT_RIGHT - 90.0 {
        "end"
    } else {
        "start"
    };
    let now_label_x = if now_anchor == "end" {
        now_x - 6.0
    } else {
        now_x + 6.0
    };
    let now_text = format!("{} {}", t(Msg::Now), SimTime(now_ms));

    html! {
        <figure class="timeline-figure">
            <svg id="timeline" class="timeline" viewBox={format!("0 0 {WIDTH} {height}")}
                role="group" aria-label={t(Msg::TimelineLabel)} preserveAspectRatio="xMinYMin meet">
                <g class="axis">{ for ticks }</g>
                { for lane_rows }
                // Moved with a CSS transform, so it glides to its new place instead of jumping.
                <g class="now-line" aria-hidden="true" style={format!("transform: translateX({now_x:.1}px)")}>
                    <line x1="0" x2="0" y1={fmt(AXIS_HEIGHT - 20.0)} y2={fmt(bottom)} />
                    <text x={fmt(now_label_x - now_x)} y={fmt(AXIS_HEIGHT - 8.0)} text-anchor={now_anchor}>{ now_text }</text>
                </g>
            </svg>
            if has_future {
                <figcaption class="timeline-caption">{ t(Msg::FutureMarks) }</figcaption>
            }
        </figure>
    }
}

/// Formats an SVG coordinate with one decimal.
fn fmt(v: f64) -> String {
    format!("{v:.1}")
}
