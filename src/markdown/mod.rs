//! Guide Markdown: one scan that finds steps, headings, links and images (for
//! validation), and one render to HTML that splits the body into intro,
//! numbered steps and closing sections. A guide is rendered once and the HTML
//! reused by every unit: links between guides are relative, and all guide and
//! page URLs sit at the same depth in every unit folder.

mod highlight;
mod sanitize;

use std::collections::HashSet;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

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

#[derive(Debug, Clone)]
pub struct ImageRef {
    pub src: String,
    pub alt: String,
}

#[derive(Debug, Clone)]
pub struct StepHead {
    pub number: usize,
    pub title: String,
}

/// What a Markdown text refers to and how it is structured.
#[derive(Debug, Default)]
pub struct Scan {
    pub links: Vec<Located<Target>>,
    pub images: Vec<Located<ImageRef>>,
    pub steps: Vec<Located<StepHead>>,
    /// Every heading id, steps included, as the render will write them.
    pub ids: Vec<String>,
    /// Structural problems: (offset, len, message, hint).
    pub problems: Vec<(usize, usize, String, String)>,
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
struct Ids {
    used: HashSet<String>,
}

impl Ids {
    fn new() -> Self {
        Self {
            used: RESERVED_IDS.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn make(&mut self, explicit: Option<&str>, text: &str) -> String {
        let base = match explicit {
            Some(id) => id.to_owned(),
            None => {
                let s = slugify(text);
                if s.is_empty() { "muc".to_owned() } else { s }
            }
        };
        let mut id = base.clone();
        let mut n = 2;
        while !self.used.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

pub fn scan(md: &str) -> Scan {
    let mut out = Scan::default();
    let mut ids = Ids::new();
    let mut in_rest = false;
    let mut iter = Parser::new_ext(md, options()).into_offset_iter();
    while let Some((ev, range)) = iter.next() {
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let mut text = String::new();
                for (e, _) in iter.by_ref() {
                    match e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(&t),
                        _ => {}
                    }
                }
                if level == HeadingLevel::H2 {
                    match parse_step(&text) {
                        Some((n, title)) => {
                            let expected = out.steps.len() + 1;
                            if in_rest {
                                out.problems.push((range.start, range.len(), format!("step `{text}` comes after a section that is not a step"),
                                    "keep all `## Bước N: …` headings together; put other sections after the last step".into()));
                            } else if n != expected {
                                out.problems.push((range.start, range.len(), format!("step number {n} where step {expected} was expected"),
                                    format!("number the steps 1, 2, 3… in order: write `## Bước {expected}: {title}`")));
                            }
                            if title.is_empty() {
                                out.problems.push((range.start, range.len(), "step without a title".into(),
                                    "write what the reader does, verb first: `## Bước 1: Đăng nhập Cổng Dịch vụ công quốc gia`".into()));
                            }
                            out.steps.push(Located {
                                item: StepHead { number: n, title },
                                offset: range.start,
                                len: range.len(),
                            });
                        }
                        None => in_rest = !out.steps.is_empty() || in_rest,
                    }
                }
                out.ids.push(ids.make(id.as_deref(), &text));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(t) = Target::parse(&dest_url) {
                    out.links.push(Located {
                        item: t,
                        offset: range.start,
                        len: range.len(),
                    });
                } else if dest_url
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("javascript:")
                {
                    out.problems.push((
                        range.start,
                        range.len(),
                        "javascript: links are not allowed".into(),
                        "link to a web page (https://…) or another guide (guide:slug)".into(),
                    ));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for a in crate::links::attributes(&html) {
                    let v = a.value.trim();
                    if matches!(a.name.as_str(), "src" | "srcset" | "data")
                        && (v.contains("://") || v.starts_with("//"))
                    {
                        out.problems.push((range.start, range.len(), format!("HTML loads `{v}` from another site"),
                            "pages must not load anything from other sites: save the file in content/ and use Markdown ![mô tả](tệp.png)".into()));
                    }
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let mut alt = String::new();
                for (e, _) in iter.by_ref() {
                    match e {
                        Event::End(TagEnd::Image) => break,
                        Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                        _ => {}
                    }
                }
                out.images.push(Located {
                    item: ImageRef {
                        src: dest_url.to_string(),
                        alt,
                    },
                    offset: range.start,
                    len: range.len(),
                });
            }
            _ => {}
        }
    }
    out
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

/// Render a guide or page body.
pub fn render(md: &str, env: &Env) -> Rendered {
    let events = transform(Parser::new_ext(md, options()), env);
    let mut ids = Ids::new();
    let mut out = Rendered::default();
    enum Section {
        Intro,
        Step,
        Rest,
    }
    let mut section = Section::Intro;
    let mut buf: Vec<Event> = Vec::new();
    let flush = |section: &Section, buf: &mut Vec<Event>, out: &mut Rendered| {
        let html = env.sanitizer.clean(&to_html(std::mem::take(buf)));
        match section {
            Section::Intro => out.intro = html,
            Section::Step => out.steps.last_mut().expect("a step is open").body = html,
            Section::Rest => out.rest = html,
        }
    };
    let mut iter = events.into_iter();
    while let Some(ev) = iter.next() {
        let Event::Start(Tag::Heading { level, id, .. }) = ev else {
            buf.push(ev);
            continue;
        };
        let inner: Vec<Event> = iter
            .by_ref()
            .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
            .collect();
        let text = plain_text(&inner);
        let anchor = ids.make(id.as_deref(), &text);
        let step = (level == HeadingLevel::H2 && !matches!(section, Section::Rest))
            .then(|| parse_step(&text))
            .flatten();
        if let Some((number, title)) = step {
            flush(&section, &mut buf, &mut out);
            section = Section::Step;
            let title_html = env.sanitizer.clean(&to_html(strip_step_prefix(inner)));
            out.steps.push(Step {
                number,
                title,
                title_html,
                id: anchor,
                body: String::new(),
            });
            continue;
        }
        if level == HeadingLevel::H2 && matches!(section, Section::Step) {
            flush(&section, &mut buf, &mut out);
            section = Section::Rest;
        }
        // Steps are h3 on the page, so headings inside a step move down one.
        let n = heading_number(level) + usize::from(matches!(section, Section::Step));
        let n = n.min(6);
        buf.push(Event::Html(format!("<h{n} id=\"{anchor}\">").into()));
        buf.extend(inner);
        buf.push(Event::Html(format!("</h{n}>\n").into()));
    }
    flush(&section, &mut buf, &mut out);
    out
}

/// Render a short Markdown text (a front matter field) to sanitised HTML.
pub fn render_fragment(md: &str, env: &Env) -> String {
    let events = transform(Parser::new_ext(md, options()), env);
    env.sanitizer.clean(&to_html(events))
}

/// Render one line of inline Markdown (a list item in front matter).
pub fn render_inline(md: &str, env: &Env) -> String {
    let html = render_fragment(md, env);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => trimmed.to_owned(),
    }
}

fn heading_number(l: HeadingLevel) -> usize {
    l as usize
}

pub(crate) fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

/// Drop "Bước N:" from a step title: the page numbers steps itself.
pub(crate) fn strip_step_prefix(mut inner: Vec<Event>) -> Vec<Event> {
    if let Some(Event::Text(t)) = inner.first()
        && let Some((_, title)) = parse_step(t)
    {
        inner[0] = Event::Text(title.into());
    }
    inner
}

fn to_html<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Guide links, images, code blocks, alerts and tables, rewritten.
fn transform<'a>(parser: Parser<'a>, env: &Env) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    let mut link_kept: Vec<bool> = Vec::new();
    let mut iter = parser;
    while let Some(ev) = iter.next() {
        match ev {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match Target::parse(&dest_url) {
                Some(t) => match (env.link)(&t) {
                    Some(url) => {
                        link_kept.push(true);
                        out.push(Event::Start(Tag::Link {
                            link_type,
                            dest_url: url.into(),
                            title,
                            id,
                        }));
                    }
                    None => link_kept.push(false),
                },
                None => {
                    link_kept.push(true);
                    out.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            },
            Event::End(TagEnd::Link) => {
                if link_kept.pop().unwrap_or(true) {
                    out.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let mut alt = String::new();
                for e in iter.by_ref() {
                    match e {
                        Event::End(TagEnd::Image) => break,
                        Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                        _ => {}
                    }
                }
                let html = (env.image)(&dest_url, &alt).unwrap_or_else(|| escape(&alt));
                out.push(Event::Html(html.into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match &kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                for e in iter.by_ref() {
                    match e {
                        Event::End(TagEnd::CodeBlock) => break,
                        Event::Text(t) => code.push_str(&t),
                        _ => {}
                    }
                }
                out.push(Event::Html(env.highlighter.html(&lang, &code).into()));
            }
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
        let (h, s) = (Highlighter::default(), Sanitizer::default());
        let link = |t: &Target| match t {
            Target::Guide { slug, anchor } if slug == "co" => Some(format!(
                "../co/index.html{}",
                anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default()
            )),
            _ => None,
        };
        let image = |src: &str, alt: &str| Some(format!("<img src=\"{src}\" alt=\"{alt}\">"));
        render(
            md,
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
    fn scan_matches_render_ids_and_finds_refs() {
        let s = scan(GUIDE);
        assert_eq!(
            s.ids,
            vec!["buoc-1-dang-nhap", "chi-tiet", "buoc-2-nop-ho-so", "luu-y"]
        );
        assert_eq!(s.steps.len(), 2);
        assert!(s.problems.is_empty());
        assert_eq!(
            s.links[0].item,
            Target::Guide {
                slug: "co".into(),
                anchor: Some("buoc-2".into())
            }
        );
        assert_eq!(
            &GUIDE[s.links[0].offset..s.links[0].offset + s.links[0].len],
            "[cổng](guide:co#buoc-2)"
        );
    }

    #[test]
    fn misnumbered_and_scattered_steps_are_problems() {
        let s = scan("## Bước 1: A\n\n## Bước 3: B\n\n## Khác\n\n## Bước 4: C\n");
        assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
        assert!(s.problems[0].2.contains("step number 3"));
        assert!(s.problems[1].2.contains("comes after"));
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
        assert!(h.contains("type=\"checkbox\""), "{h}");
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
        let s = scan("## Lưu ý\n\n## Lưu ý\n\n## Nội dung\n");
        assert_eq!(s.ids, vec!["luu-y", "luu-y-2", "noi-dung-2"]);
    }
}
