//! A whole guide file: normalising, front matter, the document model, and
//! its HTML and Typst renders. Nothing may panic; steps keep their ids.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sotay::content::{GuideMeta, Source, frontmatter, model::GUIDE_KEYS};
use sotay::markdown::{self, AlertLabels, Document, Env, Highlighter, Sanitizer};
use sotay::print::markup;

/// Made once: building the highlighter per input kept runs at 60 a second.
fn tools() -> &'static (AlertLabels, Highlighter, Sanitizer) {
    static TOOLS: OnceLock<(AlertLabels, Highlighter, Sanitizer)> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let labels = AlertLabels {
            note: "Ghi chú".into(),
            tip: "Mẹo".into(),
            important: "Quan trọng".into(),
            warning: "Cảnh báo".into(),
            caution: "Thận trọng".into(),
        };
        (labels, Highlighter::default(), Sanitizer::new("Đã xong", "Chưa xong"))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let src = Source::from_text("content/guides/x.md", text);
    let body = match frontmatter::split(&src) {
        Ok((yaml, offset)) => {
            let _ = frontmatter::parse::<GuideMeta>(&src, &yaml, GUIDE_KEYS, "front matter");
            &src.text[offset..]
        }
        Err(_) => src.text.as_str(),
    };
    let doc = Document::parse(body);
    let (labels, highlighter, sanitizer) = tools();
    let html = markdown::render(
        &doc,
        &Env {
            link: &|_| Some("../x/index.html".into()),
            image: &|_, alt| Some(format!("<img alt=\"{}\">", markdown::escape(alt))),
            labels,
            highlighter,
            sanitizer,
        },
    );
    for (step, shown) in doc.steps.iter().zip(&html.steps) {
        assert_eq!(step.anchor, shown.id);
    }
    let _ = markup::body(
        &doc,
        &markup::Env {
            label: &|_| None,
            image: &|_, _| None,
            clickable: true,
            labels,
        },
    );
});
