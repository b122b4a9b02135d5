//! YAML documents with strict schemas: every unknown or missing key in a
//! mapping is reported with its line, then the typed parse reports the first
//! type error with the location the YAML parser gives.

use serde::de::DeserializeOwned;

use super::source::Source;
use crate::diag::{Diagnostic, closest};

/// A key of a schema, and whether it must be present.
pub struct Key(pub &'static str, pub bool);

/// The YAML part of a file: its text and the 1-based file line it starts on.
#[derive(Debug)]
pub struct Yaml<'a> {
    pub text: &'a str,
    pub first_line: usize,
}

/// Split `---\nyaml\n---\nbody`. Returns the YAML and the byte offset of the body.
pub fn split(src: &Source) -> Result<(Yaml<'_>, usize), Diagnostic> {
    let text = src.text.as_str();
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error("missing front matter")
            .at(&src.path, text, 1, 1, first.chars().count().max(1))
            .hint("start the file with a line `---`, the YAML fields (title, summary, …), then another `---` line before the Markdown"));
    }
    let start = first.len() + 1;
    let mut offset = start;
    for line in text[start.min(text.len())..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &text[start..offset];
            return Ok((
                Yaml {
                    text: yaml,
                    first_line: 2,
                },
                offset + line.len(),
            ));
        }
        offset += line.len();
    }
    Err(Diagnostic::error("front matter is not closed")
        .at(&src.path, text, 1, 1, 3)
        .hint("add a line `---` after the last YAML field, before the Markdown body"))
}

/// Parse `yaml` into `T`, checking the top-level keys against `keys` first so
/// that every unknown or missing key is reported, not only the first.
pub fn parse<T: DeserializeOwned>(
    src: &Source,
    yaml: &Yaml<'_>,
    keys: &[Key],
    what: &str,
) -> Result<T, Vec<Diagnostic>> {
    let value: yaml_serde::Value = match yaml_serde::from_str(yaml.text) {
        Ok(v) => v,
        Err(e) => return Err(vec![yaml_error(src, yaml, &e)]),
    };
    let mut problems = Vec::new();
    let mapping = match &value {
        yaml_serde::Value::Mapping(m) => Some(m),
        yaml_serde::Value::Null => None,
        _ => {
            return Err(vec![
                Diagnostic::error(format!("the {what} must be a list of `key: value` fields"))
                    .at(&src.path, &src.text, yaml.first_line, 1, 1)
                    .hint("write one field per line, e.g. `title: Đăng ký khai sinh`"),
            ]);
        }
    };
    let names: Vec<&str> = keys.iter().map(|k| k.0).collect();
    // Keys explained by a misspelling ("did you mean"), not reported as missing too.
    let mut explained = Vec::new();
    if let Some(m) = mapping {
        for k in m.keys() {
            let Some(name) = k.as_str() else {
                problems.push(Diagnostic::error(format!("a {what} key must be text")).at(
                    &src.path,
                    &src.text,
                    yaml.first_line,
                    1,
                    1,
                ));
                continue;
            };
            if !names.contains(&name) {
                let (line, col) = locate_key(yaml, name).unwrap_or((yaml.first_line, 1));
                let hint = match closest(name, names.iter().copied()) {
                    Some(c) => {
                        explained.push(c);
                        format!("did you mean `{c}`? Allowed keys: {}", names.join(", "))
                    }
                    None => format!("allowed keys: {}", names.join(", ")),
                };
                problems.push(
                    Diagnostic::error(format!("unknown key `{name}` in {what}"))
                        .at(&src.path, &src.text, line, col, name.chars().count())
                        .hint(hint),
                );
            }
        }
    }
    for key in keys.iter().filter(|k| k.1 && !explained.contains(&k.0)) {
        let present = mapping.is_some_and(|m| m.get(key.0).is_some_and(|v| !v.is_null()));
        if !present {
            let line = yaml.first_line.saturating_sub(1).max(1);
            problems.push(
                Diagnostic::error(format!("missing required key `{}` in {what}", key.0))
                    .at(&src.path, &src.text, line, 1, 3)
                    .hint(format!("add a line `{}: …` to the {what}", key.0)),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    yaml_serde::from_str(yaml.text).map_err(|e| vec![yaml_error(src, yaml, &e)])
}

fn yaml_error(src: &Source, yaml: &Yaml<'_>, e: &yaml_serde::Error) -> Diagnostic {
    let message = e.to_string();
    // The crate appends " at line N column M"; we show the place ourselves.
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let hint = if message.contains("invalid type") {
        "check the value's form: text in quotes, a list as `[a, b]` or `- item` lines, numbers without dots or units"
    } else if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
    {
        "YAML syntax: put text containing `:` or `#` in double quotes, and indent list items consistently"
    } else {
        "fix the value at the marked place"
    };
    let d = Diagnostic::error(format!("invalid YAML: {message}")).hint(hint);
    match e.location() {
        Some(loc) => {
            let line = yaml.first_line + loc.line().saturating_sub(1);
            d.at(&src.path, &src.text, line, loc.column(), 1)
        }
        None => d.at(&src.path, &src.text, yaml.first_line, 1, 1),
    }
}

/// File line and column of a top-level `key:` in the YAML.
pub fn locate_key(yaml: &Yaml<'_>, key: &str) -> Option<(usize, usize)> {
    yaml.text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key).or_else(|| {
            line.strip_prefix('"')
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix('"'))
        })?;
        rest.trim_start()
            .starts_with(':')
            .then_some((yaml.first_line + i, 1))
    })
}

/// File line, column and length of `value` under the top-level `key`,
/// e.g. an unknown audience in `audiences: [nguoi-dan, nguoi-gia]`.
pub fn locate_value(yaml: &Yaml<'_>, key: &str, value: &str) -> Option<(usize, usize, usize)> {
    let (key_line, _) = locate_key(yaml, key)?;
    let start = key_line - yaml.first_line;
    for (i, line) in yaml.text.lines().enumerate().skip(start) {
        if i > start && !line.starts_with([' ', '\t', '-']) && !line.trim().is_empty() {
            break; // the next top-level key
        }
        let search_from = if i == start {
            line.find(':').map_or(0, |p| p + 1)
        } else {
            0
        };
        if let Some(pos) = find_word(&line[search_from..], value) {
            let col = line[..search_from + pos].chars().count() + 1;
            return Some((yaml.first_line + i, col, value.chars().count()));
        }
    }
    Some((key_line, 1, key.chars().count()))
}

fn find_word(hay: &str, word: &str) -> Option<usize> {
    let is_slug_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    hay.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = hay[..i]
            .chars()
            .next_back()
            .is_none_or(|c| !is_slug_char(c));
        let after = hay[i + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !is_slug_char(c));
        before && after
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
        tags: Vec<String>,
    }
    const KEYS: &[Key] = &[Key("title", true), Key("tags", false)];

    fn src(text: &str) -> Source {
        Source::from_text("content/guides/x.md", text)
    }

    #[test]
    fn reports_every_unknown_key_with_its_line() {
        let s = src("---\ntitel: A\ntags: [a]\ncolor: red\n---\nbody\n");
        let (yaml, body) = split(&s).unwrap();
        assert_eq!(&s.text[body..], "body\n");
        let errs = parse::<Meta>(&s, &yaml, KEYS, "front matter").unwrap_err();
        let lines: Vec<_> = errs
            .iter()
            .map(|d| (d.message.clone(), d.location.as_ref().unwrap().line))
            .collect();
        assert!(
            lines.contains(&("unknown key `titel` in front matter".into(), 2)),
            "{lines:?}"
        );
        assert!(
            lines.contains(&("unknown key `color` in front matter".into(), 4)),
            "{lines:?}"
        );
        // `titel` explains the missing `title`: no second error for it.
        assert!(
            !lines
                .iter()
                .any(|(m, _)| m.contains("missing required key")),
            "{lines:?}"
        );
        assert!(
            errs[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("did you mean `title`")
        );
        let s = src("---\ntags: [a]\n---\n");
        let (yaml, _) = split(&s).unwrap();
        let errs = parse::<Meta>(&s, &yaml, KEYS, "front matter").unwrap_err();
        assert!(errs[0].message.contains("missing required key `title`"));
    }

    #[test]
    fn type_errors_point_at_the_value() {
        let s = src("---\ntitle: A\ntags: 5\n---\n");
        let (yaml, _) = split(&s).unwrap();
        let errs = parse::<Meta>(&s, &yaml, KEYS, "front matter").unwrap_err();
        assert_eq!(errs[0].location.as_ref().unwrap().line, 3, "{:?}", errs[0]);
    }

    #[test]
    fn syntax_errors_point_at_the_line() {
        let s = src("---\ntitle: A\ntags: [a\n---\n");
        let (yaml, _) = split(&s).unwrap();
        let errs = parse::<Meta>(&s, &yaml, KEYS, "front matter").unwrap_err();
        assert!(errs[0].message.starts_with("invalid YAML"), "{:?}", errs[0]);
        assert!(errs[0].location.as_ref().unwrap().line >= 3);
    }

    #[test]
    fn locates_list_values() {
        let s = src("---\ntitle: A\ntags:\n  - nguoi-dan\n  - nguoi\n---\n");
        let (yaml, _) = split(&s).unwrap();
        assert_eq!(locate_value(&yaml, "tags", "nguoi"), Some((5, 5, 5)));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let s = src("---\ntitle: A\n");
        assert!(split(&s).unwrap_err().message.contains("not closed"));
    }
}
