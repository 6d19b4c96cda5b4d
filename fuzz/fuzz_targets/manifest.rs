//! Fuzzes manifest decoding, defaulting and validation: any text handed to `kubectl apply` must
//! decode or fail with an error value, never panic or hang; whatever decodes must default,
//! validate, and round-trip through `-o yaml` to an equal object.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sim_core::cluster::{defaults, manifest, quantity::Quantity, selector::Selector, validate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Selector::parse(text);
    let _ = Quantity::parse(text);
    for result in manifest::decode_documents("fuzz.yaml", text) {
        let Ok(mut obj) = result else { continue };
        defaults::apply_defaults(&mut obj);
        defaults::admit(&mut obj);
        let _ = validate::validate(&obj);
        let yaml = manifest::to_yaml(&obj);
        let again = manifest::decode("again.yaml", &yaml).expect("printed objects decode");
        assert_eq!(again, vec![obj]);
    }
});
