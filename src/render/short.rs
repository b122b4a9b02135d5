//! Short links of a unit: `g/<code>/index.html` redirects to the guide, and
//! `g/index.json` records code -> slug for the next build to compare.

use std::collections::BTreeMap;

use super::pages::{base_context, canonical};
use super::{Renderer, Shared, Stats, write};
use crate::diag::Diagnostic;
use crate::output::Staging;
use crate::resolve::UnitSite;
use crate::shortlinks;

pub struct ShortLinks;

impl Renderer for ShortLinks {
    fn name(&self) -> &'static str {
        "short-links"
    }

    fn render(
        &self,
        site: &UnitSite,
        sh: &Shared,
        out: &Staging,
    ) -> Result<Stats, Vec<Diagnostic>> {
        let u = site.unit;
        let base = base_context(site, sh);
        let mut record = BTreeMap::new();
        let mut errors = Vec::new();
        for g in site.ordered() {
            let code = shortlinks::code(site.project, g);
            let rel = format!("g/{code}/index.html");
            let full = format!("{}/{rel}", u.slug);
            record.insert(code, g.doc.slug.clone());
            let made = super::guide_file(sh, out, &u.slug, &g.doc.slug, &full, || {
                let mut ctx = base.clone();
                ctx.insert("root", "../../");
                ctx.insert("title", &g.doc.meta.title);
                ctx.insert(
                    "target",
                    &format!("../../huong-dan/{}/index.html", g.doc.slug),
                );
                ctx.insert(
                    "canonical",
                    &canonical(
                        &u.data.base_url,
                        &format!("huong-dan/{}/index.html", g.doc.slug),
                    ),
                );
                sh.template("redirect.html", &ctx, &full)
            });
            if let Err(e) = made {
                errors.push(e);
            }
        }
        let json = serde_json::to_string_pretty(&record).unwrap_or_default();
        if let Err(e) = write(
            out,
            &format!("{}/g/index.json", u.slug),
            format!("{json}\n").as_bytes(),
        ) {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(Stats::default())
        } else {
            Err(errors)
        }
    }
}
