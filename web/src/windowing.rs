//! Windowing for long lists (the node boxes and chaos rows of a map with hundreds of nodes, a
//! long event log): only the children in or near the viewport are drawn in full; the others
//! stay in the DOM, smaller, with what tells them apart (name, labels, data attributes, the
//! event log's cause links) and the height they last had, so a screen reader still finds every
//! node and event and a keyboard still reaches them (a windowed node box or chaos row is a tab
//! stop; focusing one scrolls it into view, which draws it).
//!
//! Why: a 500-node map drawn in full is ~20,000 elements and a 400-row log ~5,000 that the
//! browser restyles, lays out, pre-paints and (for `content-visibility: auto`) intersects with
//! the viewport on every tick, although a dozen boxes and rows are visible.
//!
//! What is near the viewport is measured when the page (or a scroller holding the list)
//! scrolls or resizes, or the list changes length — not because a tick changed what the boxes
//! say — at most once per animation frame, before that frame is drawn; the drawn range changes
//! (and the list renders again) only when it no longer covers the view.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use gloo_render::AnimationFrame;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Children drawn before the first measurement (a tab opens at the top of its list).
pub const FIRST_DRAWN: usize = 60;

/// How far beyond the viewport, in viewport heights, children are drawn when the range is
/// measured anew: a scroll of up to one screen shows boxes already drawn.
const MARGIN_VIEWPORTS: f64 = 1.0;
/// The drawn range is kept (no render) while it still covers this much beyond the viewport
/// and reaches no farther than [`KEEP_VIEWPORTS`]: a list that scrolls a row at a time (the
/// event log following new events) is drawn anew every few screens' worth of rows, not on
/// every row.
const MUST_VIEWPORTS: f64 = 0.5;
/// See [`MUST_VIEWPORTS`].
const KEEP_VIEWPORTS: f64 = 1.5;

/// Heights remembered at most; past it they are forgotten (and measured again when drawn).
const MAX_KEYS: usize = 10_000;

/// The first index in `0..len` where `pred` holds, for a `pred` that is false and then true
/// over the indices (the children of a list, in order: their tops and bottoms never go up).
pub fn first_where(len: usize, mut pred: impl FnMut(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// The children of a list to draw: those whose box reaches into `top..=bottom` (viewport
/// coordinates), given each child's `(top, bottom)`.
pub fn visible_range(
    len: usize,
    rect: impl Fn(usize) -> (f64, f64),
    top: f64,
    bottom: f64,
) -> Range<usize> {
    let start = first_where(len, |i| rect(i).1 >= top);
    let end = first_where(len, |i| rect(i).0 > bottom);
    start..end.max(start)
}

/// The heights windowed children had when last drawn, by key, so an undrawn one keeps its size
/// (the scroll bar and everything below stay where they were).
pub struct Heights {
    by_key: RefCell<BTreeMap<String, u32>>,
    typical: Cell<Option<u32>>,
    default_px: u32,
}

impl Heights {
    /// No heights known yet; `default_px` until one is.
    pub fn new(default_px: u32) -> Heights {
        Heights {
            by_key: RefCell::default(),
            typical: Cell::new(None),
            default_px,
        }
    }

    /// The height for the child `key` while it is not drawn.
    pub fn of(&self, key: &str) -> u32 {
        self.by_key
            .borrow()
            .get(key)
            .copied()
            .or(self.typical.get())
            .unwrap_or(self.default_px)
    }

    /// Remembers the heights just measured; the typical height becomes their median.
    fn record(&self, mut measured: Vec<(String, u32)>) {
        if measured.is_empty() {
            return;
        }
        measured.sort_unstable_by_key(|(_, px)| *px);
        self.typical.set(Some(measured[measured.len() / 2].1));
        let mut by_key = self.by_key.borrow_mut();
        // A list whose keys keep changing (the event log's rows) would grow this forever.
        if by_key.len() > MAX_KEYS {
            by_key.clear();
        }
        by_key.extend(measured);
    }
}

/// The range of `list`'s `len` children to draw in full; all of them when `enabled` is false.
/// Each child must carry its key in the attribute `key_attr`, and an undrawn child the class
/// `placeholder`; one never drawn is given `default_px` (CSS pixels) as its height.
#[hook]
pub fn use_drawn_range(
    list: NodeRef,
    len: usize,
    enabled: bool,
    key_attr: &'static str,
    default_px: u32,
) -> (Range<usize>, Rc<Heights>) {
    // The drawn range and the list's length when it was measured.
    let range = use_state_eq(|| (0..FIRST_DRAWN, 0));
    // The same, readable from the measuring callback (which holds only a setter).
    let current = use_mut_ref(|| (0..FIRST_DRAWN, 0));
    let heights = use_memo((), move |_| Heights::new(default_px));
    {
        let range = range.setter();
        let heights = heights.clone();
        use_effect_with((enabled, len), move |&(enabled, _)| {
            let listeners = enabled.then(|| {
                let scrolled_list = list.clone();
                // The frame last requested (kept until the next, so its callback is never
                // dropped while it runs) and whether it is still to come.
                let frame: Rc<RefCell<Option<AnimationFrame>>> = Rc::default();
                let pending = Rc::new(Cell::new(false));
                let schedule = Rc::new(move || {
                    if pending.replace(true) {
                        return;
                    }
                    let list = list.clone();
                    let range = range.clone();
                    let current = current.clone();
                    let heights = heights.clone();
                    let pending = pending.clone();
                    let next = gloo_render::request_animation_frame(move |_| {
                        pending.set(false);
                        settle(Settle {
                            list,
                            key_attr,
                            heights,
                            current,
                            range,
                            rounds: SETTLE_ROUNDS,
                        });
                    });
                    *frame.borrow_mut() = Some(next);
                });
                schedule();
                let window = web_sys::window().expect("a window");
                let options = EventListenerOptions {
                    phase: EventListenerPhase::Capture,
                    passive: true,
                };
                let on_scroll = schedule.clone();
                // Capturing on the window sees every scroll, the stage's own included; only the
                // page's and those of the list's ancestors move the list (not the event log's
                // or the terminal's, which follow their output on every tick).
                let scroll =
                    EventListener::new_with_options(&window, "scroll", options, move |e| {
                        let moves_list =
                            match e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok()) {
                                Some(node) => scrolled_list
                                    .get()
                                    .is_some_and(|list| node.contains(Some(&list))),
                                None => true,
                            };
                        if moves_list {
                            on_scroll();
                        }
                    });
                let resize = EventListener::new(&window, "resize", move |_| schedule());
                (scroll, resize)
            });
            move || drop(listeners)
        });
    }
    let drawn = if enabled {
        let (range, measured_len) = &*range;
        range.start.min(len)..drawn_end(range, *measured_len, len)
    } else {
        0..len
    };
    (drawn, heights)
}

/// Measurements after a range change: drawn children take their own heights, which moves the
/// ones after them, so the range is measured again (at most this many frames in a row; a scroll
/// or resize measures again too). One: with three, a scrubber jump over the longest lesson
/// re-measured the event log for frames and its slowest jumps passed 50 ms (max 49–56 ms; with
/// one, 37–43 ms).
const SETTLE_ROUNDS: u32 = 1;

/// What [`settle`] works on.
struct Settle {
    list: NodeRef,
    key_attr: &'static str,
    heights: Rc<Heights>,
    /// The drawn range and the length it was measured at, as last set.
    current: Rc<RefCell<(Range<usize>, usize)>>,
    range: UseStateSetter<(Range<usize>, usize)>,
    rounds: u32,
}

/// Measures the list and, when the drawn range no longer fits the viewport, sets a new one and
/// measures again in the next frame (up to `rounds` times).
fn settle(s: Settle) {
    let Some(m) = measure(&s.list, s.key_attr, &s.heights) else {
        return;
    };
    let (drawn, measured_len) = s.current.borrow().clone();
    let end = drawn_end(&drawn, measured_len, m.len);
    let covers = drawn.start <= m.must.start && end >= m.must.end;
    let tight = drawn.start >= m.keep.start && end <= m.keep.end;
    if covers && tight {
        return;
    }
    *s.current.borrow_mut() = (m.want.clone(), m.len);
    s.range.set((m.want, m.len));
    if s.rounds == 0 {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    // Freed after it runs; after an unmount the list is gone and `measure` stops it.
    let again = wasm_bindgen::closure::Closure::once_into_js(move || {
        settle(Settle {
            rounds: s.rounds - 1,
            ..s
        })
    });
    let _ = window.request_animation_frame(again.unchecked_ref());
}

/// Where a drawn range measured over `measured_len` children ends now that there are `len`:
/// children added since, after a range that reached the list's end, are drawn (a list that
/// follows its end, as the event log does, shows what it appends).
fn drawn_end(range: &Range<usize>, measured_len: usize, len: usize) -> usize {
    if measured_len > 0 && range.end >= measured_len {
        len
    } else {
        range.end.min(len)
    }
}

/// What one measurement found: the children to draw, within [`MUST_VIEWPORTS`],
/// [`MARGIN_VIEWPORTS`] and [`KEEP_VIEWPORTS`] of the viewport, and how many there are.
struct Measured {
    must: Range<usize>,
    want: Range<usize>,
    keep: Range<usize>,
    len: usize,
}

/// Which children of `list` are in or near the viewport now; records the heights of the drawn
/// ones. `None` when the list is not on the page.
fn measure(list: &NodeRef, key_attr: &str, heights: &Heights) -> Option<Measured> {
    let list = list.cast::<web_sys::Element>()?;
    let view = web_sys::window()?.inner_height().ok()?.as_f64()?;
    let margin = view * MARGIN_VIEWPORTS;
    let children = list.children();
    let len = children.length() as usize;
    // A list whose parent (its panel) is far from the viewport draws nothing. Checked on the
    // parent, whose own box is laid out even while `content-visibility` skips its contents.
    if let Some(parent) = list.parent_element() {
        let r = parent.get_bounding_client_rect();
        if r.bottom() < -margin || r.top() > view + margin {
            return Some(Measured {
                must: 0..0,
                want: 0..0,
                keep: 0..0,
                len,
            });
        }
    }
    let child = |i: usize| children.item(i as u32);
    let rect = |i: usize| {
        child(i).map_or((0.0, 0.0), |c| {
            let r = c.get_bounding_client_rect();
            (r.top(), r.bottom())
        })
    };
    let within = |viewports: f64| {
        let margin = view * viewports;
        visible_range(len, rect, -margin, view + margin)
    };
    let drawn = within(MARGIN_VIEWPORTS);
    let mut measured = Vec::new();
    for i in drawn.clone() {
        let Some(c) = child(i) else { continue };
        let placeholder = c
            .get_attribute("class")
            .is_some_and(|class| class.split_whitespace().any(|c| c == "placeholder"));
        if placeholder {
            continue;
        }
        if let (Some(key), Ok(el)) = (
            c.get_attribute(key_attr),
            c.dyn_into::<web_sys::HtmlElement>(),
        ) {
            measured.push((key, u32::try_from(el.offset_height()).unwrap_or(0)));
        }
    }
    heights.record(measured);
    Some(Measured {
        must: within(MUST_VIEWPORTS),
        keep: within(KEEP_VIEWPORTS),
        want: drawn,
        len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_where_finds_the_boundary() {
        let v = [1, 3, 5, 7, 9];
        assert_eq!(first_where(v.len(), |i| v[i] >= 5), 2);
        assert_eq!(first_where(v.len(), |i| v[i] >= 0), 0);
        assert_eq!(first_where(v.len(), |i| v[i] > 9), 5);
        assert_eq!(first_where(0, |_| true), 0);
    }

    #[test]
    fn visible_range_takes_whole_rows_that_reach_the_view() {
        // Three columns, rows 100 px tall starting at -500 (scrolled down five rows).
        let rect = |i: usize| {
            let top = -500.0 + (i / 3) as f64 * 100.0;
            (top, top + 100.0)
        };
        // View 0..300 with no margin: rows 4 to 8 (row 4 ends at 0 and row 8 starts at 300).
        assert_eq!(visible_range(30, rect, 0.0, 300.0), 12..27);
        // Everything above the list's end.
        assert_eq!(visible_range(30, rect, 10_000.0, 20_000.0), 30..30);
        assert_eq!(visible_range(30, rect, -10_000.0, -9_000.0), 0..0);
    }
}
