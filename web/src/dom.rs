//! Small helpers for the few places the app touches the DOM directly (focus, scrolling,
//! downloads).
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

/// Saves `bytes` as a download named `name`: a Blob of type `mime`, an object URL for it, and a
/// click on a temporary `<a download>`. The URL is revoked a minute later (revoking it at once
/// can cancel the download in some browsers).
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let body = document.body().ok_or("no body")?;
    // Copies the bytes into JS memory, so the Blob does not depend on the wasm heap.
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.set_hidden(true);
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
