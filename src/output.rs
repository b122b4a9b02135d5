//! Atomic output. A build writes into a staging folder beside the output and
//! swaps it in only when everything succeeded, so a failed build leaves the
//! previous site untouched. The output folder carries a marker file; sotay
//! refuses to replace a folder it did not create, and never writes into
//! content/, themes/ or assets/.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::diag::Diagnostic;

const MARKER: &str = ".sotay-output";

pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    files: AtomicUsize,
    unchanged: AtomicUsize,
    bytes: AtomicU64,
    done: bool,
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
        std::fs::write(
            dir.join(MARKER),
            "Built by sotay. This folder is replaced on every build.\n",
        )
        .map_err(|e| io_error(&dir, e))?;
        Ok(Self {
            dir,
            target,
            files: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            done: false,
        })
    }

    /// Write one file; `rel` uses `/` separators and stays inside the output.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        debug_assert!(!rel.contains("..") && !rel.starts_with('/'), "{rel}");
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        // Same bytes as the current output: link the existing file instead of
        // writing it, so an unchanged file keeps its identity and date (what
        // servers, rsync and caches look at) and the disk does less work.
        let current = self.target.join(rel);
        if std::fs::metadata(&current).is_ok_and(|m| m.len() == bytes.len() as u64)
            && std::fs::read(&current).is_ok_and(|old| old == bytes)
            && std::fs::hard_link(&current, &path).is_ok()
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        std::fs::write(&path, bytes)
    }

    /// Files whose bytes were the same as in the previous output.
    pub fn unchanged(&self) -> usize {
        self.unchanged.load(Ordering::Relaxed)
    }

    /// Record facts about this build in the output's marker file (read back
    /// by the next build to skip work when nothing changed).
    pub fn set_marker(&self, facts: &str) -> io::Result<()> {
        std::fs::write(
            self.dir.join(MARKER),
            format!("Built by sotay. This folder is replaced on every build.\n{facts}"),
        )
    }

    /// Where a staged file is, to read back what an earlier step wrote.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    pub fn files(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Replace the whole output folder with the staged one.
    pub fn commit(mut self) -> io::Result<()> {
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
        Ok(())
    }

    /// Replace only the given top-level folders (one unit's build), keeping
    /// the rest of the output as it is.
    pub fn commit_parts(mut self, parts: &[String]) -> io::Result<()> {
        if !self.target.exists() {
            std::fs::create_dir_all(&self.target)?;
            std::fs::copy(self.dir.join(MARKER), self.target.join(MARKER))?;
        }
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
        let pid = pid.map(|p| p.chars().take_while(char::is_ascii_digit).collect::<String>());
        let Some(pid) = pid.and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        let alive = Path::new("/proc").is_dir() && Path::new(&format!("/proc/{pid}")).exists();
        if pid != std::process::id() && !alive && Path::new("/proc").is_dir() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
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

/// The facts the previous build recorded in `target`'s marker file.
pub fn previous_marker(target: &Path) -> Option<String> {
    std::fs::read_to_string(target.join(MARKER)).ok()
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
            s.write("index.html", format!("{round}").as_bytes()).unwrap();
            // What the previous commit would have left if its background
            // removal has not finished yet.
            let lingering = s.sibling("old");
            std::fs::create_dir_all(&lingering).unwrap();
            std::fs::write(lingering.join("index.html"), "old").unwrap();
            s.commit().unwrap();
            assert_eq!(
                std::fs::read_to_string(out.join("index.html")).unwrap(),
                round.to_string()
            );
        }
    }

    #[test]
    fn commit_swaps_and_drop_cleans_up() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"two").unwrap();
        drop(s); // a failed build
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"one");
        let leftovers: Vec<_> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn leftovers_of_a_killed_build_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let stale = root.path().join(".public.staging-999999999");
        std::fs::create_dir_all(&stale).unwrap();
        let s = Staging::begin(&root.path().join("public"), root.path()).unwrap();
        s.commit().unwrap();
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
        s.commit().unwrap();
        let inode = |f: &str| std::fs::metadata(out.join(f)).unwrap().ino();
        let (a, b) = (inode("a.html"), inode("b.html"));
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a.html", b"same").unwrap();
        s.write("b.html", b"new").unwrap();
        assert_eq!(s.unchanged(), 1);
        s.commit().unwrap();
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
        s.commit().unwrap();
        let s = Staging::begin(&out, root.path()).unwrap();
        s.write("a/index.html", b"a2").unwrap();
        s.commit_parts(&["a".into()]).unwrap();
        assert_eq!(std::fs::read(out.join("a/index.html")).unwrap(), b"a2");
        assert_eq!(std::fs::read(out.join("b/index.html")).unwrap(), b"b1");
    }
}
