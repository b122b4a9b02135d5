//! Guide Markdown: parsed once into a `Document` (its structure, ids, links
//! and images), rendered from it to HTML split into intro, numbered steps and
//! closing sections. A guide is rendered once and the HTML reused by every
//! unit: links between guides are relative, and all guide and page URLs sit
//! at the same depth in every unit folder.

pub(crate) mod document;
mod highlight;
mod sanitize;

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Tag, TagEnd,
};
use serde::Serialize;

pub use document::{
    Document, Heading, ImageRef, Link, MAX_BODY_BYTES, MAX_DEPTH, Problem, Step as DocStep,
    plain_text,
};
pub use highlight::{Highlighter, escape};
pub use sanitize::Sanitizer;

use crate::text::{fold, slugify};

/// Ids the page templates use; headings in content never take them.
pub const RESERVED_IDS: &[&str] = &[
    "noi-dung",
    "tom-tat",
    "doi-tuong",
    "can-chuan-bi",
    "cac-buoc",
    "sau-khi-nop",
    "ho-tro",
    "lien-quan",
    "can-cu",
    "cap-nhat",
    "menu",
    "tim-kiem",
    "lien-he",
    "chu-thich",
    "thong-tin-them",
    "tai-lieu-in",
    "do-hoa",
    "xem-video",
    "noi-dung-hinh",
    "tai-ve",
    "so-tay",
    "to-roi",
    "nha-in",
    "ket-qua",
    "ap-phich",
];

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_GFM
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A link to another guide or a free page, written `guide:slug#anchor` or `page:slug`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Guide {
        slug: String,
        anchor: Option<String>,
    },
    Page {
        slug: String,
        anchor: Option<String>,
    },
}

impl Target {
    pub fn parse(url: &str) -> Option<Self> {
        let (kind, rest) = url.split_once(':')?;
        let (slug, anchor) = match rest.split_once('#') {
            Some((s, a)) => (s.to_owned(), Some(a.to_owned())),
            None => (rest.to_owned(), None),
        };
        let slug = slug
            .trim_start_matches('/')
            .trim_end_matches('/')
            .to_owned();
        match kind {
            "guide" => Some(Self::Guide { slug, anchor }),
            "page" => Some(Self::Page { slug, anchor }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Located<T> {
    pub item: T,
    /// Byte range in the Markdown text.
    pub offset: usize,
    pub len: usize,
}

/// Parse "Bước 3: Nộp hồ sơ" into (3, "Nộp hồ sơ").
pub(crate) fn parse_step(text: &str) -> Option<(usize, String)> {
    let folded = fold(text);
    let rest = folded.strip_prefix("buoc ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let n: usize = digits.parse().ok()?;
    // Same character count in the original: folding keeps one char per char
    // for Vietnamese letters.
    let skip = "buoc ".len() + digits.len();
    let tail: String = text.chars().skip(skip).collect();
    let title = tail
        .trim_start_matches([':', '.', '-', '–', '—', ' '])
        .trim()
        .to_owned();
    Some((n, title))
}

/// Heading ids: slugs of the heading text, de-duplicated with -2, -3…
#[derive(Default)]
pub(crate) struct Ids {
    used: HashSet<String>,
    /// The next suffix to try per base: 10,000 equal headings stay linear.
    next: HashMap<String, usize>,
}

/// Longer ids are cut (at a word): a pasted 100 KB heading makes no 100 KB id.
const MAX_ID_CHARS: usize = 120;

impl Ids {
    pub(crate) fn new() -> Self {
        Self {
            used: RESERVED_IDS.iter().map(|s| (*s).to_owned()).collect(),
            next: HashMap::new(),
        }
    }

    pub(crate) fn make(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) => id.to_owned(),
            None => {
                let s = slugify(text);
                if s.is_empty() { "muc".to_owned() } else { s }
            }
        };
        let base = cut_id(base);
        let mut id = base.clone();
        let n = self.next.entry(base.clone()).or_insert(2);
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            *n += 1;
        }
        id
    }
}

fn cut_id(id: String) -> String {
    if id.chars().count() <= MAX_ID_CHARS {
        return id;
    }
    let cut: String = id.chars().take(MAX_ID_CHARS).collect();
    match cut.rfind('-') {
        Some(i) if i > 0 => cut[..i].to_owned(),
        _ => cut,
    }
}

/// Labels for GitHub-style alerts, from the theme's strings.
#[derive(Debug, Clone)]
pub struct AlertLabels {
    pub note: String,
    pub tip: String,
    pub important: String,
    pub warning: String,
    pub caution: String,
}

/// What rendering needs from outside: link and image resolution for the
/// page's position, alert labels, and the shared highlighter and sanitizer.
pub struct Env<'a> {
    /// A relative URL for a target, or `None` to render the text unlinked.
    pub link: &'a (dyn Fn(&Target) -> Option<String> + Sync),
    /// The `<img>` (or `<picture>`) HTML for a source and alt text.
    pub image: &'a (dyn Fn(&str, &str) -> Option<String> + Sync),
    pub labels: &'a AlertLabels,
    pub highlighter: &'a Highlighter,
    pub sanitizer: &'a Sanitizer,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Step {
    pub number: usize,
    pub title: String,
    pub title_html: String,
    pub id: String,
    pub body: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Rendered {
    pub intro: String,
    pub steps: Vec<Step>,
    pub rest: String,
}

/// Render a guide or page body from its document.
pub fn render(doc: &Document, env: &Env) -> Rendered {
    let html = |events: Vec<Event<'static>>, shift: usize| {
        env.sanitizer.clean(&to_html(transform(events, env, shift)))
    };
    Rendered {
        intro: html(doc.section(&doc.intro), 0),
        // Steps are h3 on the page, so headings inside a step move down one.
        steps: doc
            .steps
            .iter()
            .map(|s| Step {
                number: s.number,
                title: s.title.clone(),
                title_html: html(s.title_events.clone(), 0),
                id: s.anchor.clone(),
                body: html(doc.section(&s.body), 1),
            })
            .collect(),
        rest: html(doc.section(&doc.rest), 0),
    }
}

/// Render a short Markdown text (a front matter field) to sanitised HTML.
pub fn render_fragment(doc: &Document, env: &Env) -> String {
    env.sanitizer.clean(&to_html(transform(doc.all(), env, 0)))
}

/// Render one line of inline Markdown (a list item in front matter).
pub fn render_inline(doc: &Document, env: &Env) -> String {
    let html = render_fragment(doc, env);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => trimmed.to_owned(),
    }
}

/// A message's Markdown (an e-mail body) as sanitised HTML: it has no
/// guide links or images to resolve.
pub fn message_html(md: &str, sanitizer: &Sanitizer) -> String {
    let doc = Document::parse(md);
    sanitizer.clean(&to_html(doc.all()))
}

fn heading_number(l: HeadingLevel) -> usize {
    l as usize
}

fn to_html<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Guide links, images, code blocks, alerts, tables and headings (their
/// ids from the document, `shift` levels down), rewritten.
fn transform(events: Vec<Event<'static>>, env: &Env, shift: usize) -> Vec<Event<'static>> {
    let mut out = Vec::new();
    let mut link_kept: Vec<bool> = Vec::new();
    let mut iter = events.into_iter();
    while let Some(ev) = iter.next() {
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let n = (heading_number(level) + shift).min(6);
                let id = id
                    .map(|i| format!(" id=\"{}\"", escape(&i)))
                    .unwrap_or_default();
                out.push(Event::Html(format!("<h{n}{id}>").into()));
            }
            Event::End(TagEnd::Heading(level)) => {
                let n = (heading_number(level) + shift).min(6);
                out.push(Event::Html(format!("</h{n}>\n").into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let kept = link_to(env, &dest_url).map(|url| {
                    Event::Start(Tag::Link {
                        link_type,
                        dest_url: url.map_or(dest_url, CowStr::from),
                        title,
                        id,
                    })
                });
                link_kept.push(kept.is_some());
                out.extend(kept);
            }
            Event::End(TagEnd::Link) => {
                if link_kept.pop().unwrap_or(true) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => out.push(image(&dest_url, &mut iter, env)),
            Event::Start(Tag::CodeBlock(kind)) => out.push(code_block(&kind, &mut iter, env)),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = alert(kind, env.labels);
                out.push(Event::Html(
                    format!("<div class=\"callout callout--{class}\" role=\"note\">\n<p class=\"callout__title\">{}</p>\n", escape(label)).into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                out.push(Event::Html(CowStr::Borrowed("</div>\n")))
            }
            Event::Start(Tag::Table(a)) => {
                out.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-wrap\">\n",
                )));
                out.push(Event::Start(Tag::Table(a)));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            other => out.push(other),
        }
    }
    out
}

/// Where a link goes: `None` to drop it (a guide or page this context lacks:
/// its text stays), `Some(None)` to keep its address, `Some(Some(url))` for
/// a guide or page link rewritten.
fn link_to(env: &Env, dest_url: &str) -> Option<Option<String>> {
    match Target::parse(dest_url) {
        Some(t) => (env.link)(&t).map(Some),
        None => Some(None),
    }
}

/// An image, its alt text taken from `rest` up to its end, as HTML (the alt
/// text alone when the image is left out).
fn image(
    dest_url: &str,
    rest: &mut impl Iterator<Item = Event<'static>>,
    env: &Env,
) -> Event<'static> {
    let mut alt = String::new();
    for e in rest.by_ref() {
        match e {
            Event::End(TagEnd::Image) => break,
            Event::Text(t) | Event::Code(t) => alt.push_str(&t),
            _ => {}
        }
    }
    let html = (env.image)(dest_url, &alt).unwrap_or_else(|| escape(&alt));
    Event::InlineHtml(html.into())
}

/// A code block, its text taken from `rest` up to its end, highlighted.
fn code_block(
    kind: &CodeBlockKind,
    rest: &mut impl Iterator<Item = Event<'static>>,
    env: &Env,
) -> Event<'static> {
    let lang = match kind {
        CodeBlockKind::Fenced(l) => l.to_string(),
        CodeBlockKind::Indented => String::new(),
    };
    let mut code = String::new();
    for e in rest.by_ref() {
        match e {
            Event::End(TagEnd::CodeBlock) => break,
            Event::Text(t) => code.push_str(&t),
            _ => {}
        }
    }
    Event::Html(env.highlighter.html(&lang, &code).into())
}

pub(crate) fn alert(kind: BlockQuoteKind, l: &AlertLabels) -> (&'static str, &str) {
    match kind {
        BlockQuoteKind::Note => ("note", &l.note),
        BlockQuoteKind::Tip => ("tip", &l.tip),
        BlockQuoteKind::Important => ("important", &l.important),
        BlockQuoteKind::Warning => ("warning", &l.warning),
        BlockQuoteKind::Caution => ("caution", &l.caution),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> AlertLabels {
        AlertLabels {
            note: "Ghi chú".into(),
            tip: "Mẹo".into(),
            important: "Quan trọng".into(),
            warning: "Cảnh báo".into(),
            caution: "Thận trọng".into(),
        }
    }

    fn render_md(md: &str) -> Rendered {
        let labels = labels();
        let (h, s) = (
            Highlighter::default(),
            Sanitizer::new("Đã xong", "Chưa xong"),
        );
        let link = |t: &Target| match t {
            Target::Guide { slug, anchor } if slug == "co" => Some(format!(
                "../co/index.html{}",
                anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default()
            )),
            _ => None,
        };
        let image = |src: &str, alt: &str| Some(format!("<img src=\"{src}\" alt=\"{alt}\">"));
        render(
            &Document::parse(md),
            &Env {
                link: &link,
                image: &image,
                labels: &labels,
                highlighter: &h,
                sanitizer: &s,
            },
        )
    }

    const GUIDE: &str = "Giới thiệu ngắn.\n\n## Bước 1: Đăng nhập\n\nVào [cổng](guide:co#buoc-2).\n\n### Chi tiết\n\nx\n\n## Bước 2: Nộp hồ sơ\n\n> [!WARNING]\n> Không chia sẻ mã OTP.\n\n## Lưu ý\n\nHết.\n";

    #[test]
    fn splits_intro_steps_and_rest() {
        let r = render_md(GUIDE);
        assert!(r.intro.contains("Giới thiệu ngắn."));
        assert_eq!(r.steps.len(), 2);
        assert_eq!(r.steps[0].id, "buoc-1-dang-nhap");
        assert_eq!(r.steps[0].title, "Đăng nhập");
        assert_eq!(r.steps[0].title_html, "Đăng nhập");
        assert!(
            r.steps[0].body.contains("<h4 id=\"chi-tiet\">"),
            "{}",
            r.steps[0].body
        );
        assert!(r.steps[0].body.contains("href=\"../co/index.html#buoc-2\""));
        assert!(
            r.steps[1]
                .body
                .contains("class=\"callout callout--warning\"")
        );
        assert!(r.steps[1].body.contains("Cảnh báo"));
        assert!(r.rest.contains("<h2 id=\"luu-y\">Lưu ý</h2>"), "{}", r.rest);
    }

    #[test]
    fn the_page_uses_the_documents_ids() {
        let r = render_md(GUIDE);
        let d = Document::parse(GUIDE);
        let ids: Vec<&str> = d.ids().collect();
        assert_eq!(
            ids,
            ["buoc-1-dang-nhap", "chi-tiet", "buoc-2-nop-ho-so", "luu-y"]
        );
        assert_eq!(r.steps[1].id, ids[2]);
        let (t, l) = d.targets().next().expect("a guide link");
        assert_eq!(
            *t,
            Target::Guide {
                slug: "co".into(),
                anchor: Some("buoc-2".into())
            }
        );
        assert_eq!(
            &GUIDE[l.offset..l.offset + l.len],
            "[cổng](guide:co#buoc-2)"
        );
    }

    #[test]
    fn misnumbered_and_scattered_steps_are_problems() {
        let d = Document::parse("## Bước 1: A\n\n## Bước 3: B\n\n## Khác\n\n## Bước 4: C\n");
        assert_eq!(d.problems.len(), 2, "{:?}", d.problems);
        assert!(d.problems[0].message.contains("step number 3"));
        assert!(d.problems[1].message.contains("comes after"));
    }

    #[test]
    fn a_heading_with_a_guide_link_links_on_the_page() {
        let r = render_md("## Xem [cơ sở](guide:co)\n");
        assert!(r.intro.contains("href=\"../co/index.html\""), "{}", r.intro);
    }

    #[test]
    fn unresolved_links_keep_their_text() {
        let r = render_md("Xem [thủ tục khác](guide:khong-co).");
        assert!(r.intro.contains("Xem thủ tục khác."), "{}", r.intro);
        assert!(!r.intro.contains("href"));
    }

    #[test]
    fn gfm_features_render() {
        let r = render_md(
            "| a | b |\n|---|:-:|\n| 1 | 2 |\n\n~~cũ~~\n\n- [x] xong\n- [ ] chưa\n\nChú thích[^1].\n\n[^1]: Nguồn.\n\n```json\n{\"a\": 1}\n```\n",
        );
        let h = &r.intro;
        assert!(
            h.contains("<div class=\"table-wrap\">") && h.contains("<table>"),
            "{h}"
        );
        assert!(h.contains("text-align: center"), "{h}");
        assert!(h.contains("<del>cũ</del>"), "{h}");
        assert!(h.contains("role=\"img\" aria-label=\"Đã xong\""), "{h}");
        assert!(h.contains("footnote-definition"), "{h}");
        assert!(h.contains("class=\"hl-"), "{h}");
    }

    #[test]
    fn raw_html_is_sanitised() {
        let r = render_md(
            "<div onclick=\"x()\">a</div>\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n",
        );
        assert!(
            !r.intro.contains("onclick")
                && !r.intro.contains("<script")
                && !r.intro.contains("javascript:"),
            "{}",
            r.intro
        );
    }

    #[test]
    fn duplicate_headings_get_unique_ids() {
        let d = Document::parse("## Lưu ý\n\n## Lưu ý\n\n## Nội dung\n");
        let ids: Vec<&str> = d.ids().collect();
        assert_eq!(ids, ["luu-y", "luu-y-2", "noi-dung-2"]);
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// The page carries exactly the ids the checks know, and no
            /// handler or script survives the sanitiser.
            #[test]
            fn the_page_has_the_documents_ids(md in document::generate::markdown()) {
                let d = Document::parse(&md);
                let r = render_md(&md);
                let html = format!(
                    "{}{}{}",
                    r.intro,
                    r.steps.iter().map(|s| s.body.as_str()).collect::<String>(),
                    r.rest
                );
                for (step, rendered) in d.steps.iter().zip(&r.steps) {
                    prop_assert_eq!(&step.anchor, &rendered.id);
                }
                let steps: Vec<&str> = d.steps.iter().map(|s| s.anchor.as_str()).collect();
                for h in d.headings.iter().filter(|h| !steps.contains(&h.id.as_str())) {
                    let needle = format!("id=\"{}\"", h.id);
                    prop_assert!(html.contains(&needle), "{} missing in {}", h.id, html);
                }
                prop_assert!(!html.to_lowercase().contains("<script"));
                for a in crate::links::attributes(&html) {
                    prop_assert!(!a.name.starts_with("on") && !a.value.to_lowercase().contains("javascript:"), "{:?}", a);
                }
            }
        }
    }
}
