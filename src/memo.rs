//! Keys for reusing a page of the previous output without rendering it.
//!
//! A page that shows one guide depends on that guide's files, and on the
//! rest of the project only through what every page can see: front matter
//! (titles, categories, short codes), units, pages, the theme, data, images.
//! So `frame` hashes every input file with guide files contributing only
//! their front matter, and each guide slug gets a hash of its files whole.
//! A guide's key in a unit is both plus the unit; a unit's frame files
//! (lists, feeds) have the frame plus the unit. Editing a guide's text
//! renders that guide's files again and nothing else; editing anything
//! else (a title, a template, a unit) changes the frame and renders
//! everything.

use std::collections::HashMap;
use std::path::Path;

use crate::hash::{Hash, Hasher};

#[derive(Default)]
pub struct Keys {
    /// Everything the build reads: equal fingerprints, equal output.
    pub fingerprint: String,
    frame: [u8; 32],
    guides: HashMap<String, [u8; 32]>,
}

impl Keys {
    /// Read every file under content/, themes/ and assets/.
    /// `media`: a build without PDFs and pictures links to none, so its
    /// pages differ from a full build's.
    /// `date`: the build's date, which the output records.
    pub fn scan(root: &Path, media: crate::options::Media, date: crate::content::Date) -> Self {
        let html_only = media == crate::options::Media::Skip;
        let mut all = Hasher::default();
        let mut frame = Hasher::default();
        let mut guides: HashMap<String, Hasher> = HashMap::new();
        for h in [&mut all, &mut frame] {
            h.update(env!("CARGO_PKG_VERSION").as_bytes());
            h.update(if html_only { b"html" } else { b"all " });
            h.update(date.to_string().as_bytes());
        }
        for dir in ["content", "themes", "assets"] {
            for e in walkdir::WalkDir::new(root.join(dir))
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
            {
                let rel = e.path().strip_prefix(root).unwrap_or(e.path());
                let name = rel.to_string_lossy();
                let bytes = std::fs::read(e.path()).unwrap_or_default();
                for h in [&mut all, &mut frame] {
                    h.update(name.as_bytes());
                    h.update(&[0]);
                }
                all.update(&bytes);
                all.update(&[0]);
                match guide_slug(rel) {
                    Some(slug) => {
                        frame.update(front_matter(&bytes));
                        let g = guides.entry(slug).or_default();
                        g.update(name.as_bytes());
                        g.update(&[0]);
                        g.update(&bytes);
                        g.update(&[0]);
                    }
                    None => {
                        frame.update(&bytes);
                    }
                }
                frame.update(&[0]);
            }
        }
        Self {
            fingerprint: all.hex(),
            frame: frame.finish(),
            guides: guides
                .into_iter()
                .map(|(slug, h)| (slug, h.finish()))
                .collect(),
        }
    }

    /// The key of the files that show guide `slug` in `unit`.
    pub fn guide_group(&self, unit: &str, slug: &str) -> Hash {
        let mut h = Hasher::default();
        h.update(&self.frame);
        match self.guides.get(slug) {
            Some(g) => h.update(g),
            None => h.update(b"-"),
        };
        for part in [unit, slug] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
        h.short()
    }

    /// The key of a unit's files that show no guide's text (lists, feeds,
    /// list widgets, the API index): they see only what the frame hashes.
    pub fn frame_group(&self, unit: &str) -> Hash {
        let mut h = Hasher::default();
        h.update(&self.frame);
        h.update(b"frame\0");
        h.update(unit.as_bytes());
        h.short()
    }
}

/// The slug of a guide file: `content/guides/**/<slug>.md` or
/// `content/units/<unit>/guides/<slug>.md`.
fn guide_slug(rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let is_guide = match parts.as_slice() {
        [c, g, .., _] if c == "content" && g == "guides" => true,
        [c, u, _, g, _] if c == "content" && u == "units" && g == "guides" => true,
        _ => false,
    };
    (is_guide && rel.extension().is_some_and(|x| x == "md"))
        .then(|| rel.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .flatten()
}

/// The front matter of a Markdown file, delimiters included; the whole
/// file when it has none that closes (so nothing is left out of the frame).
fn front_matter(bytes: &[u8]) -> &[u8] {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let skip = bytes.len() - text.len();
    if !text.starts_with(b"---") {
        return b"";
    }
    let mut at = 0;
    for line in text.split_inclusive(|&b| b == b'\n') {
        at += line.len();
        if at > line.len() && matches!(line.trim_ascii_end(), b"---" | b"...") {
            return &bytes[..skip + at];
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Media;

    #[test]
    fn front_matter_ends_at_its_closing_line() {
        let md = b"---\ntitle: A\n---\nBody text\n";
        assert_eq!(front_matter(md), b"---\ntitle: A\n---\n");
        assert_eq!(front_matter(b"No front matter"), b"");
        // Unclosed: all of it counts.
        assert_eq!(front_matter(b"---\ntitle: A\n"), b"---\ntitle: A\n");
        assert_eq!(
            front_matter(b"---\r\nt: A\r\n---\r\nB"),
            b"---\r\nt: A\r\n---\r\n"
        );
    }

    #[test]
    fn guide_files_are_recognised() {
        let s = |p: &str| guide_slug(Path::new(p));
        assert_eq!(
            s("content/guides/ho-tich/khai-sinh.md").as_deref(),
            Some("khai-sinh")
        );
        assert_eq!(
            s("content/guides/khai-sinh.md").as_deref(),
            Some("khai-sinh")
        );
        assert_eq!(
            s("content/units/xa-a/guides/rieng.md").as_deref(),
            Some("rieng")
        );
        assert_eq!(s("content/pages/an-toan.md"), None);
        assert_eq!(s("content/guides/ho-tich/anh.png"), None);
        assert_eq!(s("themes/default/guides/x.md"), None);
    }

    #[test]
    fn a_body_edit_changes_only_that_guides_keys() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, t: &str| {
            let p = root.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        };
        write("content/guides/a.md", "---\ntitle: A\n---\nOne\n");
        write("content/guides/b.md", "---\ntitle: B\n---\nTwo\n");
        write("themes/t/page.html", "{{ x }}");
        let day = crate::content::Date::parse("2026-11-29").unwrap();
        let before = Keys::scan(root, Media::Build, day);
        let key = |k: &Keys, g: &str| k.guide_group("u", g);
        write("content/guides/a.md", "---\ntitle: A\n---\nOne, edited\n");
        let body = Keys::scan(root, Media::Build, day);
        assert_ne!(key(&before, "a"), key(&body, "a"));
        assert_eq!(key(&before, "b"), key(&body, "b"));
        assert_ne!(before.fingerprint, body.fingerprint);
        write("content/guides/a.md", "---\ntitle: A2\n---\nOne, edited\n");
        let title = Keys::scan(root, Media::Build, day);
        assert_ne!(key(&body, "b"), key(&title, "b"));
        write("themes/t/page.html", "{{ y }}");
        let theme = Keys::scan(root, Media::Build, day);
        assert_ne!(key(&title, "b"), key(&theme, "b"));
        assert_ne!(
            key(&theme, "b"),
            key(&Keys::scan(root, Media::Skip, day), "b")
        );
        // Another build date: the output records it, so nothing is kept.
        let next = crate::content::Date::parse("2026-11-30").unwrap();
        let later = Keys::scan(root, Media::Build, next);
        assert_ne!(key(&theme, "b"), key(&later, "b"));
        assert_ne!(theme.fingerprint, later.fingerprint);
        assert_ne!(key(&theme, "b"), theme.guide_group("v", "b"));
    }
}
