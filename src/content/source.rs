//! A content file as read from disk: NFC text plus where it came from.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::text;

/// Larger text files are not read at all.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug)]
pub struct Source {
    /// Path relative to the project root, as shown in diagnostics.
    pub path: PathBuf,
    /// Absolute (or root-joined) path, for resolving relative references.
    pub abs: PathBuf,
    /// The text, normalised to NFC.
    pub text: String,
    /// Whether the file on disk was already NFC (a lint may report it).
    pub was_nfc: bool,
}

impl Source {
    pub fn read(root: &Path, abs: &Path) -> Result<Self, Diagnostic> {
        let path = abs.strip_prefix(root).unwrap_or(abs).to_owned();
        let size = std::fs::metadata(abs).map_or(0, |m| m.len());
        if size > MAX_FILE_BYTES {
            return Err(Diagnostic::error(format!(
                "file is {} MB; content files are at most {} MB",
                size / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ))
            .in_file(&path)
            .hint("split it, or keep large data out of content/"));
        }
        let bytes = std::fs::read(abs)
            .map_err(|e| Diagnostic::error(format!("cannot read file: {e}")).in_file(&path))?;
        let raw = String::from_utf8(bytes).map_err(|e| {
            Diagnostic::error("file is not valid UTF-8")
                .at_offset(&path, "", 0, 0)
                .hint(format!(
                    "save it as UTF-8 (byte {} is invalid); text from old Vietnamese encodings \
                     (TCVN3, VNI, Windows-1258) must be converted to Unicode first, e.g. with Unikey's converter",
                    e.utf8_error().valid_up_to()
                ))
        })?;
        let (text, was_nfc) = normalise(&raw);
        Ok(Self {
            was_nfc,
            path,
            abs: abs.to_owned(),
            text,
        })
    }

    /// A source from memory, for tests and generated inputs.
    pub fn from_text(path: impl Into<PathBuf>, text: &str) -> Self {
        let path = path.into();
        let (text, was_nfc) = normalise(text);
        Self {
            was_nfc,
            abs: path.clone(),
            path,
            text,
        }
    }
}

/// The text every later stage sees: no byte-order mark, `\n` line endings
/// (Windows' CRLF and old Mac CR both, so every line and column reported is
/// right) and NFC; and whether it was NFC already.
pub fn normalise(raw: &str) -> (String, bool) {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let lines = if raw.contains('\r') {
        std::borrow::Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(raw)
    };
    let text = text::nfc(&lines);
    let was_nfc = text == *lines;
    (text, was_nfc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_and_bom_are_normalised() {
        let (t, nfc) = normalise("\u{feff}a\r\nb\rc\n");
        assert_eq!(t, "a\nb\nc\n");
        assert!(nfc);
        let (t, nfc) = normalise("Ho\u{0300}a");
        assert_eq!(t, "Hòa");
        assert!(!nfc);
    }
}
