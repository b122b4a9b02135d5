//! The Typst world sotay compiles in: generated `/main.typ`, the theme's
//! print templates under `/print/`, images by content hash under `/img/`, and
//! the fonts built into sotay. No file system, no packages, no network.
//!
//! Typst interns every path in a process-wide table of 65,535 ids, so the set
//! of paths is fixed: one main file, the theme's files, one path per image.

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

/// Be Vietnam Pro (OFL, assets/fonts/OFL.txt): drawn for Vietnamese, with
/// stacked diacritics in every style.
const FONT_FILES: &[&[u8]] = &[
    include_bytes!("../../assets/fonts/BeVietnamPro-Regular.ttf"),
    include_bytes!("../../assets/fonts/BeVietnamPro-Italic.ttf"),
    include_bytes!("../../assets/fonts/BeVietnamPro-Bold.ttf"),
    include_bytes!("../../assets/fonts/BeVietnamPro-BoldItalic.ttf"),
];

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = FONT_FILES
            .iter()
            .flat_map(|d| Font::iter(Bytes::new(*d)))
            .collect();
        Fonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

pub fn path_id(p: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(p).expect("print paths are valid"),
    )
    .intern()
}

pub struct PrintWorld {
    library: LazyHash<Library>,
    main: Source,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    /// The current document's QR codes (`/qr/<k>.png`), replaced per document.
    qr_codes: HashMap<FileId, Bytes>,
}

/// Worlds for reuse across unit renders (fonts and the standard library are
/// set up once per world), keyed by the theme they serve.
#[derive(Default)]
pub struct WorldPool(std::sync::Mutex<Vec<(String, PrintWorld)>>);

impl WorldPool {
    /// A world for this theme (`files`: the theme's print files, `key`: a
    /// hash of them): one from the pool, or a new one.
    pub fn take(
        &self,
        files: &std::collections::BTreeMap<String, String>,
        key: &str,
    ) -> PrintWorld {
        let mut pool = self.0.lock().expect("world pool");
        if let Some(i) = pool.iter().position(|(k, _)| k == key) {
            return pool.swap_remove(i).1;
        }
        drop(pool);
        PrintWorld::new(files.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    pub fn give(&self, key: String, world: PrintWorld) {
        self.0.lock().expect("world pool").push((key, world));
    }
}

/// Why a document did not compile.
#[derive(Debug, Clone)]
pub enum Failure {
    /// A panel's content does not fit (the template called `overflow`).
    Overflow(String),
    /// Any other error, with the file (theme template or main) and line.
    Error {
        file: String,
        line: usize,
        message: String,
    },
}

impl PrintWorld {
    /// A world with the theme's print files (`name` -> source).
    pub fn new<'a>(theme_files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut sources = HashMap::new();
        for (name, text) in theme_files {
            let id = path_id(&format!("/print/{name}"));
            sources.insert(id, Source::new(id, text.to_owned()));
        }
        Self {
            library: LazyHash::new(Library::default()),
            main: Source::new(path_id("/main.typ"), String::new()),
            sources,
            files: HashMap::new(),
            qr_codes: HashMap::new(),
        }
    }

    /// Whether an image is served at `/img/<name>`.
    pub fn has_image(&self, name: &str) -> bool {
        self.files.contains_key(&path_id(&format!("/img/{name}")))
    }

    /// Serve an image at `/img/<name>`.
    pub fn add_image(&mut self, name: &str, bytes: &[u8]) {
        let id = path_id(&format!("/img/{name}"));
        self.files
            .entry(id)
            .or_insert_with(|| Bytes::new(bytes.to_vec()));
    }

    /// Serve the next document's QR codes at `/qr/<k>.png`, in order.
    pub fn set_qr_codes(&mut self, codes: &[Vec<u8>]) {
        self.qr_codes = codes
            .iter()
            .enumerate()
            .map(|(k, png)| (path_id(&crate::print::qr::path(k)), Bytes::new(png.clone())))
            .collect();
    }

    /// Compile `main` into pages.
    pub fn compile(&mut self, main: &str) -> Result<PagedDocument, Failure> {
        self.main.replace(main);
        let warned = typst::compile::<PagedDocument>(&*self);
        warned.output.map_err(|errors| self.failure(&errors))
    }

    fn failure(&self, errors: &[SourceDiagnostic]) -> Failure {
        let first = &errors[0];
        if let Some(name) = errors.iter().find_map(|e| {
            e.message
                .split_once("sotay-overflow:")
                .map(|(_, n)| n.trim_end_matches('"').to_owned())
        }) {
            return Failure::Overflow(name);
        }
        let (file, line) = first
            .span
            .id()
            .and_then(|id| {
                let src = self.source(id).ok()?;
                let range = self.range(first.span)?;
                let line = src.lines().byte_to_line(range.start)? + 1;
                Some((id.vpath().get_without_slash().to_string(), line))
            })
            .unwrap_or_else(|| ("main.typ".into(), 0));
        let mut message = first.message.to_string();
        for h in &first.hints {
            message.push_str("; ");
            message.push_str(&h.v);
        }
        Failure::Error {
            file,
            line,
            message,
        }
    }
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        self.sources.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.files.get(&id).or_else(|| self.qr_codes.get(&id)) {
            return Ok(b.clone());
        }
        if let Some(s) = self.sources.get(&id) {
            return Ok(Bytes::from_string(s.text().to_owned()));
        }
        Err(not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Documents carry the dates sotay gives them, never the clock's.
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

#[cfg(test)]
mod tests {
    use super::FONT_FILES;

    /// The tags in a TrueType file's table directory.
    fn tables(font: &[u8]) -> Vec<String> {
        let count = usize::from(u16::from_be_bytes([font[4], font[5]]));
        (0..count)
            .map(|i| String::from_utf8_lossy(&font[12 + 16 * i..16 + 16 * i]).into_owned())
            .collect()
    }

    #[test]
    fn the_print_fonts_carry_no_screen_hinting() {
        // Every PDF embeds a subset of these fonts with whatever hinting
        // they carry; assets/fonts/README.md says how it was removed.
        for font in FONT_FILES {
            let tags = tables(font);
            assert!(tags.iter().any(|t| t == "glyf"), "{tags:?}");
            for hinting in ["fpgm", "prep", "cvt "] {
                assert!(!tags.iter().any(|t| t == hinting), "{hinting} in {tags:?}");
            }
        }
    }
}
