//! The theme: Tera templates, the UI strings file (Vietnamese), and static
//! files (CSS) copied into every unit folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};
use walkdir::WalkDir;

use crate::diag::{Diagnostic, Sink};
use crate::markdown::AlertLabels;

pub mod fees;
mod text;
pub use fees::FeeText;
pub use text::{Text, fill};

pub struct Theme {
    pub dir: PathBuf,
    pub tera: Tera,
    /// Every UI string, for templates (`t`).
    pub strings: BTreeMap<String, String>,
    /// The strings sotay's own code uses, checked when the theme loads.
    pub text: Text,
    /// (path under `assets/`, bytes), sorted.
    pub static_files: Vec<(String, Vec<u8>)>,
    /// Template sources by name, for showing the line of a template error.
    sources: BTreeMap<String, String>,
    /// Print templates and their settings (`print/*.typ`, `print/formats.yaml`).
    pub print_files: BTreeMap<String, String>,
    /// The parsed `print/formats.yaml`; `None` when the theme makes no PDFs.
    pub print: Option<crate::engine::formats::Formats>,
    /// The print templates that show the slogan (they, or a theme file
    /// they import, mention `slogan`): only their documents carry it, so a
    /// new slogan lays out only what shows it.
    pub slogan_templates: std::collections::BTreeSet<String>,
}

const STRINGS: &str = "strings.yaml";

/// The default theme's strings, built in: `sotay init` writes them and a
/// theme lacking a key is told its default line.
pub const DEFAULT_STRINGS: &str = include_str!("../../themes/default/strings.yaml");

/// A theme's files by folder: `templates/` (Tera, NFC), `print/` (Typst,
/// NFC) and `static/` (copied as they are).
#[derive(Default)]
struct Files {
    sources: BTreeMap<String, String>,
    static_files: Vec<(String, Vec<u8>)>,
    print_files: BTreeMap<String, String>,
}

/// Read every file of the theme folder `dir` (`shown` in messages).
fn read_files(dir: &Path, shown: &Path, sink: &Sink) -> Files {
    let mut files = Files::default();
    let entries = WalkDir::new(dir).sort_by_file_name().into_iter();
    for entry in entries.filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        let cannot = |what: &str, e: std::io::Error| {
            Diagnostic::error(format!("cannot read {what}: {e}")).in_file(&shown.join(rel))
        };
        let text = || std::fs::read_to_string(entry.path()).map(|s| crate::text::nfc(&s));
        if let Some(name) = rel_str.strip_prefix("templates/") {
            match text() {
                Ok(s) => drop(files.sources.insert(name.to_owned(), s)),
                Err(e) => sink.push(cannot("template", e)),
            }
        } else if let Some(name) = rel_str.strip_prefix("print/") {
            match text() {
                Ok(s) => drop(files.print_files.insert(name.to_owned(), s)),
                Err(e) => sink.push(cannot("print template", e)),
            }
        } else if let Some(name) = rel_str.strip_prefix("static/") {
            match std::fs::read(entry.path()) {
                Ok(b) => files.static_files.push((name.to_owned(), b)),
                Err(e) => sink.push(cannot("theme file", e)),
            }
        }
    }
    files
}

impl Theme {
    pub fn load(root: &Path, name: &str, sink: &Sink) -> Option<Theme> {
        let dir = root.join("themes").join(name);
        let shown = dir.strip_prefix(root).unwrap_or(&dir).to_owned();
        if !dir.is_dir() {
            sink.push(Diagnostic::error(format!("theme folder {} not found", shown.display()))
                .hint("copy themes/default from the sotay repository, or set `theme:` in content/site.yaml to an existing theme"));
            return None;
        }
        let Files {
            sources,
            static_files,
            print_files,
        } = read_files(&dir, &shown, sink);
        let print = crate::engine::formats::Formats::load(
            &print_files,
            &shown.to_string_lossy().replace('\\', "/"),
        )
        .unwrap_or_else(|d| {
            sink.push(d);
            None
        });
        let strings = load_strings(root, &dir.join(STRINGS), sink)?;
        let text = typed(&strings, &shown.join(STRINGS), sink)?;
        let mut tera = Tera::default();
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        {
            let theme = Theme {
                dir: dir.clone(),
                tera: Tera::default(),
                strings,
                text,
                static_files,
                sources,
                print_files: BTreeMap::new(),
                print: None,
                slogan_templates: Default::default(),
            };
            sink.push(theme.template_error(root, &e));
            return None;
        }
        Some(Theme {
            dir,
            tera,
            strings,
            text,
            static_files,
            sources,
            print,
            slogan_templates: mentioning(&print_files, "slogan"),
            print_files,
        })
    }

    pub fn alert_labels(&self) -> AlertLabels {
        let t = &self.text;
        AlertLabels {
            note: t.alert_note.clone(),
            tip: t.alert_tip.clone(),
            important: t.alert_important.clone(),
            warning: t.alert_warning.clone(),
            caution: t.alert_caution.clone(),
        }
    }

    /// Render a snippet template (`templates/snippets/`), which is not
    /// HTML-escaped: values that need it are escaped by the caller.
    pub fn snippet(
        &self,
        root: &Path,
        name: &str,
        ctx: &tera::Context,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(&format!("snippets/{name}"), ctx)
            .map(|s| s.trim_end().to_owned())
            .map_err(|e| self.template_error(root, &e))
    }

    /// A Tera error as a diagnostic naming the template file and line.
    pub fn template_error(&self, root: &Path, e: &tera::Error) -> Diagnostic {
        let templates = self.dir.join("templates");
        let shown = |name: &str| {
            let p = templates.join(name);
            p.strip_prefix(root).map(Path::to_path_buf).unwrap_or(p)
        };
        match e.kind() {
            ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
                let what = if matches!(e.kind(), ErrorKind::SyntaxError(_)) { "template syntax error" } else { "template error" };
                let span = r.span();
                let src = self.sources.get(r.filename()).map(String::as_str).unwrap_or("");
                let len = if span.start_line == span.end_line { span.end_col.saturating_sub(span.start_col) } else { 1 };
                Diagnostic::error(format!("{what}: {}", r.message()))
                    .at(&shown(r.filename()), src, span.start_line, span.start_col + 1, len)
                    .hint("fix the template; variables available to templates are listed in docs/ARCHITECTURE.md")
            }
            ErrorKind::MissingParent { current, parent } => Diagnostic::error(format!("template extends `{parent}`, which does not exist"))
                .in_file(&shown(current))
                .hint("check the name in {% extends %}"),
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(format!("template `{name}` is missing from the theme"))
                .in_file(&templates.join(name).strip_prefix(root).map(Path::to_path_buf).unwrap_or_default())
                .hint("every theme needs: base.html, home.html, guide.html, list.html, page.html, 404.html, hub.html, sitemap.xml, atom.xml"),
            _ => Diagnostic::error(format!("template error: {e}")),
        }
    }
}

/// The strings Rust code uses, or an error naming each missing key.
fn typed(strings: &BTreeMap<String, String>, shown: &Path, sink: &Sink) -> Option<Text> {
    match Text::from_map(strings) {
        Ok(t) => Some(t),
        Err(missing) => {
            let keys = missing.join("`, `");
            sink.push(
                Diagnostic::error(format!("the theme's UI strings lack `{keys}`"))
                    .in_file(shown)
                    .hint(format!(
                        "add these lines to {} (a theme made by an older sotay lacks them; this version's default theme reads):\n{}",
                        shown.display(),
                        default_lines(&missing)
                    )),
            );
            None
        }
    }
}

/// The default theme's strings, typed: what sotay's own tests phrase with.
pub fn default_text() -> Text {
    let map: BTreeMap<String, String> = yaml_serde::from_str(DEFAULT_STRINGS).unwrap_or_default();
    Text::from_map(&map).expect("the default theme has every string")
}

/// The default theme's lines for `keys`, as they stand in its strings.yaml.
fn default_lines(keys: &[String]) -> String {
    let defaults: BTreeMap<String, String> =
        yaml_serde::from_str(DEFAULT_STRINGS).unwrap_or_default();
    keys.iter()
        .map(|k| {
            let value = defaults.get(k).map_or("…", String::as_str);
            format!("{k}: {}", serde_json::to_string(value).unwrap_or_default())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn load_strings(root: &Path, path: &Path, sink: &Sink) -> Option<BTreeMap<String, String>> {
    let shown = path.strip_prefix(root).unwrap_or(path).to_owned();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => crate::text::nfc(&t),
        Err(e) => {
            sink.push(
                Diagnostic::error(format!("cannot read the theme's UI strings: {e}"))
                    .in_file(&shown)
                    .hint("the theme needs strings.yaml with the Vietnamese UI texts"),
            );
            return None;
        }
    };
    match yaml_serde::from_str::<BTreeMap<String, String>>(&text) {
        Ok(m) => Some(m),
        Err(e) => {
            let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            sink.push(
                Diagnostic::error(format!("invalid UI strings file: {e}"))
                    .at(&shown, &text, line, col, 1)
                    .hint("write one `key: \"text\"` per line"),
            );
            None
        }
    }
}

/// The print files that mention `word`, themselves or through a theme file
/// they import (`#import "/print/…"`).
fn mentioning(files: &BTreeMap<String, String>, word: &str) -> std::collections::BTreeSet<String> {
    let imports = |text: &str| -> Vec<String> {
        text.split("#import \"/print/")
            .skip(1)
            .filter_map(|rest| Some(rest.split_once('"')?.0.to_owned()))
            .collect()
    };
    let mut found: std::collections::BTreeSet<String> = files
        .iter()
        .filter(|(_, text)| text.contains(word))
        .map(|(name, _)| name.clone())
        .collect();
    // Spread to importers until nothing changes (imports may form a cycle).
    loop {
        let more: Vec<String> = files
            .iter()
            .filter(|(name, text)| {
                !found.contains(*name) && imports(text).iter().any(|i| found.contains(i))
            })
            .map(|(name, _)| name.clone())
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_mentions_what_its_imports_mention_and_cycles_end() {
        let files: BTreeMap<String, String> = [
            ("a.typ", "#import \"/print/lib.typ\": *\nfoo"),
            ("b.typ", "#import \"/print/c.typ\": *"),
            ("c.typ", "#import \"/print/b.typ\": *"),
            ("lib.typ", "#let f(d) = d.slogan"),
            ("d.typ", "d.slogan"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let found: Vec<String> = mentioning(&files, "slogan").into_iter().collect();
        assert_eq!(found, ["a.typ", "d.typ", "lib.typ"]);
    }
}
