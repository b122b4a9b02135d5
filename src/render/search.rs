//! Search for every unit, offline and from file://: the index is a script
//! (`tim-kiem/chi-muc.js`, so no fetch is needed) holding each guide's NFC
//! text; the page's script folds it (đ -> d, every tone mark) when the reader
//! starts searching, and ranks title over summary over body, exact diacritics
//! first. Without JavaScript the search page lists every guide by category.
//! How people ask reaches it too: each guide's `questions:` (ranked between
//! title and summary) and site.yaml's `search.synonyms`, which the script
//! tries in place of the words typed ("cccd" is also "căn cước công dân").

use std::borrow::Cow;

use serde::Serialize;

use super::{Rendered, Renderer, Shared, Stats, one};
use crate::diag::Diagnostic;
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

pub const INDEX: &str = crate::paths::SEARCH_INDEX;

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
    /// The guide's `questions:`, as written.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    q: &'a [String],
}

#[derive(Serialize)]
struct Index<'a> {
    v: u32,
    docs: Vec<Doc<'a>>,
    /// site.yaml's synonyms: `[typed, [words the guides use…]]`, in order.
    syn: &'a [(String, Vec<String>)],
}

pub struct Search;

impl Renderer for Search {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let p = site.project;
        let docs: Vec<Doc> = site
            .ordered()
            .map(|g| {
                let mut body = match super::pages::texts_for_unit(site, sh, g) {
                    Cow::Borrowed(t) => Cow::Borrowed(t.search.as_str()),
                    Cow::Owned(t) => Cow::Owned(t.search),
                };
                // What the videos say is searchable like the page's text.
                if !g.videos.is_empty() {
                    body = Cow::Owned(format!("{body}\n{}", super::video::search_text(g)));
                }
                let c = p
                    .site
                    .categories
                    .iter()
                    .find(|c| c.slug == g.doc.meta.category)
                    .map_or("", |c| c.name.as_str());
                Doc {
                    u: crate::paths::guide_page(&g.doc.slug),
                    t: &g.doc.meta.title,
                    s: &g.doc.meta.summary,
                    c,
                    b: body,
                    q: &g.doc.meta.questions,
                }
            })
            .collect();
        let n = docs.len();
        let json = serde_json::to_string(&Index {
            v: 1,
            docs,
            syn: &p.site.search.synonyms,
        })
        .map_err(|e| vec![Diagnostic::error(format!("search index: {e}"))])?;
        // `</` never appears raw inside a script file's string, but keep it safe to inline too.
        let js = format!("window.SOTAY_INDEX={};\n", json.replace("</", "<\\/"));
        let search_bytes = js.len() as u64;
        let rel = crate::paths::in_unit(&site.unit.slug, INDEX);
        one(out.emit(&rel, Depends::Loose, || Ok(js)))?;
        Ok(Stats {
            search_bytes,
            search_docs: n,
            ..Stats::default()
        })
    }
}
