//! Atomic output. A build writes into a staging folder beside the output and
//! puts it in place only when everything succeeded, so a failed build leaves
//! the previous site untouched. A first build swaps the whole folder in; a
//! full build over an output with a manifest stages only the files whose
//! bytes changed and renames each into place (every file is replaced whole;
//! the manifest is removed first, so an interrupted update makes the next
//! build a fresh one). The output folder carries a marker file; sotay
//! refuses to replace a folder it did not create, and never writes into
//! content/, themes/ or assets/.

pub mod manifest;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::diag::Diagnostic;
use manifest::{Entry, Hash, Manifest, REJECTED, REUSED, Root, Stamp, UNDECIDED};

const MARKER: &str = ".sotay-output";
const MARKER_TEXT: &str = "Built by sotay. This folder is replaced on every build.\n";

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
        &blake3::hash(target.to_string_lossy().as_bytes()).to_hex()[..16]
    ))
}

pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    files: AtomicUsize,
    unchanged: AtomicUsize,
    bytes: AtomicU64,
    /// Files every unit folder carries with the same bytes (theme files,
    /// processed images): key -> their hash and the first staged copy,
    /// which later copies hard-link to.
    shared: Mutex<HashMap<String, SharedFile>>,
    /// Staged folders already created.
    dirs: Mutex<std::collections::HashSet<PathBuf>>,
    /// Where this output's manifest is kept (in the project's cache).
    manifest_path: PathBuf,
    /// The previous output's manifest: set when updating in place.
    previous: Option<Manifest>,
    /// The output folder, opened to check the previous output's files.
    opened: Root,
    /// Every file this build made.
    made: Mutex<Vec<Made>>,
    /// Files reused from the previous output without rendering them.
    reused: AtomicUsize,
    /// Why the previous manifest could not be used, if it was damaged.
    pub warning: Option<Diagnostic>,
    /// Keep the previous output's files this build did not make (a build
    /// that skipped stages) instead of deleting them.
    pub keep_unmade: bool,
    /// Whether the output folder existed when the build began (a first
    /// build has no current file to compare with).
    had_target: bool,
    done: bool,
}

struct Made {
    rel: String,
    hash: Hash,
    /// Its stamp when the output already held it (nothing to move).
    kept: Option<Stamp>,
    /// Its stamp as staged (a rename keeps size and time), taken from the
    /// open file: a path lookup per file at commit would be 190,000 serial
    /// lookups at city scale.
    staged: Option<Stamp>,
    /// The guide files' group (`<unit>/<slug>`) and its inputs' key.
    group: Option<(String, Hash)>,
}

struct SharedFile {
    hash: Hash,
    first: Option<(PathBuf, Option<Stamp>)>,
}

impl Staging {
    /// Prepare to build into `target`, checking it is safe to replace.
    pub fn begin(target: &Path, project_root: &Path) -> Result<Self, Diagnostic> {
        let target = absolute(target);
        let root = absolute(project_root);
        for protected in ["content", "themes", "assets", "src", "tests", ".git"] {
            let p = root.join(protected);
            if target.starts_with(&p) || p.starts_with(&target) {
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
        if target.is_dir() && !target.join(MARKER).is_file() && dir_has_entries(&target) {
            return Err(Diagnostic::error(format!(
                "output folder {} exists and was not made by sotay; it would be replaced",
                target.display()
            ))
            .hint("choose an empty or new folder with --out, or move that folder's files elsewhere first"));
        }
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_stale(&parent, &name);
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
        std::fs::write(dir.join(MARKER), MARKER_TEXT).map_err(|e| io_error(&dir, e))?;
        let had_target = target.join(MARKER).is_file();
        let manifest_path = manifest_path(&root, &target);
        let opened = Root::open(&target);
        Ok(Self {
            dir,
            manifest_path,
            dirs: Mutex::default(),
            target,
            files: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            shared: Mutex::default(),
            previous: None,
            opened,
            made: Mutex::default(),
            reused: AtomicUsize::new(0),
            warning: None,
            keep_unmade: false,
            had_target,
            done: false,
        })
    }

    /// Like `begin`, for a build that makes the whole output folder: when
    /// the previous output has a manifest, only changed files are staged
    /// and `commit` updates the folder in place.
    /// `previous` is the output's manifest read ahead (`Previous::read`).
    pub fn begin_whole(
        target: &Path,
        project_root: &Path,
        previous: Previous,
    ) -> Result<Self, Diagnostic> {
        let mut s = Self::begin(target, project_root)?;
        if let Ok(Some(read)) = previous.0.join() {
            match read {
                Ok(m) => s.previous = Some(m),
                Err(manifest::Unusable::Missing) => {}
                Err(manifest::Unusable::Corrupt(line, what)) => {
                    s.warning = Some(
                        Diagnostic::warning(format!(
                            "the output's list of files is damaged at line {line} ({what}); building everything again"
                        ))
                        .in_file(&s.manifest_path)
                        .hint("nothing to do: this build replaces it"),
                    );
                }
            }
        }
        Ok(s)
    }

    /// Write one file; `rel` uses `/` separators and stays inside the output.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_keyed(rel, None, bytes)
    }

    /// Whether the previous output holds the files of `group` (one guide
    /// in one unit: `<unit>/<slug>`) made from inputs with this key, each
    /// still on disk as written: then they are all kept as they are
    /// (counted and recorded as made) and the caller need not render them.
    /// Decided once per group and build.
    pub fn reuse_group(&self, group: &str, key: &Hash) -> bool {
        let Some(g) = self.previous.as_ref().and_then(|m| m.groups.get(group)) else {
            return false;
        };
        match g.state.load(Ordering::Acquire) {
            REUSED => return true,
            REJECTED => return false,
            _ => {}
        }
        let ok = g.key == *key
            && g.files
                .iter()
                .all(|(rel, e)| self.opened.stamp(rel) == Some(e.stamp));
        let decided = if ok { REUSED } else { REJECTED };
        match g
            .state
            .compare_exchange(UNDECIDED, decided, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) if ok => {
                let n = g.files.len();
                let bytes: u64 = g.files.iter().map(|(_, e)| e.stamp.size).sum();
                self.files.fetch_add(n, Ordering::Relaxed);
                self.bytes.fetch_add(bytes, Ordering::Relaxed);
                self.unchanged.fetch_add(n, Ordering::Relaxed);
                self.reused.fetch_add(n, Ordering::Relaxed);
                true
            }
            Ok(_) => false,
            Err(state) => state == REUSED,
        }
    }

    /// Files reused without rendering (see `reuse_group`).
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }

    /// Write a file of `group` made from inputs with `key` (see
    /// `reuse_group`), or a loose file (no group).
    pub fn write_keyed(
        &self,
        rel: &str,
        group: Option<(&str, Hash)>,
        bytes: &[u8],
    ) -> io::Result<()> {
        debug_assert!(!rel.contains("..") && !rel.starts_with('/'), "{rel}");
        let hash = manifest::hash(bytes);
        let group = group.map(|(name, key)| (name.to_owned(), key));
        let in_group = group.as_ref().map(|(name, _)| name.as_str());
        if let Some(kept) = self.kept(rel, in_group, bytes.len(), &hash) {
            self.record(rel, hash, Some(kept), None, group);
            return Ok(());
        }
        let (_, staged) = self.place(rel, bytes)?;
        self.record(rel, hash, None, staged, group);
        Ok(())
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

    /// Stage a file that is not kept as it is; returns its staged path
    /// and stamp.
    fn place(&self, rel: &str, bytes: &[u8]) -> io::Result<(PathBuf, Option<Stamp>)> {
        let path = self.dir.join(rel);
        self.make_parent(&path)?;
        // Without a manifest: same bytes as the current output, so link the
        // existing file instead of writing it; an unchanged file keeps its
        // identity and date (what servers, rsync and caches look at).
        if self.previous.is_none() && self.had_target {
            let current = self.target.join(rel);
            if let Ok(m) = std::fs::metadata(&current)
                && m.len() == bytes.len() as u64
                && std::fs::read(&current).is_ok_and(|old| old == bytes)
                && std::fs::hard_link(&current, &path).is_ok()
            {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok((path, Stamp::from_metadata(&m)));
            }
        }
        let mut f = std::fs::File::create(&path)?;
        io::Write::write_all(&mut f, bytes)?;
        let stamp = f.metadata().ok().and_then(|m| Stamp::from_metadata(&m));
        Ok((path, stamp))
    }

    /// Count a file made by this build; its stamp when the output already
    /// holds it (per the manifest), so nothing is to be written.
    fn kept(&self, rel: &str, group: Option<&str>, len: usize, hash: &Hash) -> Option<Stamp> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len as u64, Ordering::Relaxed);
        let kept = self
            .previous
            .as_ref()
            .and_then(|m| m.current(&self.opened, group, rel, hash))
            .map(|e| e.stamp);
        if kept.is_some() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        kept
    }

    fn record(
        &self,
        rel: &str,
        hash: Hash,
        kept: Option<Stamp>,
        staged: Option<Stamp>,
        group: Option<(String, Hash)>,
    ) {
        self.made.lock().expect("made files").push(Made {
            rel: rel.to_owned(),
            hash,
            kept,
            staged,
            group,
        });
    }

    /// Write a file whose bytes are the same wherever `key` is the same
    /// (a content-hashed image, a theme file): every unit folder gets its
    /// own path, but the disk holds one copy, hard-linked (a 150-unit
    /// build would otherwise write each photo 150 times). Uploads, zips
    /// and rsync see ordinary files.
    pub fn write_shared(&self, key: &str, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let (hash, first) = {
            let mut shared = self.shared.lock().expect("shared files");
            let f = shared.entry(key.to_owned()).or_insert_with(|| SharedFile {
                hash: manifest::hash(bytes),
                first: None,
            });
            (f.hash, f.first.clone())
        };
        if let Some(kept) = self.kept(rel, None, bytes.len(), &hash) {
            self.record(rel, hash, Some(kept), None, None);
            return Ok(());
        }
        let path = self.dir.join(rel);
        self.make_parent(&path)?;
        // A hard link shares the first copy's inode, so its size and time.
        if let Some((first, stamp)) = first
            && std::fs::hard_link(&first, &path).is_ok()
        {
            if self.had_target && same_file(&self.target.join(rel), &first) {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
            }
            self.record(rel, hash, None, stamp, None);
            return Ok(());
        }
        let (path, stamp) = self.place(rel, bytes)?;
        if let Some(f) = self.shared.lock().expect("shared files").get_mut(key) {
            f.first.get_or_insert((path, stamp));
        }
        self.record(rel, hash, None, stamp, None);
        Ok(())
    }

    /// Read back a file this build made (staged, or kept in the output).
    pub fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.dir.join(rel)).or_else(|_| std::fs::read(self.target.join(rel)))
    }

    /// Files whose bytes were the same as in the previous output.
    pub fn unchanged(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Put the staged build in place of the whole output folder and record
    /// `facts` in its marker (read back by the next build to skip work when
    /// nothing changed) with the manifest of every file.
    pub fn commit(mut self, facts: &str) -> io::Result<()> {
        if self.previous.is_some() {
            return self.commit_update(facts);
        }
        let made = std::mem::take(&mut *self.made.lock().expect("made files"));
        let mut m = Manifest::default();
        for Made {
            rel,
            hash,
            staged,
            group,
            ..
        } in made
        {
            // Renaming the folder keeps sizes and times.
            if let Some(stamp) = staged.or_else(|| Stamp::of(&self.dir.join(&rel))) {
                m.add(rel, Entry { hash, stamp }, group);
            }
        }
        write_atomic(&self.dir.join(MARKER), &format!("{MARKER_TEXT}{facts}"))?;
        self.forget_manifest()?;
        let old = self.sibling("old");
        if self.target.exists() {
            std::fs::rename(&self.target, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            // Put the previous output back before reporting.
            if old.exists() {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.done = true;
        if old.exists() {
            remove_in_background(&old);
        }
        self.save_manifest(&m)?;
        drop_in_background(m);
        Ok(())
    }

    /// Record the manifest for the output now in place (the marker's stamp
    /// ties the two together).
    fn save_manifest(&self, m: &Manifest) -> io::Result<()> {
        match Stamp::of(&self.target.join(MARKER)) {
            Some(marker) => m.save(&self.manifest_path, marker),
            None => Ok(()),
        }
    }

    /// Remove the manifest before the output changes: if the change is
    /// interrupted, the next build starts fresh.
    fn forget_manifest(&self) -> io::Result<()> {
        match std::fs::remove_file(&self.manifest_path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Update the output in place: rename each staged (changed) file over
    /// its old version, delete the files this build no longer makes, then
    /// write the new manifest and marker.
    fn commit_update(mut self, facts: &str) -> io::Result<()> {
        let previous = self.previous.take().unwrap_or_default();
        // Until the new manifest is written the folder is in between: without
        // a manifest (and facts) the next build starts fresh.
        self.forget_manifest()?;
        write_atomic(&self.target.join(MARKER), MARKER_TEXT)?;
        let made = std::mem::take(&mut *self.made.lock().expect("made files"));
        // Changed files move into place in parallel: a rename over an old
        // file also frees that file, tens of microseconds each.
        let stamps: Vec<Option<Stamp>> = made
            .par_iter()
            .map(|f| match f.kept {
                Some(stamp) => Ok(Some(stamp)),
                None => {
                    let to = self.target.join(&f.rel);
                    if let Some(parent) = to.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::rename(self.dir.join(&f.rel), &to)?;
                    Ok(f.staged.or_else(|| Stamp::of(&to)))
                }
            })
            .collect::<io::Result<_>>()?;
        let mut m = Manifest::default();
        // Paths this build made, for the deletions below (a file may have
        // moved between a group and the loose files).
        let mut made_paths = rustc_hash::FxHashSet::default();
        for (f, stamp) in made.into_iter().zip(stamps) {
            let Some(stamp) = stamp else { continue };
            made_paths.insert(f.rel.clone());
            m.add(
                f.rel,
                Entry {
                    hash: f.hash,
                    stamp,
                },
                f.group,
            );
        }
        // The previous files this build did not make: deleted (or kept, for
        // a build that skipped stages). Reused groups carry over whole.
        let mut unmade: Vec<String> = Vec::new();
        for (rel, entry) in previous.loose {
            if !made_paths.contains(&rel) {
                if self.keep_unmade {
                    m.loose.insert(rel, entry);
                } else {
                    unmade.push(rel);
                }
            }
        }
        for (name, g) in previous.groups {
            if g.state.load(Ordering::Acquire) == REUSED {
                m.groups.insert(name, g);
                continue;
            }
            for (rel, e) in g.files {
                if made_paths.contains(&rel) {
                    continue;
                }
                if self.keep_unmade {
                    m.add(rel, e, Some((name.clone(), g.key)));
                } else {
                    unmade.push(rel);
                }
            }
        }
        let mut emptied = std::collections::BTreeSet::new();
        for rel in unmade {
            let path = self.target.join(&rel);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
            let mut dir = path.parent();
            while let Some(d) = dir
                && d != self.target
            {
                emptied.insert(d.to_owned());
                dir = d.parent();
            }
        }
        // Deepest first; a folder that still has files stays.
        for d in emptied.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        write_atomic(&self.target.join(MARKER), &format!("{MARKER_TEXT}{facts}"))?;
        self.save_manifest(&m)?;
        drop_in_background((m, made_paths));
        self.done = true;
        // Only emptied folders are left (the files were moved out); removed
        // now, as the next build in this process reuses the name.
        std::fs::remove_dir_all(&self.dir)
    }

    /// Replace only the given top-level folders (one unit's build), keeping
    /// the rest of the output as it is.
    pub fn commit_parts(mut self, parts: &[String]) -> io::Result<()> {
        if !self.target.exists() {
            std::fs::create_dir_all(&self.target)?;
            std::fs::copy(self.dir.join(MARKER), self.target.join(MARKER))?;
        }
        // The folder will no longer match its manifest: the next full build
        // starts fresh.
        self.forget_manifest()?;
        write_atomic(&self.target.join(MARKER), MARKER_TEXT)?;
        let trash = self.sibling("old");
        std::fs::create_dir_all(&trash)?;
        for part in parts {
            let (new, cur) = (self.dir.join(part), self.target.join(part));
            if cur.exists() {
                std::fs::rename(&cur, trash.join(part))?;
            }
            std::fs::rename(&new, &cur)?;
        }
        self.done = true;
        remove_in_background(&trash);
        std::fs::remove_dir_all(&self.dir)?;
        Ok(())
    }

    fn sibling(&self, what: &str) -> PathBuf {
        let name = self
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A name no other folder has: the previous build's old tree may
        // still be being removed in the background (same process in `serve`).
        static NEXT: AtomicUsize = AtomicUsize::new(0);
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

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    // Resolve symlinks of the existing part so `content/../public` compares right.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|f| f.to_owned()),
            existing.parent(),
        ) {
            (Some(f), Some(parent)) => {
                rest.push(f);
                existing = parent.to_owned();
            }
            _ => return abs,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        out.push(part);
    }
    out
}

/// Remove staging and old folders left by a build that was killed (its
/// process no longer exists), so interrupted builds do not pile up.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = [".staging-", ".old-"]
            .iter()
            .find_map(|kind| file.strip_prefix(&format!(".{name}{kind}")));
        let pid = pid.map(|p| {
            p.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        });
        let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new("/proc").is_dir() && Path::new(&format!("/proc/{pid}")).exists();
        if pid != std::process::id() && !alive && Path::new("/proc").is_dir() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Free a city-scale manifest (220,000 strings, about 10 ms) off the
/// build's path.
fn drop_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// Delete a replaced output tree without making the user wait: the new
/// output is already in place, so on Unix a detached `rm -rf` does it (a
/// leftover of a killed one is cleaned by the next build); elsewhere, now.
fn remove_in_background(dir: &Path) {
    #[cfg(unix)]
    {
        let spawned = std::process::Command::new("rm")
            .arg("-rf")
            .arg(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = spawned {
            // Reap it when it ends (matters in a long-running `serve`).
            std::thread::spawn(move || child.wait());
            return;
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Remove `<temp>/<prefix><pid>…` folders of sotay processes that are gone
/// (a `serve` stopped with Ctrl+C leaves its folder behind).
pub fn remove_dead_temp(prefix: &str) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let pid: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id()
            && Path::new("/proc").is_dir()
            && !Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Replace a small file whole (temporary file, then rename).
fn write_atomic(path: &Path, text: &str) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, path)
}

/// The facts the previous build recorded in `target`'s marker file.
pub fn previous_marker(target: &Path) -> Option<String> {
    std::fs::read_to_string(target.join(MARKER)).ok()
}

/// Whether two paths are one file on disk (hard links of each other).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return (a.dev(), a.ino()) == (b.dev(), b.ino());
        }
    }
    let _ = (a, b);
    false
}

fn dir_has_entries(p: &Path) -> bool {
    std::fs::read_dir(p)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false)
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

    #[test]
    fn refuses_protected_and_foreign_folders() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("content")).unwrap();
        assert!(Staging::begin(&root.path().join("content"), root.path()).is_err());
        assert!(Staging::begin(&root.path().join("content/out"), root.path()).is_err());
        assert!(Staging::begin(root.path(), root.path()).is_err());
        let foreign = root.path().join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("a.txt"), "x").unwrap();
        assert!(Staging::begin(&foreign, root.path()).is_err());
    }

    #[test]
    fn commit_works_while_an_earlier_old_tree_is_still_being_removed() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        for round in 0..3 {
            let s = Staging::begin(&out, root.path()).unwrap();
            s.write("index.html", format!("{round}").as_bytes())
                .unwrap();
            // What the previous commit would have left if its background
            // removal has not finished yet.
            let lingering = s.sibling("old");
            std::fs::create_dir_all(&lingering).unwrap();
            std::fs::write(lingering.join("index.html"), "old").unwrap();
            s.commit("").unwrap();
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
        let out = root.path().join("public");
        let s = Staging::begin(&out, root.path()).unwrap();
        for unit in ["a", "b", "c"] {
            s.write_shared("img/x.jpg", &format!("{unit}/anh/x.jpg"), b"photo")
                .unwrap();
        }
        s.write_shared("img/y.jpg", "a/anh/y.jpg", b"other")
            .unwrap();
        assert_eq!((s.files(), s.bytes()), (4, 20));
        s.commit("").unwrap();
        let ino = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        assert_eq!(ino("a/anh/x.jpg"), ino("c/anh/x.jpg"));
        assert_ne!(ino("a/anh/x.jpg"), ino("a/anh/y.jpg"));
        assert_eq!(std::fs::read(out.join("b/anh/x.jpg")).unwrap(), b"photo");
        // A rebuild with the same bytes keeps every copy as it was.
        let s = Staging::begin(&out, root.path()).unwrap();
        for unit in ["c", "a", "b"] {
            s.write_shared("img/x.jpg", &format!("{unit}/anh/x.jpg"), b"photo")
                .unwrap();
        }
        assert_eq!(s.unchanged(), 3);
    }

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit("").unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"two").unwrap();
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
        let stale = root.path().join(".public.staging-999999999");
        std::fs::create_dir_all(&stale).unwrap();
        let s = Staging::begin(&root.path().join("public"), root.path()).unwrap();
        s.commit("").unwrap();
        assert!(!stale.exists());
    }

    #[test]
    fn unchanged_files_keep_their_identity() {
        use std::os::unix::fs::MetadataExt;
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a.html", b"same").unwrap();
        s.write("b.html", b"old").unwrap();
        s.commit("").unwrap();
        let inode = |f: &str| std::fs::metadata(out.join(f)).unwrap().ino();
        let (a, b) = (inode("a.html"), inode("b.html"));
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a.html", b"same").unwrap();
        s.write("b.html", b"new").unwrap();
        assert_eq!(s.unchanged(), 1);
        s.commit("").unwrap();
        assert_eq!(inode("a.html"), a, "unchanged file was rewritten");
        assert_ne!(inode("b.html"), b);
        assert_eq!(std::fs::read(out.join("b.html")).unwrap(), b"new");
    }

    #[test]
    fn commit_parts_keeps_other_units() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"a1").unwrap();
        s.write("b/index.html", b"b1").unwrap();
        s.commit("").unwrap();
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"a2").unwrap();
        s.commit_parts(&["a".into()]).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"a2");
        assert_eq!(std::fs::read(out.join("b/index.html")).unwrap(), b"b1");
    }
}
