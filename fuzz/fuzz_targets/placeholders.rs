//! Message placeholders `((name))`, `((name??text))`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sotay::messages::placeholders::{find, replace};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for p in find(s) {
        assert!(p.start < p.end && p.end <= s.len());
    }
    let _ = replace(s, |p| p.raw.clone());
});
