//! Small helpers for the few places the app touches the DOM directly (focus and scrolling).
//! Each one does nothing when the element is missing.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, ScrollBehavior, ScrollIntoViewOptions, ScrollLogicalPosition};

fn element_by_id(id: &str) -> Option<Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// Moves keyboard focus to the element with `id`.
pub fn focus_id(id: &str) {
    if let Some(el) = element_by_id(id).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Scrolls the element with `id` into view within its scrolling container, as little as needed.
pub fn scroll_into_view(id: &str) {
    if let Some(el) = element_by_id(id) {
        let options = ScrollIntoViewOptions::new();
        options.set_block(ScrollLogicalPosition::Nearest);
        options.set_behavior(if prefers_reduced_motion() {
            ScrollBehavior::Auto
        } else {
            ScrollBehavior::Smooth
        });
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Scrolls an element to its bottom (the terminal and the log follow new output).
pub fn scroll_to_bottom(el: &Element) {
    el.set_scroll_top(el.scroll_height());
}

/// True when the user asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// For a key event's target: whether it is a text field, and whether that field holds text.
pub fn text_field_state(target: Option<web_sys::EventTarget>) -> (bool, bool) {
    let Some(target) = target else {
        return (false, false);
    };
    if let Some(area) = target.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return (true, !area.value().is_empty());
    }
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        let text_like = !matches!(
            input.type_().as_str(),
            "range" | "checkbox" | "radio" | "button" | "submit" | "reset"
        );
        return (text_like, text_like && !input.value().is_empty());
    }
    if target.dyn_ref::<web_sys::HtmlSelectElement>().is_some() {
        return (true, false);
    }
    let editable = target
        .dyn_ref::<HtmlElement>()
        .is_some_and(|e| e.is_content_editable());
    (editable, editable)
}
