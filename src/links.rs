//! Checks built output the way a reader's browser would meet it: every
//! relative link and anchor resolves to a file inside the folder (so it works
//! from file:// and under any path), and no page loads anything from another
//! origin. Used by the tests; `sotay check` will use it too.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use walkdir::WalkDir;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// The page, relative to the checked folder.
    pub page: PathBuf,
    pub url: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} ({})",
            self.page.display(),
            self.url,
            self.message
        )
    }
}

/// One attribute on one tag.
#[derive(Debug, Clone)]
pub struct Attr {
    pub tag: String,
    pub name: String,
    pub value: String,
    /// The tag's `rel` attribute, for `<link>`.
    pub rel: String,
}

/// Tags and attributes of an HTML document or fragment, read by html5ever's
/// tokenizer (the one browsers' parsing rules are written for): attributes
/// split over lines, entities and unclosed tags are read as a browser would.
pub fn attributes(html: &str) -> Vec<Attr> {
    tokenize(html, AttrSink::default()).found.take()
}

/// The text of an HTML fragment: tags become spaces, entities are decoded
/// (all of them, by the HTML tokenizer), scripts and styles are not text,
/// runs of white space collapse.
pub fn text(html: &str) -> String {
    let out = tokenize(html, TextSink::default()).text.take();
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn tokenize<S: TokenSink<Handle = ()>>(html: &str, sink: S) -> S {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink
}

/// After a start tag: script and style bodies are text, not tags.
fn after_start(name: &str) -> TokenSinkResult<()> {
    match name {
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "style" => TokenSinkResult::RawData(RawKind::Rawtext),
        "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
        _ => TokenSinkResult::Continue,
    }
}

#[derive(Default)]
struct TextSink {
    text: RefCell<String>,
    /// Inside a script or style element.
    in_code: Cell<bool>,
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::CharacterTokens(t) if !self.in_code.get() => self.text.borrow_mut().push_str(&t),
            Token::TagToken(tag) => {
                self.text.borrow_mut().push(' ');
                let code = matches!(&*tag.name, "script" | "style");
                if tag.kind == TagKind::StartTag {
                    self.in_code.set(code);
                    return after_start(&tag.name);
                }
                if code {
                    self.in_code.set(false);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[derive(Default)]
struct AttrSink {
    found: RefCell<Vec<Attr>>,
}

impl TokenSink for AttrSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let name = tag.name.to_string();
        let rel = tag
            .attrs
            .iter()
            .find(|a| &*a.name.local == "rel")
            .map(|a| a.value.to_ascii_lowercase())
            .unwrap_or_default();
        self.found
            .borrow_mut()
            .extend(tag.attrs.iter().map(|a| Attr {
                tag: name.clone(),
                name: a.name.local.to_string(),
                value: a.value.to_string(),
                rel: rel.clone(),
            }));
        after_start(&name)
    }
}

/// URLs an attribute points at (srcset holds several).
fn urls(a: &Attr) -> Vec<String> {
    match a.name.as_str() {
        "href" | "src" | "action" | "poster" | "data" => vec![a.value.trim().to_owned()],
        "srcset" => a
            .value
            .split(',')
            .filter_map(|c| c.split_whitespace().next())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn has_scheme(u: &str) -> bool {
    u.starts_with("//")
        || u.split_once(':').is_some_and(|(s, _)| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// Whether the attribute makes the browser fetch something (not a link a
/// reader may follow).
fn is_resource(a: &Attr) -> bool {
    match (a.tag.as_str(), a.name.as_str()) {
        ("a" | "area", _) => false,
        ("link", "href") => !matches!(
            a.rel.as_str(),
            "canonical" | "alternate" | "license" | "author" | "help"
        ),
        (_, "src" | "srcset" | "data" | "poster" | "action") => true,
        _ => false,
    }
}

/// Check every HTML page under `dir`: relative links and anchors resolve to
/// files inside `dir`; resources come only from `dir` or `allowed_origins`.
pub fn check(dir: &Path, allowed_origins: &[String]) -> Vec<Problem> {
    let (pages, css) = read_output(dir);
    let ids = ids_of(&pages);
    let origin_ok = |u: &str| allowed_origins.iter().any(|o| u.starts_with(o.as_str()));
    let mut problems = Vec::new();
    for (page, attrs) in &pages {
        for a in attrs {
            for u in urls(a) {
                let found = if u.is_empty() {
                    let fetched = a.tag == "a" || is_resource(a);
                    fetched.then_some("empty URL").into_iter().collect()
                } else if has_scheme(&u) {
                    remote_problems(a, &u, &origin_ok)
                } else {
                    local_problem(dir, &ids, page, &u).into_iter().collect()
                };
                problems.extend(found.into_iter().map(|m: &str| Problem {
                    page: page.clone(),
                    url: u.clone(),
                    message: m.to_owned(),
                }));
            }
        }
    }
    for (file, text) in css {
        problems.extend(css_problems(&file, &text, &origin_ok));
    }
    problems.sort();
    problems
}

/// HTML pages' attributes, by path inside the output.
type Pages = BTreeMap<PathBuf, Vec<Attr>>;

/// HTML pages with their attributes, and stylesheets with their text, by
/// path inside `dir`.
fn read_output(dir: &Path) -> (Pages, Vec<(PathBuf, String)>) {
    let mut pages = Pages::new();
    let mut css: Vec<(PathBuf, String)> = Vec::new();
    for e in WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(dir).unwrap_or(e.path()).to_owned();
        match e.path().extension().and_then(|x| x.to_str()) {
            Some("html") => {
                let text = std::fs::read_to_string(e.path()).unwrap_or_default();
                pages.insert(rel, attributes(&text));
            }
            Some("css") => css.push((rel, std::fs::read_to_string(e.path()).unwrap_or_default())),
            _ => {}
        }
    }
    (pages, css)
}

/// The anchors of each page: `id`s, and `name`s of `<a>`.
fn ids_of(pages: &Pages) -> BTreeMap<&PathBuf, BTreeSet<&str>> {
    pages
        .iter()
        .map(|(p, attrs)| {
            (
                p,
                attrs
                    .iter()
                    .filter(|a| a.name == "id" || (a.tag == "a" && a.name == "name"))
                    .map(|a| a.value.as_str())
                    .collect(),
            )
        })
        .collect()
}

/// A URL with a scheme: a resource only from an allowed origin (or inline
/// data), and never `javascript:`.
fn remote_problems(a: &Attr, u: &str, origin_ok: &dyn Fn(&str) -> bool) -> Vec<&'static str> {
    let mut found = Vec::new();
    if is_resource(a) && !u.starts_with("data:") && !origin_ok(u) {
        found.push("loads a resource from another origin");
    }
    if u.to_ascii_lowercase().starts_with("javascript:") {
        found.push("javascript: URL");
    }
    found
}

/// A relative URL on `page` stays inside `dir`, names a file (not a
/// folder), and its anchor exists there.
fn local_problem(
    dir: &Path,
    ids: &BTreeMap<&PathBuf, BTreeSet<&str>>,
    page: &Path,
    u: &str,
) -> Option<&'static str> {
    let (path_part, frag) = u.split_once('#').unwrap_or((u, ""));
    let path_part = path_part.split('?').next().unwrap_or("");
    let target = if path_part.is_empty() {
        page.to_owned()
    } else {
        let Some(t) = resolve(page, path_part) else {
            return Some("leaves the folder: the link breaks when the folder is uploaded alone");
        };
        t
    };
    if path_part.ends_with('/') || (!path_part.is_empty() && dir.join(&target).is_dir()) {
        return Some(
            "links to a folder: opened from disk (file://) this shows a file list; link to index.html",
        );
    }
    if !dir.join(&target).is_file() {
        return Some("target file does not exist");
    }
    if frag.is_empty() {
        return None;
    }
    match ids.get(&target) {
        Some(set) if set.contains(frag) => None,
        Some(_) => Some("no element with this id on the target page"),
        None => Some("anchor on a page that is not HTML"),
    }
}

/// A stylesheet loads nothing from another origin and imports nothing.
fn css_problems(file: &Path, text: &str, origin_ok: &dyn Fn(&str) -> bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, _) in text.match_indices("url(") {
        let inner = text[i + 4..]
            .split(')')
            .next()
            .unwrap_or("")
            .trim_matches(['"', '\'', ' ']);
        if has_scheme(inner) && !inner.starts_with("data:") && !origin_ok(inner) {
            problems.push(Problem {
                page: file.to_owned(),
                url: inner.to_owned(),
                message: "stylesheet loads from another origin".into(),
            });
        }
    }
    if text.contains("@import") {
        problems.push(Problem {
            page: file.to_owned(),
            url: "@import".into(),
            message: "stylesheet imports another file".into(),
        });
    }
    problems
}

/// `page`-relative `url` as a path inside the checked folder; `None` if it
/// climbs out.
fn resolve(page: &Path, url: &str) -> Option<PathBuf> {
    let base = page.parent().unwrap_or(Path::new(""));
    let mut out: Vec<String> = base
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let url = url.strip_prefix("./").unwrap_or(url);
    if url.starts_with('/') {
        return None; // root-relative breaks under a sub-path
    }
    for part in url.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            p => out.push(percent_decode(p)),
        }
    }
    Some(out.iter().collect())
}

pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(Ok(v)) = s.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_split_over_lines_is_read_whole() {
        // Pasted from a portal: this panicked the hand-written reader.
        let a = attributes("<table class=\"x\"\n  id=\"y\">");
        let names: Vec<&str> = a.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["class", "id"]);
        for cut in ["<a href=\"", "<a href", "<", "<img src='x' ", "<!-- x"] {
            assert!(attributes(cut).len() <= 1, "{cut}");
        }
    }

    #[test]
    fn text_decodes_every_entity_and_skips_scripts() {
        assert_eq!(
            text(
                "<p>L&#7879; ph&iacute;&nbsp;&amp; <b>h&#x1ED3;</b></p><script>if (a<b) x()</script>"
            ),
            "Lệ phí & hồ"
        );
    }

    #[test]
    fn tokenizer_reads_quoted_unquoted_and_skips_scripts() {
        let a = attributes(
            r#"<a href="x.html#a" class=b>t</a><!-- <a href="no"> --><script>var s = "<img src='no'>";</script><img srcset="a.jpg 1x, b.jpg 2x" src='c.jpg'>"#,
        );
        let hrefs: Vec<_> = a
            .iter()
            .map(|a| (a.tag.as_str(), a.name.as_str(), a.value.as_str()))
            .collect();
        assert!(hrefs.contains(&("a", "href", "x.html#a")));
        assert!(hrefs.contains(&("a", "class", "b")));
        assert!(hrefs.contains(&("img", "src", "c.jpg")));
        assert!(!hrefs.iter().any(|(_, _, v)| *v == "no"), "{hrefs:?}");
    }

    #[test]
    fn finds_broken_links_anchors_and_foreign_resources() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(d.path().join("a")).unwrap();
        std::fs::write(d.path().join("index.html"), r##"<p id="top"></p><a href="a/index.html#x">ok</a><a href="a/index.html#nope">bad anchor</a><a href="missing.html">missing</a><a href="a/">folder</a><a href="../out.html">out</a><a href="https://dichvucong.gov.vn">fine</a><img src="https://cdn.example.com/x.png"><link rel="stylesheet" href="https://fonts.example.com/a.css"><a href="#top">top</a>"##).unwrap();
        std::fs::write(
            d.path().join("a/index.html"),
            r#"<h2 id="x">x</h2><img src="../index.html">"#,
        )
        .unwrap();
        let p = check(d.path(), &[]);
        let msgs: Vec<String> = p
            .iter()
            .map(|p| format!("{} {}", p.url, p.message))
            .collect();
        assert_eq!(p.len(), 6, "{msgs:#?}");
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("a/index.html#nope no element"))
        );
        assert!(msgs.iter().any(|m| m.starts_with("missing.html target")));
        assert!(msgs.iter().any(|m| m.starts_with("a/ links to a folder")));
        assert!(msgs.iter().any(|m| m.starts_with("../out.html leaves")));
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("https://cdn.example.com/x.png loads"))
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("https://fonts.example.com/a.css loads"))
        );
    }
}
