//! A package per webmaster: `goi-tai-len/<unit>.zip`, the unit's folder as
//! one deterministic zip (`crate::archive`: entries sorted, stored, dated
//! with the build's date), and `<unit>.zip.sha256` in the form
//! `sha256sum -c` reads. Made after the build stamp, so the zip holds it;
//! only by builds that own the output folder (a `--unit` build commits unit
//! folders alone). The unit's webmaster page says how to check and upload it.

use std::borrow::Cow;

use super::{Rendered, Renderer, Shared, Stage, Stats, one};
use crate::diag::Diagnostic;
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

pub struct Packages;

impl Renderer for Packages {
    fn name(&self) -> &'static str {
        "packages"
    }

    fn stage(&self) -> Stage {
        Stage::Package
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let slug = &site.unit.slug;
        let zip = zip_of_folder(slug, sh, out).map_err(|d| vec![d])?;
        let sha256 = crate::hash::sha256(&zip);
        let sum = crate::hash::hex(&sha256);
        let name = format!("{slug}.zip");
        one(out.emit_summed(&crate::paths::package_zip(slug), &zip, &sha256))?;
        let line = format!("{sum}  {name}\n");
        one(
            out.emit(&crate::paths::package_sum(slug), Depends::Loose, || {
                Ok(line)
            }),
        )?;
        Ok(Stats::default())
    }
}

/// Every file of the unit's folder (made or kept by this build), under the
/// folder's name, in path order.
fn zip_of_folder(slug: &str, sh: &Shared, out: &Output) -> Result<Vec<u8>, Diagnostic> {
    let mut entries: Vec<(String, String)> = out
        .unit_files(slug)
        .into_iter()
        .map(|(rel, _)| (format!("{slug}/{rel}"), crate::paths::in_unit(slug, &rel)))
        .collect();
    entries.sort();
    entries.dedup();
    let day = crate::archive::Day {
        year: sh.date.year(),
        month: sh.date.month(),
        day: sh.date.day(),
    };
    let mut zip = Vec::new();
    crate::archive::write(&mut zip, day, &entries, |rel| out.read(rel).map(Cow::Owned))
        .map_err(|e| Diagnostic::error(format!("the package of {slug}: {e}")))?;
    Ok(zip)
}
