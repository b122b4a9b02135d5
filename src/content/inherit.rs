//! A unit's version that inherits (`inherits: true`): its file holds only
//! the front matter keys it changes and the `##` sections it replaces,
//! adds (`## + …`) or leaves out (`## - …`); the rest is the central
//! guide's, so the city's later edits reach it. The merge is of parsed
//! values, never of texts: each file is parsed once with its own source,
//! and every place in the result still names its own file and line.

use std::path::{Component, Path};
use std::sync::Arc;

use super::frontmatter::{self, Yaml};
use super::model::*;
use super::source::Source;
use crate::diag::{Diagnostic, Sink};
use crate::markdown::Document;
use crate::markdown::document::inherit;

/// Whether a unit guide's file says `inherits: true`: read before its
/// front matter is checked, since most of that comes from the central guide.
pub fn declared(src: &Source) -> bool {
    let Ok((yaml, _)) = frontmatter::split(src) else {
        return false;
    };
    // Most unit guides are whole versions: their YAML is parsed once, later.
    if !yaml.text.contains("inherits") {
        return false;
    }
    match yaml_serde::from_str::<yaml_serde::Value>(yaml.text) {
        Ok(yaml_serde::Value::Mapping(m)) => {
            m.get("inherits").and_then(yaml_serde::Value::as_bool) == Some(true)
        }
        _ => false,
    }
}

/// The unit's version of `central`: its own keys over the central guide's,
/// its sections merged into the central guide's document.
pub fn read(src: Source, central: &Doc<GuideMeta>, sink: &Sink) -> Option<Doc<GuideMeta>> {
    let (yaml, body_offset) = frontmatter::split(&src).map_err(|d| sink.push(d)).ok()?;
    let yaml_range = (
        yaml.text.as_ptr() as usize - src.text.as_ptr() as usize,
        yaml.text.len(),
    );
    // The unit's lines first, so a problem in them is found at its own
    // line; then the central guide's keys it does not change (they parsed
    // once already, in the central guide).
    let own_keys = keys(yaml.text);
    let merged = format!("{}{}", yaml.text, inherited_keys(central, &own_keys));
    let whole = Yaml {
        text: &merged,
        first_line: yaml.first_line,
    };
    let meta: GuideMeta = frontmatter::parse(&src, &whole, GUIDE_KEYS, "front matter")
        .map_err(|ds| sink.extend(ds))
        .ok()?;
    let own = Document::parse(&src.text[body_offset..]);
    let base = src.text.len() - body_offset + 1;
    let images = way(&src.abs, &central.source.abs);
    let (body, warnings) = inherit::merge(&central.parsed.body, &own, base, &images);
    for w in warnings {
        sink.push(Diagnostic::warning(w.message).hint(w.hint).at_offset(
            &src.path,
            &src.text,
            body_offset + w.offset,
            w.len,
        ));
    }
    let fields = meta
        .markdown_fields()
        .into_iter()
        .map(|(k, md)| (k, Document::parse(md)))
        .collect();
    Some(Doc {
        slug: central.slug.clone(),
        meta,
        body_offset,
        yaml_range,
        parsed: Parsed { body, fields },
        source: Arc::new(src),
        inherited: Some(Inherited {
            central: central.source.clone(),
            body_offset: central.body_offset,
            yaml_range: central.yaml_range,
            base,
            own_keys,
        }),
    })
}

/// The central guide's top-level front matter entries (each key with its
/// indented lines) whose key the unit's YAML does not set.
fn inherited_keys(central: &Doc<GuideMeta>, set: &[String]) -> String {
    let (start, len) = central.yaml_range;
    let text = &central.source.text[start..start + len];
    let mut out = String::new();
    let mut keep = false;
    for line in text.split_inclusive('\n') {
        if let Some(key) = top_level_key(line) {
            keep = !set.iter().any(|k| k == key);
        }
        if keep {
            out.push_str(line);
        }
    }
    out
}

/// The top-level keys a YAML text sets (none when it does not parse:
/// the front matter check then says why).
fn keys(yaml: &str) -> Vec<String> {
    match yaml_serde::from_str::<yaml_serde::Value>(yaml) {
        Ok(yaml_serde::Value::Mapping(m)) => m
            .keys()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// `key` of a line `key: …` at the top level of a YAML mapping.
fn top_level_key(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '-', '#']) {
        return None;
    }
    let key = line.split(':').next()?.trim().trim_matches('"');
    (!key.is_empty() && line.contains(':')).then_some(key)
}

/// The relative way from `unit`'s folder to `central`'s, ending in `/`
/// (empty when they share one), for the central guide's image paths.
fn way(unit: &Path, central: &Path) -> String {
    let from: Vec<Component> = unit
        .parent()
        .map_or(Vec::new(), |p| p.components().collect());
    let to: Vec<Component> = central
        .parent()
        .map_or(Vec::new(), |p| p.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut s = "../".repeat(from.len() - common);
    for c in &to[common..] {
        s.push_str(&c.as_os_str().to_string_lossy());
        s.push('/');
    }
    s
}

/// `inherits:` where it means nothing: in a central guide (a unit's
/// version without a central guide is reported when it is read).
pub fn check(p: &super::Project, sink: &Sink) {
    use super::YamlFile;
    for g in p.guides.iter().filter(|g| g.doc.meta.inherits) {
        sink.push(
            g.doc
                .error_at(
                    "inherits",
                    None,
                    "inherits applies only to a unit's version of a central guide",
                )
                .hint("remove it: a central guide is the one units inherit from"),
        );
    }
}

/// A unit's file that inherits from a central guide that does not exist.
pub fn orphan(src: &Source) -> Diagnostic {
    let stem = src.path.file_stem().unwrap_or_default().to_string_lossy();
    let (line, _) = frontmatter::split(src)
        .ok()
        .and_then(|(y, _)| frontmatter::locate_key(&y, "inherits"))
        .unwrap_or((1, 1));
    Diagnostic::error(format!(
        "this unit's version inherits from the central guide `{stem}`, which does not exist"
    ))
    .at(&src.path, &src.text, line, 1, "inherits".len())
    .hint("name the file like the central guide it changes (content/guides/…/<name>.md), or remove `inherits: true` and write the whole guide")
}
