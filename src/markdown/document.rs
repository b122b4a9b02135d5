//! The document model: a guide's or page's Markdown parsed once into its
//! structure (intro | numbered steps | other sections), every heading with
//! the id the page gives it, every link and image with its place in the
//! source. Checks, HTML, Typst markup, API and search texts, lints and
//! pictures all read this; nothing else parses Markdown.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag};

use super::{Ids, Located, Target, options, parse_step};

/// Deeper nesting than this (lists in lists, quotes in quotes, emphasis in
/// emphasis) is refused: no real guide needs it, and print's markup and the
/// HTML sanitiser recurse per level.
pub const MAX_DEPTH: usize = 40;

/// Longer bodies are refused before anything is laid out: about 40 times a
/// long procedure page, and what print can still lay out in seconds.
pub const MAX_BODY_BYTES: usize = 512 * 1024;

/// A parsed Markdown text: a guide or page body, or one front matter field.
#[derive(Debug, Default, Clone)]
pub struct Document {
    /// Every event with its byte range in the text. Headings carry the id
    /// the page gives them (`Tag::Heading { id: Some(..) }`).
    events: Vec<(Event<'static>, Range<usize>)>,
    /// Events before the first step (all of them when there is no step).
    pub intro: Range<usize>,
    pub steps: Vec<Step>,
    /// Events after the last step's body: the other sections.
    pub rest: Range<usize>,
    pub headings: Vec<Heading>,
    pub links: Vec<Located<Link>>,
    pub images: Vec<Located<ImageRef>>,
    /// Structural problems, each an error at its place in the text.
    pub problems: Vec<Problem>,
}

/// A numbered step: `## Bước N: title`.
#[derive(Debug, Clone)]
pub struct Step {
    pub number: usize,
    /// The title without "Bước N:", as plain text.
    pub title: String,
    pub anchor: String,
    /// The title's inline events, without "Bước N:".
    pub title_events: Vec<Event<'static>>,
    /// Indexes of the step's body events (after its heading).
    pub body: Range<usize>,
    /// The heading's byte range in the text.
    pub offset: usize,
    pub len: usize,
}

#[derive(Debug, Clone)]
pub struct Heading {
    pub level: HeadingLevel,
    pub id: String,
    /// Plain text: text, code and image alt text.
    pub text: String,
    pub offset: usize,
    pub len: usize,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub url: String,
    /// A `guide:` or `page:` link.
    pub target: Option<Target>,
}

#[derive(Debug, Clone)]
pub struct ImageRef {
    pub src: String,
    pub alt: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub hint: String,
}

impl Document {
    pub fn parse(md: &str) -> Self {
        if md.len() > MAX_BODY_BYTES {
            return Self::too_long(md);
        }
        let events: Vec<(Event<'static>, Range<usize>)> = Parser::new_ext(md, options())
            .into_offset_iter()
            .map(|(e, r)| (e.into_static(), r))
            .collect();
        let mut doc = Document {
            events,
            ..Default::default()
        };
        doc.check_depth();
        doc.drop_swallowing_html();
        doc.index();
        doc
    }

    /// A document that is only its size problem: nothing of it is rendered.
    fn too_long(md: &str) -> Self {
        Document {
            problems: vec![Problem {
                offset: 0,
                len: 0,
                message: format!(
                    "the text is {} KB; at most {} KB is built",
                    md.len() / 1024,
                    MAX_BODY_BYTES / 1024
                ),
                hint: "split it into several guides or pages, or move long reference text to an attached file".into(),
            }],
            ..Default::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Every event with its byte range, in order.
    pub fn events(&self) -> &[(Event<'static>, Range<usize>)] {
        &self.events
    }

    /// The events of a section (`intro`, `rest`, a step's `body`), cloned.
    pub fn section(&self, r: &Range<usize>) -> Vec<Event<'static>> {
        self.events[r.clone()]
            .iter()
            .map(|(e, _)| e.clone())
            .collect()
    }

    /// Every event, cloned: a front matter field is one section.
    pub fn all(&self) -> Vec<Event<'static>> {
        self.section(&(0..self.events.len()))
    }

    /// Heading ids, steps included, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.headings.iter().map(|h| h.id.as_str())
    }

    /// The `guide:` and `page:` links, with where each is written.
    pub fn targets(&self) -> impl Iterator<Item = (&Target, &Located<Link>)> {
        self.links
            .iter()
            .filter_map(|l| l.item.target.as_ref().map(|t| (t, l)))
    }

    fn problem(&mut self, range: &Range<usize>, message: String, hint: impl Into<String>) {
        self.problems.push(Problem {
            offset: range.start,
            len: range.len(),
            message,
            hint: hint.into(),
        });
    }

    /// Refuse nesting beyond `MAX_DEPTH`, once, at the first place it happens.
    fn check_depth(&mut self) {
        let mut depth = 0usize;
        let mut deepest: Option<Range<usize>> = None;
        for (e, r) in &self.events {
            match e {
                Event::Start(_) => {
                    depth += 1;
                    if depth > MAX_DEPTH && deepest.is_none() {
                        deepest = Some(r.start..r.start + 1);
                    }
                }
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if let Some(r) = deepest {
            // Nothing of it is kept: no output may recurse that deep.
            self.events.clear();
            self.problem(
                &r,
                format!("the text is nested more than {MAX_DEPTH} levels deep here (lists in lists, quotes in quotes)"),
                "flatten it: a guide needs two or three levels of lists at most",
            );
        }
    }

    /// Raw HTML that would swallow the rest of the page once sanitised (an
    /// unclosed `<!--`, a `<script>`, `<plaintext>` or `<textarea>` whose
    /// content HTML parsers read as text) is dropped here, once: the
    /// sanitiser would drop these elements anyway, and every output then
    /// sees the same headings.
    fn drop_swallowing_html(&mut self) {
        self.events.retain(|(e, _)| match e {
            Event::Html(h) | Event::InlineHtml(h) => !swallows(h),
            _ => true,
        });
    }

    /// One walk: heading ids, steps and sections, links, images, raw HTML.
    fn index(&mut self) {
        let mut ids = Ids::new();
        let mut sections = Sections::default();
        // Only headings outside lists and quotes split the text into steps
        // and sections: a split inside a list would leave it unclosed.
        let mut depth = 0usize;
        let mut i = 0;
        while i < self.events.len() {
            let (event, range) = self.events[i].clone();
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    let end = self.end_of(i);
                    let inner = i + 1..end;
                    let text = plain_text(self.events[inner.clone()].iter().map(|(e, _)| e));
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    let anchor = ids.make(id.as_deref(), &text);
                    self.set_heading_id(i, &anchor);
                    self.headings.push(Heading {
                        level,
                        id: anchor.clone(),
                        text: text.clone(),
                        offset: range.start,
                        len: range.len(),
                    });
                    if depth == 0 {
                        self.place_heading(&mut sections, i, end, level, &text, anchor, &range);
                    }
                    self.record_inline(inner);
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. }) => {
                    let end = self.end_of(i);
                    self.record_inline(i..end + 1);
                    i = end + 1;
                    continue;
                }
                Event::Html(html) | Event::InlineHtml(html) => self.check_html(&html, &range),
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
        sections.close(self);
    }

    /// Index of the `End` matching the `Start` at `i`.
    fn end_of(&self, i: usize) -> usize {
        let mut depth = 0usize;
        for (j, (e, _)) in self.events.iter().enumerate().skip(i) {
            match e {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return j;
                    }
                }
                _ => {}
            }
        }
        self.events.len().saturating_sub(1)
    }

    fn set_heading_id(&mut self, i: usize, anchor: &str) {
        if let Event::Start(Tag::Heading { id, .. }) = &mut self.events[i].0 {
            *id = Some(CowStr::from(anchor.to_owned()));
        }
    }

    /// Links, images and raw HTML inside a span of inline events.
    fn record_inline(&mut self, span: Range<usize>) {
        let mut j = span.start;
        while j < span.end {
            let (event, range) = self.events[j].clone();
            match event {
                Event::Start(Tag::Link { dest_url, .. }) => self.record_link(&dest_url, &range),
                Event::Start(Tag::Image { dest_url, .. }) => {
                    let end = self.end_of(j);
                    let alt = plain_text(self.events[j + 1..end].iter().map(|(e, _)| e));
                    self.images.push(Located {
                        item: ImageRef {
                            src: dest_url.to_string(),
                            alt,
                        },
                        offset: range.start,
                        len: range.len(),
                    });
                    j = end;
                }
                Event::Html(html) | Event::InlineHtml(html) => self.check_html(&html, &range),
                _ => {}
            }
            j += 1;
        }
    }

    fn record_link(&mut self, url: &str, range: &Range<usize>) {
        if url
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("javascript:")
        {
            self.problem(
                range,
                "javascript: links are not allowed".into(),
                "link to a web page (https://…) or another guide (guide:slug)",
            );
        }
        self.links.push(Located {
            item: Link {
                url: url.to_owned(),
                target: Target::parse(url),
            },
            offset: range.start,
            len: range.len(),
        });
    }

    /// Raw HTML may not load anything: files from other sites are refused,
    /// and a file of the project is published only through Markdown, which
    /// checks, resizes and names it (a raw `<img src>` would be a broken image).
    fn check_html(&mut self, html: &str, range: &Range<usize>) {
        for a in crate::links::attributes(html) {
            if !matches!(a.name.as_str(), "src" | "srcset" | "data" | "poster") {
                continue;
            }
            let v = a.value.trim();
            let message = if v.contains("://") || v.starts_with("//") {
                format!("HTML loads `{v}` from another site")
            } else {
                format!("HTML loads `{v}`, which is not published")
            };
            self.problem(
                range,
                message,
                "save the file in content/ and show it with Markdown ![mô tả](tệp.png); pages load nothing from other sites",
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn place_heading(
        &mut self,
        s: &mut Sections,
        start: usize,
        end: usize,
        level: HeadingLevel,
        text: &str,
        anchor: String,
        range: &Range<usize>,
    ) {
        let step = (level == HeadingLevel::H2)
            .then(|| parse_step(text))
            .flatten();
        match step {
            Some((number, title)) => {
                let expected = self.steps.len() + 1;
                if s.in_rest {
                    self.problem(range, format!("step `{text}` comes after a section that is not a step"),
                        "keep all `## Bước N: …` headings together; put other sections after the last step");
                } else if number != expected {
                    self.problem(range, format!("step number {number} where step {expected} was expected"),
                        format!("number the steps 1, 2, 3… in order: write `## Bước {expected}: {title}`"));
                }
                if title.is_empty() {
                    self.problem(range, "step without a title".into(),
                        "write what the reader does, verb first: `## Bước 1: Đăng nhập Cổng Dịch vụ công quốc gia`");
                }
                if s.in_rest {
                    // A stray step is part of the other sections on the page.
                    return;
                }
                s.close_body(self, start);
                let title_events = strip_step_prefix(
                    self.events[start + 1..end]
                        .iter()
                        .map(|(e, _)| e.clone())
                        .collect(),
                );
                self.steps.push(Step {
                    number,
                    title,
                    anchor,
                    title_events,
                    body: end + 1..end + 1,
                    offset: range.start,
                    len: range.len(),
                });
            }
            None if level == HeadingLevel::H2 && !self.steps.is_empty() && !s.in_rest => {
                s.close_body(self, start);
                s.in_rest = true;
                s.rest_start = start;
            }
            None => {}
        }
    }
}

/// Elements whose content an HTML parser reads as raw text, to their end tag.
const RAW_TEXT: [&str; 10] = [
    "script",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "textarea",
    "title",
];

fn swallows(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    if let Some(open) = lower.find("<!--")
        && !lower[open + 4..].contains("-->")
    {
        return true;
    }
    RAW_TEXT.iter().any(|tag| {
        lower.match_indices('<').any(|(i, _)| {
            lower[i + 1..].starts_with(tag)
                && lower[i + 1 + tag.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/')
        })
    })
}

/// Where the sections begin and end, while walking.
#[derive(Default)]
struct Sections {
    in_rest: bool,
    rest_start: usize,
}

impl Sections {
    /// The intro or the open step's body ends before event `at`.
    fn close_body(&self, doc: &mut Document, at: usize) {
        match doc.steps.last_mut() {
            Some(step) => step.body.end = at,
            None => doc.intro = 0..at,
        }
    }

    fn close(self, doc: &mut Document) {
        let n = doc.events.len();
        if self.in_rest {
            doc.rest = self.rest_start..n;
        } else {
            self.close_body(doc, n);
            doc.rest = n..n;
        }
    }
}

/// Text and code of events, without markup; an image's alt text is not
/// text of the line it sits in (an icon in a heading is not in its title).
pub fn plain_text<'e>(events: impl IntoIterator<Item = &'e Event<'e>>) -> String {
    let mut s = String::new();
    let mut in_image = 0usize;
    for e in events {
        match e {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(pulldown_cmark::TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_image == 0 => s.push_str(t),
            _ => {}
        }
    }
    s
}

/// Drop "Bước N:" from a step title: pages and print number steps themselves.
pub(crate) fn strip_step_prefix(mut inner: Vec<Event<'static>>) -> Vec<Event<'static>> {
    if let Some(Event::Text(t)) = inner.first()
        && let Some((_, title)) = parse_step(t)
    {
        inner[0] = Event::Text(title.into());
    }
    inner
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUIDE: &str = "Giới thiệu.\n\n## Bước 1: Đăng nhập\n\nVào [cổng](guide:co#buoc-2).\n\n### Chi tiết\n\nx\n\n## Bước 2: Nộp hồ sơ\n\nNộp.\n\n## Lưu ý\n\nHết.\n";

    #[test]
    fn splits_intro_steps_and_rest() {
        let d = Document::parse(GUIDE);
        assert_eq!(d.steps.len(), 2);
        assert_eq!(d.steps[0].title, "Đăng nhập");
        assert_eq!(d.steps[0].anchor, "buoc-1-dang-nhap");
        assert_eq!(plain_text(d.section(&d.intro).iter()), "Giới thiệu.");
        assert!(plain_text(d.section(&d.steps[0].body).iter()).contains("Chi tiết"));
        assert_eq!(plain_text(d.section(&d.steps[1].body).iter()), "Nộp.");
        assert_eq!(plain_text(d.section(&d.rest).iter()), "Lưu ýHết.");
        let ids: Vec<&str> = d.ids().collect();
        assert_eq!(
            ids,
            ["buoc-1-dang-nhap", "chi-tiet", "buoc-2-nop-ho-so", "luu-y"]
        );
        assert!(d.problems.is_empty());
    }

    #[test]
    fn links_inside_headings_are_found() {
        let d = Document::parse("## Xem [khác](guide:khong-co)\n");
        assert_eq!(d.targets().count(), 1);
    }

    #[test]
    fn a_heading_with_an_image_has_one_id_everywhere() {
        let d = Document::parse("## Bước 1: Mở ![biểu tượng VNeID](a.png) ứng dụng\n");
        assert_eq!(d.steps[0].anchor, d.headings[0].id);
        assert_eq!(d.steps[0].anchor, "buoc-1-mo-ung-dung");
        assert_eq!(d.steps[0].title, "Mở ứng dụng");
        assert_eq!(d.images.len(), 1);
        let Event::Start(Tag::Heading { id, .. }) = &d.events()[0].0 else {
            panic!("heading first");
        };
        assert_eq!(id.as_deref(), Some(d.steps[0].anchor.as_str()));
    }

    #[test]
    fn deep_nesting_is_one_located_problem() {
        let md: String = (0..300)
            .map(|i| format!("{}- a\n", "  ".repeat(i)))
            .collect();
        let d = Document::parse(&md);
        assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
        assert!(d.problems[0].message.contains("nested"));
        assert!(d.is_empty());
        let quotes = ">".repeat(5000);
        assert_eq!(Document::parse(&quotes).problems.len(), 1);
    }

    #[test]
    fn an_oversize_text_is_refused_before_parsing() {
        let d = Document::parse(&"a ".repeat(MAX_BODY_BYTES));
        assert_eq!(d.problems.len(), 1);
        assert!(d.is_empty());
    }

    #[test]
    fn html_that_would_swallow_the_page_is_dropped() {
        for html in ["<!-- ", "<plaintext>", "<script>", "<TEXTAREA\nrows=2>"] {
            let d = Document::parse(&format!("a {html}\n\n## Bước 1: Nộp\n\nx\n"));
            assert_eq!(d.steps.len(), 1, "{html}");
            assert!(
                !d.events()
                    .iter()
                    .any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_))),
                "{html}"
            );
        }
        let kept = Document::parse("<!-- ghi chú -->\n\n<span title=\"a\">b</span>\n");
        assert_eq!(
            kept.events()
                .iter()
                .filter(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
                .count(),
            3
        );
    }

    #[test]
    fn raw_html_may_not_load_files() {
        let d = Document::parse(
            "<img alt=\"sơ đồ\" src=\"so-do.png\">\n\n<span title=\"x\">a</span>\n",
        );
        assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
        assert!(d.problems[0].message.contains("not published"));
    }

    #[test]
    fn raw_html_split_over_lines_is_read() {
        let d = Document::parse(
            "<table class=\"x\"\n  id=\"y\"><tr><td><img src=\"https://a.vn/x.png\"></td></tr></table>\n",
        );
        assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
    }
}

/// Generated Markdown: the pieces pasted guides are made of, in any order.
#[cfg(test)]
pub(crate) mod generate {
    use proptest::prelude::*;

    pub fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("## Bước 1: Đăng nhập\n".to_owned()),
            Just("## Bước 2: Nộp\n".to_owned()),
            Just("## Lưu ý\n".to_owned()),
            Just("## + Thêm\n".to_owned()),
            Just("## - Lưu ý\n".to_owned()),
            Just("## + Bước 3: Nhận\n".to_owned()),
            Just("### Chi tiết ![ảnh](a.png)\n".to_owned()),
            Just("## Xem [khác](guide:b#buoc-1)\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("- ".to_owned()),
            Just("  - [x] ".to_owned()),
            Just("1. ".to_owned()),
            Just("> ".to_owned()),
            Just("> [!WARNING]\n> ".to_owned()),
            Just("<table class=\"x\"\n  id=\"y\"><tr><td>".to_owned()),
            Just("</td></tr></table>".to_owned()),
            Just("<span\nonclick=\"x()\">".to_owned()),
            Just("<!-- ".to_owned()),
            Just("[a](guide:b)".to_owned()),
            Just("[j](javascript:x)".to_owned()),
            Just("![mô tả](anh/x.png)".to_owned()),
            Just("**".to_owned()),
            Just("_".to_owned()),
            Just("`".to_owned()),
            Just("```\n".to_owned()),
            Just("| a | b |\n|---|---|\n| 1 |".to_owned()),
            Just("[^1]".to_owned()),
            Just("[^1]: chú thích\n".to_owned()),
            Just("#let x = 1 $ @ < [ ] // \\ ".to_owned()),
            Just("{#id-rieng}".to_owned()),
            "[a-zđăâêôơư0-9 .,:;!?()\"'#*_=+~-]{0,12}",
            any::<char>().prop_map(|c| c.to_string()),
        ]
    }

    pub fn markdown() -> impl Strategy<Value = String> {
        proptest::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// No two headings or anchors of a document share an id.
    fn ids_are_unique(d: &Document) -> bool {
        let mut ids: Vec<&str> = d.ids().collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        ids.len() == n
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the text, its structure holds together: sections tile
        /// the events in order, every step has its heading's id, ids are
        /// unique, and every place points inside the text.
        #[test]
        fn any_text_has_a_consistent_structure(md in generate::markdown()) {
            let d = Document::parse(&md);
            let mut at = d.intro.end;
            prop_assert_eq!(d.intro.start, 0);
            for s in &d.steps {
                prop_assert!(s.body.start >= at && s.body.start <= s.body.end);
                at = s.body.end;
                prop_assert!(d.headings.iter().any(|h| h.id == s.anchor));
            }
            prop_assert!(d.rest.start >= at && d.rest.end == d.events().len());
            prop_assert!(ids_are_unique(&d));
            for l in &d.links {
                prop_assert!(l.offset + l.len <= md.len());
            }
            for p in &d.problems {
                prop_assert!(p.offset <= md.len());
            }
        }

        /// Whatever the two texts, a unit's version merged into a central
        /// one holds together, and every place is in one of the two texts:
        /// the unit's below `base`, the central one's from `base` on.
        #[test]
        fn any_merge_has_a_consistent_structure(
            central in generate::markdown(),
            own in generate::markdown(),
        ) {
            let base = own.len() + 1;
            let (d, warnings) =
                inherit::merge(&Document::parse(&central), &Document::parse(&own), base, "../");
            let inside = |offset: usize, len: usize| {
                offset + len <= own.len()
                    || (offset >= base && offset - base + len <= central.len())
            };
            for s in &d.steps {
                prop_assert!(d.headings.iter().any(|h| h.id == s.anchor));
                prop_assert!(inside(s.offset, s.len));
            }
            prop_assert!(d.rest.end == d.events().len());
            prop_assert!(ids_are_unique(&d));
            for l in &d.links {
                prop_assert!(inside(l.offset, l.len));
            }
            for h in &d.headings {
                prop_assert!(inside(h.offset, h.len));
            }
            for w in &warnings {
                prop_assert!(w.offset + w.len <= own.len());
            }
        }
    }
}

/// A unit's version that inherits: the central guide's document with the
/// unit's sections in place of the ones of the same heading (a step by its
/// number), new ones added, marked ones dropped. The events keep their own
/// byte ranges, the central ones moved up by `base` (past the unit's text),
/// so every later problem can say which file and line it comes from.
pub mod inherit {
    use std::ops::Range;

    use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag};

    use super::{Document, Problem, plain_text};
    use crate::markdown::parse_step;

    /// How a unit heading starting with this marks a section it adds.
    pub const ADD: char = '+';
    /// How a unit heading (with nothing under it) marks one it drops.
    pub const DROP: char = '-';

    /// A top-level `##` section (or the text before the first one).
    struct Section {
        key: Key,
        /// Event indexes, heading included.
        events: Range<usize>,
        /// The heading's byte range (0..0 for the text before any).
        offset: usize,
        len: usize,
        text: String,
        mark: Option<char>,
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Key {
        Intro,
        Step(usize),
        Heading(String),
    }

    /// The merged document and the warnings about the unit's file (offsets
    /// in its body): headings that replace nothing, drops of nothing.
    /// `images` is the way from the unit's folder to the central guide's,
    /// put before the central guide's image paths (written from its folder).
    pub fn merge(
        central: &Document,
        own: &Document,
        base: usize,
        images: &str,
    ) -> (Document, Vec<Problem>) {
        let theirs = sections(central);
        let mine = sections(own);
        let mut warnings = Vec::new();
        let known = |s: &Section| theirs.iter().any(|t| t.key == s.key);
        let mut added_steps = Vec::new();
        let mut added = Vec::new();
        for (i, s) in mine.iter().enumerate() {
            let again = s.mark != Some(ADD)
                && known(s)
                && mine[..i]
                    .iter()
                    .any(|m| m.key == s.key && m.mark != Some(ADD));
            match (s.mark, &s.key) {
                (_, Key::Intro) => {}
                _ if again => warnings.push(twice(s)),
                (Some(DROP), _) if !known(s) => warnings.push(nothing_to_drop(s, &theirs)),
                (Some(DROP), _) => {}
                (Some(ADD), Key::Step(_)) => added_steps.push(s),
                (Some(ADD), _) => added.push(s),
                (_, Key::Step(_)) if !known(s) => {
                    warnings.push(no_longer(s, &theirs));
                    added_steps.push(s);
                }
                (_, _) if !known(s) => {
                    warnings.push(no_longer(s, &theirs));
                    added.push(s);
                }
                _ => {}
            }
        }
        // A new section goes before the next central section the unit's
        // file repeats (replaces or drops) after it; else at the end.
        let before = |s: &Section| -> Option<&Key> {
            let at = mine.iter().position(|m| std::ptr::eq(m, s))?;
            mine[at + 1..]
                .iter()
                .find(|m| m.mark != Some(ADD) && matches!(m.key, Key::Heading(_)) && known(m))
                .map(|m| &m.key)
        };
        let anchored: Vec<(&Section, Option<&Key>)> =
            added.iter().map(|s| (*s, before(s))).collect();
        let mut events = Vec::new();
        let last_step = theirs.iter().rposition(|t| matches!(t.key, Key::Step(_)));
        for (i, t) in theirs.iter().enumerate() {
            anchored
                .iter()
                .filter(|(_, k)| *k == Some(&t.key))
                .for_each(|(s, _)| push_own(&mut events, own, s));
            match mine.iter().find(|s| s.key == t.key && s.mark != Some(ADD)) {
                Some(s) if s.mark == Some(DROP) => {}
                Some(s) if s.key != Key::Intro || has_text(own, &s.events) => {
                    push_own(&mut events, own, s)
                }
                _ => events.extend(
                    central.events[t.events.clone()]
                        .iter()
                        .map(|(e, r)| (rebase(e, images), r.start + base..r.end + base)),
                ),
            }
            if Some(i) == last_step {
                added_steps
                    .iter()
                    .for_each(|s| push_own(&mut events, own, s));
            }
        }
        if last_step.is_none() {
            added_steps
                .iter()
                .for_each(|s| push_own(&mut events, own, s));
        }
        anchored
            .iter()
            .filter(|(_, k)| k.is_none())
            .for_each(|(s, _)| push_own(&mut events, own, s));
        let mut doc = Document {
            events,
            ..Default::default()
        };
        doc.index();
        (doc, warnings)
    }

    /// A central image's path, from the unit's folder.
    fn rebase(e: &Event<'static>, images: &str) -> Event<'static> {
        match e {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) if !dest_url.contains(':') && !dest_url.starts_with('/') => {
                Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: CowStr::from(format!("{images}{dest_url}")),
                    title: title.clone(),
                    id: id.clone(),
                })
            }
            _ => e.clone(),
        }
    }

    /// The unit's section, its mark taken out of the heading.
    fn push_own(events: &mut Vec<(Event<'static>, Range<usize>)>, own: &Document, s: &Section) {
        let mut span: Vec<_> = own.events[s.events.clone()].to_vec();
        if s.mark.is_some()
            && let Some((Event::Text(t), _)) = span.get_mut(1)
        {
            let rest = t
                .trim_start()
                .get(1..)
                .unwrap_or("")
                .trim_start()
                .to_owned();
            *t = CowStr::from(rest);
        }
        events.extend(span);
    }

    fn has_text(doc: &Document, r: &Range<usize>) -> bool {
        !plain_text(doc.events[r.clone()].iter().map(|(e, _)| e))
            .trim()
            .is_empty()
    }

    fn sections(doc: &Document) -> Vec<Section> {
        let mut out = vec![Section {
            key: Key::Intro,
            events: 0..0,
            offset: 0,
            len: 0,
            text: String::new(),
            mark: None,
        }];
        let mut depth = 0usize;
        for (i, (e, r)) in doc.events.iter().enumerate() {
            match e {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                }) if depth == 0 => {
                    let end = doc.end_of(i);
                    let text = plain_text(doc.events[i + 1..end].iter().map(|(e, _)| e));
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    out.push(section(i, r, text));
                }
                _ => {}
            }
            match e {
                Event::Start(_) => depth += 1,
                Event::End(_) => depth = depth.saturating_sub(1),
                _ => {}
            }
            if let Some(last) = out.last_mut() {
                last.events.end = i + 1;
            }
        }
        out
    }

    fn section(i: usize, r: &Range<usize>, text: String) -> Section {
        let mark = text.chars().next().filter(|c| [ADD, DROP].contains(c));
        let bare = match mark {
            Some(_) => text[1..].trim().to_owned(),
            None => text,
        };
        let key = match parse_step(&bare) {
            Some((n, _)) => Key::Step(n),
            None => Key::Heading(crate::text::fold(&bare)),
        };
        Section {
            key,
            events: i..i + 1,
            offset: r.start,
            len: r.len(),
            text: bare,
            mark,
        }
    }

    fn headings(theirs: &[Section]) -> String {
        theirs
            .iter()
            .filter(|t| t.key != Key::Intro)
            .map(|t| format!("`{}`", t.text))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn no_longer(s: &Section, theirs: &[Section]) -> Problem {
        Problem {
            offset: s.offset,
            len: s.len,
            message: format!(
                "the central guide has no section `{}` (any more): this section is added as a new one instead of replacing one",
                s.text
            ),
            hint: format!(
                "if it is a section of this unit's own, write `## {ADD} {}`; if it should replace one, use that section's heading: {}",
                s.text,
                headings(theirs)
            ),
        }
    }

    fn twice(s: &Section) -> Problem {
        Problem {
            offset: s.offset,
            len: s.len,
            message: format!(
                "the section `{}` is here twice: only the first replaces the central guide's",
                s.text
            ),
            hint: "merge the two into one section".into(),
        }
    }

    fn nothing_to_drop(s: &Section, theirs: &[Section]) -> Problem {
        Problem {
            offset: s.offset,
            len: s.len,
            message: format!(
                "the central guide has no section `{}` (any more) to leave out",
                s.text
            ),
            hint: format!(
                "remove this heading, or name one of the central guide's: {}",
                headings(theirs)
            ),
        }
    }
}
