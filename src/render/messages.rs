//! Messages for one unit: `tin-nhan/tin-nhan.csv` (UTF-8 with BOM, for
//! Excel and gateway import) and `tin-nhan/tin-nhan.json`, one row per
//! message, channel and variant with the text, encoding and segment count.

use super::{Rendered, Renderer, Shared, Stats, one};
use crate::messages;
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

pub const DIR: &str = "tin-nhan";

pub struct Messages;

/// The messages every unit gets: a message about a guide that is not
/// published today waits for it.
pub fn ready(p: &crate::content::Project) -> impl Iterator<Item = &crate::messages::Message> {
    p.messages
        .iter()
        .filter(|m| m.meta.guide.as_ref().is_none_or(|g| p.guide(g).is_some()))
}

impl Renderer for Messages {
    fn name(&self) -> &'static str {
        "messages"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let p = sh.project;
        if p.messages.is_empty() {
            return Ok(Stats::default());
        }
        let mut errors = Vec::new();
        let rows: Vec<messages::Rendered> = ready(p)
            .flat_map(|m| {
                let fee = m
                    .meta
                    .guide
                    .as_deref()
                    .and_then(|s| site.guide(s))
                    .map(|g| crate::theme::fees::summary(sh.docs.fees(g), &sh.theme.text));
                let sanitizer = &sh.markdown.sanitizer;
                messages::render(p, site.unit, m, sanitizer, fee.as_deref(), &mut errors)
            })
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let slug = &site.unit.slug;
        let json = serde_json::json!({ "version": 1, "unit": slug, "messages": rows });
        let csv = crate::paths::in_unit(slug, &format!("{DIR}/tin-nhan.csv"));
        one(out.emit(&csv, Depends::Loose, || Ok(messages::csv(&rows))))?;
        let rel = crate::paths::in_unit(slug, &format!("{DIR}/tin-nhan.json"));
        one(out.emit(&rel, Depends::Loose, || Ok(format!("{json:#}\n"))))?;
        Ok(Stats::default())
    }
}
