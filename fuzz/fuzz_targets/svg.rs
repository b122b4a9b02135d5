//! SVG images and logos through the allow-list.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sotay::images::check_svg(data);
});
