//! Messages for one unit: `tin-nhan/tin-nhan.csv` (UTF-8 with BOM, for
//! Excel and gateway import) and `tin-nhan/tin-nhan.json`, one row per
//! message, channel and variant with the text, encoding and segment count.

use super::{Renderer, Shared, Stats, write};
use crate::diag::Diagnostic;
use crate::messages;
use crate::output::Staging;
use crate::resolve::UnitSite;

pub const DIR: &str = "tin-nhan";

pub struct Messages;

impl Renderer for Messages {
    fn name(&self) -> &'static str {
        "messages"
    }

    fn render(
        &self,
        site: &UnitSite,
        sh: &Shared,
        out: &Staging,
    ) -> Result<Stats, Vec<Diagnostic>> {
        let p = sh.project;
        if p.messages.is_empty() {
            return Ok(Stats::default());
        }
        let mut errors = Vec::new();
        let rows: Vec<messages::Rendered> = p
            .messages
            .iter()
            .flat_map(|m| messages::render(p, site.unit, m, &mut errors))
            .collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        let slug = &site.unit.slug;
        let json = serde_json::json!({ "version": 1, "unit": slug, "messages": rows });
        let put = |rel: String, bytes: Vec<u8>| write(out, &rel, &bytes).map_err(|e| vec![e]);
        put(
            format!("{slug}/{DIR}/tin-nhan.csv"),
            messages::csv(&rows).into_bytes(),
        )?;
        put(
            format!("{slug}/{DIR}/tin-nhan.json"),
            format!("{json:#}\n").into_bytes(),
        )?;
        Ok(Stats::default())
    }
}
