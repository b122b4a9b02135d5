//! Unit versions that stay in step with the city's: a unit's copy of a
//! central guide records, as `based_on:`, the version of the central guide
//! it was last checked against. A version is a short hash of the central
//! file, so any change to it (a fee, a step, a review date) is a new one.
//! `check` and the build warn about a copy out of step, and the coverage
//! report lists those to review; both read [`out_of_step`].

use super::{Guide, Project, Unit, YamlFile};
use crate::diag::{Diagnostic, Sink};

/// The central guide's version: 8 hex digits of its file's hash.
pub fn version(central: &Guide) -> String {
    version_of(&central.doc.source.text)
}

/// The version of a central guide's file text (as read: NFC, `\n` ends).
pub fn version_of(text: &str) -> String {
    crate::hash::hex(&crate::hash::short(text.as_bytes())[..4])
}

/// A unit's copy of a central guide that is not known to agree with it.
pub struct OutOfStep<'a> {
    pub copy: &'a Guide,
    pub central: &'a Guide,
    /// What the copy says it was based on (none: it does not say).
    pub based_on: Option<&'a str>,
    /// The central guide's version today.
    pub current: String,
}

/// The unit's copies of central guides whose `based_on:` is missing or
/// names an older version, in the unit's order.
pub fn out_of_step<'a>(p: &'a Project, u: &'a Unit) -> Vec<OutOfStep<'a>> {
    u.guides
        .iter()
        // A version that inherits follows the central guide by itself.
        .filter(|copy| !copy.doc.meta.inherits)
        .filter_map(|copy| {
            let central = p.guide(&copy.doc.slug)?;
            let current = version(central);
            let based_on = copy.doc.meta.based_on.as_deref();
            (based_on != Some(current.as_str())).then_some(OutOfStep {
                copy,
                central,
                based_on,
                current,
            })
        })
        .collect()
}

/// A warning per copy out of step (at its `based_on:`, or its file), and
/// an error for `based_on:` where it means nothing.
pub fn check(p: &Project, sink: &Sink) {
    for u in &p.units {
        for o in out_of_step(p, u) {
            sink.push(warning(o));
        }
        for g in u
            .guides
            .iter()
            .filter(|g| p.guide(&g.doc.slug).is_none() || g.doc.meta.inherits)
        {
            misplaced(g, sink);
        }
    }
    for g in &p.guides {
        misplaced(g, sink);
    }
}

fn warning(o: OutOfStep) -> Diagnostic {
    let (slug, now) = (&o.copy.doc.slug, &o.current);
    let central = o.central.doc.source.path.display();
    match o.based_on {
        None => o
            .copy
            .doc
            .warning_at(
                "based_on",
                None,
                format!("this unit's version of `{slug}` does not say which version of the central guide it copies, so a change to the central guide would go unnoticed"),
            )
            .hint(format!("check it still agrees with {central}, then add `based_on: \"{now}\"` to its front matter")),
        Some(old) => o
            .copy
            .doc
            .warning_at(
                "based_on",
                Some(old),
                format!("the central guide `{slug}` has changed since this unit's version was based on it (version {old}, now {now})"),
            )
            .hint(format!("compare it with {central}, bring this version in step, then write `based_on: \"{now}\"`")),
    }
}

/// `based_on:` outside a unit's version of a central guide, or in one
/// that inherits (it follows the central guide by itself).
fn misplaced(g: &Guide, sink: &Sink) {
    if let Some(b) = &g.doc.meta.based_on
        && g.doc.meta.inherits
    {
        sink.push(
            g.doc
                .error_at("based_on", Some(b), "a version that inherits follows the central guide by itself: based_on means nothing here")
                .hint("remove `based_on:`; the central guide's changes reach this version at every build"),
        );
    } else if let Some(b) = &g.doc.meta.based_on {
        sink.push(
            g.doc
                .error_at(
                    "based_on",
                    Some(b),
                    "based_on applies only to a unit's version of a central guide",
                )
                .hint("remove it: this guide has no central guide of the same file name"),
        );
    }
}
