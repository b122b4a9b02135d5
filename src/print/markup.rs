//! Guide Markdown to Typst markup, from pulldown-cmark events. Text is
//! escaped so that no character of the guide can start Typst syntax; blocks
//! become function calls (`#list(..)`, `#md-callout(..)`) so that nothing
//! depends on indentation. The helpers called here (`md-callout`, `md-task`,
//! `md-image`, `md-heading`) are defined in the generated `/main.typ`.

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use crate::markdown::{AlertLabels, Document, Target, alert, plain_text};

/// A Typst string literal.
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for Typst markup: every ASCII punctuation mark that could start
/// markup (`#`, `*`, `_`, `$`, `@`, `<`, `[`, `//`, `-`, `=`, `+`, `~`, digits
/// followed by `.`, URLs…) is escaped with a backslash, which Typst accepts
/// before any character. Straight quotes stay, so Typst sets them as “ ”.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' | '\'' => out.push(c),
            '\n' | '\r' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// How links and images come out in this document.
pub struct Env<'a> {
    /// A Typst label (`g-slug`) for a link to another guide in the same
    /// document, or `None` to print the link text alone.
    pub label: &'a dyn Fn(&Target) -> Option<String>,
    /// A Typst expression placing an image (`#md-image(..)`), or `None` to leave it out.
    pub image: &'a dyn Fn(&str, &str) -> Option<String>,
    /// Whether web links are clickable (download PDF) or written out (press).
    pub clickable: bool,
    pub labels: &'a AlertLabels,
}

/// A step in Typst markup: its title, its whole body, its first paragraph
/// (for formats that show steps at a glance), and that paragraph's first
/// sentence as plain text (for a leaflet that condenses the guide).
#[derive(Debug, Default, PartialEq)]
pub struct Step {
    pub title: String,
    pub body: String,
    pub lead: String,
    pub sentence: String,
}

/// A guide body split like the web page: intro, numbered steps, the rest.
#[derive(Debug, Default, PartialEq)]
pub struct Body {
    pub intro: Option<String>,
    pub steps: Vec<Step>,
    pub rest: Option<String>,
}

/// A guide's document as Typst markup, split like the web page.
pub fn body(doc: &Document, env: &Env) -> Body {
    let text = |events: Vec<Event<'static>>| {
        let t = convert(events, env);
        (!t.trim().is_empty()).then_some(t)
    };
    Body {
        intro: text(doc.section(&doc.intro)),
        steps: doc
            .steps
            .iter()
            .map(|s| {
                let events = doc.section(&s.body);
                Step {
                    title: escape(&s.title),
                    lead: lead(&events, env),
                    sentence: escape(&first_sentence(&events)),
                    body: text(events).unwrap_or_default(),
                }
            })
            .collect(),
        rest: text(doc.section(&doc.rest)),
    }
}

/// The first paragraph, when a section starts with one.
fn lead(events: &[Event<'static>], env: &Env) -> String {
    match events
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
    {
        Some(end) if matches!(events.first(), Some(Event::Start(Tag::Paragraph))) => {
            convert(events[..=end].to_vec(), env).trim().to_owned()
        }
        _ => String::new(),
    }
}

/// The first sentence of a section's first paragraph, as plain text: up to
/// the first `.`, `!`, `?` or `…` followed by a space and not closing an
/// abbreviation (so "TP. Hà Nội" does not end it), or the paragraph's end.
fn first_sentence(events: &[Event<'static>]) -> String {
    let Some(end) = events
        .iter()
        .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
    else {
        return String::new();
    };
    if !matches!(events.first(), Some(Event::Start(Tag::Paragraph))) {
        return String::new();
    }
    let text = plain_text(&events[..end]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut = text
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '.' | '!' | '?' | '…')
                && text[i + c.len_utf8()..].starts_with(' ')
                && !ends_with_abbreviation(&text[..i])
        })
        .map_or(text.len(), |(i, c)| i + c.len_utf8());
    text[..cut].to_owned()
}

/// Whether text ends in an abbreviation a full stop follows ("TP", "Q",
/// "TT"): a short run of capitals, which does not end a sentence.
fn ends_with_abbreviation(text: &str) -> bool {
    let word = text.rsplit(' ').next().unwrap_or_default();
    let letters = word.chars().count();
    (1..=4).contains(&letters) && word.chars().all(char::is_uppercase)
}

/// A short Markdown text (a front matter field) as Typst markup.
pub fn fragment(doc: &Document, env: &Env) -> String {
    convert(doc.all(), env).trim().to_owned()
}

/// Markdown events as Typst markup.
fn convert(events: Vec<Event<'static>>, env: &Env) -> String {
    let task_lists = task_lists(&events);
    let mut iter = events
        .into_iter()
        .enumerate()
        .map(|(i, e)| (task_lists.contains(&i), e));
    let mut w = Writer {
        out: String::new(),
        links: Vec::new(),
        env,
    };
    while let Some((task_list, ev)) = iter.next() {
        match ev {
            Event::Start(tag) => w.start(tag, task_list, &mut iter),
            Event::End(tag) => w.end(tag),
            ev => w.leaf(ev),
        }
    }
    w.out
}

/// Lists whose first item is a task get checkboxes instead of bullets: the
/// indices of their `Start(List)` events.
fn task_lists(events: &[Event<'static>]) -> Vec<usize> {
    (0..events.len())
        .filter(|&i| {
            matches!(events[i], Event::Start(Tag::List(_)))
                && matches!(events.get(i + 1), Some(Event::Start(Tag::Item)))
                && matches!(events.get(i + 2), Some(Event::TaskListMarker(_)))
        })
        .collect()
}

/// The markup written so far, and what closes each open link.
struct Writer<'e> {
    out: String,
    /// Closing text for each open link (written-out URL in print).
    links: Vec<String>,
    env: &'e Env<'e>,
}

impl Writer<'_> {
    /// An event that is not a tag's start or end.
    fn leaf(&mut self, ev: Event<'static>) {
        let out = &mut self.out;
        match ev {
            Event::Text(t) => out.push_str(&escape(&t)),
            Event::Code(t) => {
                out.push_str("#raw(");
                out.push_str(&lit(&t));
                out.push(')');
            }
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("#linebreak()\n"),
            Event::Rule => out.push_str("\n#line(length: 100%, stroke: 0.5pt)\n"),
            Event::TaskListMarker(done) => out.push_str(if done {
                "#md-task(true) "
            } else {
                "#md-task(false) "
            }),
            Event::FootnoteReference(l) => {
                out.push_str("#super[");
                out.push_str(&escape(&l));
                out.push(']');
            }
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::InlineMath(t) | Event::DisplayMath(t) => out.push_str(&escape(&t)),
            Event::Start(_) | Event::End(_) => {}
        }
    }

    /// A tag's start; a code block or image takes its events from `rest`.
    fn start(
        &mut self,
        tag: Tag<'static>,
        task_list: bool,
        rest: &mut impl Iterator<Item = (bool, Event<'static>)>,
    ) {
        let out = &mut self.out;
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { .. } => out.push_str("#md-heading["),
            Tag::BlockQuote(kind) => match kind {
                Some(k) => {
                    let (name, label) = alert(k, self.env.labels);
                    out.push_str(&format!("#md-callout({}, {})[", lit(name), lit(label)));
                }
                None => out.push_str("#quote(block: true)["),
            },
            Tag::CodeBlock(kind) => out.push_str(&code_block(kind, rest)),
            Tag::List(Some(start)) => out.push_str(&format!("#enum(start: {start}, ")),
            Tag::List(None) if task_list => out.push_str("#list(marker: [], body-indent: 0pt, "),
            Tag::List(None) => out.push_str("#list("),
            Tag::Item => out.push('['),
            Tag::FootnoteDefinition(l) => {
                out.push_str("#block[#super[");
                out.push_str(&escape(&l));
                out.push_str("] ");
            }
            Tag::Table(aligns) => out.push_str(&format!("#table(columns: {}, ", aligns.len())),
            Tag::TableHead => out.push_str("table.header("),
            Tag::TableRow => {}
            Tag::TableCell => out.push('['),
            Tag::Emphasis => out.push_str("#emph["),
            Tag::Strong => out.push_str("#strong["),
            Tag::Strikethrough => out.push_str("#strike["),
            Tag::Superscript => out.push_str("#super["),
            Tag::Subscript => out.push_str("#sub["),
            Tag::Link { dest_url, .. } => self.start_link(dest_url.to_string()),
            Tag::Image { dest_url, .. } => {
                let mut alt = Vec::new();
                for (_, e) in rest.by_ref() {
                    if matches!(e, Event::End(TagEnd::Image)) {
                        break;
                    }
                    alt.push(e);
                }
                let alt = plain_text(&alt);
                if let Some(call) = (self.env.image)(&dest_url, &alt) {
                    out.push_str(&call);
                }
            }
            Tag::HtmlBlock
            | Tag::MetadataBlock(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {}
        }
    }

    /// A link to a guide or page becomes a link to its label (or plain text
    /// when the document has none); a web address is a link on screen and
    /// written out in print.
    fn start_link(&mut self, url: String) {
        let out = &mut self.out;
        let links = &mut self.links;
        if let Some(target) = Target::parse(&url)
            && !url.starts_with("http")
        {
            match (self.env.label)(&target) {
                Some(label) => {
                    out.push_str(&format!("#link(<{label}>)["));
                    links.push("]".into());
                }
                None => links.push(String::new()),
            }
        } else if url.starts_with("http://") || url.starts_with("https://") {
            if self.env.clickable {
                out.push_str(&format!("#link({})[", lit(&url)));
                links.push("]".into());
            } else {
                // Print: the reader needs the address itself.
                let shown = url.trim_end_matches('/').to_owned();
                let shown = shown
                    .strip_prefix("https://")
                    .or_else(|| shown.strip_prefix("http://"))
                    .unwrap_or(&shown)
                    .to_owned();
                links.push(format!("\u{0}{shown}"));
            }
        } else {
            links.push(String::new());
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let out = &mut self.out;
        match tag {
            TagEnd::Paragraph => out.push_str("\n\n"),
            TagEnd::Heading(_) => out.push_str("]\n"),
            TagEnd::BlockQuote(_) => out.push_str("]\n"),
            TagEnd::List(_) => out.push_str(")\n"),
            TagEnd::Item => out.push_str("],"),
            TagEnd::FootnoteDefinition => out.push_str("]\n"),
            TagEnd::Table => out.push_str(")\n"),
            TagEnd::TableHead => out.push_str("),"),
            TagEnd::TableCell => out.push_str("],"),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => out.push(']'),
            TagEnd::Link => self.end_link(),
            _ => {}
        }
    }

    /// Closes a link; in print, writes the address after the text unless
    /// the text already is it.
    fn end_link(&mut self) {
        let close = self.links.pop().unwrap_or_default();
        match close.strip_prefix('\u{0}') {
            Some(shown) => {
                if !self.out.ends_with(&escape(shown)) {
                    self.out.push_str(" \\(");
                    self.out.push_str(&escape(shown));
                    self.out.push_str("\\)");
                }
            }
            None => self.out.push_str(&close),
        }
    }
}

/// A code block, its text taken from `rest` up to its end, as `#raw`.
fn code_block(
    kind: CodeBlockKind<'static>,
    rest: &mut impl Iterator<Item = (bool, Event<'static>)>,
) -> String {
    let lang = match kind {
        CodeBlockKind::Fenced(l) => l.split_whitespace().next().map(str::to_owned),
        CodeBlockKind::Indented => None,
    };
    let mut code = String::new();
    for (_, e) in rest.by_ref() {
        match e {
            Event::Text(t) => code.push_str(&t),
            Event::End(TagEnd::CodeBlock) => break,
            _ => {}
        }
    }
    let mut out = String::from("#raw(block: true, ");
    if let Some(l) = lang.filter(|l| !l.is_empty()) {
        out.push_str(&format!("lang: {}, ", lit(&l)));
    }
    out.push_str(&lit(code.trim_end()));
    out.push_str(")\n");
    out
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

    fn env(labels: &AlertLabels) -> Env<'_> {
        Env {
            label: &|_| None,
            image: &|_, _| None,
            clickable: false,
            labels,
        }
    }

    #[test]
    fn escapes_every_markup_character() {
        let s = escape("#*_`$@<>[]{}()~/-=+.:;!?,%&|^ \\ a // b -- c ... 1. x");
        for (i, c) in s.char_indices() {
            if c.is_ascii_punctuation() && c != '\\' {
                assert_eq!(&s[i - 1..i], "\\", "{c} in {s} not escaped");
            }
        }
        assert!(escape("Đăng ký \"khai sinh\"").contains("\"khai sinh\""));
    }

    #[test]
    fn string_literals_escape_quotes_and_backslashes() {
        assert_eq!(lit("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    }

    #[test]
    fn splits_steps_like_the_web_page() {
        let l = labels();
        let b = body(
            &Document::parse(
                "Mở đầu.\n\n## Bước 1: Đăng nhập\n\nVào *trang*.\n\n## Bước 2: Nộp\n\n- a\n- b\n\n## Lưu ý\n\nHết.",
            ),
            &env(&l),
        );
        assert_eq!(b.intro.as_deref().map(str::trim), Some("Mở đầu\\."));
        assert_eq!(b.steps.len(), 2);
        assert_eq!(b.steps[0].title, "Đăng nhập");
        assert!(b.steps[0].body.contains("#emph[trang]"));
        assert_eq!(b.steps[0].lead, "Vào #emph[trang]\\.");
        assert!(b.steps[1].body.contains("#list([a],[b],)"));
        assert_eq!(b.steps[1].lead, "");
        let rest = b.rest.expect("rest");
        assert!(rest.starts_with("#md-heading[Lưu ý]"), "{rest}");
    }

    #[test]
    fn a_steps_sentence_is_the_first_of_its_first_paragraph() {
        let first = |md: &str| {
            let d = Document::parse(&format!("## Bước 1: Làm\n\n{md}"));
            first_sentence(&d.section(&d.steps[0].body))
        };
        assert_eq!(first("Vào *cổng* dịch vụ. Rồi nộp."), "Vào cổng dịch vụ.");
        assert_eq!(
            first("Đến UBND TP. Hà Nội nộp hồ sơ. Xong."),
            "Đến UBND TP. Hà Nội nộp hồ sơ."
        );
        assert_eq!(first("Chuẩn bị:\n\n- a"), "Chuẩn bị:");
        assert_eq!(first("- a\n- b"), "");
    }

    #[test]
    fn press_links_write_the_address_and_alerts_become_callouts() {
        let l = labels();
        let s = fragment(
            &Document::parse(
                "Mở [Cổng](https://dichvucong.gov.vn/) hoặc <https://a.vn>.\n\n> [!WARNING]\n> Không đọc mã OTP.",
            ),
            &env(&l),
        );
        assert!(s.contains("Cổng \\(dichvucong\\.gov\\.vn\\)"), "{s}");
        assert!(!s.contains("a\\.vn \\(a\\.vn\\)"), "{s}");
        assert!(s.contains("#md-callout(\"warning\", \"Cảnh báo\")["), "{s}");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;
        use crate::engine::world::PrintWorld;
        use crate::markdown::document::generate;

        /// The helpers the generated `/main.typ` defines, plainly.
        const HELPERS: &str = "#let md-callout(kind, label, body) = block[#strong(label) #body]\n\
            #let md-task(done) = if done [☑] else [☐]\n\
            #let md-heading(body) = strong(body)\n\
            #let md-image(path, alt, width) = image(path, width: width, alt: alt)\n";

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// Any guide text becomes Typst markup that compiles, with its
            /// text as text: nothing in it can call a function or read a
            /// file (the world serves no file outside the project).
            #[test]
            fn any_text_compiles_in_typst(md in generate::markdown(), title in ".{0,40}") {
                let l = labels();
                let doc = Document::parse(&md);
                let b = body(&doc, &env(&l));
                let mut main = HELPERS.to_owned();
                main.push_str(&format!("#let title = {}\n", lit(&title)));
                main.push_str("#title\n\n");
                for part in b.intro.iter().chain(b.rest.iter()) {
                    main.push_str(&format!("#block[{part}]\n"));
                }
                for s in &b.steps {
                    main.push_str(&format!("#block[{}]\n#block[{}]\n#block[{}]\n", s.title, s.lead, s.body));
                }
                let mut world = PrintWorld::new([]);
                let result = world.compile(&main);
                prop_assert!(result.is_ok(), "{:?}\n--- markdown:\n{md}\n--- typst:\n{main}", result.err());
            }
        }
    }
}
