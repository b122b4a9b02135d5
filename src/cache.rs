//! The render cache: PDFs and pictures stored by a hash of everything that
//! made them, in `.sotay-cache/render/` beside content/. A hit skips layout;
//! a file that is not whole (cut short, or not what its name says) is ignored
//! and rendered again. A whole build removes the entries it did not use, so
//! the cache holds one build's worth. Safe to delete at any time.
//!
//! A PDF's entry holds the PDF alone, and the output's copies of it are hard
//! links to the entry (`Output::emit_linked`): the disk holds each PDF once,
//! and a warm build links instead of copying. So an entry is never changed
//! in place, only replaced; its name carries its bytes' hash, and one
//! changed through the output is not a hit.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// A render in the cache: where it is, and its bytes' hash
/// (`crate::hash::short`), which the output records as well.
pub struct Stored {
    pub path: PathBuf,
    pub sum: crate::hash::Hash,
}

pub struct RenderCache {
    dir: PathBuf,
    used: Mutex<HashSet<String>>,
    /// Tagged entries (`<key>.<tag>.<sum>.<ext>`) by key, listed once per build
    /// (at its first `read_tagged`): what this build writes, it does not
    /// read back.
    tagged: OnceLock<HashMap<String, String>>,
}

impl RenderCache {
    pub fn new(root: &Path) -> Self {
        Self {
            dir: root.join(".sotay-cache").join("render"),
            used: Mutex::new(HashSet::new()),
            tagged: OnceLock::new(),
        }
    }

    fn name(key: &str, ext: &str) -> String {
        format!("{key}.{ext}")
    }

    fn mark(&self, name: String) {
        self.used.lock().expect("cache").insert(name);
    }

    /// A cached render, if present and whole.
    pub fn read(&self, key: &str, ext: &str) -> Option<Vec<u8>> {
        let name = Self::name(key, ext);
        let bytes = std::fs::read(self.dir.join(&name)).ok()?;
        if !looks_whole(ext, &bytes) {
            return None;
        }
        self.mark(name);
        Some(bytes)
    }

    /// Store a render (written whole, then renamed, so no reader sees half a
    /// file); a cache that cannot be written only costs speed.
    pub fn write(&self, key: &str, ext: &str, bytes: &[u8]) {
        self.store(Self::name(key, ext), bytes);
    }

    /// `write` with a tag in the name (`<key>.<tag>.<sum>.<ext>`): what a
    /// reader needs to know of the render besides its bytes (the form and
    /// size a leaflet was made in), so the file holds the render alone and
    /// the output can be a hard link to it. `sum` is the bytes' hash: a
    /// file changed in place (through such a link) is not a hit.
    pub fn write_tagged(&self, key: &str, tag: &str, ext: &str, bytes: &[u8]) -> Option<Stored> {
        debug_assert!(!tag.contains('/') && !key.contains('.'), "{key} {tag}");
        let sum = crate::hash::short(bytes);
        let hex = crate::hash::hex(&sum);
        let path = self.store(format!("{key}.{tag}.{hex}.{ext}"), bytes)?;
        Some(Stored { path, sum })
    }

    /// A tagged render (`write_tagged`), if present, whole and unchanged:
    /// its tag, its bytes and where it is.
    pub fn read_tagged(&self, key: &str, ext: &str) -> Option<(String, Vec<u8>, Stored)> {
        let name = self.tagged.get_or_init(|| self.list_tagged()).get(key)?;
        let (tag, hex) = name
            .strip_prefix(key)?
            .strip_prefix('.')?
            .strip_suffix(ext)?
            .strip_suffix('.')?
            .rsplit_once('.')?;
        let path = self.dir.join(name);
        let bytes = std::fs::read(&path).ok()?;
        let sum = crate::hash::short(&bytes);
        if !looks_whole(ext, &bytes) || crate::hash::hex(&sum) != hex {
            return None;
        }
        self.mark(name.clone());
        Some((tag.to_owned(), bytes, Stored { path, sum }))
    }

    /// Every `<key>.<tag>.<sum>.<ext>` entry, by key (one listing per build: a
    /// reader knows the key, not the tag).
    fn list_tagged(&self) -> HashMap<String, String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return HashMap::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.') && name.matches('.').count() >= 3)
            .filter_map(|name| Some((name.split_once('.')?.0.to_owned(), name)))
            .collect()
    }

    fn store(&self, name: String, bytes: &[u8]) -> Option<PathBuf> {
        let path = self.dir.join(&name);
        let stored = std::fs::create_dir_all(&self.dir).is_ok() && {
            let tmp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
            std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, &path).is_ok()
        };
        self.mark(name);
        stored.then_some(path)
    }

    /// Remove every entry this build did not use; returns how many. Only a
    /// build of every unit may call this.
    pub fn prune(&self) -> usize {
        let used = self.used.lock().expect("cache");
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            // Another process's file being written starts with a dot.
            if !name.starts_with('.')
                && !used.contains(&name)
                && std::fs::remove_file(e.path()).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }
}

/// Whether bytes are a whole file of their kind, as sotay writes them.
fn looks_whole(ext: &str, b: &[u8]) -> bool {
    let trimmed = b.trim_ascii_end();
    match ext {
        "png" => b.starts_with(b"\x89PNG\r\n\x1a\n") && b.ends_with(b"IEND\xaeB`\x82"),
        "svg" => b.starts_with(b"<svg") && trimmed.ends_with(b"</svg>"),
        // A processed image's manifest; its variants are checked by hash.
        "img" => b.ends_with(b"\nend\n"),
        "var" => !b.is_empty(),
        _ => b.starts_with(b"%PDF-") && trimmed.ends_with(b"%%EOF"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_short_or_foreign_files_are_not_hits() {
        let dir = tempfile::tempdir().unwrap();
        let c = RenderCache::new(dir.path());
        let cases: [(&str, &[u8], bool); 4] = [
            ("pdf", b"%PDF-1.7\n...\n%%EOF\n", true),
            ("pdf", b"%PDF-1.7\n...", false),
            ("png", b"not a png", false),
            ("svg", b"<svg>", false),
        ];
        for (k, (ext, bytes, hit)) in cases.into_iter().enumerate() {
            let key = k.to_string();
            c.write(&key, ext, bytes);
            assert_eq!(c.read(&key, ext).is_some(), hit, "{ext} {bytes:?}");
        }
    }

    #[test]
    fn a_tagged_entry_is_found_by_its_key_with_its_tag() {
        let dir = tempfile::tempdir().unwrap();
        let old = RenderCache::new(dir.path());
        let whole = b"%PDF-1.7\n...\n%%EOF\n";
        let at = old
            .write_tagged("a1", "condensed-9.5", "pdf", whole)
            .unwrap();
        old.write_tagged("b2", "full-10", "pdf", b"%PDF-1.7\n...")
            .unwrap();
        // A later build lists the entries and reads them by key.
        let new = RenderCache::new(dir.path());
        let (tag, bytes, entry) = new.read_tagged("a1", "pdf").unwrap();
        assert_eq!(
            (tag.as_str(), bytes.as_slice(), &entry.path),
            ("condensed-9.5", &whole[..], &at.path)
        );
        assert_eq!(entry.sum, crate::hash::short(whole));
        assert!(new.read_tagged("b2", "pdf").is_none(), "cut short");
        assert!(new.read_tagged("c3", "pdf").is_none());
        // What the build read is kept; the rest is pruned.
        assert_eq!(new.prune(), 1);
        // A whole PDF changed in place (an output file is a hard link to
        // its entry) is not a hit.
        std::fs::write(&at.path, b"%PDF-1.7\nedited\n%%EOF\n").unwrap();
        assert!(
            RenderCache::new(dir.path())
                .read_tagged("a1", "pdf")
                .is_none()
        );
        std::fs::write(&at.path, whole).unwrap();
        assert!(
            RenderCache::new(dir.path())
                .read_tagged("a1", "pdf")
                .is_some()
        );
    }

    #[test]
    fn prune_keeps_what_this_build_used() {
        let dir = tempfile::tempdir().unwrap();
        let old = RenderCache::new(dir.path());
        old.write("old", "pdf", b"%PDF-1.7\n%%EOF");
        old.write("kept", "pdf", b"%PDF-1.7\n%%EOF");
        let new = RenderCache::new(dir.path());
        assert!(new.read("kept", "pdf").is_some());
        assert_eq!(new.prune(), 1);
        assert!(new.read("kept", "pdf").is_some());
        assert!(RenderCache::new(dir.path()).read("old", "pdf").is_none());
    }
}
