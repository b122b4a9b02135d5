//! Proof of publication: the build stamp each build writes into every unit
//! folder (`paths::STAMP`), and the results `sotay verify` records after
//! fetching the stamps back from the units' portals (`paths::VERIFY_RESULTS`),
//! which the coverage report shows. A leaf: the formats only; the writer is
//! `render::stamp`, the fetching is `verify/`.

use serde::{Deserialize, Serialize};

use crate::hash::{Hash, Hasher};

/// The stamp's `format`: a stamp of another format is "not a sotay stamp".
pub const STAMP_FORMAT: &str = "sotay-stamp/1";
/// The results file's `format`.
pub const RESULTS_FORMAT: &str = "sotay-verify/1";

/// What a unit folder is: which build made it, from what, and a hash over
/// every file in it (its own path and bytes), the stamp itself excluded.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub format: String,
    pub generator: String,
    pub version: String,
    pub unit: String,
    pub base_url: String,
    /// The unit folder's identity: inputs, unit and files together.
    pub build_id: String,
    /// The build's date (`--date`), YYYY-MM-DD.
    pub build_date: String,
    /// The hash of every input the build read (`memo::Keys::fingerprint`).
    pub input_fingerprint: String,
    pub files: FileList,
}

/// The unit folder's files: how many, and a hash over their sorted paths
/// (inside the unit folder) and content hashes.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct FileList {
    pub count: usize,
    pub hash: String,
}

impl Stamp {
    /// The stamp of `unit`'s folder holding `files` (paths inside the
    /// folder with their content hashes, in any order; the stamp's own
    /// path is left out).
    pub fn new(
        unit: &str,
        base_url: &str,
        build_date: &str,
        fingerprint: &str,
        files: &[(String, Hash)],
    ) -> Self {
        let files = file_list(files);
        let mut id = Hasher::default();
        for part in [fingerprint, unit, &files.hash] {
            id.update(part.as_bytes()).update(&[0]);
        }
        Self {
            format: STAMP_FORMAT.into(),
            generator: "sotay".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            unit: unit.into(),
            base_url: base_url.into(),
            build_id: id.hex()[..16].to_owned(),
            build_date: build_date.into(),
            input_fingerprint: fingerprint.into(),
            files,
        }
    }

    /// The stamp as written: pretty JSON, fields in a fixed order.
    pub fn to_json(&self) -> String {
        let json = serde_json::to_string_pretty(self).unwrap_or_default();
        format!("{json}\n")
    }

    /// A stamp read back (from a portal or the local output); `None` when
    /// the bytes are not a sotay stamp of this format.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let s: Self = serde_json::from_slice(bytes).ok()?;
        (s.format == STAMP_FORMAT && s.generator == "sotay").then_some(s)
    }
}

/// The count and hash of a folder's files, sorted by path.
fn file_list(files: &[(String, Hash)]) -> FileList {
    let mut sorted: Vec<&(String, Hash)> = files
        .iter()
        .filter(|(rel, _)| rel != crate::paths::STAMP)
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.dedup_by(|a, b| a.0 == b.0);
    let mut h = Hasher::default();
    for (rel, hash) in &sorted {
        h.update(rel.as_bytes())
            .update(&[0])
            .update(hash)
            .update(b"\n");
    }
    FileList {
        count: sorted.len(),
        hash: h.hex(),
    }
}

/// What a unit's portal serves.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// The stamp of this build, and the guide pages checked are there.
    Current,
    /// A sotay stamp of this unit from another build (`served` says which;
    /// `reason` is `other-build` when it is not older than the local one).
    Older,
    /// Something else: no stamp, not a sotay stamp of this unit, or a
    /// partial copy (this build's stamp, guide pages missing).
    Other,
    /// No answer to read: an HTTP error status, a timeout, TLS, DNS, a
    /// redirect loop, a refused connection (`reason` says which).
    Unreachable,
}

/// What a unit's own portal page (`portal_page:`) carries.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum PortalState {
    /// One of the unit's widget snippets (iframe, web component, search box).
    Embeds,
    /// No widget, but a link to the unit's site.
    Links,
    /// Neither.
    Missing,
    Unreachable,
}

/// One URL fetched and what came back.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub url: String,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Why there was no answer (see `Class::Unreachable`).
    pub error: Option<String>,
}

/// The served stamp of another build.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub build_id: String,
    pub build_date: String,
}

/// A widget or link found on a portal page: `kind` is `iframe`,
/// `component`, `search` or `link`; `url` the address it points at.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: String,
    pub url: String,
}

/// The check of a unit's `portal_page:`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Portal {
    pub url: String,
    pub state: PortalState,
    /// Why it could not be read (unreachable).
    pub reason: Option<String>,
    pub found: Vec<Found>,
}

/// One unit's result.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct UnitResult {
    pub unit: String,
    pub base_url: String,
    pub class: Class,
    /// A short code for why (`http-404`, `timeout`, `tls`, `dns`,
    /// `redirect-loop`, `connection`, `no-stamp`, `not-a-stamp`,
    /// `other-unit`, `partial`, `older-build`, `other-build`), none when
    /// current.
    pub reason: Option<String>,
    /// The stamp this build wrote, which the portal should serve.
    pub expected_build_id: String,
    /// The served stamp when it is another build's.
    pub served: Option<Served>,
    /// Every URL fetched: home page, stamp, guide pages.
    pub fetched: Vec<Fetched>,
    pub portal: Option<Portal>,
}

impl UnitResult {
    /// Whether the unit needs no action: this build served, and its portal
    /// page (if named) embeds or links the guides.
    pub fn ok(&self) -> bool {
        self.class == Class::Current
            && self
                .portal
                .as_ref()
                .is_none_or(|p| matches!(p.state, PortalState::Embeds | PortalState::Links))
    }
}

/// One run of `sotay verify`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Results {
    pub format: String,
    /// The run's date (`--date`).
    pub date: String,
    pub units: Vec<UnitResult>,
}

impl Results {
    pub fn new(date: &str, units: Vec<UnitResult>) -> Self {
        Self {
            format: RESULTS_FORMAT.into(),
            date: date.into(),
            units,
        }
    }

    /// The latest results recorded in the project at `root`, if any are
    /// readable (the coverage report shows them; a damaged file is none).
    pub fn latest(root: &std::path::Path) -> Option<Self> {
        let bytes = std::fs::read(root.join(crate::paths::VERIFY_RESULTS)).ok()?;
        let r: Self = serde_json::from_slice(&bytes).ok()?;
        (r.format == RESULTS_FORMAT).then_some(r)
    }

    /// The result of `unit` in this run.
    pub fn unit(&self, unit: &str) -> Option<&UnitResult> {
        self.units.iter().find(|u| u.unit == unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_list_hash_ignores_order_and_the_stamp_but_not_bytes() {
        let a = ("index.html".to_owned(), crate::hash::short(b"home"));
        let b = (
            "huong-dan/x/index.html".to_owned(),
            crate::hash::short(b"x"),
        );
        let stamp = (crate::paths::STAMP.to_owned(), crate::hash::short(b"s"));
        let one = Stamp::new(
            "u",
            "https://e/u/",
            "2026-11-29",
            "f",
            &[a.clone(), b.clone()],
        );
        let two = Stamp::new(
            "u",
            "https://e/u/",
            "2026-11-29",
            "f",
            &[b.clone(), stamp, a.clone()],
        );
        assert_eq!(one, two);
        assert_eq!(one.files.count, 2);
        let edited = ("index.html".to_owned(), crate::hash::short(b"home!"));
        let three = Stamp::new("u", "https://e/u/", "2026-11-29", "f", &[edited, b]);
        assert_ne!(one.files.hash, three.files.hash);
        assert_ne!(one.build_id, three.build_id);
        assert_eq!(Stamp::parse(one.to_json().as_bytes()), Some(one));
        assert_eq!(Stamp::parse(b"{\"format\": \"x\"}"), None);
        assert_eq!(Stamp::parse(b"<html>"), None);
    }
}
