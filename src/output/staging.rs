//! The staging folder: where a build writes the files that are not already
//! in the output as they are, and the record of every file it made.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use super::disk::{remove_stale, same_file};
use super::manifest::{Hash, Stamp};

/// The marker file of every output folder sotay made.
pub const MARKER: &str = ".sotay-output";
pub const MARKER_TEXT: &str = "Built by sotay. This folder is replaced on every build.\n";

/// One file this build made.
pub struct Made {
    pub rel: String,
    pub hash: Hash,
    /// Its stamp when the output already held it (nothing to move).
    pub kept: Option<Stamp>,
    /// Its stamp as staged (a rename keeps size and time), taken from the
    /// open file: a path lookup per file at commit would be 190,000 serial
    /// lookups at city scale.
    pub staged: Option<Stamp>,
    /// Its group (`<unit>/<slug>` or `<unit>/~`) and that group's key.
    pub group: Option<(String, Hash)>,
}

/// Counts for the build summary.
#[derive(Default)]
pub struct Counts {
    pub files: AtomicUsize,
    /// Files with the same bytes as in the previous output.
    pub unchanged: AtomicUsize,
    /// Of those, files kept without being rendered.
    pub reused: AtomicUsize,
    pub bytes: AtomicU64,
}

impl Counts {
    pub fn add(&self, files: usize, bytes: u64) {
        self.files.fetch_add(files, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// A file every unit folder carries with the same bytes: its hash and the
/// first staged copy, which later copies hard-link to.
struct SharedFile {
    hash: Hash,
    first: Option<(PathBuf, Option<Stamp>)>,
}

pub struct Staging {
    pub dir: PathBuf,
    pub target: PathBuf,
    /// Whether the output folder held a build when this one began.
    pub had_target: bool,
    /// Without a manifest, a file with the current output's bytes is
    /// hard-linked from it rather than written.
    pub link_unchanged: bool,
    pub counts: Counts,
    dirs: Mutex<HashSet<PathBuf>>,
    shared: Mutex<HashMap<String, SharedFile>>,
    made: Mutex<Vec<Made>>,
    /// Set once the folder was moved into place (or emptied by a commit).
    pub done: bool,
}

impl Staging {
    /// A fresh staging folder beside `target` (both absolute), with the
    /// marker file in it.
    pub fn create(target: PathBuf) -> io::Result<Self> {
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_stale(&parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(MARKER), MARKER_TEXT)?;
        Ok(Self {
            dir,
            had_target: target.join(MARKER).is_file(),
            target,
            link_unchanged: false,
            counts: Counts::default(),
            dirs: Mutex::default(),
            shared: Mutex::default(),
            made: Mutex::default(),
            done: false,
        })
    }

    /// Record a file made by this build.
    pub fn record(&self, made: Made) {
        self.made.lock().expect("made files").push(made);
    }

    /// The files made so far under `prefix` (a unit's folder): their paths
    /// with the prefix taken off, and hashes.
    pub fn made_under(&self, prefix: &str) -> Vec<(String, Hash)> {
        let made = self.made.lock().expect("made files");
        made.iter()
            .filter_map(|m| Some((m.rel.strip_prefix(prefix)?.to_owned(), m.hash)))
            .collect()
    }

    /// Every file made so far, taken out for the commit.
    pub fn take_made(&self) -> Vec<Made> {
        std::mem::take(&mut *self.made.lock().expect("made files"))
    }

    /// Stage a file that is not kept as it is; returns its stamp.
    pub fn place(&self, rel: &str, bytes: &[u8]) -> io::Result<(PathBuf, Option<Stamp>)> {
        let path = self.dir.join(rel);
        self.make_parent(&path)?;
        if self.link_unchanged
            && let Some(stamp) = self.link_current(rel, &path, bytes)
        {
            return Ok((path, stamp));
        }
        let mut f = std::fs::File::create(&path)?;
        io::Write::write_all(&mut f, bytes)?;
        let stamp = f.metadata().ok().and_then(|m| Stamp::from_metadata(&m));
        Ok((path, stamp))
    }

    /// Same bytes as the current output: link the existing file instead of
    /// writing it, so an unchanged file keeps its identity and date (what
    /// servers, rsync and caches look at).
    fn link_current(&self, rel: &str, path: &Path, bytes: &[u8]) -> Option<Option<Stamp>> {
        self.link_current_if(rel, path, bytes.len() as u64, |current| {
            std::fs::read(current).is_ok_and(|old| old == bytes)
        })
    }

    /// `link_current` when the current file has `len` bytes and `same` says
    /// they are the ones to write.
    fn link_current_if(
        &self,
        rel: &str,
        path: &Path,
        len: u64,
        same: impl FnOnce(&Path) -> bool,
    ) -> Option<Option<Stamp>> {
        let current = self.target.join(rel);
        let m = std::fs::metadata(&current).ok()?;
        let same = m.len() == len && same(&current) && std::fs::hard_link(&current, path).is_ok();
        same.then(|| {
            self.counts.unchanged.fetch_add(1, Ordering::Relaxed);
            Stamp::from_metadata(&m)
        })
    }

    /// Stage a file streamed by `write`, whose bytes hash to `expected`
    /// (hash, length) when it streamed them before; returns its stamp.
    pub fn place_stream(
        &self,
        rel: &str,
        expected: (Hash, u64),
        write: &dyn Fn(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<Option<Stamp>> {
        let path = self.dir.join(rel);
        self.make_parent(&path)?;
        if self.link_unchanged
            && let Some(stamp) = self.link_current_if(rel, &path, expected.1, |current| {
                let mut tally = Tally::default();
                std::fs::File::open(current)
                    .and_then(|mut f| io::copy(&mut f, &mut tally))
                    .is_ok_and(|_| tally.hash() == expected.0)
            })
        {
            return Ok(stamp);
        }
        let file = std::fs::File::create(&path)?;
        let mut tee = Tee {
            file: io::BufWriter::with_capacity(1 << 20, file),
            tally: Tally::default(),
        };
        write(&mut tee)?;
        let file = tee
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        if (tee.tally.hash(), tee.tally.len) != expected {
            return Err(io::Error::other(
                "its bytes changed between the two times they were made (a bug in sotay)",
            ));
        }
        Ok(file.metadata().ok().and_then(|m| Stamp::from_metadata(&m)))
    }

    /// Stage a file whose bytes are the same wherever `key` is: the first
    /// copy is written, later ones hard-link to it (`first`, from
    /// `shared_first`). Returns its stamp.
    pub fn place_shared(
        &self,
        key: &str,
        rel: &str,
        bytes: &[u8],
        first: Option<(PathBuf, Option<Stamp>)>,
    ) -> io::Result<Option<Stamp>> {
        let path = self.dir.join(rel);
        if let Some((first, stamp)) = first {
            self.make_parent(&path)?;
            // A hard link shares the first copy's inode, so its size and time.
            if std::fs::hard_link(&first, &path).is_ok() {
                if self.had_target && same_file(&self.target.join(rel), &first) {
                    self.counts.unchanged.fetch_add(1, Ordering::Relaxed);
                }
                return Ok(stamp);
            }
        }
        let (path, stamp) = self.place(rel, bytes)?;
        if let Some(f) = self.shared.lock().expect("shared files").get_mut(key) {
            f.first.get_or_insert((path, stamp));
        }
        Ok(stamp)
    }

    /// Make `copy`, which holds the shared file `key`'s bytes (their
    /// length and hash), its first copy unless it has one: the copies
    /// `place_shared` makes are then links to it.
    pub fn offer_first(&self, key: &str, (len, hash): (usize, Hash), copy: &Path) {
        let stamp = Stamp::of(copy);
        if stamp.is_none_or(|s| s.size != len as u64) {
            return;
        }
        let mut shared = self.shared.lock().expect("shared files");
        let f = shared
            .entry(key.to_owned())
            .or_insert(SharedFile { hash, first: None });
        f.first.get_or_insert((copy.to_owned(), stamp));
    }

    /// The hash of the bytes under `key` (hashed once) and their first copy.
    pub fn shared_first(
        &self,
        key: &str,
        bytes: &[u8],
    ) -> (Hash, Option<(PathBuf, Option<Stamp>)>) {
        let mut shared = self.shared.lock().expect("shared files");
        let f = shared.entry(key.to_owned()).or_insert_with(|| SharedFile {
            hash: crate::hash::short(bytes),
            first: None,
        });
        (f.hash, f.first.clone())
    }

    /// Create the staged folder that will hold `path`, once per build (a
    /// mkdir per file, even one that fails, is a path lookup in the kernel;
    /// 190,000 files make it count).
    fn make_parent(&self, path: &Path) -> io::Result<()> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        if self.dirs.lock().expect("staged dirs").contains(parent) {
            return Ok(());
        }
        std::fs::create_dir_all(parent)?;
        self.dirs
            .lock()
            .expect("staged dirs")
            .insert(parent.to_owned());
        Ok(())
    }

    /// A sibling folder of the output no other folder is named like: the
    /// previous build's old tree may still be being removed in the
    /// background (same process in `serve`).
    pub fn sibling(&self, what: &str) -> PathBuf {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let p = self
                .target
                .with_file_name(format!(".{name}.{what}-{}-{n}", std::process::id()));
            if !p.exists() {
                return p;
            }
        }
    }
}

/// Bytes streamed through: their hash (the manifest's) and how many.
#[derive(Default)]
pub struct Tally {
    hasher: crate::hash::Hasher,
    pub len: u64,
}

impl Tally {
    pub fn hash(&self) -> Hash {
        self.hasher.short()
    }
}

impl io::Write for Tally {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        self.len += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A file being written, and the tally of what went into it.
struct Tee<W> {
    file: W,
    tally: Tally,
}

impl<W: io::Write> io::Write for Tee<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        io::Write::write_all(&mut self.tally, &buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
