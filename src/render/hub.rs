//! The campaign hub, `public/index.html`: every unit, grouped by kind and in
//! Vietnamese alphabetical order.

use serde::Serialize;
use tera::Context;

use super::views::{SiteView, UnitView};
use super::{Rendered, Renderer, Shared, Stage, Stats, Units, one};
use crate::diag::Diagnostic;
use crate::output::{Depends, Output};

#[derive(Serialize)]
struct Group<'a> {
    kind: &'a str,
    name: &'a str,
    units: Vec<UnitView<'a>>,
}

/// The hub, with the theme's static files beside it.
pub struct Hub;

impl Renderer for Hub {
    fn name(&self) -> &'static str {
        "hub"
    }

    fn stage(&self) -> Stage {
        Stage::City
    }

    fn render_all(&self, units: &Units, sh: &Shared, out: &Output) -> Rendered {
        one(render(sh, super::orders::linked(sh, units), out))?;
        Ok(Stats {
            pages: 1,
            ..Stats::default()
        })
    }
}

/// The hub; `orders`: whether it links the print orders.
fn render(sh: &Shared, orders: bool, out: &Output) -> Result<(), Diagnostic> {
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
    ctx.insert("has_orders", &orders);
    ctx.insert("root", "");
    ctx.insert("canonical", &p.site.base_url);
    out.emit(crate::paths::HOME, Depends::Loose, || {
        sh.template("hub.html", &ctx, crate::paths::HOME)
    })?;
    for (name, bytes) in &sh.theme.static_files {
        let rel = format!("{}/{name}", crate::paths::ASSETS);
        out.emit(&rel, Depends::Loose, || Ok(bytes))?;
    }
    Ok(())
}
