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

/// Scrolls an element to its bottom (the terminal and the log follow new output) just before
/// the next frame is drawn. Its height is read then, when the frame lays the page out anyway;
/// read during a render it would force a style and layout pass of its own on every tick.
pub fn scroll_to_bottom(el: &Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let el = el.clone();
    let scroll = wasm_bindgen::closure::Closure::once_into_js(move || {
        el.set_scroll_top(el.scroll_height());
    });
    let _ = window.request_animation_frame(scroll.unchecked_ref());
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

/// The page's `location.hash` without its `#` (empty when there is none).
pub fn location_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// `location.origin + location.pathname`: the page's address without query or fragment.
pub fn page_address() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// Removes the fragment from the address bar without a reload or a history entry (a reload
/// then opens the page afresh instead of replaying a share link again).
pub fn clear_fragment() {
    if let Some(w) = web_sys::window() {
        let address = page_address();
        if let Ok(history) = w.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
        }
    }
}

/// Copies `text` with `navigator.clipboard.writeText` when the browser has it; `on_done` hears
/// whether it worked. Called through `Reflect` because web-sys gates the Clipboard API.
pub fn copy_text(text: &str, on_done: impl FnOnce(bool) + 'static) {
    let clipboard = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined() && !c.is_null());
    let promise = clipboard.and_then(|c| {
        let write = js_sys::Reflect::get(&c, &"writeText".into()).ok()?;
        let write = write.dyn_into::<js_sys::Function>().ok()?;
        write
            .call1(&c, &text.into())
            .ok()?
            .dyn_into::<js_sys::Promise>()
            .ok()
    });
    let Some(promise) = promise else {
        on_done(false);
        return;
    };
    let on_done = std::rc::Rc::new(std::cell::RefCell::new(Some(on_done)));
    let ok = {
        let on_done = on_done.clone();
        wasm_bindgen::closure::Closure::once(move |_: wasm_bindgen::JsValue| {
            if let Some(f) = on_done.borrow_mut().take() {
                f(true);
            }
        })
    };
    let failed = wasm_bindgen::closure::Closure::once(move |_: wasm_bindgen::JsValue| {
        if let Some(f) = on_done.borrow_mut().take() {
            f(false);
        }
    });
    let _ = promise.then2(&ok, &failed);
    ok.forget();
    failed.forget();
}

/// Selects the text of the input with `id` (so the student can copy it by hand).
pub fn select_input(id: &str) {
    if let Some(input) =
        element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
        let _ = input.focus();
    }
}

/// True when a key event's target is any form control (input, select, textarea, editable).
pub fn is_form_control(target: Option<&web_sys::EventTarget>) -> bool {
    target.is_some_and(|t| {
        t.dyn_ref::<web_sys::HtmlInputElement>().is_some()
            || t.dyn_ref::<web_sys::HtmlSelectElement>().is_some()
            || t.dyn_ref::<web_sys::HtmlTextAreaElement>().is_some()
            || t.dyn_ref::<HtmlElement>()
                .is_some_and(|e| e.is_content_editable())
    })
}

/// True when the `<details>` element with `id` exists and is open.
pub fn details_open(id: &str) -> bool {
    element_by_id(id).is_some_and(|e| e.has_attribute("open"))
}

/// Why a chosen file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileReadError {
    /// Larger than the limit (its size in bytes).
    TooLarge(u64),
    /// The browser could not read it, or it is not UTF-8 text.
    Unreadable,
}

/// Reads the first file chosen in a file `<input>` as text, refusing it unread when it is
/// larger than `max_bytes`; `on_done` hears the file's name and the text. The input is
/// cleared, so choosing the same file again reads it again. Nothing happens without a file.
pub fn read_chosen_file(
    input: &web_sys::HtmlInputElement,
    max_bytes: usize,
    on_done: impl FnOnce(String, Result<String, FileReadError>) + 'static,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    input.set_value("");
    let name = file.name();
    // `size` is a double in the DOM; files are far below 2^53 bytes.
    let size = file.size() as u64;
    if size > max_bytes as u64 {
        on_done(name, Err(FileReadError::TooLarge(size)));
        return;
    }
    let Ok(reader) = web_sys::FileReader::new() else {
        on_done(name, Err(FileReadError::Unreadable));
        return;
    };
    let on_done = std::rc::Rc::new(std::cell::RefCell::new(Some(on_done)));
    for kind in ["load", "error"] {
        let reader_for = reader.clone();
        let on_done = on_done.clone();
        let name = name.clone();
        // One of the two fires once; both are small, so they are left to the page (dropping
        // a listener from inside its own call is not allowed).
        gloo_events::EventListener::once(&reader, kind, move |_| {
            let text = reader_for
                .result()
                .ok()
                .and_then(|v| v.as_string())
                .ok_or(FileReadError::Unreadable);
            if let Some(f) = on_done.borrow_mut().take() {
                f(name, text);
            }
        })
        .forget();
    }
    if reader.read_as_text(&file).is_err() {
        if let Some(f) = on_done.borrow_mut().take() {
            f(name, Err(FileReadError::Unreadable));
        }
    }
}
