//! The build stamp (`paths::STAMP`, format in `proof.rs`): written last
//! into every unit folder, it names the build (version, date, input
//! fingerprint) and hashes the folder's file list, so `sotay verify` can
//! tell from a portal's copy whether it serves this build. Same inputs and
//! build date, same bytes: nothing in it reads a clock or the machine.

use super::{Rendered, Renderer, Shared, Stage, Stats, one};
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;

pub struct BuildStamp;

impl Renderer for BuildStamp {
    fn name(&self) -> &'static str {
        "stamp"
    }

    fn stage(&self) -> Stage {
        Stage::Stamp
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let unit = site.unit;
        let files = out.unit_files(&unit.slug);
        let stamp = crate::proof::Stamp::new(
            &unit.slug,
            &unit.data.base_url,
            &sh.date.to_string(),
            out.fingerprint(),
            &files,
        );
        let rel = crate::paths::in_unit(&unit.slug, crate::paths::STAMP);
        one(out.emit(&rel, Depends::Loose, || Ok(stamp.to_json())))?;
        Ok(Stats::default())
    }
}
