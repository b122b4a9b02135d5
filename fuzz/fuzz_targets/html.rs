//! Raw HTML as pasted into guides and as found in built pages: the attribute
//! reader and the text extractor.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(html) = std::str::from_utf8(data) {
        let _ = sotay::links::attributes(html);
        let _ = sotay::links::text(html);
        let _ = sotay::markdown::Sanitizer::new("Đã xong", "Chưa xong").clean(html);
    }
});
