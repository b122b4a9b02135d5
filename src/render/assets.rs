//! Files copied into each unit folder so it is self-contained: the theme's
//! static files, the unit's logo, and the processed images its pages use.

use std::collections::BTreeSet;

use super::{Rendered, Renderer, Shared, Stats};
use crate::diag::Diagnostic;
use crate::images::DIR;
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

pub struct Assets;

impl Renderer for Assets {
    fn name(&self) -> &'static str {
        "assets"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let mut errors = Vec::new();
        let logo = read_logo(site).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let mut files = theme_files(&site.unit.slug, sh);
        if let Some((rel, bytes)) = &logo {
            files.push((rel.clone(), bytes, None));
        }
        files.extend(image_files(site, sh));
        for (rel, bytes, key) in files {
            let depends = match &key {
                Some(key) => Depends::Shared { key },
                None => Depends::Loose,
            };
            let written = out.emit(&rel, depends, || Ok(bytes));
            if let Err(e) = written {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(Stats::default())
        } else {
            Err(errors)
        }
    }
}

/// A file to copy: (path from the output root, bytes, key when every unit
/// gets the same bytes).
type File<'a> = (String, &'a [u8], Option<String>);

/// The theme's static files, in the unit's assets folder.
fn theme_files<'a>(slug: &str, sh: &'a Shared) -> Vec<File<'a>> {
    sh.theme
        .static_files
        .iter()
        .map(|(name, bytes)| {
            let key = format!("theme/{name}");
            (
                crate::paths::in_unit(slug, &format!("{}/{name}", crate::paths::ASSETS)),
                bytes.as_slice(),
                Some(key),
            )
        })
        .collect()
}

/// The unit's logo, if it has one: (path from the output root, bytes).
fn read_logo(site: &UnitSite) -> Result<Option<(String, Vec<u8>)>, Diagnostic> {
    let slug = &site.unit.slug;
    let (Some(logo), Some(rel)) = (&site.unit.data.logo, super::views::logo_path(site.unit)) else {
        return Ok(None);
    };
    let path = site
        .project
        .root
        .join("content/units")
        .join(slug)
        .join(logo);
    match std::fs::read(&path) {
        Ok(b) => Ok(Some((format!("{slug}/{rel}"), b))),
        Err(e) => Err(Diagnostic::error(format!("cannot read logo: {e}")).in_file(&path)),
    }
}

/// Only the images this unit's pages show, each variant once.
fn image_files<'a>(site: &UnitSite<'a>, sh: &'a Shared) -> Vec<File<'a>> {
    let slug = &site.unit.slug;
    let docs = site
        .ordered()
        .map(|g| (&g.doc.parsed, &g.doc.source.abs))
        .chain(
            site.project
                .pages
                .iter()
                .map(|p| (&p.parsed, &p.source.abs)),
        );
    let mut seen = BTreeSet::new();
    let mut files = Vec::new();
    for (parsed, source) in docs {
        let Some(dir) = source.parent() else {
            continue;
        };
        for img in &parsed.body.images {
            let Some(processed) = crate::images::referenced_file(dir, &img.item.src)
                .and_then(|abs| sh.markdown.images.get(&abs))
            else {
                continue;
            };
            for v in &processed.variants {
                if seen.insert(&v.file) {
                    // The name carries the content hash.
                    let key = format!("{DIR}/{}", v.file);
                    files.push((
                        format!("{slug}/{DIR}/{}", v.file),
                        v.bytes.as_slice(),
                        Some(key),
                    ));
                }
            }
        }
    }
    files
}
