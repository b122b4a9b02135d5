//! A content file as read from disk: NFC text plus where it came from.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::text;

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
        let raw = raw
            .strip_prefix('\u{feff}')
            .map(str::to_owned)
            .unwrap_or(raw);
        let text = text::nfc(&raw);
        Ok(Self {
            was_nfc: text == raw,
            path,
            abs: abs.to_owned(),
            text,
        })
    }

    /// A source from memory, for tests and generated inputs.
    pub fn from_text(path: impl Into<PathBuf>, text: &str) -> Self {
        let path = path.into();
        let nfc = text::nfc(text);
        Self {
            was_nfc: nfc == text,
            abs: path.clone(),
            path,
            text: nfc,
        }
    }
}
