//! Windowing for long lists of boxes (the node boxes of a map with hundreds of nodes): only the
//! children in or near the viewport are drawn in full; the others stay in the DOM as boxes with
//! their name, their labels and data attributes and the height they last had, so a screen
//! reader still finds every node and a keyboard still reaches it (each box is a tab stop in a
//! windowed list; focusing one scrolls it into view, which draws it).
//!
//! Why: a 500-node map drawn in full is ~20,000 elements that the browser restyles, lays out,
//! pre-paints and (for `content-visibility: auto`) intersects with the viewport on every tick,
//! although a dozen boxes are visible.
//!
//! What is near the viewport is measured when the page scrolls or resizes or the list changes
//! length — never on a tick, which changes what boxes say, not where they are — and at most
//! once per animation frame, before that frame is drawn.

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

/// How far beyond the viewport, in viewport heights, children are still drawn: a scroll of up
/// to one screen shows boxes already drawn.
const MARGIN_VIEWPORTS: f64 = 1.0;

/// The height a box is given before it has ever been drawn, in CSS pixels (a large map's node
/// box: name, three request bars, a row of chips and the counts).
pub const DEFAULT_HEIGHT_PX: u32 = 170;

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
#[derive(Default)]
pub struct Heights {
    by_key: RefCell<BTreeMap<String, u32>>,
    typical: Cell<Option<u32>>,
}

impl Heights {
    /// The height for the child `key` while it is not drawn.
    pub fn of(&self, key: &str) -> u32 {
        self.by_key
            .borrow()
            .get(key)
            .copied()
            .or(self.typical.get())
            .unwrap_or(DEFAULT_HEIGHT_PX)
    }

    fn record(&self, key: String, px: u32) {
        let mut by_key = self.by_key.borrow_mut();
        by_key.insert(key, px);
        let mut all: Vec<u32> = by_key.values().copied().collect();
        all.sort_unstable();
        self.typical.set(all.get(all.len() / 2).copied());
    }
}

/// The range of `list`'s `len` children to draw in full; all of them when `enabled` is false.
/// Each child must carry its key in the attribute `key_attr`, and an undrawn child the class
/// `placeholder`.
#[hook]
pub fn use_drawn_range(
    list: NodeRef,
    len: usize,
    enabled: bool,
    key_attr: &'static str,
) -> (Range<usize>, Rc<Heights>) {
    let range = use_state_eq(|| 0..FIRST_DRAWN);
    let heights = use_memo((), |_| Heights::default());
    {
        let range = range.setter();
        let heights = heights.clone();
        use_effect_with((enabled, len), move |&(enabled, _)| {
            let listeners = enabled.then(|| {
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
                    let heights = heights.clone();
                    let pending = pending.clone();
                    let next = gloo_render::request_animation_frame(move |_| {
                        pending.set(false);
                        if let Some(drawn) = measure(&list, key_attr, &heights) {
                            range.set(drawn);
                        }
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
                // Capturing on the window sees every scroll, the stage's own included.
                let scroll =
                    EventListener::new_with_options(&window, "scroll", options, move |_| {
                        on_scroll()
                    });
                let resize = EventListener::new(&window, "resize", move |_| schedule());
                (scroll, resize)
            });
            move || drop(listeners)
        });
    }
    let drawn = if enabled {
        range.start.min(len)..range.end.min(len)
    } else {
        0..len
    };
    (drawn, heights)
}

/// Which children of `list` are in or near the viewport now; records the heights of the drawn
/// ones. `None` when the list is not on the page.
fn measure(list: &NodeRef, key_attr: &str, heights: &Heights) -> Option<Range<usize>> {
    let list = list.cast::<web_sys::Element>()?;
    let view = web_sys::window()?.inner_height().ok()?.as_f64()?;
    let margin = view * MARGIN_VIEWPORTS;
    let children = list.children();
    let len = children.length() as usize;
    let child = |i: usize| children.item(i as u32);
    let rect = |i: usize| {
        child(i).map_or((0.0, 0.0), |c| {
            let r = c.get_bounding_client_rect();
            (r.top(), r.bottom())
        })
    };
    let drawn = visible_range(len, rect, -margin, view + margin);
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
            heights.record(key, u32::try_from(el.offset_height()).unwrap_or(0));
        }
    }
    Some(drawn)
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
