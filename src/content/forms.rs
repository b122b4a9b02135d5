//! Forms attached to a guide (`forms:`): declaration forms readers download
//! beside the guide page. Each file is checked where the guide names it —
//! a plain path beside the guide, inside the project, a web-safe name, an
//! allowed type whose bytes are that type, not too large — and read once,
//! so every unit's copy is the same bytes.

use std::path::{Component, Path};
use std::sync::Arc;

use super::YamlFile;
use super::model::{Doc, FormRef, GuideMeta};
use crate::diag::Diagnostic;

/// Larger attachments are refused: readers download them on phones.
pub const MAX_FORM_BYTES: u64 = 10 * 1024 * 1024;

/// The types a form may be. Old binary Word and Excel files (.doc, .xls)
/// are refused: they cannot be checked and often carry macros.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Pdf,
    Docx,
    Xlsx,
    Odt,
    Ods,
}

impl FormKind {
    pub const ALL: [FormKind; 5] = [Self::Pdf, Self::Docx, Self::Xlsx, Self::Odt, Self::Ods];

    /// The file extension, lower case.
    pub fn ext(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Odt => "odt",
            Self::Ods => "ods",
        }
    }

    /// What readers see beside the link: `PDF`, `DOCX`…
    pub fn label(self) -> String {
        self.ext().to_ascii_uppercase()
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// The type of a lower-case extension, if forms may be of it.
    pub fn of_ext(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.ext() == ext)
    }

    /// Whether `bytes` are a file of this type. A PDF starts with `%PDF-`;
    /// the others are ZIP packages: Office Open XML names its main part
    /// (`word/document.xml`, `xl/workbook.xml`) in the ZIP's directory,
    /// OpenDocument stores its `mimetype` entry first, uncompressed
    /// (ODF 1.2 part 3, 3.3). So an .exe or a picture renamed .pdf is refused.
    fn matches(self, bytes: &[u8]) -> bool {
        const ZIP: &[u8] = b"PK\x03\x04";
        let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        // The `mimetype` entry's content starts after the 30-byte local
        // header and its 8-byte name.
        let odf = |mime: &str| {
            bytes.starts_with(ZIP)
                && bytes.get(30..38) == Some(b"mimetype".as_slice())
                && bytes
                    .get(38..38 + mime.len())
                    .is_some_and(|m| m == mime.as_bytes())
        };
        match self {
            Self::Pdf => bytes.starts_with(b"%PDF-"),
            Self::Docx => bytes.starts_with(ZIP) && contains(b"word/document.xml"),
            Self::Xlsx => bytes.starts_with(ZIP) && contains(b"xl/workbook.xml"),
            Self::Odt => odf(self.mime()),
            Self::Ods => odf(self.mime()),
        }
    }

    fn names() -> String {
        Self::ALL
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A form, checked and read: what pages, the API and the copy need.
#[derive(Clone)]
pub struct Form {
    /// The file's name, as published beside the guide page.
    pub name: String,
    pub title: String,
    pub kind: FormKind,
    pub bytes: Arc<[u8]>,
    /// Hex content hash: units share one copy of the same bytes.
    pub hash: String,
}

impl std::fmt::Debug for Form {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Form")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Every form of a guide that passes its checks, and a located error for
/// each that does not.
pub fn check(root: &Path, doc: &Doc<GuideMeta>) -> (Vec<Form>, Vec<Diagnostic>) {
    let mut forms: Vec<Form> = Vec::new();
    let mut problems = Vec::new();
    for r in &doc.meta.forms {
        match check_one(root, doc, r) {
            Ok(f) if forms.iter().any(|o| o.name == f.name) => problems.push(
                doc.error_at(
                    "forms",
                    Some(&r.file),
                    format!("two forms are published as `{}`", f.name),
                )
                .hint("give each form file its own name"),
            ),
            Ok(f) => forms.push(f),
            Err(d) => problems.push(d),
        }
    }
    (forms, problems)
}

fn check_one(root: &Path, doc: &Doc<GuideMeta>, r: &FormRef) -> Result<Form, Diagnostic> {
    let err =
        |message: String, hint: String| doc.error_at("forms", Some(&r.file), message).hint(hint);
    if r.title.trim().is_empty() {
        return Err(err(
            format!("form `{}` has no title", r.file),
            "write the form's name as readers know it, e.g. title: \"Tờ khai thay đổi thông tin cư trú (mẫu CT01)\"".into(),
        ));
    }
    let (name, kind) = name_and_kind(&r.file).map_err(|(m, h)| err(m, h))?;
    let dir = doc.source.path.parent().unwrap_or(Path::new(""));
    let shown = dir.join(&r.file);
    let real = inside_content(root, &shown, "form").map_err(|(m, h)| err(m, h))?;
    let size = std::fs::metadata(&real).map_or(0, |m| m.len());
    if size > MAX_FORM_BYTES {
        return Err(err(
            format!(
                "form `{}` is {} MB; forms are at most {} MB",
                r.file,
                size.div_ceil(1024 * 1024),
                MAX_FORM_BYTES / (1024 * 1024)
            ),
            "readers download it on their phones: save the PDF smaller (reduce image quality) or split it".into(),
        ));
    }
    let bytes = std::fs::read(&real).map_err(|e| {
        err(
            format!("cannot read form `{}`: {e}", r.file),
            "check the file's permissions".into(),
        )
    })?;
    if !kind.matches(&bytes) {
        return Err(err(
            format!(
                "`{}` is named .{} but is not a {} file",
                r.file,
                kind.ext(),
                kind.label()
            ),
            format!(
                "open the form in its program and save or export it as {} again (a file renamed from another type is refused)",
                kind.label()
            ),
        ));
    }
    let hash = crate::hash::hex(&crate::hash::sha256(&bytes)[..8]);
    Ok(Form {
        name,
        title: r.title.trim().to_owned(),
        kind,
        bytes: bytes.into(),
        hash,
    })
}

pub(super) type Problem = (String, String);

/// A plain relative path: no `..`, no absolute path, no backslash (the
/// same rule for every file a guide names: forms, videos).
pub(super) fn is_plain(file: &str) -> bool {
    !file.is_empty()
        && !file.contains('\\')
        && Path::new(file)
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// A file name stem that can be part of a web address as it is.
pub(super) fn is_web_safe(stem: &str) -> bool {
    !stem.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !stem.starts_with('-')
        && !stem.ends_with('-')
}

/// The published name and type of `file`: a plain relative path (no `..`,
/// no absolute path) whose name can be a web address and whose extension
/// is an allowed type.
fn name_and_kind(file: &str) -> Result<(String, FormKind), Problem> {
    let path = Path::new(file);
    if !is_plain(file) {
        return Err((
            format!("form `{file}` must be a file beside the guide"),
            "put the file in the guide's folder (or a folder below it) and give its path from there, e.g. `file: \"mau-ct01.pdf\"`, without `..` or a leading `/`".into(),
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
    let Some(kind) = FormKind::of_ext(&ext.to_ascii_lowercase()) else {
        return Err((
            format!("form `{file}` is not a type sotay publishes"),
            format!(
                "attach the form as {}; save a .doc or .xls as .docx, .xlsx or PDF",
                FormKind::names()
            ),
        ));
    };
    let web_safe = is_web_safe(stem) && ext == kind.ext();
    if !web_safe {
        return Err((
            format!("form file name `{name}` cannot be used as a web address"),
            format!(
                "rename the file to `{}.{}` (lowercase, no diacritics, words joined by -)",
                crate::text::slugify(stem),
                kind.ext()
            ),
        ));
    }
    Ok((name, kind))
}

/// The real file at `shown` (relative to the project root), if it exists
/// and, after symbolic links, lies inside content/: a build never
/// publishes a file from elsewhere on the machine.
pub(super) fn inside_content(
    root: &Path,
    shown: &Path,
    what: &str,
) -> Result<std::path::PathBuf, Problem> {
    let content = root.join("content");
    let content = content.canonicalize().unwrap_or(content);
    match root.join(shown).canonicalize() {
        Ok(real) if real.is_file() && real.starts_with(&content) => Ok(real),
        Ok(real) if real.is_file() => Err((
            format!("{what} {} leads outside the content folder", shown.display()),
            "copy the file into the guide's folder instead of linking to it".into(),
        )),
        _ => Err((
            format!("{what} file not found: {}", shown.display()),
            "put the file next to the guide's Markdown file, or correct `file:` (names are case-sensitive)".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain_web_safe_and_allowed() {
        assert_eq!(
            name_and_kind("bieu-mau/mau-ct01.pdf").unwrap(),
            ("mau-ct01.pdf".into(), FormKind::Pdf)
        );
        assert_eq!(name_and_kind("./mau.odt").unwrap().1, FormKind::Odt);
        for bad in [
            "../x.pdf",
            "/etc/x.pdf",
            "a/../x.pdf",
            "a\\x.pdf",
            "x.exe",
            "x.doc",
            "x.PDF",
            "Mẫu 1.pdf",
            "x",
            "",
        ] {
            assert!(name_and_kind(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bytes_must_be_the_type_named() {
        assert!(FormKind::Pdf.matches(b"%PDF-1.4\n"));
        assert!(!FormKind::Pdf.matches(b"MZ\x90\x00"));
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(b"....word/document.xml");
        assert!(FormKind::Docx.matches(&docx));
        assert!(!FormKind::Xlsx.matches(&docx));
        let mut odt = b"PK\x03\x04".to_vec();
        odt.resize(30, 0);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert!(FormKind::Odt.matches(&odt));
        assert!(!FormKind::Ods.matches(&odt));
    }
}
