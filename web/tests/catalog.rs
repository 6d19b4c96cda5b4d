//! The message catalog and the pure terminal helpers, checked in the browser (wasm32) and
//! natively alike.

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web::completion::complete;
use web::i18n::{placeholders, Lang, Msg};

wasm_bindgen_test_configure!(run_in_browser);

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

#[wasm_bindgen_test(unsupported = test)]
fn every_message_exists_in_both_languages_with_the_same_placeholders() {
    assert!(Msg::ALL.len() > 50, "the catalog lists its keys");
    for &msg in Msg::ALL {
        let ko = msg.text(Lang::Ko);
        let en = msg.text(Lang::En);
        assert!(
            !ko.trim().is_empty() && !en.trim().is_empty(),
            "{msg:?} is empty"
        );
        assert!(
            has_hangul(ko),
            "{msg:?}: the Korean text has no Korean: {ko}"
        );
        assert!(
            !has_hangul(en),
            "{msg:?}: the English text has Korean: {en}"
        );
        let (mut p_ko, mut p_en) = (placeholders(ko), placeholders(en));
        p_ko.sort_unstable();
        p_en.sort_unstable();
        assert_eq!(p_ko, p_en, "{msg:?}: placeholders differ");
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn korean_text_is_polite_haeyo_style_not_plain_style() {
    // Sentences end in 요 (해요체), never in the plain 다 style.
    for &msg in Msg::ALL {
        let ko = msg.text(Lang::Ko);
        for sentence in ko
            .split(['.', '!', '?'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            assert!(
                !sentence.ends_with('다'),
                "{msg:?}: a sentence in the plain style: {sentence}"
            );
        }
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn tab_completes_the_core_command_names() {
    let names = sim_core::command::command_names();
    assert_eq!(complete("he", &names).text.as_deref(), Some("help "));
    assert_eq!(
        complete("after 10s ec", &names).text.as_deref(),
        Some("after 10s echo ")
    );
    let listed = complete("c", &names).candidates;
    assert!(
        listed.contains(&"cat") && listed.contains(&"clock"),
        "{listed:?}"
    );
    assert_eq!(complete("cat hel", &names).text, None);
}

#[wasm_bindgen_test(unsupported = test)]
fn language_codes_round_trip_and_the_switch_alternates() {
    for lang in Lang::ALL {
        assert_eq!(Lang::from_code(lang.code()), Some(lang));
        assert_eq!(lang.other().other(), lang);
    }
}
