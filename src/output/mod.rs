//! Atomic output. A build writes into a staging folder beside the output and
//! puts it in place only when everything succeeded, so a failed build leaves
//! the previous site untouched. A first build swaps the whole folder in; a
//! full build over an output with a manifest stages only the files whose
//! bytes changed and renames each into place (every file is replaced whole;
//! the manifest is removed first, so an interrupted update makes the next
//! build a fresh one). The output folder carries a marker file; sotay
//! refuses to replace a folder it did not create, and never writes into
//! content/, themes/ or assets/.
//!
//! Renderers know one call, [`Output::emit`]: a path, what the file depends
//! on ([`Depends`]) and how to make its bytes. This layer decides whether
//! the file is kept from the previous output without making it, written,
//! hard-linked to a copy with the same bytes, and how it is recorded. A file
//! too big to hold in memory (a print shop's zip) goes through
//! [`Output::emit_stream`], the same decisions for bytes that are streamed.
//!
//! - `staging.rs`: the staging folder, placing files, shared copies;
//! - `reuse.rs`: the previous manifest and this build's keep decisions;
//! - `commit.rs`: the three ways a build goes into place ([`Commit`]);
//! - `manifest.rs`: the saved list of output files; `disk.rs`: helpers.

mod commit;
mod disk;
pub mod manifest;
mod reuse;
mod staging;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use rayon::prelude::*;

use crate::diag::Diagnostic;
use crate::memo::Keys;
pub use commit::{Commit, Unmade};
pub use disk::remove_dead_temp;
use disk::{absolute, dir_has_entries, drop_in_background};
use manifest::{Entry, Hash, Manifest, Root, Stamp};
use reuse::Reuse;
use staging::{MARKER, Made, Staging, Tally};

/// What a file's bytes depend on: decides whether it may be kept from the
/// previous output without being made, and how it is stored.
#[derive(Debug, Clone, Copy)]
pub enum Depends<'a> {
    /// Shows one guide in one unit (its page, widgets, JSON, short link):
    /// made again only when that guide's files, the unit or the frame
    /// (`crate::memo`) changed.
    Guide { unit: &'a str, slug: &'a str },
    /// A unit's file that shows no guide's text (lists, feeds, list
    /// widgets, the API index): made again when the frame or unit changed.
    Frame { unit: &'a str },
    /// The same bytes in every unit wherever `key` is the same (a theme
    /// file, a processed image; a PDF and its copy in a print order, keyed
    /// by the PDF's path): one copy on disk, hard-linked.
    Shared { key: &'a str },
    /// Anything else: made every build, left alone on disk when its bytes
    /// did not change.
    Loose,
}

/// The previous output's manifest, read on a thread of its own while the
/// content loads (190,000 rows at city scale; `None` without an output).
pub struct Previous(std::thread::JoinHandle<Option<Result<Manifest, manifest::Unusable>>>);

impl Previous {
    pub fn read(target: &Path, project_root: &Path) -> Self {
        let (target, root) = (absolute(target), absolute(project_root));
        Self(std::thread::spawn(move || load_manifest(&target, &root)))
    }
}

/// The manifest of the output at `target` (absolute), if that output has
/// a marker.
fn load_manifest(
    target: &Path,
    project_root: &Path,
) -> Option<Result<Manifest, manifest::Unusable>> {
    let marker = target.join(MARKER);
    marker
        .is_file()
        .then(|| Manifest::load(&manifest_path(project_root, target), Stamp::of(&marker)))
}

/// Whether the output at `target` still holds the `files` files its
/// manifest lists, each with the size and time it was written with: what a
/// build with nothing changed checks before doing nothing (a file deleted
/// or edited by hand makes it build).
pub fn intact(target: &Path, project_root: &Path, files: usize) -> bool {
    let target = absolute(target);
    let Some(Ok(m)) = load_manifest(&target, &absolute(project_root)) else {
        return false;
    };
    let dir = Root::open(&target);
    let rows: Vec<(&String, &Entry)> = m.files().collect();
    let intact = rows.len() == files
        && rows
            .par_iter()
            .all(|(rel, e)| dir.stamp(rel) == Some(e.stamp));
    drop(rows);
    drop_in_background(m);
    intact
}

/// Where the manifest of the output at `target` is kept.
fn manifest_path(root: &Path, target: &Path) -> PathBuf {
    root.join(".sotay-cache/output").join(format!(
        "{}.manifest",
        &crate::hash::hex(&crate::hash::short(target.to_string_lossy().as_bytes()))[..16]
    ))
}

/// The facts the previous build recorded in `target`'s marker file.
pub fn previous_marker(target: &Path) -> Option<String> {
    std::fs::read_to_string(target.join(MARKER)).ok()
}

/// One build's output: where renderers emit files.
pub struct Output<'k> {
    staging: Staging,
    reuse: Reuse,
    keys: &'k Keys,
    /// Where this output's manifest is kept (in the project's cache).
    manifest_path: PathBuf,
    /// Whether the previous output had a usable manifest: the build then
    /// updates the folder in place.
    updating: bool,
    /// Why the previous manifest could not be used, if it was damaged.
    pub warning: Option<Diagnostic>,
}

impl<'k> Output<'k> {
    /// Prepare to build into `target`, checking it is safe to replace.
    /// With `previous` (a build of the whole folder), the previous output's
    /// manifest lets unchanged files stay and the commit update in place.
    pub fn begin(
        target: &Path,
        project_root: &Path,
        previous: Option<Previous>,
        keys: &'k Keys,
    ) -> Result<Self, Diagnostic> {
        let target = absolute(target);
        let root = absolute(project_root);
        check_target(&target, &root)?;
        let mut staging = Staging::create(target.clone()).map_err(|e| io_error(&target, e))?;
        let manifest_path = manifest_path(&root, &target);
        let (manifest, warning) = match previous.map(|p| p.0.join()) {
            Some(Ok(Some(read))) => usable(read, &manifest_path),
            _ => (None, None),
        };
        let updating = manifest.is_some();
        staging.link_unchanged = !updating && staging.had_target;
        Ok(Self {
            staging,
            reuse: Reuse::new(manifest.unwrap_or_default(), Root::open(&target)),
            keys,
            manifest_path,
            updating,
            warning,
        })
    }

    /// Make the file `rel` (from the output root, `/` separators) unless
    /// the previous output holds it made from the same inputs (`make` is
    /// then not called), and record it.
    pub fn emit<B: AsRef<[u8]>>(
        &self,
        rel: &str,
        depends: Depends,
        make: impl FnOnce() -> Result<B, Diagnostic>,
    ) -> Result<(), Diagnostic> {
        debug_assert!(!rel.contains("..") && !rel.starts_with('/'), "{rel}");
        let group = self.group(depends);
        if let Some((name, key)) = &group
            && self.keep_group(name, key)
        {
            return Ok(());
        }
        let bytes = make()?;
        let written = match depends {
            Depends::Shared { key } => self.write_shared(key, rel, bytes.as_ref()),
            _ => self.write(rel, group, bytes.as_ref()),
        };
        written.map_err(|e| write_error(rel, e))
    }

    /// `emit` of a `Depends::Shared { key: rel }` file whose bytes (with
    /// the hash `crate::hash::short` gives them) are also at `copy` (the
    /// render cache): the output's copies are hard links to it, where the
    /// file system allows, instead of files of their own. A cold build would
    /// otherwise write every PDF twice, and a warm one copy each out of the
    /// cache.
    pub fn emit_linked(
        &self,
        rel: &str,
        bytes: &[u8],
        (copy, hash): (&Path, Hash),
    ) -> Result<(), Diagnostic> {
        self.staging.offer_first(rel, (bytes.len(), hash), copy);
        self.emit(rel, Depends::Shared { key: rel }, || Ok(bytes))
    }

    /// Make a file too big to hold in memory (a print shop's zip of its
    /// units' PDFs), as `emit` makes a `Depends::Loose` one: `write` streams
    /// its bytes, once to hash them and, unless the output already holds
    /// them, once more into the staged file (the two must agree, or it is an
    /// error). Returns the file's size.
    pub fn emit_stream(
        &self,
        rel: &str,
        write: impl Fn(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<u64, Diagnostic> {
        debug_assert!(!rel.contains("..") && !rel.starts_with('/'), "{rel}");
        let mut tally = Tally::default();
        write(&mut tally).map_err(|e| write_error(rel, e))?;
        let (hash, len) = (tally.hash(), tally.len);
        let kept = self.kept(rel, None, len as usize, &hash);
        let staged = match kept {
            Some(_) => None,
            None => self
                .staging
                .place_stream(rel, (hash, len), &write)
                .map_err(|e| write_error(rel, e))?,
        };
        self.staging.record(Made {
            rel: rel.to_owned(),
            hash,
            kept,
            staged,
            group: None,
        });
        Ok(len)
    }

    /// Whether every file of `depends` is kept from the previous output this
    /// build, so a renderer may skip preparing them; `emit` decides the same.
    pub fn is_kept(&self, depends: Depends) -> bool {
        self.group(depends)
            .is_some_and(|(name, key)| self.keep_group(&name, &key))
    }

    /// The group a file belongs to and its inputs' key.
    fn group(&self, depends: Depends) -> Option<(String, Hash)> {
        match depends {
            Depends::Guide { unit, slug } => {
                Some((format!("{unit}/{slug}"), self.keys.guide_group(unit, slug)))
            }
            // `~` is in no guide slug.
            Depends::Frame { unit } => Some((format!("{unit}/~"), self.keys.frame_group(unit))),
            Depends::Shared { .. } | Depends::Loose => None,
        }
    }

    /// Keep a group whole when its key is the recorded one; its files are
    /// counted once, by the call that decided.
    fn keep_group(&self, name: &str, key: &Hash) -> bool {
        self.reuse.group(name, key, |g| {
            let bytes: u64 = g.files.iter().map(|(_, e)| e.stamp.size).sum();
            let c = &self.staging.counts;
            c.add(g.files.len(), bytes);
            c.unchanged.fetch_add(g.files.len(), Ordering::Relaxed);
            c.reused.fetch_add(g.files.len(), Ordering::Relaxed);
        })
    }

    /// `emit` of a `Depends::Loose` file whose SHA-256 the caller has
    /// (a unit's package, published with its checksum): a zip of a unit's
    /// folder is tens of megabytes, hashed once instead of twice.
    pub fn emit_summed(
        &self,
        rel: &str,
        bytes: &[u8],
        sha256: &[u8; 32],
    ) -> Result<(), Diagnostic> {
        debug_assert!(!rel.contains("..") && !rel.starts_with('/'), "{rel}");
        self.write_hashed(rel, None, bytes, crate::hash::short_of(sha256))
            .map_err(|e| write_error(rel, e))
    }

    /// Write a file (of a group, or loose) unless the output holds it.
    fn write(&self, rel: &str, group: Option<(String, Hash)>, bytes: &[u8]) -> io::Result<()> {
        self.write_hashed(rel, group, bytes, crate::hash::short(bytes))
    }

    /// `write`, with the bytes' hash (`crate::hash::short`) known.
    fn write_hashed(
        &self,
        rel: &str,
        group: Option<(String, Hash)>,
        bytes: &[u8],
        hash: Hash,
    ) -> io::Result<()> {
        let in_group = group.as_ref().map(|(name, _)| name.as_str());
        let kept = self.kept(rel, in_group, bytes.len(), &hash);
        let staged = match kept {
            Some(_) => None,
            None => self.staging.place(rel, bytes)?.1,
        };
        self.staging.record(Made {
            rel: rel.to_owned(),
            hash,
            kept,
            staged,
            group,
        });
        Ok(())
    }

    /// Write a file whose bytes are the same wherever `key` is the same:
    /// every unit folder gets its own path, but the disk holds one copy,
    /// hard-linked (a 150-unit build would otherwise write each photo 150
    /// times). Uploads, zips and rsync see ordinary files.
    fn write_shared(&self, key: &str, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let (hash, first) = self.staging.shared_first(key, bytes);
        let kept = self.kept(rel, None, bytes.len(), &hash);
        let staged = match kept {
            Some(_) => None,
            None => self.staging.place_shared(key, rel, bytes, first)?,
        };
        self.staging.record(Made {
            rel: rel.to_owned(),
            hash,
            kept,
            staged,
            group: None,
        });
        Ok(())
    }

    /// Count a file made by this build; its stamp when the output already
    /// holds it (per the manifest), so nothing is to be written.
    fn kept(&self, rel: &str, group: Option<&str>, len: usize, hash: &Hash) -> Option<Stamp> {
        self.staging.counts.add(1, len as u64);
        let kept = self.reuse.current(group, rel, hash);
        if kept.is_some() {
            self.staging
                .counts
                .unchanged
                .fetch_add(1, Ordering::Relaxed);
        }
        kept
    }

    /// Read back a file this build made (staged, or kept in the output).
    pub fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        let s = &self.staging;
        std::fs::read(s.dir.join(rel)).or_else(|_| std::fs::read(s.target.join(rel)))
    }

    /// Every file of `unit`'s folder this build has made or kept so far
    /// (path inside the folder, content hash): what the build stamp
    /// (`render::stamp`, the last stage) hashes.
    pub fn unit_files(&self, unit: &str) -> Vec<(String, Hash)> {
        let prefix = format!("{unit}/");
        let mut files = self.staging.made_under(&prefix);
        for (name, g) in &self.reuse.previous.groups {
            if name.starts_with(&prefix) && self.reuse.was_kept(name) {
                files.extend(
                    g.files.iter().filter_map(|(rel, e)| {
                        Some((rel.strip_prefix(&prefix)?.to_owned(), e.hash))
                    }),
                );
            }
        }
        files
    }

    /// The hash of every input this build read (`memo::Keys::fingerprint`).
    pub fn fingerprint(&self) -> &str {
        &self.keys.fingerprint
    }

    pub fn files(&self) -> usize {
        self.staging.counts.files.load(Ordering::Relaxed)
    }

    /// Files whose bytes were the same as in the previous output.
    pub fn unchanged(&self) -> usize {
        self.staging.counts.unchanged.load(Ordering::Relaxed)
    }

    /// Files kept without being made (see `Depends`).
    pub fn reused(&self) -> usize {
        self.staging.counts.reused.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.staging.counts.bytes.load(Ordering::Relaxed)
    }
}

/// The previous manifest if usable, or the warning for a damaged one.
fn usable(
    read: Result<Manifest, manifest::Unusable>,
    path: &Path,
) -> (Option<Manifest>, Option<Diagnostic>) {
    match read {
        Ok(m) => (Some(m), None),
        Err(manifest::Unusable::Missing) => (None, None),
        Err(manifest::Unusable::Corrupt(line, what)) => (
            None,
            Some(
                Diagnostic::warning(format!(
                    "the output's list of files is damaged at line {line} ({what}); building everything again"
                ))
                .in_file(path)
                .hint("nothing to do: this build replaces it"),
            ),
        ),
    }
}

/// Refuse an output folder that would replace part of the project, a file,
/// or a folder sotay did not make.
fn check_target(target: &Path, root: &Path) -> Result<(), Diagnostic> {
    for protected in ["content", "themes", "assets", "src", "tests", ".git"] {
        let p = root.join(protected);
        if target.starts_with(&p) || p.starts_with(target) {
            return Err(Diagnostic::error(format!(
                "refusing to write the site to {}: it would replace the project's {protected}/ folder",
                target.display()
            ))
            .hint("choose an output folder of its own, e.g. --out public"));
        }
    }
    if target.is_file() {
        return Err(
            Diagnostic::error(format!("output path {} is a file", target.display()))
                .hint("choose a folder path with --out"),
        );
    }
    if target.is_dir() && !target.join(MARKER).is_file() && dir_has_entries(target) {
        return Err(Diagnostic::error(format!(
            "output folder {} exists and was not made by sotay; it would be replaced",
            target.display()
        ))
        .hint(
            "choose an empty or new folder with --out, or move that folder's files elsewhere first",
        ));
    }
    Ok(())
}

pub(crate) fn write_error(rel: &str, e: io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {rel}: {e}"))
        .hint("check free disk space and permissions of the output folder")
}

fn io_error(p: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::error(format!(
        "cannot prepare the output folder {}: {e}",
        p.display()
    ))
    .hint("check that the folder is writable and the disk is not full")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn begin<'k>(out: &Path, root: &Path, keys: &'k Keys) -> Result<Output<'k>, Diagnostic> {
        Output::begin(out, root, None, keys)
    }

    fn put(o: &Output, rel: &str, bytes: &[u8]) {
        o.emit(rel, Depends::Loose, || Ok(bytes)).unwrap();
    }

    fn shared(o: &Output, key: &str, rel: &str, bytes: &[u8]) {
        o.emit(rel, Depends::Shared { key }, || Ok(bytes)).unwrap();
    }

    const SWAP: Commit = Commit::Whole {
        facts: "",
        unmade: Unmade::Delete,
    };

    #[test]
    fn refuses_protected_and_foreign_folders() {
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        std::fs::create_dir_all(root.path().join("content")).unwrap();
        assert!(begin(&root.path().join("content"), root.path(), &keys).is_err());
        assert!(begin(&root.path().join("content/out"), root.path(), &keys).is_err());
        assert!(begin(root.path(), root.path(), &keys).is_err());
        let foreign = root.path().join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("a.txt"), "x").unwrap();
        assert!(begin(&foreign, root.path(), &keys).is_err());
    }

    #[test]
    fn commit_works_while_an_earlier_old_tree_is_still_being_removed() {
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        let out = root.path().join("public");
        for round in 0..3 {
            let s = begin(&out, root.path(), &keys).unwrap();
            put(&s, "index.html", format!("{round}").as_bytes());
            // What the previous commit would have left if its background
            // removal has not finished yet.
            let lingering = s.staging.sibling("old");
            std::fs::create_dir_all(&lingering).unwrap();
            std::fs::write(lingering.join("index.html"), "old").unwrap();
            s.commit(SWAP).unwrap();
            assert_eq!(
                std::fs::read_to_string(out.join("index.html")).unwrap(),
                round.to_string()
            );
        }
    }

    #[test]
    #[cfg(unix)]
    fn shared_files_are_one_copy_on_disk() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        let out = root.path().join("public");
        let s = begin(&out, root.path(), &keys).unwrap();
        for unit in ["a", "b", "c"] {
            shared(&s, "img/x.jpg", &format!("{unit}/anh/x.jpg"), b"photo");
        }
        shared(&s, "img/y.jpg", "a/anh/y.jpg", b"other");
        assert_eq!((s.files(), s.bytes()), (4, 20));
        s.commit(SWAP).unwrap();
        let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        assert_eq!(ino("a/anh/x.jpg"), ino("c/anh/x.jpg"));
        assert_ne!(ino("a/anh/x.jpg"), ino("a/anh/y.jpg"));
        assert_eq!(std::fs::read(out.join("b/anh/x.jpg")).unwrap(), b"photo");
        // A rebuild with the same bytes keeps every copy as it was.
        let s = begin(&out, root.path(), &keys).unwrap();
        for unit in ["c", "a", "b"] {
            shared(&s, "img/x.jpg", &format!("{unit}/anh/x.jpg"), b"photo");
        }
        assert_eq!(s.unchanged(), 3);
    }

    #[test]
    fn a_streamed_file_is_written_once_and_kept_when_unchanged() {
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        let out = root.path().join("public");
        let stream = |s: &Output, bytes: &'static [u8]| {
            s.emit_stream("nha-in/a.zip", |w| w.write_all(bytes))
                .unwrap()
        };
        let s = begin(&out, root.path(), &keys).unwrap();
        assert_eq!(stream(&s, b"zip one"), 7);
        assert_eq!((s.files(), s.bytes(), s.unchanged()), (1, 7, 0));
        s.commit(SWAP).unwrap();
        assert_eq!(std::fs::read(out.join("nha-in/a.zip")).unwrap(), b"zip one");
        // Over the previous output (no manifest): the same bytes are linked.
        let s = begin(&out, root.path(), &keys).unwrap();
        stream(&s, b"zip one");
        assert_eq!(s.unchanged(), 1);
        s.commit(SWAP).unwrap();
        let s = begin(&out, root.path(), &keys).unwrap();
        stream(&s, b"zip two!");
        s.commit(SWAP).unwrap();
        assert_eq!(
            std::fs::read(out.join("nha-in/a.zip")).unwrap(),
            b"zip two!"
        );
        // Over a manifest: the same bytes are hashed, not written again.
        let s = Output::begin(
            &out,
            root.path(),
            Some(Previous::read(&out, root.path())),
            &keys,
        )
        .unwrap();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        s.emit_stream("nha-in/a.zip", |w| {
            calls.fetch_add(1, Ordering::Relaxed);
            w.write_all(b"zip two!")
        })
        .unwrap();
        assert_eq!((calls.into_inner(), s.unchanged()), (1, 1));
        s.commit(SWAP).unwrap();
        assert_eq!(
            std::fs::read(out.join("nha-in/a.zip")).unwrap(),
            b"zip two!"
        );
        // A writer that does not write the same bytes twice is an error.
        let s = begin(&out, root.path(), &keys).unwrap();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let err = s
            .emit_stream("nha-in/b.zip", |w| {
                let n = calls.fetch_add(1, Ordering::Relaxed);
                w.write_all(format!("call {n}").as_bytes())
            })
            .unwrap_err();
        assert!(err.message.contains("nha-in/b.zip"), "{}", err.message);
    }

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        let out = root.path().join("public");
        let s = begin(&out, root.path(), &keys).unwrap();
        put(&s, "a/index.html", b"one");
        s.commit(SWAP).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let s = begin(&out, root.path(), &keys).unwrap();
        put(&s, "a/index.html", b"two");
        drop(s); // a failed build
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != ".sotay-cache")
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn leftovers_of_a_killed_build_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        let stale = root.path().join(".public.staging-999999999");
        std::fs::create_dir_all(&stale).unwrap();
        let s = begin(&root.path().join("public"), root.path(), &keys).unwrap();
        s.commit(SWAP).unwrap();
        assert!(!stale.exists());
    }

    #[test]
    fn unchanged_files_keep_their_identity() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        let out = root.path().join("public");
        let s = begin(&out, root.path(), &keys).unwrap();
        put(&s, "a.html", b"same");
        put(&s, "b.html", b"old");
        s.commit(SWAP).unwrap();
        let inode = |f: &str| std::fs::metadata(out.join(f)).unwrap().ino();
        let (a, b) = (inode("a.html"), inode("b.html"));
        let s = begin(&out, root.path(), &keys).unwrap();
        put(&s, "a.html", b"same");
        put(&s, "b.html", b"new");
        assert_eq!(s.unchanged(), 1);
        s.commit(SWAP).unwrap();
        assert_eq!(inode("a.html"), a, "unchanged file was rewritten");
        assert_ne!(inode("b.html"), b);
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"new");
    }

    #[test]
    fn commit_parts_keeps_other_units() {
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        let out = root.path().join("public");
        let s = begin(&out, root.path(), &keys).unwrap();
        put(&s, "a/index.html", b"a1");
        put(&s, "b/index.html", b"b1");
        s.commit(SWAP).unwrap();
        let s = begin(&out, root.path(), &keys).unwrap();
        put(&s, "a/index.html", b"a2");
        s.commit(Commit::Parts(&["a".into()])).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"a2");
        assert_eq!(std::fs::read(out.join("b/index.html")).unwrap(), b"b1");
    }

    #[test]
    fn a_guide_group_with_the_same_key_is_kept_without_being_made() {
        let root = tempfile::tempdir().unwrap();
        let keys = Keys::default();
        let out = root.path().join("public");
        let guide = Depends::Guide {
            unit: "u",
            slug: "g",
        };
        let first = begin(&out, root.path(), &keys).unwrap();
        for rel in ["u/g/index.html", "u/api/g.json"] {
            first.emit(rel, guide, || Ok(rel.as_bytes())).unwrap();
        }
        put(&first, "u/index.html", b"home");
        first.commit(SWAP).unwrap();
        // The next whole build reads the manifest: the group's key is the
        // same, so neither file is made again, and both are counted kept.
        let again = || {
            Output::begin(
                &out,
                root.path(),
                Some(Previous::read(&out, root.path())),
                &keys,
            )
            .unwrap()
        };
        let second = again();
        assert!(second.is_kept(guide));
        for rel in ["u/g/index.html", "u/api/g.json"] {
            second
                .emit(rel, guide, || -> Result<&[u8], _> {
                    panic!("{rel} was made again")
                })
                .unwrap();
        }
        put(&second, "u/index.html", b"home");
        assert_eq!(
            (second.files(), second.reused(), second.unchanged()),
            (3, 2, 3)
        );
        second.commit(SWAP).unwrap();
        assert_eq!(
            std::fs::read(out.join("u/api/g.json")).unwrap(),
            b"u/api/g.json"
        );
        // A file of the group edited by hand: the group is made again.
        std::fs::write(out.join("u/g/index.html"), "sửa tay").unwrap();
        let third = again();
        assert!(!third.is_kept(guide));
        let mut made = 0;
        for rel in ["u/g/index.html", "u/api/g.json"] {
            third
                .emit(rel, guide, || {
                    made += 1;
                    Ok(rel.as_bytes())
                })
                .unwrap();
        }
        assert_eq!(made, 2);
        third.commit(SWAP).unwrap();
        assert_eq!(
            std::fs::read(out.join("u/g/index.html")).unwrap(),
            b"u/g/index.html"
        );
    }
}
