//! Cross-references inside content: steps, links between guides and pages
//! (with anchors), and images. Checked centrally and for every unit, since a
//! unit that excludes a guide breaks the links other guides make to it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::content::{Doc, Guide, GuideMeta, Origin, Parsed, Project, Withheld, YamlFile};
use crate::diag::{Diagnostic, Sink, closest};
use crate::markdown::{RESERVED_IDS, Target};

/// Identifies a Markdown document in the project.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKey {
    Guide { unit: Option<String>, slug: String },
    Page(String),
}

impl DocKey {
    pub fn of(g: &Guide) -> Self {
        let unit = match &g.origin {
            Origin::Central => None,
            Origin::Unit(u) => Some(u.clone()),
        };
        DocKey::Guide {
            unit,
            slug: g.doc.slug.clone(),
        }
    }
}

/// Every document's parsed Markdown, by key: what cross-references look up.
pub struct Index<'p> {
    pub docs: HashMap<DocKey, &'p Parsed>,
}

impl<'p> Index<'p> {
    pub fn of(p: &'p Project) -> Self {
        let guides = p
            .guides
            .iter()
            .chain(p.units.iter().flat_map(|u| u.guides.iter()))
            .map(|g| (DocKey::of(g), &g.doc.parsed));
        let pages = p
            .pages
            .iter()
            .map(|pg| (DocKey::Page(pg.slug.clone()), &pg.parsed));
        Self {
            docs: guides.chain(pages).collect(),
        }
    }
}

/// Every `guide:` and `page:` target of a document, body and fields.
pub fn targets(parsed: &Parsed) -> impl Iterator<Item = &Target> {
    parsed
        .body
        .targets()
        .chain(parsed.fields.iter().flat_map(|(_, d)| d.targets()))
        .map(|(t, _)| t)
}

/// What one context (central, or one unit) publishes.
struct Published<'a> {
    guides: BTreeMap<&'a str, DocKey>,
    pages: BTreeSet<&'a str>,
    /// Guides it would publish but for a draft flag or publish dates.
    withheld: BTreeMap<&'a str, Withheld>,
    /// Free pages the same.
    withheld_pages: BTreeMap<&'a str, Withheld>,
}

impl<'a> Published<'a> {
    fn central(p: &'a Project) -> Self {
        Self {
            guides: p
                .guides
                .iter()
                .map(|g| (g.doc.slug.as_str(), DocKey::of(g)))
                .collect(),
            pages: p.pages.iter().map(|pg| pg.slug.as_str()).collect(),
            withheld: p
                .withheld_guides
                .iter()
                .filter(|(g, _)| g.origin == Origin::Central)
                .map(|(g, why)| (g.doc.slug.as_str(), *why))
                .collect(),
            withheld_pages: withheld_pages(p),
        }
    }

    fn unit(p: &'a Project, unit: &'a crate::content::Unit) -> Self {
        Self {
            guides: p
                .published(unit)
                .into_iter()
                .map(|(slug, g)| (slug, DocKey::of(g)))
                .collect(),
            pages: p.pages.iter().map(|pg| pg.slug.as_str()).collect(),
            withheld: p
                .withheld_in(unit)
                .into_iter()
                .map(|(g, why)| (g.doc.slug.as_str(), why))
                .collect(),
            withheld_pages: withheld_pages(p),
        }
    }

    /// Why `t` does not resolve here, or `None` when it does.
    fn problem(&self, t: &Target, index: &Index) -> Option<Diagnostic> {
        let (kind, withheld) = match t {
            Target::Guide { slug, .. } => {
                ("guide", self.withheld.get(slug.as_str()).map(|w| (slug, w)))
            }
            Target::Page { slug, .. } => (
                "page",
                self.withheld_pages.get(slug.as_str()).map(|w| (slug, w)),
            ),
        };
        if let Some((slug, why)) = withheld {
            return Some(withheld_link(kind, slug, *why));
        }
        let (message, hint) = self.missing(t, index)?;
        Some(Diagnostic::error(message).hint(hint))
    }

    /// A target that is not there at all, or an anchor it lacks.
    fn missing(&self, t: &Target, index: &Index) -> Option<(String, String)> {
        let (slug, anchor, key, kind) = match t {
            Target::Guide { slug, anchor } => (
                slug,
                anchor,
                self.guides.get(slug.as_str()).cloned(),
                "guide",
            ),
            Target::Page { slug, anchor } => (
                slug,
                anchor,
                self.pages
                    .contains(slug.as_str())
                    .then(|| DocKey::Page(slug.clone())),
                "page",
            ),
        };
        let Some(key) = key else {
            let known: Vec<&str> = if kind == "guide" {
                self.guides.keys().copied().collect()
            } else {
                self.pages.iter().copied().collect()
            };
            let hint = match closest(slug, known.iter().copied()) {
                Some(c) => format!("did you mean `{kind}:{c}`?"),
                None => format!(
                    "link to an existing {kind} by its file name, e.g. `{kind}:{}`",
                    known.first().unwrap_or(&"ten-tep")
                ),
            };
            return Some((
                format!("link to a {kind} that does not exist: `{kind}:{slug}`"),
                hint,
            ));
        };
        let anchor = anchor.as_deref().filter(|a| !a.is_empty())?;
        let body = &index.docs.get(&key)?.body;
        if body.ids().any(|i| i == anchor) || RESERVED_IDS.contains(&anchor) {
            return None;
        }
        let ids: Vec<&str> = body.ids().collect();
        let hint = match closest(anchor, ids.iter().copied()) {
            Some(c) => format!("did you mean `#{c}`?"),
            None => format!(
                "headings there: {}",
                ids.iter()
                    .map(|i| format!("#{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Some((format!("no heading `#{anchor}` in {kind} `{slug}`"), hint))
    }
}

/// A link to a guide that is not published on the build's date. A draft
/// is an error (finish it or drop the link); a guide outside its publish
/// dates is a warning, and the link shows as plain text until (or after)
/// then, so a link to a guide that appears on a set day can be written
/// ahead of it.
fn withheld_link(kind: &str, slug: &str, why: Withheld) -> Diagnostic {
    match why {
        Withheld::Draft => Diagnostic::error(format!(
            "link to `{kind}:{slug}`, which is a draft: it is not published, so the link would be broken"
        ))
        .hint(format!(
            "remove the link, or finish `{slug}` and remove `draft: true` from it"
        )),
        Withheld::NotYet(d) => Diagnostic::warning(format!(
            "link to `{kind}:{slug}`, which is published only from {}: shown as plain text until then",
            d.display_vi()
        ))
        .hint("nothing to do if that is intended; or remove the link"),
        Withheld::Ended(d) => Diagnostic::warning(format!(
            "link to `{kind}:{slug}`, which was published only until {}: shown as plain text",
            d.display_vi()
        ))
        .hint(format!("remove the link to `{slug}`, or extend its publish_until")),
    }
}

/// Free pages not published on the build's date, by slug.
fn withheld_pages(p: &Project) -> BTreeMap<&str, Withheld> {
    p.withheld_pages
        .iter()
        .map(|(pg, why)| (pg.slug.as_str(), *why))
        .collect()
}

fn located<M>(doc: &Doc<M>, scan_offset: usize, len: usize, d: Diagnostic) -> Diagnostic {
    // A unit's version that inherits: the part's own file and line.
    let (src, at) = doc.place(scan_offset);
    d.at_offset(&src.path, &src.text, at, len)
}

/// Check every document and unit logo; returns the image files the
/// documents reference, by absolute path.
pub fn check(p: &Project, index: &Index, sink: &Sink) -> BTreeSet<PathBuf> {
    crate::images::check_logos(p, sink);
    let central = Published::central(p);
    let mut images = BTreeSet::new();
    let mut check_doc = |doc: &dyn DocInfo, parsed: &Parsed, published: &Published| {
        check_body(doc, parsed, published, index, sink);
        check_fields(doc, parsed, published, index, sink);
        check_images(p, doc, parsed, &mut images, sink);
    };
    for g in &p.guides {
        check_doc(&g.doc, &g.doc.parsed, &central);
    }
    for pg in &p.pages {
        check_doc(pg, &pg.parsed, &central);
    }
    for u in &p.units {
        let published = Published::unit(p, u);
        for g in &u.guides {
            check_doc(&g.doc, &g.doc.parsed, &published);
        }
    }
    images
}

/// The body has steps (a guide), no Markdown problems, and links that resolve.
fn check_body(
    doc: &dyn DocInfo,
    parsed: &Parsed,
    published: &Published,
    index: &Index,
    sink: &Sink,
) {
    if doc.is_guide() && parsed.body.steps.is_empty() && parsed.body.problems.is_empty() {
        sink.push(doc.at(0, 0, Diagnostic::warning("guide has no steps")
            .hint("write the steps as headings `## Bước 1: …`, `## Bước 2: …` so readers (and print, widgets) get a numbered step-by-step")));
    }
    for pr in &parsed.body.problems {
        sink.push(doc.at(
            pr.offset,
            pr.len,
            Diagnostic::error(pr.message.clone()).hint(pr.hint.clone()),
        ));
    }
    for (t, l) in parsed.body.targets() {
        if let Some(d) = published.problem(t, index) {
            sink.push(doc.at(l.offset, l.len, d));
        }
    }
}

/// Front matter Markdown fields: no problems, links that resolve, no images.
fn check_fields(
    doc: &dyn DocInfo,
    parsed: &Parsed,
    published: &Published,
    index: &Index,
    sink: &Sink,
) {
    for (key, s) in &parsed.fields {
        for pr in &s.problems {
            sink.push(doc.at_key(
                key,
                Diagnostic::error(pr.message.clone()).hint(pr.hint.clone()),
            ));
        }
        for (t, _) in s.targets() {
            if let Some(d) = published.problem(t, index) {
                sink.push(doc.at_key(key, d));
            }
        }
        for i in &s.images {
            sink.push(
                doc.at_key(
                    key,
                    Diagnostic::error(format!("images are not allowed in `{key}`: {}", i.item.src))
                        .hint("put images in the Markdown body"),
                ),
            );
        }
    }
}

/// Images have alt text that describes them and are files in the content
/// folder; adds their paths to `images`.
fn check_images(
    p: &Project,
    doc: &dyn DocInfo,
    parsed: &Parsed,
    images: &mut BTreeSet<PathBuf>,
    sink: &Sink,
) {
    for img in &parsed.body.images {
        let src = &img.item.src;
        let d = if img.item.alt.trim().is_empty() {
            Some(Diagnostic::error(format!("image `{src}` has no alt text"))
                .hint("describe what the image shows for people who cannot see it: ![Màn hình đăng nhập VNeID](…)"))
        } else if looks_like_file_name(&img.item.alt) {
            Some(
                Diagnostic::error(format!(
                    "alt text `{}` is a file name, not a description",
                    img.item.alt
                ))
                .hint("describe what the image shows, in Vietnamese"),
            )
        } else if src.contains("://") || src.starts_with("//") || src.starts_with("data:") {
            Some(Diagnostic::error(format!("image `{src}` is not a file in the content folder"))
                .hint("save the image next to the Markdown file and link it by file name: pages must not load anything from other sites"))
        } else {
            match resolve_image(p, doc.dir(), src) {
                Ok(path) => {
                    images.insert(path);
                    None
                }
                Err(e) => Some(e),
            }
        };
        if let Some(d) = d {
            sink.push(doc.at(img.offset, img.len, d));
        }
    }
}

/// Per unit: central documents whose links point at a guide the unit does
/// not publish. Those links are rendered as plain text, with a warning.
pub fn unit_link_gaps(p: &Project, sink: &Sink) {
    for u in &p.units {
        if u.data.exclude.is_empty() && u.guides.is_empty() {
            continue;
        }
        let published = Published::unit(p, u);
        let docs = p
            .guides
            .iter()
            .filter(|g| published.guides.get(g.doc.slug.as_str()) == Some(&DocKey::of(g)))
            .map(|g| (&g.doc.parsed, &g.doc as &dyn DocInfo))
            .chain(p.pages.iter().map(|pg| (&pg.parsed, pg as &dyn DocInfo)));
        for (parsed, doc) in docs {
            for (target, l) in parsed.body.targets() {
                // An anchor into a guide this unit overrides must exist in the override.
                if let Target::Guide {
                    slug,
                    anchor: Some(a),
                } = target
                    && let Some(over) = u.guides.iter().find(|g| &g.doc.slug == slug)
                    && !a.is_empty()
                    && !over.doc.parsed.body.ids().any(|i| i == a)
                    && !RESERVED_IDS.contains(&a.as_str())
                {
                    sink.push(doc.at(l.offset, l.len, Diagnostic::error(format!(
                        "links to `#{a}` in `{slug}`, but unit `{}` overrides that guide and its version has no such heading", u.slug))
                        .hint(format!("keep the heading in {} or link without the anchor", over.doc.source.path.display()))
                        .for_unit(&u.slug)));
                }
                if let Target::Guide { slug, .. } = target
                    && u.excludes(slug)
                {
                    sink.push(doc.at(l.offset, l.len, Diagnostic::warning(format!(
                        "links to `{slug}`, which unit `{}` excludes; the link is shown as plain text there", u.slug))
                        .hint(format!("remove `{slug}` from exclude in content/units/{}.yaml, or accept the unlinked text", u.slug))
                        .for_unit(&u.slug)));
                }
            }
        }
    }
}

/// Whether a document links to a guide that `available` lacks.
pub fn missing_targets(parsed: &Parsed, available: &dyn Fn(&str) -> bool) -> bool {
    targets(parsed).any(|t| matches!(t, Target::Guide { slug, .. } if !available(slug)))
}

fn looks_like_file_name(alt: &str) -> bool {
    let a = alt.trim().to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"]
        .iter()
        .any(|e| a.ends_with(e))
        || a.starts_with("img_")
        || a.starts_with("screenshot")
        || a.starts_with("image")
}

fn resolve_image(p: &Project, dir: &Path, src: &str) -> Result<PathBuf, Diagnostic> {
    let src_path = src.split(['?', '#']).next().unwrap_or(src);
    let path = dir.join(src_path);
    let content = p
        .root
        .join("content")
        .canonicalize()
        .unwrap_or_else(|_| p.root.join("content"));
    match path.canonicalize() {
        Ok(abs) if abs.starts_with(&content) && abs.is_file() => {
            let ext = abs
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            if ["png", "jpg", "jpeg", "gif", "webp", "svg"].contains(&ext.as_str()) {
                Ok(abs)
            } else {
                Err(
                    Diagnostic::error(format!("`{src}` is not a supported image"))
                        .hint("use PNG, JPEG, WebP, GIF or SVG"),
                )
            }
        }
        Ok(_) => Err(
            Diagnostic::error(format!("image `{src}` is outside the content folder"))
                .hint("copy the image into content/, next to the Markdown file"),
        ),
        Err(_) => Err(
            Diagnostic::error(format!("image file not found: {src}")).hint(format!(
                "the path is relative to this Markdown file; looked for {}",
                path.strip_prefix(&p.root).unwrap_or(&path).display()
            )),
        ),
    }
}

/// What checks need from a guide or a page.
pub trait DocInfo: Sync {
    fn at(&self, offset: usize, len: usize, d: Diagnostic) -> Diagnostic;
    fn at_key(&self, key: &str, d: Diagnostic) -> Diagnostic;
    fn dir(&self) -> &Path;
    fn is_guide(&self) -> bool;
}

/// Guides and pages differ in what the checks expect of them.
pub trait DocKind {
    const IS_GUIDE: bool;
}

impl DocKind for GuideMeta {
    const IS_GUIDE: bool = true;
}

impl DocKind for crate::content::PageMeta {
    const IS_GUIDE: bool = false;
}

impl<M: Sync + DocKind> DocInfo for Doc<M> {
    fn is_guide(&self) -> bool {
        M::IS_GUIDE
    }

    fn at(&self, offset: usize, len: usize, d: Diagnostic) -> Diagnostic {
        located(self, offset, len, d)
    }

    fn at_key(&self, key: &str, d: Diagnostic) -> Diagnostic {
        self.locate(key, None, d)
    }

    fn dir(&self) -> &Path {
        self.source.abs.parent().unwrap_or(Path::new("."))
    }
}
