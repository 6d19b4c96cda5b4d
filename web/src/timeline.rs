//! The stage's timeline, as plain data: one lane per event kind, marks along simulated time,
//! a time axis with readable ticks, and the colour and shape each kind is drawn with.
//!
//! Kinds are matched by name with a neutral fallback, so kinds the core adds later are drawn
//! (in grey circles) before they get a style of their own.

use sim_core::Event;

/// Okabe–Ito colours (colour-blind safe), one per meaning.
pub mod palette {
    /// Orange.
    pub const ORANGE: &str = "#E69F00";
    /// Sky blue.
    pub const SKY_BLUE: &str = "#56B4E9";
    /// Bluish green.
    pub const BLUISH_GREEN: &str = "#009E73";
    /// Yellow.
    pub const YELLOW: &str = "#F0E442";
    /// Blue.
    pub const BLUE: &str = "#0072B2";
    /// Vermillion.
    pub const VERMILLION: &str = "#D55E00";
    /// Reddish purple.
    pub const REDDISH_PURPLE: &str = "#CC79A7";
    /// Neutral grey for kinds without a meaning of their own yet.
    pub const GREY: &str = "#6B6B6B";
}

/// A mark's shape: every kind has one, so colour is never the only cue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// ●
    Circle,
    /// ◆
    Diamond,
    /// ▲
    TriangleUp,
    /// ▼
    TriangleDown,
    /// ■
    Square,
    /// □
    HollowSquare,
    /// ✖
    Cross,
    /// ▬ (a span of time)
    Bar,
}

/// How one event kind is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindStyle {
    /// Fill colour.
    pub color: &'static str,
    /// Shape.
    pub shape: Shape,
    /// Position of the kind's lane (lower first).
    pub order: u32,
}

/// The style of an event kind, by its name (`EventKind::name`).
pub fn kind_style(kind: &str) -> KindStyle {
    let (color, shape, order) = match kind {
        "CommandRun" => (palette::BLUE, Shape::Circle, 0),
        "CommandScheduled" => (palette::SKY_BLUE, Shape::Diamond, 1),
        "ScheduledCommandRan" => (palette::BLUISH_GREEN, Shape::TriangleUp, 2),
        "ScheduledCommandFailed" => (palette::VERMILLION, Shape::Cross, 3),
        "FileWritten" => (palette::REDDISH_PURPLE, Shape::Square, 5),
        "FileRemoved" => (palette::REDDISH_PURPLE, Shape::HollowSquare, 6),
        "ClockAdvanced" => (palette::YELLOW, Shape::Bar, 7),
        // Images: blues for what enters the store, orange for build work, vermillion for
        // deletions, bluish green for names.
        "BuildStep" => (palette::ORANGE, Shape::Diamond, 10),
        "ImageBuilt" => (palette::BLUE, Shape::Square, 11),
        "ImagePulled" => (palette::SKY_BLUE, Shape::Square, 12),
        "LayerStored" => (palette::SKY_BLUE, Shape::TriangleUp, 13),
        "ImageTagged" => (palette::BLUISH_GREEN, Shape::Circle, 14),
        "ImageUntagged" => (palette::BLUISH_GREEN, Shape::HollowSquare, 15),
        "ImageDeleted" => (palette::VERMILLION, Shape::HollowSquare, 16),
        "LayerDeleted" => (palette::VERMILLION, Shape::TriangleDown, 17),
        _ => (palette::GREY, Shape::Circle, 100),
    };
    KindStyle {
        color,
        shape,
        order,
    }
}

/// An SVG path for `shape` centred on (`cx`, `cy`) with half-size `r`.
pub fn shape_path(shape: Shape, cx: f64, cy: f64, r: f64) -> String {
    let p = |x: f64, y: f64| format!("{:.1},{:.1}", cx + x, cy + y);
    match shape {
        Shape::Circle => format!(
            "M{} a{r:.1},{r:.1} 0 1,0 {:.1},0 a{r:.1},{r:.1} 0 1,0 {:.1},0 Z",
            p(-r, 0.0),
            2.0 * r,
            -2.0 * r
        ),
        Shape::Diamond => format!(
            "M{} L{} L{} L{} Z",
            p(0.0, -r),
            p(r, 0.0),
            p(0.0, r),
            p(-r, 0.0)
        ),
        Shape::TriangleUp => format!("M{} L{} L{} Z", p(0.0, -r), p(r, r * 0.8), p(-r, r * 0.8)),
        Shape::TriangleDown => {
            format!("M{} L{} L{} Z", p(-r, -r * 0.8), p(r, -r * 0.8), p(0.0, r))
        }
        Shape::Square | Shape::HollowSquare => {
            let s = r * 0.85;
            format!("M{} L{} L{} L{} Z", p(-s, -s), p(s, -s), p(s, s), p(-s, s))
        }
        Shape::Cross => {
            let w = r * 0.35;
            format!(
                "M{} L{} L{} L{} L{} L{} L{} L{} L{} L{} L{} L{} Z",
                p(-r, -r + w),
                p(-r + w, -r),
                p(0.0, -w),
                p(r - w, -r),
                p(r, -r + w),
                p(w, 0.0),
                p(r, r - w),
                p(r - w, r),
                p(0.0, w),
                p(-r + w, r),
                p(-r, r - w),
                p(-w, 0.0)
            )
        }
        Shape::Bar => {
            let h = r * 0.5;
            format!("M{} L{} L{} L{} Z", p(-r, -h), p(r, -h), p(r, h), p(-r, h))
        }
    }
}

/// Events of one kind at one instant, drawn as one mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Their time, in simulated milliseconds.
    pub time_ms: u64,
    /// How many events the mark stands for.
    pub count: usize,
    /// The newest event's id (what clicking the mark selects).
    pub last_id: u64,
    /// Every event's id, oldest first.
    pub ids: Vec<u64>,
    /// For `ClockAdvanced`: where the span of time it skipped starts.
    pub span_from_ms: Option<u64>,
    /// True when every event of the mark lies after the frame being viewed.
    pub future: bool,
}

/// One lane of the timeline: every mark of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    /// The kind's name.
    pub kind: String,
    /// Its style.
    pub style: KindStyle,
    /// Its marks, oldest first.
    pub marks: Vec<Mark>,
}

/// Groups `events` into lanes; events from index `present` on are in the future of the frame
/// being viewed.
pub fn lanes(events: &[Event], present: usize) -> Vec<Lane> {
    let mut lanes: Vec<Lane> = Vec::new();
    for (index, e) in events.iter().enumerate() {
        let kind = e.kind.name();
        let future = index >= present;
        let lane = match lanes.iter().position(|l| l.kind == kind) {
            Some(i) => &mut lanes[i],
            None => {
                lanes.push(Lane {
                    kind: kind.to_string(),
                    style: kind_style(kind),
                    marks: Vec::new(),
                });
                lanes.last_mut().expect("just pushed")
            }
        };
        let span_from_ms = match e.kind {
            sim_core::EventKind::ClockAdvanced { by_ms } => {
                Some(e.time.as_ms().saturating_sub(by_ms))
            }
            _ => None,
        };
        match lane.marks.last_mut() {
            Some(m) if m.time_ms == e.time.as_ms() && m.future == future => {
                m.count += 1;
                m.last_id = e.id.0;
                m.ids.push(e.id.0);
            }
            _ => lane.marks.push(Mark {
                time_ms: e.time.as_ms(),
                count: 1,
                last_id: e.id.0,
                ids: vec![e.id.0],
                span_from_ms,
                future,
            }),
        }
    }
    lanes.sort_by(|a, b| (a.style.order, &a.kind).cmp(&(b.style.order, &b.kind)));
    lanes
}

/// The visible span of the time axis and the spacing of its ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Axis {
    /// The time at the right edge, in milliseconds.
    pub end_ms: u64,
    /// Milliseconds between ticks.
    pub tick_ms: u64,
}

/// Tick spacings a reader takes in at a glance.
const NICE_TICKS_MS: &[u64] = &[
    100,
    200,
    500,
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    21_600_000,
    43_200_000,
    86_400_000,
    172_800_000,
    604_800_000,
];

/// Most ticks drawn on the axis.
pub const MAX_TICKS: u64 = 6;

/// An axis that shows everything up to `latest_ms` (and at least 10 s) with at most
/// [`MAX_TICKS`] intervals.
pub fn axis_for(latest_ms: u64) -> Axis {
    let span = latest_ms.max(10_000);
    let tick_ms = NICE_TICKS_MS
        .iter()
        .copied()
        .find(|t| span.div_ceil(*t) <= MAX_TICKS)
        .unwrap_or_else(|| span.div_ceil(MAX_TICKS));
    Axis {
        end_ms: span.div_ceil(tick_ms) * tick_ms,
        tick_ms,
    }
}

impl Axis {
    /// The tick times, from 0 to the end.
    pub fn ticks(&self) -> Vec<u64> {
        (0..=self.end_ms / self.tick_ms)
            .map(|i| i * self.tick_ms)
            .collect()
    }

    /// The horizontal position of `time_ms` between `left` and `right`.
    pub fn x(&self, time_ms: u64, left: f64, right: f64) -> f64 {
        let fraction = time_ms.min(self.end_ms) as f64 / self.end_ms.max(1) as f64;
        left + fraction * (right - left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{Session, SimConfig};

    #[test]
    fn axis_has_nice_ticks_and_covers_the_latest_time() {
        assert_eq!(
            axis_for(0),
            Axis {
                end_ms: 10_000,
                tick_ms: 2_000
            }
        );
        assert_eq!(
            axis_for(30_000),
            Axis {
                end_ms: 30_000,
                tick_ms: 5_000
            }
        );
        assert_eq!(
            axis_for(31_000),
            Axis {
                end_ms: 40_000,
                tick_ms: 10_000
            }
        );
        let a = axis_for(3_600_000 * 5);
        assert!(a.end_ms >= 3_600_000 * 5 && a.end_ms / a.tick_ms <= MAX_TICKS);
        assert_eq!(axis_for(0).ticks(), [0, 2_000, 4_000, 6_000, 8_000, 10_000]);
        let huge = axis_for(u64::MAX / 4);
        assert!(huge.end_ms >= u64::MAX / 4);
    }

    #[test]
    fn every_known_kind_has_its_own_colour_and_shape_pair() {
        let kinds = [
            "CommandRun",
            "CommandScheduled",
            "ScheduledCommandRan",
            "ScheduledCommandFailed",
            "FileWritten",
            "FileRemoved",
            "ClockAdvanced",
            "BuildStep",
            "ImageBuilt",
            "ImagePulled",
            "LayerStored",
            "ImageTagged",
            "ImageUntagged",
            "ImageDeleted",
            "LayerDeleted",
        ];
        let styles: Vec<_> = kinds.iter().map(|k| kind_style(k)).collect();
        for (i, a) in styles.iter().enumerate() {
            for b in &styles[i + 1..] {
                assert!((a.color, a.shape) != (b.color, b.shape), "{a:?} {b:?}");
            }
        }
        assert_eq!(kind_style("SomethingNew").color, palette::GREY);
    }

    #[test]
    fn events_at_one_instant_share_a_mark_and_the_future_is_flagged() {
        let mut s = Session::new(SimConfig::default());
        s.submit("after 10s echo hi\nrun 30s\n");
        let log = s.sim().log().to_vec();
        let lanes = lanes(&log, 3);
        let commands = lanes.iter().find(|l| l.kind == "CommandRun").unwrap();
        // `after` and `run` at 0 s, then the scheduled echo at 10 s.
        assert_eq!(commands.marks[0].time_ms, 0);
        assert_eq!(commands.marks[0].ids, [1, 3]);
        assert!(commands
            .marks
            .iter()
            .any(|m| m.time_ms == 10_000 && m.future));
        let clock = lanes.iter().find(|l| l.kind == "ClockAdvanced").unwrap();
        assert_eq!(clock.marks[0].span_from_ms, Some(10_000));
        assert_eq!(clock.marks[0].time_ms, 30_000);
        assert_eq!(lanes[0].kind, "CommandRun");
    }

    #[test]
    fn shape_paths_are_closed_and_centred() {
        for shape in [
            Shape::Circle,
            Shape::Diamond,
            Shape::TriangleUp,
            Shape::TriangleDown,
            Shape::Square,
            Shape::HollowSquare,
            Shape::Cross,
            Shape::Bar,
        ] {
            let d = shape_path(shape, 10.0, 10.0, 5.0);
            assert!(d.starts_with('M') && d.ends_with('Z'), "{shape:?}: {d}");
        }
    }
}
