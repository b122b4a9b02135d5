//! Plain-language and accessibility lints for Vietnamese guides. All are
//! warnings: they help editors, they do not block a build.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use crate::content::{CheckConfig, Doc, YamlFile};
use crate::diag::Diagnostic;
use crate::text::fold;

/// Verbs a step title may start with (folded, so "Đăng nhập" = "dang nhap").
/// site.yaml `check.step_verbs` adds more.
const STEP_VERBS: &[&str] = &[
    "bam",
    "bao",
    "bo sung",
    "cai",
    "cap nhat",
    "chon",
    "chuan bi",
    "chup",
    "chuyen",
    "cung cap",
    "dang ky",
    "dang nhap",
    "dat",
    "dat lich",
    "den",
    "dien",
    "dinh kem",
    "doc",
    "doi",
    "doi chieu",
    "dong",
    "ghi",
    "gui",
    "hen",
    "hoi",
    "huong dan",
    "in",
    "ke khai",
    "khai",
    "kich hoat",
    "kiem tra",
    "ky",
    "lam",
    "lien he",
    "luu",
    "mang",
    "mo",
    "nhan",
    "nhap",
    "nho",
    "nop",
    "phan cong",
    "quyet toan",
    "so hoa",
    "tai",
    "tham dinh",
    "thanh toan",
    "theo doi",
    "thong bao",
    "tiep nhan",
    "tim",
    "tra",
    "tra cuu",
    "tra loi",
    "tu",
    "xac dinh",
    "xac nhan",
    "xac thuc",
    "xem",
    "xin",
    "xu ly",
];

/// Abbreviations readers must not have to guess; site.yaml `check.abbreviations` adds more.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("TTHC", "thủ tục hành chính"),
    ("DVC", "dịch vụ công"),
    ("BHXH", "bảo hiểm xã hội"),
    ("BHYT", "bảo hiểm y tế"),
    ("VNeID", "định danh điện tử"),
    ("OTP", "mã xác thực"),
    ("CCCD", "căn cước công dân"),
    ("GPLX", "giấy phép lái xe"),
    ("UBND", "Ủy ban nhân dân"),
];

const VAGUE_LINKS: &[&str] = &[
    "bam vao day",
    "nhan vao day",
    "tai day",
    "o day",
    "day",
    "xem them",
    "click here",
    "link",
    "here",
];

/// Characters of the old TCVN3 (ABC) and VNI font encodings that never
/// appear in Unicode Vietnamese: text pasted from old .doc files.
const MOJIBAKE: &[char] = &[
    '¸', 'µ', '¶', '·', '¹', '¨', '©', '®', '§', 'ª', '«', '¬', '¯', '°', '±', '²', '³', '´', 'º',
    '»', '¼', '½', '¾', 'Æ', 'Ç', 'Ë', 'Î', 'Ï', 'Ñ', 'Ö', '×', 'Ø', 'Û', 'Ü', 'Þ', 'ß', 'ø', 'ï',
    'ö', 'ñ', 'ä', 'ë', 'å', 'æ', 'û', 'ü', 'ÿ',
];

fn syllables(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Sentences of a paragraph: split after . ! ? … followed by a space.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, (pos, c)) in chars.iter().enumerate() {
        let next_space = chars.get(i + 1).is_none_or(|(_, n)| n.is_whitespace());
        if matches!(c, '.' | '!' | '?' | '…') && next_space {
            let end = pos + c.len_utf8();
            if !text[start..end].trim().is_empty() {
                out.push(text[start..end].trim());
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// Lint one Markdown document (a guide or page body).
pub fn lint<M>(doc: &Doc<M>, cfg: &CheckConfig, is_guide: bool) -> Vec<Diagnostic>
where
    Doc<M>: YamlFile,
{
    let mut l = Linter::new(doc, cfg);
    l.check_encoding();
    if is_guide {
        l.check_step_verbs();
    }
    for (ev, range) in doc.parsed.body.events() {
        l.event(ev, range.start);
    }
    let steps = if is_guide {
        doc.parsed.body.steps.len()
    } else {
        0
    };
    l.check_step_count(steps);
    l.out
}

/// One pass over a document's events, with what the lints remember.
struct Linter<'a, M> {
    doc: &'a Doc<M>,
    cfg: &'a CheckConfig,
    out: Vec<Diagnostic>,
    abbreviations: Vec<(String, String)>,
    seen_abbr: Vec<String>,
    /// Everything read so far, folded: an expansion written earlier explains an abbreviation.
    read_so_far: String,
    last_level: usize,
    para: String,
    para_start: usize,
    in_para: bool,
    heading: Option<(HeadingLevel, usize, String)>,
    link: Option<(usize, String)>,
}

impl<'a, M> Linter<'a, M>
where
    Doc<M>: YamlFile,
{
    fn new(doc: &'a Doc<M>, cfg: &'a CheckConfig) -> Self {
        let abbreviations = ABBREVIATIONS
            .iter()
            .map(|(a, e)| ((*a).to_owned(), (*e).to_owned()))
            .chain(
                cfg.abbreviations
                    .iter()
                    .map(|(a, e)| (a.clone(), e.clone())),
            )
            .collect();
        Self {
            doc,
            cfg,
            out: Vec::new(),
            abbreviations,
            seen_abbr: Vec::new(),
            read_so_far: String::new(),
            last_level: 1,
            para: String::new(),
            para_start: 0,
            in_para: false,
            heading: None,
            link: None,
        }
    }

    /// `d` at a byte range of the body.
    fn at(&self, offset: usize, len: usize, d: Diagnostic) -> Diagnostic {
        let (src, at) = self.doc.place(offset);
        d.at_offset(&src.path, &src.text, at, len)
    }

    /// The file is NFC, and no line looks like TCVN3 or VNI text.
    fn check_encoding(&mut self) {
        let doc = self.doc;
        if !doc.source.was_nfc {
            self.out.push(
                Diagnostic::warning("file is not in Unicode NFC (decomposed diacritics, as from macOS or Word)")
                    .in_file(&doc.source.path)
                    .code("text")
                    .hint("sotay normalises it when building; save the file as NFC (most editors: re-save as UTF-8) so search and diffs match"),
            );
        }
        for (i, line) in doc.source.text.lines().enumerate() {
            if let Some(col) = line.chars().position(|c| MOJIBAKE.contains(&c)) {
                self.out.push(
                    Diagnostic::warning("text looks like the old TCVN3 (ABC) or VNI encoding")
                        .at(&doc.source.path, &doc.source.text, i + 1, col + 1, 1)
                        .code("text")
                        .hint("convert the text to Unicode (e.g. Unikey's converter: TCVN3 or VNI Windows -> Unicode) and paste it again"),
                );
            }
        }
    }

    /// Every step title starts with a verb.
    fn check_step_verbs(&mut self) {
        let doc = self.doc;
        let verbs: Vec<String> = STEP_VERBS
            .iter()
            .map(|v| (*v).to_owned())
            .chain(self.cfg.step_verbs.iter().map(|v| fold(v)))
            .collect();
        for step in &doc.parsed.body.steps {
            let ok = verbs.iter().any(|v| {
                let title = fold(&step.title);
                title == *v || title.starts_with(&format!("{v} "))
            });
            if !ok {
                let heading = doc
                    .parsed
                    .body
                    .headings
                    .iter()
                    .find(|h| h.offset == step.offset);
                let text = heading.map_or(step.title.as_str(), |h| h.text.as_str());
                self.out.push(self.at(step.offset, step.len, Diagnostic::warning(format!("step `{text}` does not start with a verb")).code("plain-language")
                    .hint("say what the reader does first: \"Nộp hồ sơ\", \"Chọn thủ tục\"; add the verb to check.step_verbs in site.yaml if it is one")));
            }
        }
    }

    fn event(&mut self, ev: &Event, start: usize) {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((*level, start, String::new()))
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::Paragraph) => {
                self.in_para = true;
                self.para.clear();
                self.para_start = start;
            }
            Event::End(TagEnd::Paragraph) => {
                self.in_para = false;
                self.check_paragraph();
            }
            Event::Start(Tag::Link { .. }) => self.link = Some((start, String::new())),
            Event::End(TagEnd::Link) => self.end_link(),
            Event::Text(t) | Event::Code(t) => self.text(t, start),
            Event::SoftBreak | Event::HardBreak if self.in_para => self.para.push(' '),
            _ => {}
        }
    }

    /// No level-1 heading in the text, and no level skipped.
    fn end_heading(&mut self) {
        let Some((level, start, text)) = self.heading.take() else {
            return;
        };
        let n = level as usize;
        let last_level = self.last_level;
        if n == 1 {
            self.out.push(
                self.at(
                    start,
                    text.len() + 2,
                    Diagnostic::warning("a level-1 heading in the text")
                        .code("accessibility")
                        .hint("the page title is the only level-1 heading; start sections with ##"),
                ),
            );
        } else if n > last_level + 1 {
            self.out.push(
                self.at(
                    start,
                    text.len() + n + 1,
                    Diagnostic::warning(format!("heading level jumps from {} to {n}", last_level))
                        .code("accessibility")
                        .hint(format!(
                            "use {} for this heading, or add the missing level above it",
                            "#".repeat(last_level + 1)
                        )),
                ),
            );
        }
        self.last_level = n;
    }

    /// Paragraphs of few sentences, sentences of few syllables.
    fn check_paragraph(&mut self) {
        let cfg = self.cfg;
        let para_start = self.para_start;
        let ss = sentences(&self.para);
        let mut found = Vec::new();
        if ss.len() > cfg.max_paragraph_sentences {
            found.push(
                self.at(
                    para_start,
                    1,
                    Diagnostic::warning(format!("paragraph of {} sentences", ss.len()))
                        .code("plain-language")
                        .hint(format!(
                            "keep paragraphs to {} sentences or fewer: split it, or make a list",
                            cfg.max_paragraph_sentences
                        )),
                ),
            );
        }
        for s in ss {
            let n = syllables(s);
            if n > cfg.max_sentence_syllables {
                let (src, at) = self.doc.place(para_start);
                let offset = src
                    .text
                    .get(at..)
                    .unwrap_or("")
                    .find(s.split_whitespace().next().unwrap_or(""))
                    .map_or(para_start, |o| para_start + o);
                found.push(
                    self.at(
                        offset,
                        1,
                        Diagnostic::warning(format!("sentence of {n} syllables"))
                            .code("plain-language")
                            .hint(format!(
                                "break it up: sentences over {} syllables are hard to follow",
                                cfg.max_sentence_syllables
                            )),
                    ),
                );
            }
        }
        self.out.extend(found);
    }

    /// Link text says where the link goes.
    fn end_link(&mut self) {
        if let Some((start, text)) = self.link.take() {
            let t = fold(text.trim()).trim_end_matches(['.', ':']).to_owned();
            if VAGUE_LINKS.contains(&t.as_str()) {
                self.out.push(self.at(start, text.chars().count() + 2, Diagnostic::warning(format!("link text \"{}\" does not say where it goes", text.trim())).code("accessibility")
                    .hint("name the destination: [Nộp hồ sơ trực tuyến](guide:nop-ho-so-truc-tuyen)")));
            }
        }
    }

    /// Text goes to the open heading, link and paragraph; abbreviations in
    /// it are checked.
    fn text(&mut self, t: &str, start: usize) {
        if let Some(h) = self.heading.as_mut() {
            h.2.push_str(t);
        }
        if let Some(l) = self.link.as_mut() {
            l.1.push_str(t);
        }
        if self.in_para {
            self.para.push_str(t);
        }
        self.check_abbreviations(t, start);
        self.read_so_far.push(' ');
        self.read_so_far.push_str(&fold(t));
    }

    /// Each abbreviation is explained on its first use: in brackets, before
    /// brackets, in a heading, or written out earlier.
    fn check_abbreviations(&mut self, t: &str, start: usize) {
        let mut found = Vec::new();
        for (abbr, expansion) in &self.abbreviations {
            if self.seen_abbr.contains(abbr) {
                continue;
            }
            let Some(pos) = find_word(t, abbr).filter(|&i| !in_document_number(t, i, abbr.len()))
            else {
                continue;
            };
            self.seen_abbr.push(abbr.clone());
            let before = t[..pos].trim_end();
            let after = t[pos + abbr.len()..].trim_start();
            let earlier = format!("{} {}", self.read_so_far, fold(before));
            let in_parens = before
                .rfind('(')
                .is_some_and(|o| before.rfind(')').is_none_or(|c| c < o));
            let explained = in_parens
                || after.starts_with('(')
                || self.heading.is_some()
                || earlier.contains(&fold(expansion));
            if !explained {
                found.push(
                    self.at(
                        start + pos,
                        abbr.len(),
                        Diagnostic::warning(format!("`{abbr}` is not explained on first use"))
                            .code("plain-language")
                            .hint(format!(
                                "write it out the first time: \"{expansion} ({abbr})\""
                            )),
                    ),
                );
            }
        }
        self.out.extend(found);
    }

    /// A guide of few steps.
    fn check_step_count(&mut self, steps: usize) {
        if steps > self.cfg.max_steps {
            self.out.push(
                Diagnostic::warning(format!("{steps} steps"))
                    .in_file(&self.doc.source.path)
                    .code("plain-language")
                    .hint(format!(
                        "more than {} steps is hard to follow: group steps, or split the guide",
                        self.cfg.max_steps
                    )),
            );
        }
    }
}

/// "40/KH-UBND": an abbreviation inside a document number is not prose.
fn in_document_number(text: &str, pos: usize, len: usize) -> bool {
    let before = text[..pos].chars().next_back();
    let after = text[pos + len..].chars().next();
    matches!(before, Some('/' | '-')) || matches!(after, Some('/' | '-'))
}

fn find_word(hay: &str, word: &str) -> Option<usize> {
    hay.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = hay[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = hay[i + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_and_counts_syllables() {
        let s = sentences("Mở ứng dụng VNeID. Chọn Đăng nhập! Xong rồi… Hết");
        assert_eq!(
            s,
            vec!["Mở ứng dụng VNeID.", "Chọn Đăng nhập!", "Xong rồi…", "Hết"]
        );
        assert_eq!(syllables("Đăng ký khai sinh cho con, ngay tại nhà."), 9);
        assert_eq!(
            sentences("Số 1.500 thủ tục. Được"),
            vec!["Số 1.500 thủ tục.", "Được"]
        );
    }
}
