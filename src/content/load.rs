//! Discovery (walkdir), parallel parsing (rayon) and cross-file validation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use super::frontmatter::{self, Key, Yaml, locate_key, locate_value};
use super::message::{MESSAGE_KEYS, Message};
use super::model::*;
use super::source::Source;
use crate::colour;
use crate::diag::{Diagnostic, Sink, closest};
use crate::text::slugify;

/// Everything under `content/`, parsed and cross-checked.
#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub site: SiteConfig,
    pub site_source: Arc<Source>,
    /// Sorted by slug.
    pub units: Vec<Unit>,
    /// Central guides, sorted by slug.
    pub guides: Vec<Guide>,
    /// Free pages, sorted by slug.
    pub pages: Vec<Page>,
    /// Message templates, sorted by slug.
    pub messages: Vec<Message>,
    /// Print-shop profiles, sorted by slug.
    pub print_shops: Vec<Doc<PrintShop>>,
    /// Infographic specs, sorted by slug.
    pub infographics: Vec<Doc<InfographicSpec>>,
    /// Guides and pages not published on the build's date (drafts, or
    /// outside their publish dates), with why; empty until
    /// `Project::publish_on` (content/publish.rs) takes them out.
    pub withheld_guides: Vec<(Guide, Withheld)>,
    pub withheld_pages: Vec<(Page, Withheld)>,
    /// The city's units (`content/registry.yaml`), empty without the file.
    pub registry: super::registry::Registry,
}

impl Project {
    pub fn unit(&self, slug: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.slug == slug)
    }

    /// The print-shop profile for a unit's press PDFs: the unit's own, the
    /// site's, or the built-in default.
    pub fn print_shop(&self, unit: &Unit) -> (String, PrintShop) {
        let name = unit
            .data
            .print_shop
            .as_ref()
            .or(self.site.print_shop.as_ref());
        name.and_then(|n| self.print_shops.iter().find(|s| &s.slug == n))
            .map(|s| (s.slug.clone(), s.meta.clone()))
            .unwrap_or_else(|| ("mac-dinh".to_owned(), PrintShop::default()))
    }

    pub fn guide(&self, slug: &str) -> Option<&Guide> {
        self.guides.iter().find(|g| g.doc.slug == slug)
    }

    /// The guides a unit publishes, by slug: the central guides minus the
    /// ones it excludes, with its own guides (overrides and additions) in.
    /// The one statement of that rule; `publishes` asks it of one slug.
    /// Drafts and guides outside their publish dates are not in it once
    /// the build has called `publish_on` (before anything reads the
    /// project): a unit's draft override leaves the central guide in.
    pub fn published<'p>(&'p self, unit: &'p Unit) -> BTreeMap<&'p str, &'p Guide> {
        let mut guides: BTreeMap<&str, &Guide> = self
            .guides
            .iter()
            .filter(|g| !unit.excludes(&g.doc.slug))
            .map(|g| (g.doc.slug.as_str(), g))
            .collect();
        for g in &unit.guides {
            guides.insert(g.doc.slug.as_str(), g);
        }
        guides
    }

    /// Whether `unit` publishes a guide with this slug (as `published`).
    pub fn publishes(&self, unit: &Unit, slug: &str) -> bool {
        unit.guides.iter().any(|g| g.doc.slug == slug)
            || (self.guide(slug).is_some() && !unit.excludes(slug))
    }

    pub fn kind_name<'a>(&'a self, kind: &'a str) -> &'a str {
        self.site
            .unit_kinds
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(kind, |(_, n)| n)
    }

    pub fn is_required(&self, kind: &str, guide: &str) -> bool {
        self.site
            .required
            .get(kind)
            .is_some_and(|r| r.iter().any(|s| s == guide))
    }
}

/// Load and validate `root/content`. Problems go to `sink`; `None` when the
/// project cannot be assembled at all (no site.yaml, say).
pub fn load(root: &Path, sink: &Sink) -> Option<Project> {
    let content = root.join("content");
    if !content.is_dir() {
        sink.push(
            Diagnostic::error(format!("no `content` folder in {}", root.display()))
                .hint("run sotay from the project folder (the one with content/ and themes/), or pass --root DIR"),
        );
        return None;
    }
    let files = discover(root, &content, sink);
    let site = read_site(root, &content, sink);
    let mut units = read_units(root, &files, sink);
    let guides = read_guides(root, &files, sink);
    let mut pages: Vec<Page> = files
        .pages
        .par_iter()
        .map(|p| read_doc::<PageMeta>(root, p, PAGE_KEYS, sink))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    let registry = super::registry::load(root, |p| read(root, p, sink), sink);
    let (site, site_source) = site?;
    let central = assign_guides(guides, &mut units, sink);
    units.extend(super::registry::sites(&site, &registry, &units));
    units.sort_by(|a, b| a.slug.cmp(&b.slug));
    for u in &mut units {
        u.guides.sort_by(|a, b| a.doc.slug.cmp(&b.doc.slug));
    }
    pages.sort_by(|a, b| a.slug.cmp(&b.slug));
    let messages: Vec<Message> = files
        .messages
        .par_iter()
        .map(|path| yaml_doc(root, path, MESSAGE_KEYS, "message", sink))
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    let print_shops: Vec<Doc<PrintShop>> = files
        .print_shops
        .iter()
        .filter_map(|path| yaml_doc(root, path, PRINT_SHOP_KEYS, "print shop", sink))
        .collect();
    let infographics: Vec<Doc<InfographicSpec>> = files
        .infographics
        .iter()
        .filter_map(|path| yaml_doc(root, path, INFOGRAPHIC_KEYS, "infographic", sink))
        .collect();

    let mut project = Project {
        root: root.to_owned(),
        site,
        site_source,
        units,
        guides: central,
        pages,
        messages,
        print_shops,
        infographics,
        withheld_guides: Vec::new(),
        withheld_pages: Vec::new(),
        registry,
    };
    validate(&mut project, sink);
    super::registry::check(&project, sink);
    super::registry::check_sites(&project, sink);
    check_lengths(&project, sink);
    super::publish::check_schedules(&project, sink);
    super::placeholders::check(&project, sink);
    super::asking::check(&project, sink);
    check_video_sizes(&project, sink);
    Some(project)
}

/// A warning per video file over site.yaml's `video.max_mb`.
fn check_video_sizes(project: &Project, sink: &Sink) {
    let max = project.site.video.max_mb;
    let unit_guides = project.units.iter().flat_map(|u| &u.guides);
    for g in project.guides.iter().chain(unit_guides) {
        sink.extend(super::video::check_sizes(&g.doc, &g.videos, max));
    }
}

/// content/site.yaml, parsed, with its source for locating problems.
fn read_site(root: &Path, content: &Path, sink: &Sink) -> Option<(SiteConfig, Arc<Source>)> {
    let src = read(root, &content.join("site.yaml"), sink)?;
    let yaml = Yaml {
        text: &src.text,
        first_line: 1,
    };
    let site = parse::<SiteConfig>(&src, &yaml, SITE_KEYS, "site.yaml", sink)?;
    Some((site, Arc::new(src)))
}

/// Every unit file that parses, with no guides yet.
fn read_units(root: &Path, files: &Files, sink: &Sink) -> Vec<Unit> {
    let units: Vec<Option<Unit>> = files
        .units
        .par_iter()
        .map(|path| {
            let (data, slug, src) =
                read_yaml_file::<UnitFile>(root, path, UNIT_KEYS, "unit file", sink)?;
            Some(Unit {
                slug,
                colour: data.colour.clone(),
                source: Arc::new(src),
                data,
                guides: Vec::new(),
                from_registry: false,
            })
        })
        .collect();
    units.into_iter().flatten().collect()
}

/// Every guide that parses, with the unit that owns it (None for central).
/// A unit's version that inherits is read once the central guides are.
fn read_guides(root: &Path, files: &Files, sink: &Sink) -> Vec<(Option<String>, Guide)> {
    let read_one = |owner: &Option<String>, path: &Path| -> Option<Read> {
        let src = read(root, path, sink)?;
        if owner.is_some() && super::inherit::declared(&src) {
            return Some(Read::Inherits(owner.clone()?, src));
        }
        let doc = doc_of::<GuideMeta>(src, GUIDE_KEYS, sink)?;
        Some(Read::Guide(owner.clone(), Box::new(doc)))
    };
    let read: Vec<Option<Read>> = files
        .guides
        .par_iter()
        .map(|(owner, path)| read_one(owner, path))
        .collect();
    let (mut done, mut pending) = (Vec::new(), Vec::new());
    for r in read.into_iter().flatten() {
        match r {
            Read::Guide(owner, doc) => done.push((owner, *doc)),
            Read::Inherits(owner, src) => pending.push((owner, src)),
        }
    }
    let inherited: Vec<Option<(Option<String>, Doc<GuideMeta>)>> = pending
        .into_par_iter()
        .map(|(owner, src)| {
            let stem = src.path.file_stem()?.to_string_lossy().into_owned();
            let Some(central) = done.iter().find(|(o, d)| o.is_none() && d.slug == stem) else {
                sink.push(super::inherit::orphan(&src));
                return None;
            };
            let doc = super::inherit::read(src, &central.1, sink)?;
            Some((Some(owner), doc))
        })
        .collect();
    done.extend(inherited.into_iter().flatten());
    let mut guides: Vec<(Option<String>, Guide)> = done
        .into_par_iter()
        .map(|(owner, doc)| {
            let origin = owner.clone().map_or(Origin::Central, Origin::Unit);
            // Files a unit's version that inherits does not name are the
            // central guide's (below): their paths are written from there.
            let forms = if inherits(&doc, &["forms"]) {
                Vec::new()
            } else {
                let (forms, problems) = super::forms::check(root, &doc);
                sink.extend(problems);
                forms
            };
            let videos = if inherits(&doc, VIDEO_KEYS) {
                Vec::new()
            } else {
                let (videos, problems) = super::video::check(root, &doc);
                sink.extend(problems);
                videos
            };
            let guide = Guide {
                doc,
                origin,
                forms,
                videos,
            };
            (owner, guide)
        })
        .collect();
    for i in 0..guides.len() {
        let doc = &guides[i].1.doc;
        let (forms, videos) = (inherits(doc, &["forms"]), inherits(doc, VIDEO_KEYS));
        if !forms && !videos {
            continue;
        }
        let central = guides
            .iter()
            .find(|(o, g)| o.is_none() && g.doc.slug == doc.slug)
            .map(|(_, g)| (g.forms.clone(), g.videos.clone()));
        if let Some((f, v)) = central {
            if forms {
                guides[i].1.forms = f;
            }
            if videos {
                guides[i].1.videos = v;
            }
        }
    }
    guides
}

const VIDEO_KEYS: &[&str] = &["video", "step_videos"];

/// A unit's version that inherits and sets none of `keys` itself.
fn inherits(doc: &Doc<GuideMeta>, keys: &[&str]) -> bool {
    doc.inherited
        .as_ref()
        .is_some_and(|i| !keys.iter().any(|k| i.sets(k)))
}

/// A guide file read: parsed, or a unit's version that inherits, waiting
/// for its central guide.
enum Read {
    Guide(Option<String>, Box<Doc<GuideMeta>>),
    Inherits(String, Source),
}

/// Unit guides go to their unit (an error when it has no file); returns the
/// central guides, sorted by slug, one per slug.
fn assign_guides(
    guides: Vec<(Option<String>, Guide)>,
    units: &mut [Unit],
    sink: &Sink,
) -> Vec<Guide> {
    let mut central = Vec::new();
    for (owner, guide) in guides {
        match owner {
            None => central.push(guide),
            Some(unit) => match units.iter_mut().find(|u| u.slug == unit) {
                Some(u) => u.guides.push(guide),
                None => sink.push(
                    Diagnostic::error(format!(
                        "guide for unit `{unit}`, but there is no content/units/{unit}.yaml"
                    ))
                    .in_file(&guide.doc.source.path)
                    .hint(format!(
                        "create content/units/{unit}.yaml or move the guide to content/guides/"
                    )),
                ),
            },
        }
    }
    dedup_central(&mut central, sink);
    central
}

/// Sorts the central guides by slug and drops the later of two that share
/// one, with an error at it.
fn dedup_central(central: &mut Vec<Guide>, sink: &Sink) {
    central.sort_by(|a, b| {
        a.doc
            .slug
            .cmp(&b.doc.slug)
            .then_with(|| a.doc.source.path.cmp(&b.doc.source.path))
    });
    central.dedup_by(|later, first| {
        let dup = later.doc.slug == first.doc.slug;
        if dup {
            sink.push(
                Diagnostic::error(format!("two guides share the file name `{}`", later.doc.slug))
                    .in_file(&later.doc.source.path)
                    .hint(format!(
                        "the other is {}; the file name is the guide's web address, so rename one of them",
                        first.doc.source.path.display()
                    )),
            );
        }
        dup
    });
}

struct Files {
    units: Vec<PathBuf>,
    /// (owning unit for unit guides, path)
    guides: Vec<(Option<String>, PathBuf)>,
    pages: Vec<PathBuf>,
    messages: Vec<PathBuf>,
    print_shops: Vec<PathBuf>,
    infographics: Vec<PathBuf>,
}

fn discover(root: &Path, content: &Path, sink: &Sink) -> Files {
    let mut files = Files {
        units: Vec::new(),
        guides: Vec::new(),
        pages: Vec::new(),
        messages: Vec::new(),
        print_shops: Vec::new(),
        infographics: Vec::new(),
    };
    let walk = WalkDir::new(content).sort_by_file_name().into_iter();
    for entry in walk.filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.')) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                sink.push(Diagnostic::error(format!(
                    "cannot read the content folder: {e}"
                )));
                continue;
            }
        };
        if entry.path_is_symlink() && !link_stays_inside(root, entry.path(), sink) {
            continue;
        }
        if !entry.path().is_file() {
            continue;
        }
        let path = entry.path().to_owned();
        let rel = path.strip_prefix(content).unwrap_or(&path);
        let parts: Vec<String> = rel
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let shown = path.strip_prefix(root).unwrap_or(&path).to_owned();
        match (parts.first().map(String::as_str), parts.len(), ext) {
            (Some("units"), 2, "yaml") => files.units.push(path),
            (Some("units"), 2, "yml") => sink.push(
                Diagnostic::error("unit files use the extension .yaml")
                    .in_file(&shown)
                    .hint("rename the file to end in .yaml"),
            ),
            (Some("units"), 4, "md") if parts[2] == "guides" => {
                files.guides.push((Some(parts[1].clone()), path));
            }
            (Some("units"), _, "md") => sink.push(
                Diagnostic::error("a unit's guides belong in content/units/<unit>/guides/")
                    .in_file(&shown)
                    .hint("move the file into the unit's guides/ folder"),
            ),
            (Some("guides"), _, "md") => files.guides.push((None, path)),
            (Some("pages"), 2, "md") => files.pages.push(path),
            (Some("messages"), 2, "yaml") => files.messages.push(path),
            (Some("print"), 2, "yaml") => files.print_shops.push(path),
            (Some("infographics"), 2, "yaml") => files.infographics.push(path),
            _ => {} // images and data beside the content are read when referenced
        }
    }
    files
}

/// A symbolic link is read only when it leads to a file inside the project:
/// a build never publishes a file from elsewhere on the machine.
fn link_stays_inside(root: &Path, link: &Path, sink: &Sink) -> bool {
    let shown = link.strip_prefix(root).unwrap_or(link);
    let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    match link.canonicalize() {
        Ok(target) if target.starts_with(&root) => true,
        Ok(_) => {
            sink.push(
                Diagnostic::error("this symbolic link leads outside the project")
                    .in_file(shown)
                    .hint("copy the file into content/ instead of linking to it"),
            );
            false
        }
        Err(e) => {
            sink.push(
                Diagnostic::error(format!("this symbolic link leads nowhere ({e})"))
                    .in_file(shown)
                    .hint("remove the link, or copy the file it meant into content/"),
            );
            false
        }
    }
}

fn read(root: &Path, path: &Path, sink: &Sink) -> Option<Source> {
    if !path.is_file() {
        let shown = path.strip_prefix(root).unwrap_or(path);
        sink.push(Diagnostic::error(format!("missing file {}", shown.display())).hint(
            "every project needs content/site.yaml with the campaign title, slogan, audiences and categories",
        ));
        return None;
    }
    Source::read(root, path).map_err(|d| sink.push(d)).ok()
}

fn parse<T: DeserializeOwned>(
    src: &Source,
    yaml: &Yaml,
    keys: &[Key],
    what: &str,
    sink: &Sink,
) -> Option<T> {
    frontmatter::parse(src, yaml, keys, what)
        .map_err(|ds| sink.extend(ds))
        .ok()
}

fn read_doc<M: DeserializeOwned + MarkdownFields>(
    root: &Path,
    path: &Path,
    keys: &[Key],
    sink: &Sink,
) -> Option<Doc<M>> {
    let src = read(root, path, sink)?;
    doc_of(src, keys, sink)
}

/// A Markdown file's document, from its source.
fn doc_of<M: DeserializeOwned + MarkdownFields>(
    src: Source,
    keys: &[Key],
    sink: &Sink,
) -> Option<Doc<M>> {
    let (yaml, body_offset) = frontmatter::split(&src).map_err(|d| sink.push(d)).ok()?;
    let yaml_range = (
        yaml.text.as_ptr() as usize - src.text.as_ptr() as usize,
        yaml.text.len(),
    );
    let meta = parse::<M>(&src, &yaml, keys, "front matter", sink)?;
    let slug = slug_of(&src, sink)?;
    let parsed = Parsed::of(&src.text[body_offset..], &meta);
    Some(Doc {
        slug,
        meta,
        body_offset,
        yaml_range,
        parsed,
        source: Arc::new(src),
        inherited: None,
    })
}

/// A whole-file YAML document (a unit, a message): parsed value, slug, source.
/// A whole-file YAML document (print shop, infographic) as a `Doc`.
fn yaml_doc<T: DeserializeOwned>(
    root: &Path,
    path: &Path,
    keys: &[Key],
    what: &str,
    sink: &Sink,
) -> Option<Doc<T>> {
    let (meta, slug, src) = read_yaml_file(root, path, keys, what, sink)?;
    let len = src.text.len();
    Some(Doc {
        slug,
        meta,
        body_offset: len,
        yaml_range: (0, len),
        parsed: Parsed::default(),
        source: Arc::new(src),
        inherited: None,
    })
}

fn read_yaml_file<T: DeserializeOwned>(
    root: &Path,
    path: &Path,
    keys: &[Key],
    what: &str,
    sink: &Sink,
) -> Option<(T, String, Source)> {
    let src = read(root, path, sink)?;
    let yaml = Yaml {
        text: &src.text,
        first_line: 1,
    };
    let value = parse::<T>(&src, &yaml, keys, what, sink)?;
    let slug = slug_of(&src, sink)?;
    Some((value, slug, src))
}

/// The slug is the file name: lowercase ASCII letters, digits and `-`.
fn slug_of(src: &Source, sink: &Sink) -> Option<String> {
    let stem = src.path.file_stem()?.to_string_lossy().into_owned();
    let ok = !stem.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !stem.starts_with('-')
        && !stem.ends_with('-');
    if ok {
        return Some(stem);
    }
    sink.push(
        Diagnostic::error(format!(
            "file name `{stem}` cannot be used as a web address"
        ))
        .in_file(&src.path)
        .hint(format!(
            "rename the file to `{}` (lowercase, no diacritics, words joined by -)",
            slugify(&stem)
        )),
    );
    None
}

/// A YAML-backed file that diagnostics can point into, by key and value.
pub trait YamlFile {
    fn source(&self) -> &Source;
    fn yaml(&self) -> Yaml<'_>;

    /// `d`, placed at the value of `key` (or at the key when `value` is None).
    fn locate(&self, key: &str, value: Option<&str>, d: Diagnostic) -> Diagnostic {
        at_key(self.source(), &self.yaml(), key, value, d)
    }

    fn error_at(&self, key: &str, value: Option<&str>, message: impl Into<String>) -> Diagnostic {
        self.locate(key, value, Diagnostic::error(message))
    }

    fn warning_at(&self, key: &str, value: Option<&str>, message: impl Into<String>) -> Diagnostic {
        self.locate(key, value, Diagnostic::warning(message))
    }
}

impl<M> YamlFile for Doc<M> {
    fn source(&self) -> &Source {
        &self.source
    }

    fn yaml(&self) -> Yaml<'_> {
        let (start, len) = self.yaml_range;
        Yaml {
            text: &self.source.text[start..start + len],
            // Front matter starts on line 2 (after `---`); a YAML file (a
            // message) on line 1.
            first_line: if start == 0 { 1 } else { 2 },
        }
    }

    /// A key a unit's version that inherits does not set is the central
    /// guide's: found in its file, at its line.
    fn locate(&self, key: &str, value: Option<&str>, d: Diagnostic) -> Diagnostic {
        let top = key.split('.').next().unwrap_or(key);
        match self.front_matter(top) {
            (src, (start, len)) if self.inherited.is_some() => {
                let yaml = Yaml {
                    text: &src.text[start..start + len],
                    first_line: 2,
                };
                at_key(src, &yaml, key, value, d)
            }
            _ => at_key(self.source(), &self.yaml(), key, value, d),
        }
    }
}

impl YamlFile for Unit {
    fn source(&self) -> &Source {
        &self.source
    }

    fn yaml(&self) -> Yaml<'_> {
        Yaml {
            text: &self.source.text,
            first_line: 1,
        }
    }
}

fn at_key(src: &Source, yaml: &Yaml, key: &str, value: Option<&str>, d: Diagnostic) -> Diagnostic {
    let found = match value {
        Some(v) => locate_value(yaml, key, v),
        None => locate_key(yaml, key).map(|(l, c)| (l, c, key.chars().count())),
    };
    match found {
        Some((line, col, len)) => d.at(&src.path, &src.text, line, col, len),
        None => d.in_file(&src.path),
    }
}

fn site_error(
    p: &Project,
    key: &str,
    value: Option<&str>,
    message: impl Into<String>,
) -> Diagnostic {
    let yaml = Yaml {
        text: &p.site_source.text,
        first_line: 1,
    };
    at_key(
        &p.site_source,
        &yaml,
        key,
        value,
        Diagnostic::error(message),
    )
}

fn unknown(what: &str, value: &str, known: &[&str]) -> String {
    match closest(value, known.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? Known {what}: {}", known.join(", ")),
        None => format!("known {what}: {}", known.join(", ")),
    }
}

/// Longest title and name a page, leaflet or message can carry.
pub const MAX_TITLE_CHARS: usize = 150;
/// Longest summary.
pub const MAX_SUMMARY_CHARS: usize = 400;

/// Titles, summaries and unit names that no layout can hold (a paragraph
/// pasted into the title line) are errors at their line.
fn check_lengths(p: &Project, sink: &Sink) {
    let too_long = |what: &str, text: &str, max: usize| {
        let n = text.chars().count();
        (n > max).then(|| {
            Diagnostic::error(format!("{what} is {n} characters long; at most {max}")).hint(
                format!("shorten the {what}; put the detail in the text below it"),
            )
        })
    };
    let check_doc = |doc: &dyn Fn(&str, Diagnostic) -> Diagnostic, title: &str, summary: &str| {
        if let Some(d) = too_long("title", title, MAX_TITLE_CHARS) {
            sink.push(doc("title", d));
        }
        if let Some(d) = too_long("summary", summary, MAX_SUMMARY_CHARS) {
            sink.push(doc("summary", d));
        }
    };
    for g in p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
    {
        let m = &g.doc.meta;
        check_doc(&|k, d| g.doc.locate(k, None, d), &m.title, &m.summary);
    }
    for pg in &p.pages {
        check_doc(
            &|k, d| pg.locate(k, None, d),
            &pg.meta.title,
            &pg.meta.summary,
        );
    }
    for u in &p.units {
        for (key, value) in [("name", &u.data.name), ("short_name", &u.data.short_name)] {
            if let Some(d) = too_long(key, value, MAX_TITLE_CHARS) {
                sink.push(u.locate(key, None, d));
            }
        }
    }
}

/// The names files may refer to, gathered once for the checks below.
struct Known<'a> {
    kinds: Vec<&'a str>,
    audiences: Vec<&'a str>,
    categories: Vec<&'a str>,
    /// Central guides.
    central: Vec<&'a str>,
    units: Vec<&'a str>,
}

impl<'a> Known<'a> {
    fn of(p: &'a Project) -> Self {
        Self {
            kinds: p.site.unit_kinds.iter().map(|(k, _)| k.as_str()).collect(),
            audiences: p.site.audiences.iter().map(|t| t.slug.as_str()).collect(),
            categories: p.site.categories.iter().map(|t| t.slug.as_str()).collect(),
            central: p.guides.iter().map(|g| g.doc.slug.as_str()).collect(),
            units: p.units.iter().map(|u| u.slug.as_str()).collect(),
        }
    }
}

/// Cross-file checks of site.yaml, guides, units and print shops; a unit
/// colour too light for white text is replaced by a darker one.
fn validate(p: &mut Project, sink: &Sink) {
    let mut colours = {
        let k = Known::of(p);
        validate_site(p, &k, sink);
        let all_guides = p
            .guides
            .iter()
            .chain(p.units.iter().flat_map(|u| u.guides.iter()));
        for g in all_guides {
            validate_guide(p, &k, g, sink);
        }
        validate_units(p, &k, sink)
    };
    for u in &mut p.units {
        if let Some(c) = colours.remove(&u.slug) {
            u.colour = c;
        }
    }
    validate_print_shops(p, sink);
}

/// site.yaml: its address, its terms, and the guides it names.
fn validate_site(p: &Project, k: &Known, sink: &Sink) {
    if !is_absolute_url(&p.site.base_url) {
        sink.push(
            site_error(
                p,
                "base_url",
                None,
                "base_url must be an absolute http(s) address",
            )
            .hint("write the full address of the campaign hub, e.g. https://sotay.hanoi.gov.vn/"),
        );
    }
    check_site_terms(p, sink);
    check_slogans(p, k, sink);
    check_print_audiences(p, k, sink);
    check_site_guides(p, k, sink);
}

/// `print.large_print` and `print.staff` name audiences that exist.
fn check_print_audiences(p: &Project, k: &Known, sink: &Sink) {
    let print = &p.site.print;
    for (key, list) in [("large_print", &print.large_print), ("staff", &print.staff)] {
        for a in list.iter().filter(|a| !k.audiences.contains(&a.as_str())) {
            sink.push(
                site_error(
                    p,
                    "print",
                    Some(a),
                    format!("unknown audience `{a}` in print.{key}"),
                )
                .hint(unknown("audiences", a, &k.audiences)),
            );
        }
    }
}

/// Each slogan is named once and speaks to audiences that exist.
fn check_slogans(p: &Project, k: &Known, sink: &Sink) {
    let mut seen = BTreeSet::new();
    for (name, slogan) in &p.site.slogans {
        if !seen.insert(name) {
            sink.push(
                site_error(
                    p,
                    "slogans",
                    Some(name),
                    format!("slogan `{name}` is named twice"),
                )
                .hint("give each slogan its own name: messages call it ((khau hieu <name>))"),
            );
        }
        for a in &slogan.audiences {
            if !k.audiences.contains(&a.as_str()) {
                sink.push(
                    site_error(
                        p,
                        "slogans",
                        Some(a),
                        format!("unknown audience `{a}` in slogan `{name}`"),
                    )
                    .hint(unknown("audiences", a, &k.audiences)),
                );
            }
        }
    }
}

/// Audiences and categories are listed once each, as slugs.
fn check_site_terms(p: &Project, sink: &Sink) {
    for (list, key) in [
        (&p.site.audiences, "audiences"),
        (&p.site.categories, "categories"),
    ] {
        let mut seen = BTreeSet::new();
        for t in list.iter() {
            if !seen.insert(&t.slug) {
                sink.push(site_error(
                    p,
                    key,
                    Some(&t.slug),
                    format!("`{}` is listed twice in {key}", t.slug),
                ));
            }
            if slugify(&t.slug) != t.slug {
                sink.push(
                    site_error(
                        p,
                        key,
                        Some(&t.slug),
                        format!("`{}` is not a valid slug", t.slug),
                    )
                    .hint(format!("use `{}`", slugify(&t.slug))),
                );
            }
        }
    }
}

/// Required and popular guides exist, for unit kinds that exist.
fn check_site_guides(p: &Project, k: &Known, sink: &Sink) {
    for (kind, slugs) in &p.site.required {
        if !k.kinds.contains(&kind.as_str()) {
            sink.push(
                site_error(
                    p,
                    "required",
                    Some(kind),
                    format!("unknown unit kind `{kind}` in required"),
                )
                .hint(unknown("kinds", kind, &k.kinds)),
            );
        }
        for s in slugs {
            if !k.central.contains(&s.as_str()) {
                sink.push(
                    site_error(
                        p,
                        "required",
                        Some(s),
                        format!("required guide `{s}` does not exist"),
                    )
                    .hint(unknown("guides", s, &k.central)),
                );
            }
        }
    }
    for s in &p.site.popular {
        if !k.central.contains(&s.as_str()) {
            sink.push(
                site_error(
                    p,
                    "popular",
                    Some(s),
                    format!("popular guide `{s}` does not exist"),
                )
                .hint(unknown("guides", s, &k.central)),
            );
        }
    }
}

/// One guide, central or a unit's: its terms, related guides, fees and channels.
fn validate_guide(p: &Project, k: &Known, g: &Guide, sink: &Sink) {
    check_guide_terms(k, g, sink);
    check_handled_by(k, g, sink);
    check_leaflet(g, sink);
    check_related(p, k, g, sink);
    check_fees_and_channels(g, sink);
}

/// Audiences, category and owner name things site.yaml and the units define.
fn check_guide_terms(k: &Known, g: &Guide, sink: &Sink) {
    let m = &g.doc.meta;
    for a in &m.audiences {
        if !k.audiences.contains(&a.as_str()) {
            sink.push(
                g.doc
                    .error_at("audiences", Some(a), format!("unknown audience `{a}`"))
                    .hint(unknown("audiences", a, &k.audiences)),
            );
        }
    }
    if m.audiences.is_empty() {
        sink.push(
            g.doc
                .error_at("audiences", None, "a guide needs at least one audience")
                .hint(format!(
                    "e.g. `audiences: [{}]`",
                    k.audiences.first().unwrap_or(&"nguoi-dan")
                )),
        );
    }
    if !k.categories.contains(&m.category.as_str()) {
        sink.push(
            g.doc
                .error_at(
                    "category",
                    Some(&m.category),
                    format!("unknown category `{}`", m.category),
                )
                .hint(unknown("categories", &m.category, &k.categories)),
        );
    }
    if let Some(owner) = &m.owner
        && !k.units.contains(&owner.as_str())
    {
        sink.push(
            g.doc
                .error_at("owner", Some(owner), format!("unknown unit `{owner}`"))
                .hint(unknown("units", owner, &k.units)),
        );
    }
}

/// `handled_by` names unit kinds and units that exist, and says where
/// everyone else goes.
fn check_handled_by(k: &Known, g: &Guide, sink: &Sink) {
    let Some(h) = &g.doc.meta.handled_by else {
        return;
    };
    for kind in &h.kinds {
        if !k.kinds.contains(&kind.as_str()) {
            sink.push(
                g.doc
                    .error_at(
                        "handled_by",
                        Some(kind),
                        format!("unknown unit kind `{kind}` in handled_by"),
                    )
                    .hint(unknown("kinds", kind, &k.kinds)),
            );
        }
    }
    for unit in &h.units {
        if !k.units.contains(&unit.as_str()) {
            sink.push(
                g.doc
                    .error_at(
                        "handled_by",
                        Some(unit),
                        format!("unknown unit `{unit}` in handled_by"),
                    )
                    .hint(unknown("units", unit, &k.units)),
            );
        }
    }
    if h.elsewhere.trim().is_empty() {
        sink.push(
            g.doc
                .error_at("handled_by", Some("elsewhere"), "handled_by.elsewhere is empty")
                .hint("say where readers of other units apply in person, e.g. elsewhere: \"Bộ phận Một cửa của xã, phường nơi bạn cư trú\""),
        );
    }
}

/// An editor's `leaflet:` has steps, and means something only if printed.
fn check_leaflet(g: &Guide, sink: &Sink) {
    let m = &g.doc.meta;
    let Some(l) = &m.leaflet else {
        return;
    };
    if l.steps.iter().all(|s| s.trim().is_empty()) {
        sink.push(
            g.doc
                .error_at("leaflet", None, "leaflet.steps is empty")
                .hint("write one short line per step, e.g. steps: [\"Đăng nhập VNeID\", \"Chọn thủ tục và nộp hồ sơ\"], or remove `leaflet:` to let sotay shorten the guide"),
        );
    }
    if !m.print {
        sink.push(
            g.doc
                .warning_at(
                    "leaflet",
                    None,
                    "this guide has `print: false`, so its `leaflet:` is never used",
                )
                .hint("remove `leaflet:`, or `print: false` if the guide should be printed"),
        );
    }
}

/// Related guides exist: central ones, or the owning unit's own.
fn check_related(p: &Project, k: &Known, g: &Guide, sink: &Sink) {
    let m = &g.doc.meta;
    let own: Vec<&str> = match &g.origin {
        Origin::Central => Vec::new(),
        Origin::Unit(u) => p
            .units
            .iter()
            .filter(|x| &x.slug == u)
            .flat_map(|x| x.guides.iter().map(|g| g.doc.slug.as_str()))
            .collect(),
    };
    for r in &m.related {
        if !k.central.contains(&r.as_str()) && !own.contains(&r.as_str()) {
            sink.push(
                g.doc
                    .error_at(
                        "related",
                        Some(r),
                        format!("related guide `{r}` does not exist"),
                    )
                    .hint(unknown("guides", r, &k.central)),
            );
        }
    }
}

/// A fee's rates: dates in order, conditions that read after "nếu", and no
/// two rates for everyone on one channel at once (see `content::fee`).
fn check_rates(g: &Guide, f: &super::Fee, sink: &Sink) {
    for r in &f.rates {
        if let (Some(from), Some(until)) = (r.valid_from, r.valid_until)
            && from > until
        {
            sink.push(
                g.doc
                    .error_at(
                        "fees",
                        Some(&until.to_string()),
                        format!(
                            "a rate of fee `{}` ends ({}) before it starts ({})",
                            f.name,
                            until.display_vi(),
                            from.display_vi()
                        ),
                    )
                    .hint("valid_from is the first day the rate applies, valid_until the last"),
            );
        }
        if let Some(c) = &r.condition {
            let first = c
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_lowercase();
            if c.trim().is_empty() || matches!(first.as_str(), "nếu" | "khi" | "được" | "miễn")
            {
                sink.push(
                    g.doc
                        .error_at("fees", Some(c), format!("the condition of a rate of fee `{}` must say who gets it, in words that follow \"nếu\"", f.name))
                        .hint("pages read it as \"<amount> nếu <condition>\": write e.g. condition: \"bạn là người cao tuổi\" (no \"Nếu\", \"Khi\" or \"Được miễn\")"),
                );
            }
        }
    }
    for clash in f.clashes() {
        let (a, b) = (&f.rates[clash.first], &f.rates[clash.second]);
        sink.push(
            g.doc
                .error_at("fees", Some(&b.basis), format!("fee `{}` has two rates for everyone on the same channel at the same time ({} and {})", f.name, crate::text::format_vnd(a.amount), crate::text::format_vnd(b.amount)))
                .hint("give one of them dates (valid_from/valid_until: a reduction replaces the undated base while it lasts), a `channel` (online or counter), or a `condition` (who gets it)"),
        );
    }
}

/// Each fee's rates make sense as a schedule; channel addresses are full URLs.
fn check_fees_and_channels(g: &Guide, sink: &Sink) {
    let m = &g.doc.meta;
    for f in &m.fees {
        check_rates(g, f, sink);
    }
    for c in &m.channels {
        if let Some(url) = &c.url
            && !is_absolute_url(url)
        {
            sink.push(
                g.doc
                    .error_at(
                        "channels",
                        Some(url),
                        format!("channel address `{url}` is not a full web address"),
                    )
                    .hint("write it with https://, e.g. https://dichvucong.gov.vn"),
            );
        }
    }
}

/// Every unit file; returns the colours replaced for contrast, by unit.
fn validate_units(p: &Project, k: &Known, sink: &Sink) -> BTreeMap<String, String> {
    if p.units.is_empty() {
        sink.push(
            Diagnostic::warning("no units: only the campaign hub will be built")
                .hint("add a unit file, e.g. content/units/phuong-ba-dinh.yaml (see README.md)"),
        );
    }
    super::versions::check(p, sink);
    super::inherit::check(p, sink);
    let mut colours = BTreeMap::new();
    // A unit made from the registry has its settings checked once, in
    // site.yaml's `registry_sites:` (`registry::check_sites`).
    for u in p.units.iter().filter(|u| !u.from_registry) {
        check_unit_fields(k, u, sink);
        check_exclude(p, k, u, sink);
        check_unit_popular(p, k, u, sink);
        if let Some(c) = contrast_colour(u, sink) {
            colours.insert(u.slug.clone(), c);
        }
    }
    colours
}

/// The unit's name is free, and its kind, addresses and parent are valid.
fn check_unit_fields(k: &Known, u: &Unit, sink: &Sink) {
    let d = &u.data;
    if crate::paths::reserved_unit_slug(&u.slug) {
        sink.push(
            Diagnostic::error(format!(
                "`{}` cannot be a unit's file name: the city level publishes `{}` beside the unit folders, and the two would collide",
                u.slug, u.slug
            ))
            .in_file(&u.source.path)
            .hint(format!(
                "rename the unit file, e.g. to the unit's name without diacritics (taken: {})",
                crate::paths::reserved_unit_slugs().collect::<Vec<_>>().join(", ")
            )),
        );
    }
    if !k.kinds.contains(&d.kind.as_str()) {
        let hint = if ["quan", "huyen", "thi-xa"].contains(&d.kind.as_str()) {
            format!(
                "since 1 July 2025 Hanoi has no district level (NQ 1656/NQ-UBTVQH15); known kinds: {}",
                k.kinds.join(", ")
            )
        } else {
            unknown("kinds", &d.kind, &k.kinds)
        };
        sink.push(
            u.error_at(
                "kind",
                Some(&d.kind),
                format!("unknown unit kind `{}`", d.kind),
            )
            .hint(hint),
        );
    }
    if !is_absolute_url(&d.base_url) || !d.base_url.ends_with('/') {
        sink.push(u.error_at("base_url", None, "base_url must be an absolute http(s) address ending in /")
            .hint(format!("the address where the webmaster publishes this folder, e.g. https://example.gov.vn/{}/", u.slug)));
    }
    if let Some(parent) = &d.parent
        && !k.units.contains(&parent.as_str())
    {
        sink.push(
            u.error_at(
                "parent",
                Some(parent),
                format!("unknown parent unit `{parent}`"),
            )
            .hint(unknown("units", parent, &k.units)),
        );
    }
    if let Some(zalo) = &d.zalo
        && !is_absolute_url(zalo)
    {
        sink.push(
            u.error_at("zalo", None, "zalo must be a full web address")
                .hint("e.g. https://zalo.me/..."),
        );
    }
    if let Some(page) = &d.portal_page
        && !is_absolute_url(page)
    {
        sink.push(
            u.error_at("portal_page", None, "portal_page must be a full web address (http:// or https://)")
                .hint("the page of the unit's own portal that shows the guides, e.g. https://example.gov.vn/thu-tuc-hanh-chinh"),
        );
    }
}

/// Excluded guides exist, are not also overridden, and a required one comes
/// with its written reason (which the report shows).
fn check_exclude(p: &Project, k: &Known, u: &Unit, sink: &Sink) {
    let d = &u.data;
    let own: Vec<&str> = u.guides.iter().map(|g| g.doc.slug.as_str()).collect();
    for x in d
        .exclude
        .iter()
        .map(|x| (x.guide.as_str(), x.reason.as_deref()))
    {
        if let Some(problem) = exclusion_problem(p, k, u, &own, x) {
            sink.push(problem);
        }
    }
}

fn exclusion_problem(
    p: &Project,
    k: &Known,
    u: &Unit,
    own: &[&str],
    (x, reason): (&str, Option<&str>),
) -> Option<Diagnostic> {
    let at = |m: String| u.error_at("exclude", Some(x), m);
    if !k.central.contains(&x) {
        return Some(
            at(format!("excluded guide `{x}` does not exist"))
                .hint(unknown("guides", x, &k.central)),
        );
    }
    if own.contains(&x) {
        return Some(
            at(format!(
                "`{x}` is both excluded and overridden by this unit"
            ))
            .hint("remove it from exclude, or delete the unit's own copy"),
        );
    }
    let blank = reason.is_none_or(|r| r.trim().is_empty());
    if p.is_required(&u.data.kind, x) && blank {
        let kind = p.kind_name(&u.data.kind);
        return Some(at(format!("`{x}` is required for every {kind}; excluding it needs a written reason, which the city's report shows"))
            .hint(format!("write it as `- {{guide: {x}, reason: \"…\"}}` (why this unit does not publish it, and where citizens go instead), or to change its content for this unit write content/units/{}/guides/{x}.md", u.slug)));
    }
    None
}

/// The unit's popular guides are ones it publishes.
fn check_unit_popular(p: &Project, k: &Known, u: &Unit, sink: &Sink) {
    let d = &u.data;
    for s in d.popular.iter().flatten() {
        if !p.publishes(u, s) {
            sink.push(
                u.error_at(
                    "popular",
                    Some(s),
                    format!("popular guide `{s}` is not published by this unit"),
                )
                .hint(unknown("guides", s, &k.central)),
            );
        }
    }
}

/// The unit colour parses; when white text on it is too faint, a warning
/// and the darker colour to use instead.
fn contrast_colour(u: &Unit, sink: &Sink) -> Option<String> {
    let d = &u.data;
    let Some(rgb) = colour::parse_hex(&d.colour) else {
        sink.push(
            u.error_at("colour", None, format!("`{}` is not a colour", d.colour))
                .hint("write a hex colour in quotes, e.g. colour: \"#0b5394\""),
        );
        return None;
    };
    let adjusted = colour::ensure_contrast_with_white(rgb);
    if adjusted == rgb {
        return None;
    }
    let new = colour::to_hex(adjusted);
    sink.push(Diagnostic::warning(format!(
        "colour {} has contrast {:.2}:1 with white; sotay needs {}:1 so that white text on it and links in it on light boxes reach WCAG 2.1 AA (4.5:1); using {new} ({:.2}:1) instead",
        d.colour, colour::contrast_with_white(rgb), colour::MIN_CONTRAST, colour::contrast_with_white(adjusted)))
        .hint(format!("set `colour: \"{new}\"` or another darker colour to silence this"))
        .at(&u.source.path, &u.source.text, locate_key(&u.yaml(), "colour").map_or(1, |l| l.0), 1, 6));
    Some(new)
}

/// Print-shop profiles hold values a press accepts, and every profile a unit
/// or site.yaml names exists.
fn validate_print_shops(p: &Project, sink: &Sink) {
    for shop in &p.print_shops {
        let m = &shop.meta;
        if !BLEEDS_MM.contains(&m.bleed_mm) {
            sink.push(
                shop.error_at(
                    "bleed_mm",
                    Some(&m.bleed_mm.to_string()),
                    format!("bleed of {} mm is not offered", m.bleed_mm),
                )
                .hint("use 0, 1, 3 or 5 (ask the print shop; 3 is the most common)"),
            );
        }
        if !MARKS.contains(&m.marks.as_str()) {
            let hint = match crate::diag::closest(&m.marks, MARKS.iter().copied()) {
                Some(c) => format!("did you mean `{c}`? marks are none, crop or crop+registration"),
                None => "marks are none, crop or crop+registration".to_owned(),
            };
            sink.push(
                shop.error_at(
                    "marks",
                    Some(&m.marks),
                    format!("unknown marks `{}`", m.marks),
                )
                .hint(hint),
            );
        }
    }
    let known: Vec<&str> = p.print_shops.iter().map(|s| s.slug.as_str()).collect();
    let missing = |name: &str| {
        let hint = match crate::diag::closest(name, known.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("create content/print/{name}.yaml with name, bleed_mm and marks"),
        };
        (
            format!("no print shop `{name}` (no content/print/{name}.yaml)"),
            hint,
        )
    };
    if let Some(name) = &p.site.print_shop
        && !known.contains(&name.as_str())
    {
        let (msg, hint) = missing(name);
        sink.push(site_error(p, "print_shop", Some(name), msg).hint(hint));
    }
    for u in &p.units {
        if let Some(name) = &u.data.print_shop
            && !known.contains(&name.as_str())
        {
            let (msg, hint) = missing(name);
            sink.push(u.error_at("print_shop", Some(name), msg).hint(hint));
        }
    }
}

pub fn is_absolute_url(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://"))
        && s.len() > "https://".len()
        && !s.contains(char::is_whitespace)
}
