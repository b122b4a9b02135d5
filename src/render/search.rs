//! Search for every unit, offline and from file://: the index is a script
//! (`tim-kiem/chi-muc.js`, so no fetch is needed) holding each guide's NFC
//! text; the page's script folds it (đ -> d, every tone mark) when the reader
//! starts searching, and ranks title over summary over body, exact diacritics
//! first. Without JavaScript the search page lists every guide by category.

use std::borrow::Cow;

use serde::Serialize;

use super::{Renderer, Shared, Stats, write};
use crate::diag::Diagnostic;
use crate::output::Staging;
use crate::resolve::UnitSite;

pub const INDEX: &str = "tim-kiem/chi-muc.js";

#[derive(Serialize)]
struct Doc<'a> {
    /// URL relative to the unit root.
    u: String,
    t: &'a str,
    s: &'a str,
    /// Category name.
    c: &'a str,
    /// Body text: intro, steps and the rest, without markup.
    b: Cow<'a, str>,
}

#[derive(Serialize)]
struct Index<'a> {
    v: u32,
    docs: Vec<Doc<'a>>,
}

pub struct Search;

impl Renderer for Search {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(
        &self,
        site: &UnitSite,
        sh: &Shared,
        out: &Staging,
    ) -> Result<Stats, Vec<Diagnostic>> {
        let p = site.project;
        let docs: Vec<Doc> = site
            .ordered()
            .map(|g| {
                let body = match super::pages::texts_for_unit(site, sh, g) {
                    Cow::Borrowed(t) => Cow::Borrowed(t.search.as_str()),
                    Cow::Owned(t) => Cow::Owned(t.search),
                };
                let c = p
                    .site
                    .categories
                    .iter()
                    .find(|c| c.slug == g.doc.meta.category)
                    .map_or("", |c| c.name.as_str());
                Doc {
                    u: format!("huong-dan/{}/index.html", g.doc.slug),
                    t: &g.doc.meta.title,
                    s: &g.doc.meta.summary,
                    c,
                    b: body,
                }
            })
            .collect();
        let n = docs.len();
        let json = serde_json::to_string(&Index { v: 1, docs })
            .map_err(|e| vec![Diagnostic::error(format!("search index: {e}"))])?;
        // `</` never appears raw inside a script file's string, but keep it safe to inline too.
        let js = format!("window.SOTAY_INDEX={};\n", json.replace("</", "<\\/"));
        write(out, &format!("{}/{INDEX}", site.unit.slug), js.as_bytes()).map_err(|e| vec![e])?;
        Ok(Stats {
            search_bytes: js.len() as u64,
            search_docs: n,
            ..Stats::default()
        })
    }
}
