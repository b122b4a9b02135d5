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
        let files = site.ordered().flat_map(|g| {
            g.forms.iter().map(|f| {
                let rel = crate::paths::in_unit(unit, &crate::paths::form(&g.doc.slug, &f.name));
                (rel, format!("bieu-mau/{}", f.hash), &f.bytes)
            })
        });
        copy_shared(out, files)
    }
}

/// Write files read once at load, each `(path, key, bytes)`: the key names
/// the content, so the same bytes are one file on disk for every unit.
pub(super) fn copy_shared<'a>(
    out: &Output,
    files: impl Iterator<Item = (String, String, &'a std::sync::Arc<[u8]>)>,
) -> Rendered {
    let errors: Vec<Diagnostic> = files
        .filter_map(|(rel, key, bytes)| {
            out.emit(&rel, Depends::Shared { key: &key }, || Ok(bytes.clone()))
                .err()
        })
        .collect();
    if errors.is_empty() {
        Ok(Stats::default())
    } else {
        Err(errors)
    }
}
