//! Forms attached to guides (`forms:`), copied beside each guide page of
//! every unit that publishes the guide. The bytes were checked and read
//! once at load (`content::forms`); units share one copy on disk.

use super::{Rendered, Renderer, Shared, Stats};
use crate::diag::Diagnostic;
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

pub struct Forms;

impl Renderer for Forms {
    fn name(&self) -> &'static str {
        "forms"
    }

    fn render(&self, site: &UnitSite, _sh: &Shared, out: &Output) -> Rendered {
        let unit = &site.unit.slug;
        let errors: Vec<Diagnostic> = site
            .ordered()
            .flat_map(|g| g.forms.iter().map(move |f| (g, f)))
            .filter_map(|(g, f)| {
                let rel = crate::paths::in_unit(unit, &crate::paths::form(&g.doc.slug, &f.name));
                // Named by content: the same bytes are one file on disk.
                let key = format!("bieu-mau/{}", f.hash);
                out.emit(&rel, Depends::Shared { key: &key }, || Ok(f.bytes.clone()))
                    .err()
            })
            .collect();
        if errors.is_empty() {
            Ok(Stats::default())
        } else {
            Err(errors)
        }
    }
}
