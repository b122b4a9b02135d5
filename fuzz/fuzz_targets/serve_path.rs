//! `serve`'s path resolution: a served path never leaves the served folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let served = Path::new("/srv/sotay/public");
    if let Ok(p) = sotay::serve::request::resolve(served, url) {
        assert!(p.starts_with(served), "{url:?} -> {p:?}");
        assert!(
            !p.components()
                .any(|c| matches!(c, std::path::Component::ParentDir))
        );
    }
});
