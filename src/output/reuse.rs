//! What the previous output can give this build without work: its manifest,
//! and this build's decision for each of its groups (made once, kept in a
//! map of this build, not in the saved manifest).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::manifest::{Entry, Group, Hash, Manifest, Root, Stamp};

pub struct Reuse {
    /// The previous output's manifest (empty without one).
    pub previous: Manifest,
    /// The output folder, opened to check the previous files on disk.
    pub opened: Root,
    /// Per group of the previous manifest: kept whole this build or not.
    decided: FxHashMap<String, OnceLock<bool>>,
}

impl Reuse {
    pub fn new(previous: Manifest, opened: Root) -> Self {
        let decided = previous
            .groups
            .keys()
            .map(|name| (name.clone(), OnceLock::new()))
            .collect();
        Self {
            previous,
            opened,
            decided,
        }
    }

    /// Whether the previous output holds the files of `group` made from
    /// inputs with `key`, each still on disk as written. Decided once per
    /// group and build; `first_kept` runs once, for the call that decided
    /// to keep it (to count its files).
    pub fn group(&self, name: &str, key: &Hash, first_kept: impl FnOnce(&Group)) -> bool {
        let (Some(g), Some(cell)) = (self.previous.groups.get(name), self.decided.get(name)) else {
            return false;
        };
        let mut decided_here = false;
        let kept = *cell.get_or_init(|| {
            decided_here = true;
            g.key == *key
                && g.files
                    .iter()
                    .all(|(rel, e)| self.opened.stamp(rel) == Some(e.stamp))
        });
        if kept && decided_here {
            first_kept(g);
        }
        kept
    }

    /// Whether `group` was kept whole this build.
    pub fn was_kept(&self, name: &str) -> bool {
        self.decided
            .get(name)
            .and_then(OnceLock::get)
            .copied()
            .unwrap_or(false)
    }

    /// The stamp of `rel` when the output still holds it with bytes hashing
    /// to `hash` (nothing to write).
    pub fn current(&self, group: Option<&str>, rel: &str, hash: &Hash) -> Option<Stamp> {
        self.previous
            .current(&self.opened, group, rel, hash)
            .map(|e: Entry| e.stamp)
    }
}
