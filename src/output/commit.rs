//! Putting a finished build in place, in one of three ways (`Commit`): a
//! fresh build swaps its whole folder in; a whole build over an output with
//! a manifest renames each changed file into place and deletes what it no
//! longer makes; a build of some units swaps just their folders.

use std::io;

use rayon::prelude::*;

use super::Output;
use super::disk::{drop_in_background, remove_in_background, write_atomic};
use super::manifest::{Entry, Manifest, Stamp};
use super::staging::{MARKER, MARKER_TEXT, Made};

/// How the build's files go into the output folder.
pub enum Commit<'a> {
    /// The build made the whole output. `facts` go into the marker for the
    /// next build's "nothing changed" check (empty: the next build runs).
    Whole { facts: &'a str, unmade: Unmade },
    /// The build made only these top-level folders (`--unit`).
    Parts(&'a [String]),
}

/// The previous output's files this build did not make.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unmade {
    Delete,
    /// A build that skipped stages (`serve`'s pages first) keeps them.
    Keep,
}

impl Output<'_> {
    /// Put the build in place (see `Commit`).
    pub fn commit(mut self, how: Commit) -> io::Result<()> {
        match how {
            Commit::Parts(parts) => self.commit_parts(parts),
            Commit::Whole { facts, unmade } if self.updating => self.commit_update(facts, unmade),
            Commit::Whole { facts, .. } => self.commit_swap(facts),
        }
    }

    /// Swap the staged folder in place of the whole output.
    fn commit_swap(&mut self, facts: &str) -> io::Result<()> {
        let s = &mut self.staging;
        let mut m = Manifest::default();
        for Made {
            rel,
            hash,
            staged,
            group,
            ..
        } in s.take_made()
        {
            // Renaming the folder keeps sizes and times.
            if let Some(stamp) = staged.or_else(|| Stamp::of(&s.dir.join(&rel))) {
                m.add(rel, Entry { hash, stamp }, group);
            }
        }
        write_atomic(&s.dir.join(MARKER), &format!("{MARKER_TEXT}{facts}"))?;
        self.forget_manifest()?;
        let s = &mut self.staging;
        let old = s.sibling("old");
        if s.target.exists() {
            std::fs::rename(&s.target, &old)?;
        }
        if let Err(e) = std::fs::rename(&s.dir, &s.target) {
            // Put the previous output back before reporting.
            if old.exists() {
                let _ = std::fs::rename(&old, &s.target);
            }
            return Err(e);
        }
        s.done = true;
        if old.exists() {
            remove_in_background(&old);
        }
        self.save_manifest(&m)?;
        drop_in_background(m);
        Ok(())
    }

    /// Update the output in place: rename each staged (changed) file over
    /// its old version, delete the files this build no longer makes, then
    /// write the new manifest and marker.
    fn commit_update(&mut self, facts: &str, unmade: Unmade) -> io::Result<()> {
        // Until the new manifest is written the folder is in between: without
        // a manifest (and facts) the next build starts fresh.
        self.forget_manifest()?;
        let target = self.staging.target.clone();
        write_atomic(&target.join(MARKER), MARKER_TEXT)?;
        let made = self.staging.take_made();
        let stamps = self.move_changed(&made)?;
        let mut m = Manifest::default();
        // Paths this build made, for the deletions below (a file may have
        // moved between a group and the loose files).
        let mut made_paths = rustc_hash::FxHashSet::default();
        for (f, stamp) in made.into_iter().zip(stamps) {
            let Some(stamp) = stamp else { continue };
            made_paths.insert(f.rel.clone());
            let entry = Entry {
                hash: f.hash,
                stamp,
            };
            m.add(f.rel, entry, f.group);
        }
        let gone = self.carry_over(&mut m, &made_paths, unmade);
        delete_files(&target, gone)?;
        write_atomic(&target.join(MARKER), &format!("{MARKER_TEXT}{facts}"))?;
        self.save_manifest(&m)?;
        drop_in_background((m, made_paths));
        self.staging.done = true;
        // Only emptied folders are left (the files were moved out); removed
        // now, as the next build in this process reuses the name.
        std::fs::remove_dir_all(&self.staging.dir)
    }

    /// Rename each staged file into place, in parallel (a rename over an
    /// old file also frees that file, tens of microseconds each); returns
    /// every made file's stamp.
    fn move_changed(&self, made: &[Made]) -> io::Result<Vec<Option<Stamp>>> {
        let s = &self.staging;
        made.par_iter()
            .map(|f| match f.kept {
                Some(stamp) => Ok(Some(stamp)),
                None => {
                    let to = s.target.join(&f.rel);
                    if let Some(parent) = to.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::rename(s.dir.join(&f.rel), &to)?;
                    Ok(f.staged.or_else(|| Stamp::of(&to)))
                }
            })
            .collect()
    }

    /// Move the previous manifest's groups kept whole into `m`, and sort its
    /// other files this build did not make: kept in `m` (`Unmade::Keep`) or
    /// returned, to be deleted.
    fn carry_over(
        &mut self,
        m: &mut Manifest,
        made: &rustc_hash::FxHashSet<String>,
        unmade: Unmade,
    ) -> Vec<String> {
        let previous = std::mem::take(&mut self.reuse.previous);
        let mut gone = Vec::new();
        for (rel, entry) in previous.loose {
            if made.contains(&rel) {
                continue;
            }
            match unmade {
                Unmade::Keep => {
                    m.loose.insert(rel, entry);
                }
                Unmade::Delete => gone.push(rel),
            }
        }
        for (name, g) in previous.groups {
            if self.reuse.was_kept(&name) {
                m.groups.insert(name, g);
                continue;
            }
            for (rel, e) in g.files {
                if made.contains(&rel) {
                    continue;
                }
                match unmade {
                    Unmade::Keep => m.add(rel, e, Some((name.clone(), g.key))),
                    Unmade::Delete => gone.push(rel),
                }
            }
        }
        gone
    }

    /// Replace only the given top-level folders (one unit's build), keeping
    /// the rest of the output as it is.
    fn commit_parts(&mut self, parts: &[String]) -> io::Result<()> {
        let (dir, target) = (self.staging.dir.clone(), self.staging.target.clone());
        if !target.exists() {
            std::fs::create_dir_all(&target)?;
            std::fs::copy(dir.join(MARKER), target.join(MARKER))?;
        }
        // The folder will no longer match its manifest: the next full build
        // starts fresh.
        self.forget_manifest()?;
        write_atomic(&target.join(MARKER), MARKER_TEXT)?;
        let trash = self.staging.sibling("old");
        std::fs::create_dir_all(&trash)?;
        for part in parts {
            let (new, cur) = (dir.join(part), target.join(part));
            if cur.exists() {
                std::fs::rename(&cur, trash.join(part))?;
            }
            std::fs::rename(&new, &cur)?;
        }
        self.staging.done = true;
        remove_in_background(&trash);
        std::fs::remove_dir_all(&dir)
    }

    /// Record the manifest for the output now in place (the marker's stamp
    /// ties the two together).
    fn save_manifest(&self, m: &Manifest) -> io::Result<()> {
        match Stamp::of(&self.staging.target.join(MARKER)) {
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
}

/// Delete files of the output, then the folders they leave empty (deepest
/// first; a folder that still has files stays).
fn delete_files(target: &std::path::Path, rels: Vec<String>) -> io::Result<()> {
    let mut emptied = std::collections::BTreeSet::new();
    for rel in rels {
        let path = target.join(&rel);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        let mut dir = path.parent();
        while let Some(d) = dir
            && d != target
        {
            emptied.insert(d.to_owned());
            dir = d.parent();
        }
    }
    for d in emptied.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
    Ok(())
}
