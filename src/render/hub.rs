//! The campaign hub, `public/index.html`: every unit, grouped by kind and in
//! Vietnamese alphabetical order.

use serde::Serialize;
use tera::Context;

use super::views::{SiteView, UnitView};
use super::{Shared, write};
use crate::diag::Diagnostic;
use crate::output::Staging;

#[derive(Serialize)]
struct Group<'a> {
    kind: &'a str,
    name: &'a str,
    units: Vec<UnitView<'a>>,
}

pub fn render(sh: &Shared, out: &Staging) -> Result<(), Diagnostic> {
    let p = sh.project;
    let groups: Vec<Group> = p
        .site
        .unit_kinds
        .iter()
        .map(|(kind, name)| {
            let mut units: Vec<UnitView> = p
                .units
                .iter()
                .filter(|u| &u.data.kind == kind)
                .map(|u| UnitView::new(p, u))
                .collect();
            sh.collation.sort_by_key(&mut units, |u| u.short_name);
            Group { kind, name, units }
        })
        .filter(|g| !g.units.is_empty())
        .collect();
    let mut ctx = Context::new();
    ctx.insert("site", &SiteView::new(p));
    ctx.insert("t", &sh.theme.strings);
    ctx.insert("groups", &groups);
    ctx.insert("unit_count", &p.units.len());
    ctx.insert("has_results", &super::charts::has_city(sh.datasets));
    ctx.insert("root", "");
    ctx.insert("canonical", &p.site.base_url);
    let html = sh.template("hub.html", &ctx, "index.html")?;
    write(out, "index.html", html.as_bytes())?;
    for (name, bytes) in &sh.theme.static_files {
        write(out, &format!("assets/{name}"), bytes)?;
    }
    Ok(())
}
