//! The list of files a full build left in an output folder: for each, a
//! hash of its bytes and the size and modification time it had on disk.
//! It lives in the project's cache (`.sotay-cache/output/`), not in the
//! output, so the output stays the same bytes for the same input; it names
//! the output's marker file as it was then, so a folder rebuilt by anything
//! else is not trusted. The next full build compares every file it makes
//! with it: one with the same hash whose size and time on disk still match
//! is left alone without being opened, so a rebuild touches only the files
//! that changed. Files made from a known set of inputs come in groups (one
//! guide in one unit, or a unit's frame files) under their inputs' key
//! (`crate::memo`): with the same key a group is not even rendered again.

use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

// 4: hashes are SHA-256 (3 was BLAKE3).
const HEADER: &str = "sotay manifest 4";

pub use crate::hash::Hash;

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

/// An output folder opened once, to look its files up by relative path:
/// the kernel then walks 3–5 path parts instead of 8 or more per file.
pub struct Root {
    path: std::path::PathBuf,
    #[cfg(unix)]
    dir: Option<std::fs::File>,
}

impl Root {
    pub fn open(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            #[cfg(unix)]
            dir: std::fs::File::open(path).ok(),
        }
    }

    /// The stamp of the file at `rel`, if it is a file.
    pub fn stamp(&self, rel: &str) -> Option<Stamp> {
        #[cfg(unix)]
        if let Some(dir) = &self.dir {
            use rustix::fs::{AtFlags, FileType, statat};
            let st = statat(dir, rel, AtFlags::empty()).ok()?;
            if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile {
                return None;
            }
            let nanos = i128::from(st.st_mtime) * 1_000_000_000 + i128::from(st.st_mtime_nsec);
            return Some(Stamp {
                size: u64::try_from(st.st_size).ok()?,
                mtime: u128::try_from(nanos).ok()?,
            });
        }
        Stamp::of(&self.path.join(rel))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub hash: Hash,
    pub stamp: Stamp,
}

/// The files one guide gives one unit (its page, embeds, JSON, short
/// link), made from inputs with one key: with the same key they are all
/// kept without being rendered or listed one by one, so a rebuild's
/// bookkeeping grows with what changed, not with the output.
#[derive(Debug, Default)]
pub struct Group {
    pub key: Hash,
    pub files: Vec<(String, Entry)>,
}

#[derive(Debug, Default)]
pub struct Manifest {
    /// Files no guide owns (lists, feeds, assets, search…), by path. Fx
    /// rather than SipHash: the keys are our own paths.
    pub loose: FxHashMap<String, Entry>,
    /// Files each guide owns, by `<unit>/<slug>`.
    pub groups: FxHashMap<String, Group>,
}

/// Why a manifest could not be used.
#[derive(Debug)]
pub enum Unusable {
    /// None there (first build, or one interrupted while updating).
    Missing,
    /// There but damaged: line number and what is wrong.
    Corrupt(usize, &'static str),
}

enum Line {
    Group(Hash, String),
    Row(String, Entry),
}

impl Manifest {
    /// Read the manifest at `path`, written when the output's marker had
    /// `marker` as its stamp.
    pub fn load(path: &Path, marker: Option<Stamp>) -> Result<Self, Unusable> {
        let text = std::fs::read_to_string(path).map_err(|_| Unusable::Missing)?;
        let mut lines = text.lines();
        let head = lines.next().unwrap_or_default();
        let Some(stamp) = head.strip_prefix(HEADER) else {
            // Another version's list (sotay was upgraded): not an error.
            return Err(if head.starts_with("sotay manifest ") {
                Unusable::Missing
            } else {
                Unusable::Corrupt(1, "unknown header")
            });
        };
        if marker.is_none_or(|m| stamp != format!(" {} {}", m.size, m.mtime)) {
            // The output was rebuilt or replaced since: not an error.
            return Err(Unusable::Missing);
        }
        // Lines parsed in parallel: 220,000 of them at city scale.
        let rows: Vec<&str> = lines.collect();
        let parsed: Vec<Result<Line, &'static str>> =
            rows.par_iter().map(|line| parse_line(line)).collect();
        let mut m = Self::default();
        let mut group: Option<(String, Group)> = None;
        for (i, line) in parsed.into_iter().enumerate() {
            // The first damaged line is the one reported.
            match line.map_err(|what| Unusable::Corrupt(i + 2, what))? {
                Line::Group(key, name) => {
                    if let Some((name, g)) = group.take() {
                        m.groups.insert(name, g);
                    }
                    group = Some((
                        name,
                        Group {
                            key,
                            ..Group::default()
                        },
                    ));
                }
                Line::Row(rel, e) => match &mut group {
                    Some((_, g)) => g.files.push((rel, e)),
                    None => {
                        m.loose.insert(rel, e);
                    }
                },
            }
        }
        if let Some((name, g)) = group {
            m.groups.insert(name, g);
        }
        Ok(m)
    }

    /// Record a file, in its group if it has one.
    pub fn add(&mut self, rel: String, e: Entry, group: Option<(String, Hash)>) {
        match group {
            None => {
                self.loose.insert(rel, e);
            }
            Some((name, key)) => self
                .groups
                .entry(name)
                .or_insert_with(|| Group {
                    key,
                    ..Group::default()
                })
                .files
                .push((rel, e)),
        }
    }

    /// The recorded entry of `rel` (a file of `group`, or a loose file) if
    /// the file on disk still is that file and holds bytes hashing to `hash`.
    pub fn current(
        &self,
        root: &Root,
        group: Option<&str>,
        rel: &str,
        hash: &Hash,
    ) -> Option<Entry> {
        let e = match group {
            None => *self.loose.get(rel)?,
            Some(name) => {
                let files = &self.groups.get(name)?.files;
                files.iter().find(|(r, _)| r == rel)?.1
            }
        };
        (e.hash == *hash && root.stamp(rel) == Some(e.stamp)).then_some(e)
    }

    /// Every file listed, loose and in groups.
    pub fn files(&self) -> impl Iterator<Item = (&String, &Entry)> {
        let grouped = self
            .groups
            .values()
            .flat_map(|g| g.files.iter().map(|(r, e)| (r, e)));
        self.loose.iter().chain(grouped)
    }

    /// Write the manifest to `path` atomically (temporary file, rename),
    /// naming the output's marker stamp.
    pub fn save(&self, path: &Path, marker: Stamp) -> io::Result<()> {
        let mut loose: Vec<(&String, &Entry)> = self.loose.iter().collect();
        loose.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut groups: Vec<(&String, &Group)> = self.groups.iter().collect();
        groups.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
        // Written by hand, not with format!, and in parallel chunks: a
        // 150-unit output has 190,000 rows.
        let mut chunks: Vec<String> = loose
            .par_chunks(4096)
            .map(|chunk| {
                let mut text = String::with_capacity(chunk.len() * 96);
                for (rel, e) in chunk {
                    write_row(&mut text, rel, e);
                }
                text
            })
            .collect();
        chunks.par_extend(groups.par_chunks(1024).map(|chunk| {
            let mut text = String::with_capacity(chunk.len() * 600);
            for (name, g) in chunk {
                text.push_str("=\t");
                crate::hash::push_hex(&mut text, &g.key);
                text.push('\t');
                text.push_str(name);
                text.push('\n');
                for (rel, e) in &g.files {
                    write_row(&mut text, rel, e);
                }
            }
            text
        }));
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
    crate::hash::push_hex(text, &e.hash);
    let _ = writeln!(text, "\t{}\t{}\t{rel}", e.stamp.size, e.stamp.mtime);
}

/// A group's header (`=`, key, `<unit>/<slug>`) or a file's row (hash,
/// size, mtime, path), tab-separated.
fn parse_line(line: &str) -> Result<Line, &'static str> {
    if let Some(rest) = line.strip_prefix("=\t") {
        let (key, name) = rest.split_once('\t').ok_or("missing fields")?;
        let key = parse_hash(key).ok_or("bad key")?;
        if !safe_rel(name) {
            return Err("bad group name");
        }
        return Ok(Line::Group(key, name.to_owned()));
    }
    let mut parts = line.splitn(4, '\t');
    let (Some(h), Some(size), Some(mtime), Some(rel)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("missing fields");
    };
    let hash = parse_hash(h).ok_or("bad hash")?;
    let size = size.parse().map_err(|_| "bad size")?;
    let mtime = mtime.parse().map_err(|_| "bad time")?;
    if !safe_rel(rel) {
        return Err("path outside the output");
    }
    Ok(Line::Row(
        rel.to_owned(),
        Entry {
            hash,
            stamp: Stamp { size, mtime },
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
    use crate::hash::short as hash;

    // Long: one manifest written, then damaged in each way a reader must
    // reject, each case reading the same file.
    #[test]
    fn round_trips_and_rejects_damage() {
        let dir = tempfile::tempdir().unwrap();
        let root = Root::open(dir.path());
        std::fs::create_dir_all(dir.path().join("u/g")).unwrap();
        std::fs::write(dir.path().join("a.html"), "x").unwrap();
        std::fs::write(dir.path().join("u/g/index.html"), "page").unwrap();
        // A relative lookup from the opened folder sees what a path lookup sees.
        let stamp = Stamp::of(&dir.path().join("a.html")).unwrap();
        assert_eq!(root.stamp("a.html"), Some(stamp));
        assert_eq!(root.stamp("u/g"), None, "a folder is not a file");
        assert_eq!(root.stamp("missing.html"), None);
        let page = root.stamp("u/g/index.html").unwrap();
        let mut m = Manifest::default();
        m.add(
            "a.html".into(),
            Entry {
                hash: hash(b"x"),
                stamp,
            },
            None,
        );
        let entry = Entry {
            hash: hash(b"page"),
            stamp: page,
        };
        m.add(
            "u/g/index.html".into(),
            entry,
            Some(("u/g".into(), hash(b"inputs"))),
        );
        let path = dir.path().join("cache/out.manifest");
        let marker = Stamp { size: 1, mtime: 2 };
        m.save(&path, marker).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(Stamp { size: 1, mtime: 3 })),
            Err(Unusable::Missing)
        ));
        let back = Manifest::load(&path, Some(marker)).unwrap();
        assert!(back.current(&root, None, "a.html", &hash(b"x")).is_some());
        assert!(back.current(&root, None, "a.html", &hash(b"y")).is_none());
        let in_group = back.current(&root, Some("u/g"), "u/g/index.html", &hash(b"page"));
        assert_eq!(in_group.map(|e| e.stamp), Some(page));
        assert!(
            back.current(&root, None, "u/g/index.html", &hash(b"page"))
                .is_none()
        );
        assert_eq!(back.files().count(), 2);
        let g = &back.groups["u/g"];
        assert_eq!(g.key, hash(b"inputs"));
        assert_eq!(g.files.len(), 1);
        assert_eq!(
            (g.files[0].0.as_str(), g.files[0].1.stamp),
            ("u/g/index.html", page)
        );
        // Edited by hand after the build: the stamp no longer matches.
        std::fs::write(dir.path().join("a.html"), "xy").unwrap();
        assert!(back.current(&root, None, "a.html", &hash(b"x")).is_none());

        let good = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, good.replace("a.html", "../a.html")).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(marker)),
            Err(Unusable::Corrupt(2, _))
        ));
        std::fs::write(&path, good.replace("\tu/g\n", "\t../g\n")).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(marker)),
            Err(Unusable::Corrupt(3, _))
        ));
        std::fs::write(&path, &good[..good.len() - 20]).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(marker)),
            Err(Unusable::Corrupt(4, _))
        ));
        // Another version's list: built again without a warning.
        std::fs::write(&path, good.replacen("manifest 4", "manifest 3", 1)).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(marker)),
            Err(Unusable::Missing)
        ));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(
            Manifest::load(&path, Some(marker)),
            Err(Unusable::Missing)
        ));
    }
}
