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
    /// The unit a problem is specific to, e.g. an excluded guide still linked.
    pub unit: Option<String>,
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
            unit: None,
            code: None,
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
        self.unit = Some(unit.to_owned());
        self
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
        };
        let mut out = String::new();
        let _ = write!(out, "{}", paint(code, label));
        if let Some(c) = self.code {
            let _ = write!(out, "[{c}]");
        }
        if let Some(unit) = &self.unit {
            let _ = write!(out, " [{unit}]");
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
                    let bar = paint("1;34", "|");
                    let _ = writeln!(out, "{pad} {bar}");
                    let _ = writeln!(
                        out,
                        "{} {bar} {}",
                        paint("1;34", &loc.line.to_string()),
                        text
                    );
                    let marker = format!("{}{}", " ".repeat(loc.col - 1), "^".repeat(loc.len));
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

/// A thread-safe collector: parallel stages push into one sink.
#[derive(Default)]
pub struct Sink {
    items: Mutex<Vec<Diagnostic>>,
}

impl Sink {
    pub fn push(&self, d: Diagnostic) {
        self.items.lock().expect("diagnostic sink poisoned").push(d);
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items
            .lock()
            .expect("diagnostic sink poisoned")
            .extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// A copy of what has been collected so far.
    pub fn snapshot(&self) -> Vec<Diagnostic> {
        self.items.lock().expect("diagnostic sink poisoned").clone()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items
            .lock()
            .expect("diagnostic sink poisoned")
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// All diagnostics, errors first, then by file and line: stable output
    /// whatever order the threads finished in.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().expect("diagnostic sink poisoned");
        items.sort_by(|a, b| {
            (a.severity, &a.location, &a.unit, &a.message).cmp(&(
                b.severity,
                &b.location,
                &b.unit,
                &b.message,
            ))
        });
        items.dedup_by(|a, b| {
            a.message == b.message && a.location == b.location && a.unit == b.unit
        });
        items
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
    fn suggests_close_words_only() {
        assert_eq!(closest("titel", ["title", "summary"]), Some("title"));
        assert_eq!(closest("zzzzzz", ["title", "summary"]), None);
    }
}
