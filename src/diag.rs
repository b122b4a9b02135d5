//! Diagnostics for people: file, line, column, the source line with a marker,
//! what is wrong and how to fix it. Every stage collects all of its problems
//! before the build stops, so an editor fixes a whole batch in one go.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Worth knowing, never a failure (`check`'s coming changes): `--strict`
    /// does not count it.
    Notice,
}

/// A place in a source file. Line and column are 1-based; column counts
/// characters, not bytes, so the marker sits under the right letter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    /// How many characters the marker underlines (at least one).
    pub len: usize,
    /// The source line, for display.
    #[serde(skip)]
    pub line_text: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub location: Option<Box<Location>>,
    pub hint: Option<String>,
    /// The units a problem affects, when it is specific to some (a shared
    /// guide's leaflet that does not fit, an excluded guide still linked).
    /// The same problem met in several units is one diagnostic listing them.
    pub units: Vec<String>,
    /// What kind of check found it (`stale`, `plain-language`, `links`…), for
    /// summaries and for filtering in CI.
    pub code: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            location: None,
            hint: None,
            units: Vec::new(),
            code: None,
        }
    }

    pub fn notice(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Notice,
            ..Self::warning(message)
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    /// Point at `line`:`col` (1-based) of `source`, the text of `file`.
    pub fn at(mut self, file: &Path, source: &str, line: usize, col: usize, len: usize) -> Self {
        let line_text = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_owned);
        self.location = Some(Box::new(Location {
            file: file.to_owned(),
            line: line.max(1),
            col: col.max(1),
            len: len.max(1),
            line_text,
        }));
        self
    }

    /// Point at a byte offset of `source`.
    pub fn at_offset(self, file: &Path, source: &str, offset: usize, len_bytes: usize) -> Self {
        let (line, col) = line_col(source, offset);
        let end = (offset + len_bytes).min(source.len());
        let len = source
            .get(offset..end)
            .map(|s| s.lines().next().unwrap_or("").chars().count())
            .unwrap_or(1);
        self.at(file, source, line, col, len)
    }

    /// Name the file only, when no line applies (a missing file, say).
    pub fn in_file(mut self, file: &Path) -> Self {
        self.location = Some(Box::new(Location {
            file: file.to_owned(),
            line: 0,
            col: 0,
            len: 0,
            line_text: None,
        }));
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn for_unit(mut self, unit: &str) -> Self {
        self.units = vec![unit.to_owned()];
        self
    }

    /// Whether the problem is specific to `unit`.
    pub fn affects(&self, unit: &str) -> bool {
        self.units.iter().any(|u| u == unit)
    }

    /// The same problem: everything but the units it was met in.
    fn same_problem(&self, other: &Self) -> bool {
        self.severity == other.severity
            && self.message == other.message
            && self.location == other.location
            && self.hint == other.hint
            && self.code == other.code
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// rustc-style text; `colour` adds ANSI colours for a terminal.
    pub fn render(&self, colour: bool) -> String {
        let paint = |code: &str, s: &str| {
            if colour {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_owned()
            }
        };
        let (label, code) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
            Severity::Notice => ("notice", "1;36"),
        };
        let mut out = String::new();
        let _ = write!(out, "{}", paint(code, label));
        if let Some(c) = self.code {
            let _ = write!(out, "[{c}]");
        }
        if !self.units.is_empty() {
            let _ = write!(out, " [{}]", units_shown(&self.units));
        }
        let _ = writeln!(out, ": {}", paint("1", &self.message));
        let mut gutter = 1;
        if let Some(loc) = &self.location {
            let file = loc.file.display();
            if loc.line == 0 {
                let _ = writeln!(out, "  --> {file}");
            } else {
                gutter = loc.line.to_string().len();
                let pad = " ".repeat(gutter);
                let _ = writeln!(out, "{pad}--> {file}:{}:{}", loc.line, loc.col);
                if let Some(text) = &loc.line_text {
                    let (text, col, len) = excerpt(text, loc.col, loc.len);
                    let bar = paint("1;34", "|");
                    let _ = writeln!(out, "{pad} {bar}");
                    let _ = writeln!(
                        out,
                        "{} {bar} {}",
                        paint("1;34", &loc.line.to_string()),
                        text
                    );
                    let marker = format!("{}{}", " ".repeat(col - 1), "^".repeat(len));
                    let _ = writeln!(out, "{pad} {bar} {}", paint(code, &marker));
                }
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(
                out,
                "{} = {}: {hint}",
                " ".repeat(gutter),
                paint("1", "help")
            );
        }
        out
    }
}

/// At most this many characters of a source line are shown.
const SHOWN_CHARS: usize = 100;

/// The part of a long line around the marker: (text, column, marker length),
/// with `…` where the line was cut.
fn excerpt(line: &str, col: usize, len: usize) -> (String, usize, usize) {
    let count = line.chars().count();
    if count <= SHOWN_CHARS {
        return (line.to_owned(), col, len);
    }
    let start = col
        .saturating_sub(1)
        .saturating_sub(SHOWN_CHARS / 4)
        .min(count - SHOWN_CHARS);
    let end = start + SHOWN_CHARS;
    let mut text: String = line.chars().skip(start).take(SHOWN_CHARS).collect();
    let lead = usize::from(start > 0);
    if lead == 1 {
        text.insert(0, '…');
    }
    if end < count {
        text.push('…');
    }
    let first = col.saturating_sub(1).clamp(start, end - 1);
    (text, first - start + 1 + lead, len.min(end - first).max(1))
}

/// "a", "a, b", or the first few and how many more.
fn units_shown(units: &[String]) -> String {
    const LISTED: usize = 6;
    if units.len() <= LISTED {
        return units.join(", ");
    }
    format!(
        "{} and {} more units",
        units[..LISTED].join(", "),
        units.len() - LISTED
    )
}

/// 1-based line and character column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The code of a leaflet that does not fit in any form: an error that
/// still lets the rest of the site be published.
pub const LEAFLET_OVERFLOW: &str = "leaflet-overflow";

/// A thread-safe collector: parallel stages push into one sink.
#[derive(Default)]
pub struct Sink {
    items: Mutex<Vec<Diagnostic>>,
}

impl Sink {
    pub fn push(&self, d: Diagnostic) {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(d);
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Whether an error stops the output from being published: any error
    /// but a leaflet that does not fit (`LEAFLET_OVERFLOW`), which leaves
    /// the web pages and every other PDF to publish.
    pub fn stops_output(&self) -> bool {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .any(|d| d.is_error() && d.code != Some(LEAFLET_OVERFLOW))
    }

    /// A copy of what has been collected so far.
    pub fn snapshot(&self) -> Vec<Diagnostic> {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// All diagnostics, errors first, then by file and line: stable output
    /// whatever order the threads finished in. A problem met in several
    /// units (a shared guide) is one diagnostic listing them.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self
            .items
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        items.sort_by(|a, b| {
            (a.severity, &a.location, &a.message, &a.hint, &a.units).cmp(&(
                b.severity,
                &b.location,
                &b.message,
                &b.hint,
                &b.units,
            ))
        });
        let mut out: Vec<Diagnostic> = Vec::with_capacity(items.len());
        for d in items {
            match out.last_mut() {
                Some(last) if last.same_problem(&d) => {
                    last.units.extend(d.units);
                    last.units.sort();
                    last.units.dedup();
                }
                _ => out.push(d),
            }
        }
        out
    }
}

/// The closest candidate by edit distance, for "did you mean" hints.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_marker_and_hint() {
        let src = "---\ntitel: Đăng ký\n---\n";
        let d = Diagnostic::error("unknown key `titel`")
            .at(Path::new("content/guides/a.md"), src, 2, 1, 5)
            .hint("did you mean `title`?");
        let text = d.render(false);
        assert!(text.contains("--> content/guides/a.md:2:1"), "{text}");
        assert!(text.contains("2 | titel: Đăng ký"), "{text}");
        assert!(text.contains("| ^^^^^"), "{text}");
        assert!(text.contains("help: did you mean `title`?"), "{text}");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = "đăng ký [x](guide:khong-co)";
        let off = src.find('[').unwrap();
        assert_eq!(line_col(src, off), (1, 9));
    }

    #[test]
    fn long_lines_are_cut_around_the_marker() {
        let line = format!("{}LỖI{}", "a".repeat(3000), "b".repeat(3000));
        let d = Diagnostic::error("x").at(Path::new("a.md"), &line, 1, 3001, 3);
        let text = d.render(false);
        assert!(text.len() < 600, "{}", text.len());
        let shown = text.lines().find(|l| l.contains("LỖI")).expect("the line");
        let marker = text.lines().find(|l| l.contains('^')).expect("the marker");
        let at = shown.chars().position(|c| c == 'L').unwrap();
        assert_eq!(marker.chars().position(|c| c == '^'), Some(at), "{text}");
        assert_eq!(marker.matches('^').count(), 3);
        assert!(shown.contains('…'));
    }

    #[test]
    fn one_problem_in_many_units_is_one_diagnostic() {
        let sink = Sink::default();
        for u in ["c", "a", "b"] {
            sink.push(
                Diagnostic::error("does not fit")
                    .in_file(Path::new("g.md"))
                    .for_unit(u),
            );
        }
        sink.push(
            Diagnostic::error("other")
                .in_file(Path::new("g.md"))
                .for_unit("a"),
        );
        let ds = sink.into_sorted();
        assert_eq!(ds.len(), 2, "{ds:?}");
        let fit = ds.iter().find(|d| d.message == "does not fit").unwrap();
        assert_eq!(fit.units, ["a", "b", "c"]);
        assert!(fit.render(false).contains("[a, b, c]"));
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(closest("titel", ["title", "summary"]), Some("title"));
        assert_eq!(closest("zzzzzz", ["title", "summary"]), None);
    }
}
