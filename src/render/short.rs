//! Short links of a unit: `g/<code>/index.html` redirects to the guide, and
//! `g/index.json` records code -> slug for the next build to compare.

use std::collections::BTreeMap;

use super::pages::{base_context, canonical};
use super::{Rendered, Renderer, Shared, Stats};
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;
use crate::shortlinks;

pub struct ShortLinks;

impl Renderer for ShortLinks {
    fn name(&self) -> &'static str {
        "short-links"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let u = site.unit;
        let base = base_context(site, sh);
        let mut record = BTreeMap::new();
        let mut errors = Vec::new();
        for g in site.ordered() {
            let code = shortlinks::code(site.project, g);
            let rel = crate::paths::short_link(&code);
            let full = crate::paths::in_unit(&u.slug, &rel);
            record.insert(code, g.doc.slug.clone());
            let depends = Depends::Guide {
                unit: &u.slug,
                slug: &g.doc.slug,
            };
            let made = out.emit(&full, depends, || {
                let mut ctx = base.clone();
                ctx.insert("root", "../../");
                ctx.insert("title", &g.doc.meta.title);
                ctx.insert(
                    "target",
                    &format!("../../{}", crate::paths::guide_page(&g.doc.slug)),
                );
                ctx.insert(
                    "canonical",
                    &canonical(&u.data.base_url, &crate::paths::guide_page(&g.doc.slug)),
                );
                sh.template("redirect.html", &ctx, &full)
            });
            if let Err(e) = made {
                errors.push(e);
            }
        }
        let json = serde_json::to_string_pretty(&record).unwrap_or_default();
        let rel = crate::paths::in_unit(&u.slug, crate::paths::SHORT_INDEX);
        if let Err(e) = out.emit(&rel, Depends::Loose, || Ok(format!("{json}\n"))) {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(Stats::default())
        } else {
            Err(errors)
        }
    }
}
