//! Browser-only checks: localStorage, the web layer's submit path compiled to wasm, and the
//! mounted app reacting to a typed command.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use sim_core::{Session, SimConfig};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web::i18n::Lang;
use web::prefs::{load_lang, save_lang, LANG_KEY};
use web::state::{Action, Sandbox};

wasm_bindgen_test_configure!(run_in_browser);

fn storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .expect("the test browser has localStorage")
}

fn browser_default() -> Lang {
    Lang::from_navigator(web_sys::window().unwrap().navigator().language().as_deref())
}

#[wasm_bindgen_test]
fn a_corrupt_stored_language_is_ignored() {
    let s = storage();
    for garbage in ["", "klingon", "EN-us", "{\"lang\":\"ko\"}", "null"] {
        s.set_item(LANG_KEY, garbage).unwrap();
        assert_eq!(load_lang(), browser_default(), "stored {garbage:?}");
    }
    s.remove_item(LANG_KEY).unwrap();
    assert_eq!(load_lang(), browser_default());
}

#[wasm_bindgen_test]
fn a_saved_language_is_loaded_back() {
    for lang in Lang::ALL {
        save_lang(lang);
        assert_eq!(
            storage().get_item(LANG_KEY).unwrap().as_deref(),
            Some(lang.code())
        );
        assert_eq!(load_lang(), lang);
    }
    storage().remove_item(LANG_KEY).unwrap();
}

const SCRIPT: &str = "\
cat > hello.txt <<EOF
hello
EOF
echo more >> hello.txt
after 10s echo hi
after 5s rm hello.txt
run 30s
after 1s ls
step
";

#[wasm_bindgen_test]
fn the_submit_path_is_deterministic_in_wasm_and_seeking_replays_it() {
    let run = || {
        let mut sandbox = Sandbox::default();
        sandbox.apply(Action::Submit(SCRIPT.into()));
        sandbox
    };
    let (a, b) = (run(), run());
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.trace_hash().len(), 64);

    // The same as the core on its own, in the same wasm.
    let mut session = Session::new(SimConfig::default());
    session.submit(SCRIPT);
    assert_eq!(a.trace_hash(), session.sim().trace_hash());

    // Back to the start and forward again by replay: the same trace.
    let mut c = a.clone();
    let total = c.session().total_frames();
    c.apply(Action::Seek(0));
    assert_eq!(c.view().clock, "00:00:00");
    c.apply(Action::Seek(total / 2));
    c.apply(Action::Seek(total));
    assert_eq!(c.trace_hash(), a.trace_hash());
    for _ in 0..total {
        c.apply(Action::StepBack);
    }
    assert_eq!(c.session().frame(), 0);
    for _ in 0..total {
        c.apply(Action::Step);
    }
    assert_eq!(c.trace_hash(), a.trace_hash());
}

fn by_id(id: &str) -> web_sys::Element {
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .get_element_by_id(id)
        .unwrap_or_else(|| panic!("no #{id} on the page"))
}

/// Lets Yew's scheduler render what the last event changed.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(50)).await;
}

/// Puts `text` in the terminal input and presses Enter there.
fn type_line(input: &web_sys::HtmlTextAreaElement, text: &str) {
    input.set_value(text);
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn the_mounted_app_runs_a_typed_here_document() {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<web::App>::with_root(root.clone()).render();
    settle().await;

    assert_eq!(by_id("clock").text_content().as_deref(), Some("00:00:00"));
    let empty_hash = by_id("trace-hash").get_attribute("data-hash").unwrap();
    assert_eq!(empty_hash.len(), 64);

    let input: web_sys::HtmlTextAreaElement = by_id("terminal-input").dyn_into().unwrap();
    type_line(&input, "cat > hello.txt <<EOF");
    settle().await;
    assert!(
        document.get_element_by_id("terminal-pending").is_some(),
        "the here-document waits for more lines"
    );
    for line in ["hi from wasm", "EOF", "after 10s cat hello.txt", "run 30s"] {
        type_line(&input, line);
        settle().await;
    }

    let output = by_id("terminal-output").text_content().unwrap();
    assert!(output.contains("$ cat > hello.txt <<EOF"), "{output}");
    assert!(output.contains("hi from wasm"), "{output}");
    assert_eq!(by_id("clock").text_content().as_deref(), Some("00:00:30"));
    let rows = document
        .query_selector_all("#event-log .event-row")
        .unwrap()
        .length();
    assert!(rows >= 6, "one row per event, got {rows}");
    assert!(document.query_selector(".cause-link").unwrap().is_some());
    assert_ne!(
        by_id("trace-hash").get_attribute("data-hash").unwrap(),
        empty_hash
    );

    // The lesson's "try" buttons put their command in the input, ready for Enter.
    let try_here_doc: web_sys::HtmlElement = document
        .query_selector_all(".try-command")
        .unwrap()
        .get(1)
        .expect("the welcome page suggests a here-document")
        .dyn_into()
        .unwrap();
    try_here_doc.click();
    settle().await;
    assert!(
        input.value().starts_with("cat > hello.txt <<EOF\n"),
        "{}",
        input.value()
    );
    assert!(input.value().ends_with("\nEOF"), "{}", input.value());

    app.destroy();
    root.remove();
}
