//! The list of files a full build left in an output folder: for each, a
//! hash of its bytes and the size and modification time it had on disk.
//! It lives in the project's cache (`.sotay-cache/output/`), not in the
//! output, so the output stays the same bytes for the same input; it names
//! the output's marker file as it was then, so a folder rebuilt by anything
//! else is not trusted. The next
//! full build compares every file it makes with it: one with the same hash
//! whose size and time on disk still match is left alone without being
//! opened, so a rebuild touches only the files that changed. A file made
//! from a known set of inputs also records their key (`crate::memo`): with
//! the same key it is not even rendered again.

use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

const HEADER: &str = "sotay manifest 2";

pub type Hash = [u8; 16];

/// 128 bits of BLAKE3: a wrong "unchanged" needs a collision, and hashing
/// every output file costs far less than reading the old one back.
pub fn hash(bytes: &[u8]) -> Hash {
    let mut h = [0; 16];
    h.copy_from_slice(&blake3::hash(bytes).as_bytes()[..16]);
    h
}

/// What a file looked like on disk: size and modification time (ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    pub mtime: u128,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Self> {
        Self::from_metadata(&std::fs::metadata(path).ok()?)
    }

    pub fn from_metadata(m: &std::fs::Metadata) -> Option<Self> {
        let mtime = m
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        m.is_file().then_some(Self {
            size: m.len(),
            mtime,
        })
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub hash: Hash,
    pub stamp: Stamp,
    /// The inputs' key, for files that can be reused without rendering.
    pub key: Option<Hash>,
}

#[derive(Debug, Default)]
pub struct Manifest {
    /// By path. Fx rather than SipHash: the keys are our own paths, and a
    /// 150-unit output looks up and inserts 190,000 of them per build.
    pub entries: FxHashMap<String, Entry>,
}

/// Why a manifest could not be used.
#[derive(Debug)]
pub enum Unusable {
    /// None there (first build, or one interrupted while updating).
    Missing,
    /// There but damaged: line number and what is wrong.
    Corrupt(usize, &'static str),
}

impl Manifest {
    pub fn with_capacity(n: usize) -> Self {
        Self {
            entries: FxHashMap::with_capacity_and_hasher(n, Default::default()),
        }
    }

    /// Read the manifest at `path`, written when the output's marker had
    /// `marker` as its stamp.
    pub fn load(path: &Path, marker: Option<Stamp>) -> Result<Self, Unusable> {
        let text = std::fs::read_to_string(path).map_err(|_| Unusable::Missing)?;
        let mut lines = text.lines();
        let head = lines.next().unwrap_or_default();
        let Some(stamp) = head.strip_prefix(HEADER) else {
            return Err(Unusable::Corrupt(1, "unknown header"));
        };
        if marker.is_none_or(|m| stamp != format!(" {} {}", m.size, m.mtime)) {
            // The output was rebuilt or replaced since: not an error.
            return Err(Unusable::Missing);
        }
        // Rows parsed in parallel: 190,000 of them at city scale.
        let rows: Vec<&str> = lines.collect();
        let parsed: Vec<Result<(String, Entry), &'static str>> =
            rows.par_iter().map(|line| parse_row(line)).collect();
        let mut entries = FxHashMap::with_capacity_and_hasher(parsed.len(), Default::default());
        for (i, row) in parsed.into_iter().enumerate() {
            // The first damaged line is the one reported.
            let (rel, entry) = row.map_err(|what| Unusable::Corrupt(i + 2, what))?;
            entries.insert(rel, entry);
        }
        Ok(Self { entries })
    }

    /// The recorded entry of `rel` if the file on disk still is that file
    /// and holds bytes hashing to `hash`.
    pub fn current(&self, target: &Path, rel: &str, hash: &Hash) -> Option<Entry> {
        let e = self.entries.get(rel)?;
        (e.hash == *hash && Stamp::of(&target.join(rel)) == Some(e.stamp)).then_some(*e)
    }

    /// The recorded entry of `rel` if it was made from inputs with `key`
    /// and the file on disk still is that file.
    pub fn made_from(&self, target: &Path, rel: &str, key: &Hash) -> Option<Entry> {
        let e = self.entries.get(rel)?;
        (e.key == Some(*key) && Stamp::of(&target.join(rel)) == Some(e.stamp)).then_some(*e)
    }

    /// Write the manifest to `path` atomically (temporary file, rename),
    /// naming the output's marker stamp.
    pub fn save(&self, path: &Path, marker: Stamp) -> io::Result<()> {
        let mut rows: Vec<(&String, &Entry)> = self.entries.iter().collect();
        rows.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        // Written by hand, not with format!, and in parallel chunks: a
        // 150-unit output has 190,000 rows.
        let chunks: Vec<String> = rows
            .par_chunks(4096)
            .map(|chunk| {
                let mut text = String::with_capacity(chunk.len() * 128);
                for (rel, e) in chunk {
                    write_row(&mut text, rel, e);
                }
                text
            })
            .collect();
        let mut text = format!("{HEADER} {} {}\n", marker.size, marker.mtime);
        text.reserve(chunks.iter().map(String::len).sum());
        for c in chunks {
            text.push_str(&c);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)?;
        std::fs::rename(tmp, path)
    }
}

fn write_row(text: &mut String, rel: &str, e: &Entry) {
    use std::fmt::Write;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex = |text: &mut String, h: &Hash| {
        for b in h {
            text.push(HEX[usize::from(b >> 4)] as char);
            text.push(HEX[usize::from(b & 15)] as char);
        }
    };
    hex(text, &e.hash);
    text.push('\t');
    match &e.key {
        Some(k) => hex(text, k),
        None => text.push('-'),
    }
    let _ = writeln!(text, "\t{}\t{}\t{rel}", e.stamp.size, e.stamp.mtime);
}

/// One row: hash, key or `-`, size, mtime, path (tab-separated).
fn parse_row(line: &str) -> Result<(String, Entry), &'static str> {
    let mut parts = line.splitn(5, '\t');
    let (Some(h), Some(key), Some(size), Some(mtime), Some(rel)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err("missing fields");
    };
    let hash = parse_hash(h).ok_or("bad hash")?;
    let key = match key {
        "-" => None,
        k => Some(parse_hash(k).ok_or("bad key")?),
    };
    let size = size.parse().map_err(|_| "bad size")?;
    let mtime = mtime.parse().map_err(|_| "bad time")?;
    if !safe_rel(rel) {
        return Err("path outside the output");
    }
    Ok((
        rel.to_owned(),
        Entry {
            hash,
            stamp: Stamp { size, mtime },
            key,
        },
    ))
}

fn parse_hash(h: &str) -> Option<Hash> {
    if h.len() != 32 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0; 16];
    for (b, pair) in out.iter_mut().zip(h.as_bytes().chunks_exact(2)) {
        *b = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

/// A relative path that stays inside the output (the manifest decides what
/// a build deletes, so a damaged one must not reach outside).
fn safe_rel(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.html"), "x").unwrap();
        let mut m = Manifest::default();
        let stamp = Stamp::of(&dir.path().join("a.html")).unwrap();
        m.entries.insert(
            "a.html".into(),
            Entry {
                hash: hash(b"x"),
                stamp,
                key: Some(hash(b"inputs")),
            },
        );
        let path = dir.path().join("cache/out.manifest");
        let marker = Stamp { size: 1, mtime: 2 };
        m.save(&path, marker).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(Stamp { size: 1, mtime: 3 })),
            Err(Unusable::Missing)
        ));
        let back = Manifest::load(&path, Some(marker)).unwrap();
        assert!(back.current(dir.path(), "a.html", &hash(b"x")).is_some());
        assert!(back.current(dir.path(), "a.html", &hash(b"y")).is_none());
        assert!(
            back.made_from(dir.path(), "a.html", &hash(b"inputs"))
                .is_some()
        );
        assert!(
            back.made_from(dir.path(), "a.html", &hash(b"other"))
                .is_none()
        );
        // Edited by hand after the build: the stamp no longer matches.
        std::fs::write(dir.path().join("a.html"), "xy").unwrap();
        assert!(back.current(dir.path(), "a.html", &hash(b"x")).is_none());

        let good = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, good.replace("a.html", "../a.html")).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(marker)),
            Err(Unusable::Corrupt(2, _))
        ));
        std::fs::write(&path, &good[..good.len() - 20]).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(marker)),
            Err(Unusable::Corrupt(2, _))
        ));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(marker)),
            Err(Unusable::Missing)
        ));
    }
}
