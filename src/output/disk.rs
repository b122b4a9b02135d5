//! Small file-system helpers of the output layer: absolute paths, atomic
//! small files, leftovers of killed builds, deletion off the build's path.

use std::io;
use std::path::{Path, PathBuf};

/// `p` made absolute with the symlinks of its existing part resolved, so
/// `content/../public` compares right.
pub fn absolute(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
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

/// Whether the process `pid` is gone (only known where /proc exists).
fn is_dead(pid: u32) -> bool {
    Path::new("/proc").is_dir()
        && pid != std::process::id()
        && !Path::new(&format!("/proc/{pid}")).exists()
}

/// The process id that starts `rest` (`1234-5` → 1234).
fn leading_pid(rest: &str) -> Option<u32> {
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Remove staging and old folders left by a build that was killed (its
/// process no longer exists), so interrupted builds do not pile up.
pub fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let pid = [".staging-", ".old-"]
            .iter()
            .find_map(|kind| file.strip_prefix(&format!(".{name}{kind}")))
            .and_then(leading_pid);
        if pid.is_some_and(is_dead) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Remove `<temp>/<prefix><pid>…` folders of sotay processes that are gone
/// (a `serve` stopped with Ctrl+C leaves its folder behind).
pub fn remove_dead_temp(prefix: &str) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name.strip_prefix(prefix).and_then(leading_pid);
        if pid.is_some_and(is_dead) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Free a city-scale manifest (220,000 strings, about 10 ms) off the
/// build's path.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// Delete a replaced output tree without making the user wait: the new
/// output is already in place, so on Unix a detached `rm -rf` does it (a
/// leftover of a killed one is cleaned by the next build); elsewhere, now.
pub fn remove_in_background(dir: &Path) {
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

/// Replace a small file whole (temporary file, then rename).
pub fn write_atomic(path: &Path, text: &str) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, path)
}

/// Whether two paths are one file on disk (hard links of each other).
pub fn same_file(a: &Path, b: &Path) -> bool {
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

pub fn dir_has_entries(p: &Path) -> bool {
    std::fs::read_dir(p)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false)
}
