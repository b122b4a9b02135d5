//! Code blocks highlighted with syntect into CSS classes (`hl-…`), never
//! inline styles, so the theme's one CSS file controls colours and a strict
//! host CSP (`style-src`) does not break embedded guides.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

#[derive(Default)]
pub struct Highlighter {
    // Loading the syntax set takes milliseconds; most guides have no code.
    syntaxes: OnceLock<SyntaxSet>,
}

impl Highlighter {
    pub fn html(&self, lang: &str, code: &str) -> String {
        let lang = lang.split([',', ' ']).next().unwrap_or("").trim();
        let attr = if lang.is_empty() {
            String::new()
        } else {
            format!(" data-lang=\"{}\"", escape(lang))
        };
        let body = if lang.is_empty() {
            None
        } else {
            self.classed(lang, code)
        };
        let body = body.unwrap_or_else(|| escape(code));
        format!("<pre class=\"code\"{attr}><code>{body}</code></pre>\n")
    }

    fn classed(&self, lang: &str, code: &str) -> Option<String> {
        let ss = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let syntax = ss.find_syntax_by_token(lang)?;
        let mut generator = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            ss,
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_with_classes_not_styles() {
        let h = Highlighter::default();
        let html = h.html("json", "{\"a\": 1}\n");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        let plain = h.html("", "<b>\n");
        assert!(plain.contains("&lt;b&gt;"));
    }
}
