//! Short links for SMS and leaflets: `/g/<code>/` in every unit folder,
//! a static page that redirects to the guide (meta refresh plus a visible
//! link). A code is derived from the guide's slug (or set with `short:`),
//! so it stays the same build after build; the previous output's
//! `g/index.json` is the record, and a code that changed is an error.

use std::collections::BTreeMap;
use std::path::Path;

use crate::content::{Guide, Project, YamlFile};
use crate::diag::Sink;

/// No 0/o, 1/l/i: codes are typed from paper.
const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

pub fn derive(slug: &str) -> String {
    let digest = crate::hash::sha256(slug.as_bytes());
    let mut n = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    (0..4)
        .map(|_| {
            let c = ALPHABET[(n % ALPHABET.len() as u64) as usize] as char;
            n /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

/// The code of a guide: its `short:`, else (for a unit's override) the
/// central guide's `short:`, else derived from the slug. Same slug, same code.
pub fn code(p: &Project, g: &Guide) -> String {
    g.doc
        .meta
        .short
        .clone()
        .or_else(|| p.guide(&g.doc.slug).and_then(|c| c.doc.meta.short.clone()))
        .unwrap_or_else(|| derive(&g.doc.slug))
}

/// Codes of all guides (central and unit-own), checked: valid, unique, and
/// unchanged from the previous output in `out`.
pub fn codes(p: &Project, out: &Path, sink: &Sink) -> BTreeMap<String, String> {
    let mut by_code: BTreeMap<String, &Guide> = BTreeMap::new();
    let mut by_slug = BTreeMap::new();
    for g in p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
    {
        let c = code(p, g);
        if let Some(central) = p.guide(&g.doc.slug)
            && !std::ptr::eq(central, g)
            && code(p, central) != c
        {
            sink.push(
                g.doc
                    .error_at("short", None, format!("this unit's version of `{}` has short code `{c}`, the central guide `{}`", g.doc.slug, code(p, central)))
                    .hint("remove `short:` here: a guide keeps one short link in every unit"),
            );
            continue;
        }
        if let Some(s) = &g.doc.meta.short
            && (s.len() < 3
                || !s
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        {
            sink.push(
                g.doc
                    .error_at(
                        "short",
                        None,
                        format!("short code `{s}` must be 3 or more lowercase letters or digits"),
                    )
                    .hint("e.g. short: ks26"),
            );
        }
        match by_code.get(&c) {
            Some(other) if other.doc.slug != g.doc.slug => sink.push(
                g.doc
                    .error_at(
                        "short",
                        None,
                        format!("short code `{c}` is also used by `{}`", other.doc.slug),
                    )
                    .hint("set another `short:` code for one of the two guides"),
            ),
            _ => {
                by_code.insert(c.clone(), g);
                by_slug.insert(g.doc.slug.clone(), c);
            }
        }
    }
    // The record: what the previous build published.
    for unit in &p.units {
        let Ok(text) =
            std::fs::read_to_string(out.join(&unit.slug).join(crate::paths::SHORT_INDEX))
        else {
            continue;
        };
        let Ok(old) = serde_json::from_str::<BTreeMap<String, String>>(&text) else {
            continue;
        };
        for (old_code, slug) in old {
            if let Some(new_code) = by_slug.get(&slug)
                && new_code != &old_code
            {
                let g = by_code[new_code];
                sink.push(
                    g.doc
                        .error_at("short", None, format!("the short link of `{slug}` would change from /g/{old_code}/ to /g/{new_code}/"))
                        .hint(format!("links already sent by SMS and printed on leaflets use /g/{old_code}/: keep it with `short: {old_code}`")),
                );
            }
        }
    }
    by_slug
}
