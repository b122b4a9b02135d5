//! WCAG 2.1 AA basics checked on every generated page of the fixture and of
//! the sample: language, one h1, no skipped heading levels, alt text, skip
//! link, landmarks, named links, unique ids, and no JavaScript needed.

mod common;

use common::a11y::{audit, audit_dir};
use common::*;

#[test]
fn the_audit_catches_what_it_claims_to() {
    let bad = "<script>x()</script><html lang=\"en\"><h1>a</h1><h3>b</h3><img src=x><a href=y></a><p id=q></p><p id=q></p><a href=z>bấm vào đây</a>";
    let p = audit(bad);
    for needle in [
        "lang",
        "skips",
        "alt",
        "skip link",
        "landmark",
        "duplicate id",
        "link without text",
        "vague link",
    ] {
        assert!(
            p.iter().any(|m| m.contains(needle)),
            "{needle} not caught: {p:?}"
        );
    }
}

#[test]
fn fixture_pages_pass_the_audit() {
    let f = Fixture::new();
    f.build_ok();
    let problems = audit_dir(&f.out());
    assert!(problems.is_empty(), "{problems:#?}");
}
