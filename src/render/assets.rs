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
        let slug = &site.unit.slug;
        // (path, bytes, key when every unit gets the same bytes)
        let mut files: Vec<(String, &[u8], Option<String>)> = Vec::new();
        let mut errors = Vec::new();
        for (name, bytes) in &sh.theme.static_files {
            let key = format!("theme/{name}");
            files.push((
                crate::paths::in_unit(slug, &format!("{}/{name}", crate::paths::ASSETS)),
                bytes,
                Some(key),
            ));
        }
        let logo = match (&site.unit.data.logo, super::views::logo_path(site.unit)) {
            (Some(logo), Some(rel)) => {
                let path = site
                    .project
                    .root
                    .join("content/units")
                    .join(slug)
                    .join(logo);
                match std::fs::read(&path) {
                    Ok(b) => Some((format!("{slug}/{rel}"), b)),
                    Err(e) => {
                        errors.push(
                            Diagnostic::error(format!("cannot read logo: {e}")).in_file(&path),
                        );
                        None
                    }
                }
            }
            _ => None,
        };
        if let Some((rel, bytes)) = &logo {
            files.push((rel.clone(), bytes, None));
        }
        // Only the images this unit's pages show.
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
                        files.push((format!("{slug}/{DIR}/{}", v.file), &v.bytes, Some(key)));
                    }
                }
            }
        }
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
