//! Unfinished text in a guide or page that is about to be published: the
//! prompts `sotay new` writes for the editor to replace, and `…` / `...`
//! standing for a missing fact in the front matter. The prompts are read
//! from the scaffold's own templates, so the two cannot drift apart. A
//! draft may hold them; anything else is an error at its line.

use super::load::{Project, YamlFile};
use super::model::{Doc, Scheduled};
use crate::diag::{Diagnostic, Sink};

/// The templates `sotay new guide` and `sotay new page` fill in.
pub const GUIDE_TEMPLATE: &str = include_str!("../scaffold/guide.md");
pub const PAGE_TEMPLATE: &str = include_str!("../scaffold/page.md");
/// The title `sotay new` writes when it is given a file name, not a title.
pub const GUIDE_TITLE_PROMPT: &str = "Tên hướng dẫn, bắt đầu bằng động từ";
pub const PAGE_TITLE_PROMPT: &str = "Tên trang";

/// The marks that stand for a fact still to be written.
const ELLIPSES: [&str; 2] = ["…", "..."];

/// The prompts of a template: its `summary:` value and every sentence of
/// its Markdown body outside headings and callouts (those are examples an
/// editor may keep, like the OTP warning).
pub fn prompts(template: &str) -> Vec<String> {
    let (front, body) = split_template(template);
    let summary = front.lines().find_map(|l| {
        let v = l.strip_prefix("summary:")?.trim();
        Some(v.trim_matches('"').to_owned())
    });
    let mut out: Vec<String> = summary.into_iter().collect();
    for paragraph in body.split("\n\n") {
        let text = paragraph.trim();
        if text.is_empty() || text.starts_with('#') || text.starts_with('>') {
            continue;
        }
        out.extend(sentences(text));
    }
    out
}

/// (front matter, body) of a template file.
fn split_template(template: &str) -> (&str, &str) {
    let rest = template.strip_prefix("---\n").unwrap_or(template);
    rest.split_once("\n---\n").unwrap_or((rest, ""))
}

/// A paragraph cut after each `. `, each piece a sentence as written.
fn sentences(text: &str) -> Vec<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find(". ") {
        out.push(rest[..=i].to_owned());
        rest = &rest[i + 2..];
    }
    if !rest.is_empty() {
        out.push(rest.to_owned());
    }
    out
}

/// Every guide and page that is not a draft: no prompt of its template, no
/// `…` in its front matter.
pub(super) fn check(p: &Project, sink: &Sink) {
    let guide_prompts = prompts(GUIDE_TEMPLATE);
    let page_prompts = prompts(PAGE_TEMPLATE);
    for g in p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
    {
        let title = &g.doc.meta.title;
        check_doc(&g.doc, title, GUIDE_TITLE_PROMPT, &guide_prompts, sink);
    }
    for pg in &p.pages {
        check_doc(pg, &pg.meta.title, PAGE_TITLE_PROMPT, &page_prompts, sink);
    }
}

fn check_doc<M: Scheduled>(
    doc: &Doc<M>,
    title: &str,
    title_prompt: &str,
    prompts: &[String],
    sink: &Sink,
) {
    if doc.meta.schedule().draft {
        return;
    }
    if title.trim() == title_prompt {
        sink.push(unfinished(doc.locate(
            "title",
            None,
            Diagnostic::error(format!(
                "the title is still the prompt `sotay new` wrote: \"{title_prompt}\""
            )),
        )));
    }
    let text = &doc.source.text;
    for prompt in prompts {
        if let Some(at) = text.find(prompt.as_str()) {
            sink.push(unfinished(
                Diagnostic::error(format!(
                    "unfinished: \"{prompt}\" is the prompt `sotay new` wrote, not the text to publish"
                ))
                .at_offset(&doc.source.path, text, at, prompt.len()),
            ));
        }
    }
    ellipses(doc, sink);
}

/// `…` or `...` in a front matter value (not in a comment).
fn ellipses<M>(doc: &Doc<M>, sink: &Sink) {
    let yaml = doc.yaml();
    let mut key = "";
    for (i, line) in yaml.text.lines().enumerate() {
        if !line.starts_with([' ', '\t', '-', '#']) {
            key = line.split(':').next().unwrap_or("").trim();
        }
        let value = strip_comment(line);
        let Some((at, mark)) = ELLIPSES
            .iter()
            .filter_map(|m| value.find(m).map(|i| (i, *m)))
            .min()
        else {
            continue;
        };
        let col = line[..at].chars().count() + 1;
        sink.push(unfinished(
            Diagnostic::error(format!(
                "unfinished: `{mark}` in `{key}` stands for a fact still to be written"
            ))
            .at(
                &doc.source.path,
                &doc.source.text,
                yaml.first_line + i,
                col,
                mark.chars().count(),
            ),
        ));
    }
}

/// A YAML line without its comment: from the first `#` that follows a
/// space (or starts the line) outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

fn unfinished(d: Diagnostic) -> Diagnostic {
    d.hint("write the real text, or keep the file out of the sites with `draft: true` in its front matter until it is ready")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_come_from_the_templates() {
        let p = prompts(GUIDE_TEMPLATE);
        assert!(
            p.iter()
                .any(|s| s.starts_with("Viết một hai câu ngắn: hướng dẫn này")),
            "{p:?}"
        );
        assert!(
            p.contains(&"Một hai câu giới thiệu ngắn.".to_owned()),
            "{p:?}"
        );
        // Headings and the OTP callout are examples an editor may keep.
        assert!(
            !p.iter()
                .any(|s| s.contains("OTP") || s.contains("Chuẩn bị giấy tờ"))
        );
        assert!(!prompts(PAGE_TEMPLATE).is_empty());
    }

    #[test]
    fn comments_are_not_values() {
        assert_eq!(strip_comment("  amount: 0   # nộp …"), "  amount: 0   ");
        assert_eq!(strip_comment("# exempt_if: \"…\""), "");
        assert_eq!(
            strip_comment("name: \"Lệ phí # …\""),
            "name: \"Lệ phí # …\""
        );
    }
}
