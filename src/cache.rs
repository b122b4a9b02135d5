//! The render cache: PDFs and pictures stored by a hash of everything that
//! made them, in `.sotay-cache/render/` beside content/. A hit skips layout;
//! a file that is not whole (cut short, or not what its name says) is ignored
//! and rendered again. A whole build removes the entries it did not use, so
//! the cache holds one build's worth. Safe to delete at any time.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct RenderCache {
    dir: PathBuf,
    used: Mutex<HashSet<String>>,
}

impl RenderCache {
    pub fn new(root: &Path) -> Self {
        Self {
            dir: root.join(".sotay-cache").join("render"),
            used: Mutex::new(HashSet::new()),
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
        let name = Self::name(key, ext);
        if std::fs::create_dir_all(&self.dir).is_ok() {
            let tmp = self.dir.join(format!(".{name}.{}.tmp", std::process::id()));
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, self.dir.join(&name));
            }
        }
        self.mark(name);
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
        // A leaflet: the form and size it was made in (`condensed 9.5`),
        // then its PDF.
        "leaflet" => b.iter().position(|&c| c == b'\n').is_some_and(|k| {
            let choice = &b[..k];
            choice.contains(&b' ') && choice.is_ascii() && looks_whole("pdf", &b[k + 1..])
        }),
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
        let cases: [(&str, &[u8], bool); 6] = [
            ("pdf", b"%PDF-1.7\n...\n%%EOF\n", true),
            ("pdf", b"%PDF-1.7\n...", false),
            ("png", b"not a png", false),
            ("leaflet", b"condensed 9.5\n%PDF-1.7\n...\n%%EOF\n", true),
            ("leaflet", b"condensed 9.5\n%PDF-1.7\n...", false),
            ("leaflet", b"%PDF-1.7\n...\n%%EOF\n", false),
        ];
        for (k, (ext, bytes, hit)) in cases.into_iter().enumerate() {
            let key = k.to_string();
            c.write(&key, ext, bytes);
            assert_eq!(c.read(&key, ext).is_some(), hit, "{ext} {bytes:?}");
        }
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
