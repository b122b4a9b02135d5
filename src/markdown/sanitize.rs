//! Raw HTML in Markdown is allowed for editors' tables and the like, but it
//! reaches other portals through widgets: ammonia removes scripts, event
//! handlers, `javascript:` URLs and anything else outside the allow-list.

use ammonia::{Builder, UrlRelative};

const ALIGN: [&str; 3] = [
    "text-align: left",
    "text-align: center",
    "text-align: right",
];

pub struct Sanitizer {
    builder: Builder<'static>,
    /// The glyphs that replace a task list's checkboxes (see `TASK_MARKERS`).
    glyphs: [String; 2],
}

impl Sanitizer {
    /// A sanitizer naming ticked and unticked tasks with the theme's words
    /// (`task_done`, `task_todo`).
    pub fn new(done: &str, todo: &str) -> Self {
        let mut b = Builder::default();
        b.add_tags(["input", "figure", "figcaption"])
            .add_generic_attributes([
                "class",
                "id",
                "role",
                "aria-label",
                "aria-hidden",
                "lang",
                "title",
            ])
            .add_tag_attributes(
                "img",
                ["srcset", "sizes", "width", "height", "loading", "decoding"],
            )
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("pre", ["data-lang"])
            .add_tag_attributes("td", ["colspan", "rowspan"])
            .add_tag_attributes("th", ["colspan", "rowspan", "scope"])
            // Table alignment, exactly as pulldown-cmark writes it; no other styles.
            .add_tag_attribute_values("td", "style", ALIGN)
            .add_tag_attribute_values("th", "style", ALIGN)
            .url_schemes(["http", "https", "mailto", "tel"].into())
            .url_relative(UrlRelative::PassThrough)
            .link_rel(None)
            .strip_comments(true)
            // Pages make no requests to other origins: drop remote image sources.
            .attribute_filter(|element, attribute, value| {
                let remote = value.contains("://") || value.trim_start().starts_with("//");
                if element == "img" && matches!(attribute, "src" | "srcset") && remote {
                    None
                } else {
                    Some(value.into())
                }
            });
        Self {
            builder: b,
            glyphs: [task_glyph(true, done), task_glyph(false, todo)],
        }
    }
}

/// A task list's disabled checkboxes, as the sanitizer writes
/// pulldown-cmark's markers (ticked, then not): they become named glyphs,
/// since a checkbox nobody can tick has no label to give, so screen
/// readers heard an unnamed control.
const TASK_MARKERS: [&str; 2] = [
    r#"<input disabled="" type="checkbox" checked="">"#,
    r#"<input disabled="" type="checkbox">"#,
];

/// The glyph for a ticked (`viec--xong`) or unticked task, named `label`.
fn task_glyph(done: bool, label: &str) -> String {
    let class = if done { "viec viec--xong" } else { "viec" };
    format!(
        r#"<span class="{class}" role="img" aria-label="{}"></span>"#,
        super::escape(label)
    )
}

impl Sanitizer {
    pub fn clean(&self, html: &str) -> String {
        let mut out = self.builder.clean(html).to_string();
        for (marker, glyph) in TASK_MARKERS.iter().zip(&self.glyphs) {
            if out.contains(marker) {
                out = out.replace(marker, glyph);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_scripts_handlers_and_js_urls() {
        let s = Sanitizer::new("Đã xong", "Chưa xong");
        let out = s.clean(
            r#"<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">b</a><img src="x.png" onerror="y()" alt="c"></p>"#,
        );
        assert!(!out.contains("script"), "{out}");
        assert!(
            !out.contains("onclick") && !out.contains("onerror"),
            "{out}"
        );
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("alt=\"c\""), "{out}");
        let remote = s.clean(r#"<img src="https://tracker.example.com/p.gif" alt="x">"#);
        assert!(!remote.contains("tracker"), "{remote}");
        let kept = s.clean(r#"<h2 id="buoc-1">x</h2><a href="tel:1022">1022</a>"#);
        assert!(
            kept.contains("id=\"buoc-1\"") && kept.contains("tel:1022"),
            "{kept}"
        );
    }

    #[test]
    fn task_markers_become_named_glyphs() {
        let s = Sanitizer::new("Đã xong", "Chưa xong");
        let out = s.clean(
            "<ul>\n<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\nA</li>\n<li><input disabled=\"\" type=\"checkbox\"/>\nB</li>\n</ul>",
        );
        assert!(!out.contains("<input"), "{out}");
        assert!(out.contains("aria-label=\"Đã xong\"></span>\nA"), "{out}");
        assert!(out.contains("aria-label=\"Chưa xong\"></span>\nB"), "{out}");
    }
}
