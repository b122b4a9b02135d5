//! The chatbot knowledge file of a unit, for a vendor's chatbot or a Zalo
//! OA auto-reply to import: `api/v1/hoi-dap.json` (versioned, described by
//! `api/v1/hoi-dap.schema.json`) and `api/v1/hoi-dap.csv` (a row per
//! question, for Excel). Per guide the unit publishes: the questions (its
//! title and its `questions:`), a short answer within site.yaml's
//! `chatbot.answer_chars` (summary, then fee on the build date, time and
//! place while they fit), the step titles from the document model, the
//! page's address and the unit's hotline. Written with the API (`outputs.api`).

use serde::Serialize;

use super::pages::canonical;
use super::{Rendered, Renderer, Shared, Stats};
use crate::content::Guide;
use crate::content::asking::search_key;
use crate::diag::Diagnostic;
use crate::output::{Depends, Output};
use crate::paths::{CHATBOT_CSV, CHATBOT_JSON, CHATBOT_SCHEMA, guide_page, in_unit};
use crate::resolve::UnitSite;
use crate::theme::fill;

/// Fields are only ever added within a version; the schema says which.
pub const VERSION: u32 = 1;
/// The JSON Schema of version 1, the same file in every unit.
pub const SCHEMA: &str = include_str!("chatbot.schema.json");

#[derive(Serialize)]
struct File<'a> {
    schema: String,
    version: u32,
    built: String,
    language: &'static str,
    answer_max_chars: usize,
    unit: UnitInfo<'a>,
    synonyms: Vec<Synonym<'a>>,
    entries: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct UnitInfo<'a> {
    slug: &'a str,
    name: &'a str,
    hotline: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Synonym<'a> {
    typed: &'a str,
    means: &'a [String],
}

#[derive(Serialize)]
struct Entry<'a> {
    slug: &'a str,
    title: &'a str,
    questions: Vec<&'a str>,
    answer: String,
    summary: &'a str,
    fee: Option<String>,
    time: &'a str,
    #[serde(rename = "where")]
    where_to_apply: &'a str,
    in_person: &'a str,
    steps: Vec<&'a str>,
    url: String,
    hotline: &'a str,
}

pub struct Chatbot;

impl Renderer for Chatbot {
    fn name(&self) -> &'static str {
        "chatbot"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        if !site.outputs.api {
            return Ok(Stats::default());
        }
        let slug = &site.unit.slug;
        let file = knowledge(site, sh);
        let json = in_unit(slug, CHATBOT_JSON);
        let csv = in_unit(slug, CHATBOT_CSV);
        let schema = in_unit(slug, CHATBOT_SCHEMA);
        // Every guide of the unit is in the two files: loose, made each build.
        let errors: Vec<Diagnostic> = [
            out.emit(&json, Depends::Loose, || {
                serde_json::to_string_pretty(&file)
                    .map(|s| s + "\n")
                    .map_err(|e| Diagnostic::error(format!("cannot write {json}: {e}")))
            }),
            out.emit(&csv, Depends::Loose, || sheet(&file, &csv)),
            // One copy on disk: sotay's own file, the same for every unit.
            out.emit(
                &schema,
                Depends::Shared {
                    key: CHATBOT_SCHEMA,
                },
                || Ok(SCHEMA.to_owned()),
            ),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        if errors.is_empty() {
            Ok(Stats::default())
        } else {
            Err(errors)
        }
    }
}

/// The unit's file: its guides in slug order, stable for importers diffing it.
fn knowledge<'a>(site: &'a UnitSite, sh: &Shared) -> File<'a> {
    let (p, u) = (site.project, site.unit);
    let max = p.site.chatbot.answer_chars;
    File {
        schema: format!("{}{CHATBOT_SCHEMA}", u.data.base_url),
        version: VERSION,
        built: sh.date.to_string(),
        language: "vi",
        answer_max_chars: max,
        unit: UnitInfo {
            slug: &u.slug,
            name: &u.data.name,
            hotline: &u.data.hotline,
            url: &u.data.base_url,
        },
        synonyms: p
            .site
            .search
            .synonyms
            .iter()
            .map(|(typed, means)| Synonym { typed, means })
            .collect(),
        entries: site
            .guides
            .values()
            .map(|g| entry(site, sh, g, max))
            .collect(),
    }
}

fn entry<'a>(site: &'a UnitSite, sh: &Shared, g: &'a Guide, max: usize) -> Entry<'a> {
    let (m, t) = (&g.doc.meta, &sh.theme.text);
    let fee = fee(sh, g);
    let parts: Vec<String> = fee
        .iter()
        .map(|f| fill(&t.chatbot_fee, &[("text", f)]))
        .chain([
            fill(
                &t.chatbot_time,
                &[("text", clause(&m.processing_time.text))],
            ),
            fill(&t.chatbot_where, &[("text", clause(&m.where_to_apply))]),
        ])
        .collect();
    Entry {
        slug: &g.doc.slug,
        title: &m.title,
        questions: questions(g),
        answer: answer(&m.summary, &parts, max),
        summary: &m.summary,
        fee,
        time: &m.processing_time.text,
        where_to_apply: &m.where_to_apply,
        in_person: site.desk(g).place(site.unit),
        steps: g
            .doc
            .parsed
            .body
            .steps
            .iter()
            .map(|s| s.title.as_str())
            .collect(),
        url: canonical(&site.unit.data.base_url, &guide_page(&g.doc.slug)),
        hotline: &site.unit.data.hotline,
    }
}

/// The title, then each question written for the guide, once each as
/// search compares them (the load checks warn about repeats).
fn questions(g: &Guide) -> Vec<&str> {
    let mut seen = Vec::new();
    std::iter::once(g.doc.meta.title.as_str())
        .chain(g.doc.meta.questions.iter().map(String::as_str))
        .chain(faq(g))
        .map(|q| q.trim())
        .filter(|q| {
            let key = search_key(q);
            let new = !key.is_empty() && !seen.contains(&key);
            seen.push(key);
            new
        })
        .collect()
}

/// The questions of the guide's own FAQ: the headings one level below a
/// section titled "Câu hỏi thường gặp" or "Hỏi đáp", from the parsed
/// document (a heading of that section's level or above ends it).
fn faq(g: &Guide) -> impl Iterator<Item = &str> {
    let mut section: Option<pulldown_cmark::HeadingLevel> = None;
    g.doc.parsed.body.headings.iter().filter_map(move |h| {
        match section {
            Some(level) if h.level > level => {
                return (h.level as usize == level as usize + 1).then_some(h.text.as_str());
            }
            _ => section = is_faq_title(&h.text).then_some(h.level),
        }
        None
    })
}

fn is_faq_title(text: &str) -> bool {
    let key = search_key(text);
    ["cau hoi thuong gap", "hoi dap", "hoi va dap"]
        .iter()
        .any(|t| key.starts_with(t))
}

/// The guide's fees on the build date as the page words them ("Lệ phí
/// đăng ký khai sinh: Miễn phí"), or `None` when it names none.
fn fee(sh: &Shared, g: &Guide) -> Option<String> {
    let texts = sh.docs.fees(g);
    (!texts.is_empty()).then(|| {
        texts
            .iter()
            .map(|f| format!("{}: {}", f.name, f.lines.join("; ")))
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// A text to set inside a sentence of the theme's, without its own full stop.
fn clause(text: &str) -> &str {
    text.trim().trim_end_matches('.')
}

/// The summary (cut at a word, with "…", if it alone is too long), then
/// each part that still fits whole: never more than `max` characters.
fn answer(summary: &str, parts: &[String], max: usize) -> String {
    let mut out = cut(summary.trim(), max);
    let mut len = out.chars().count();
    for part in parts {
        let n = part.chars().count() + 1;
        if len + n <= max {
            out.push(' ');
            out.push_str(part);
            len += n;
        }
    }
    out
}

/// `text` if it fits in `max` characters, else its words that fit with "…".
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let room = max.saturating_sub(1);
    let head: String = text.chars().take(room).collect();
    // End at the last whole word; a single word too long is cut where it is.
    let end = if text[head.len()..].starts_with(' ') {
        head.len()
    } else {
        head.rfind(' ').unwrap_or(head.len())
    };
    format!("{}…", head[..end].trim_end_matches([' ', ',', ';', ':']))
}

/// A row per question: the question, then its entry's answer, steps
/// (numbered, a line each), page, hotline; the header is the JSON's names.
fn sheet(file: &File, rel: &str) -> Result<String, Diagnostic> {
    let bad = |e: &dyn std::fmt::Display| Diagnostic::error(format!("cannot write {rel}: {e}"));
    let mut w = crate::sheet::writer();
    w.write_record(["slug", "question", "answer", "steps", "url", "hotline"])
        .map_err(|e| bad(&e))?;
    for e in &file.entries {
        let steps: Vec<String> = e
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| format!("{}. {s}", i + 1))
            .collect();
        let steps = crate::sheet::cell(&steps.join("\n"));
        for q in &e.questions {
            w.write_record([
                e.slug.to_owned(),
                crate::sheet::cell(q),
                crate::sheet::cell(&e.answer),
                steps.clone(),
                e.url.clone(),
                crate::sheet::cell(e.hotline),
            ])
            .map_err(|e| bad(&e))?;
        }
    }
    let bytes = w.into_inner().map_err(|e| bad(&e))?;
    String::from_utf8(bytes).map_err(|e| bad(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_keeps_within_its_length() {
        let parts = [
            "Phí, lệ phí: Miễn phí.".to_owned(),
            "Thời hạn giải quyết: Trong ngày.".to_owned(),
        ];
        let summary = "Đăng ký khai sinh cho con trên mạng.";
        let all = answer(summary, &parts, 400);
        assert_eq!(
            all,
            "Đăng ký khai sinh cho con trên mạng. Phí, lệ phí: Miễn phí. Thời hạn giải quyết: Trong ngày."
        );
        // A part that does not fit is left out whole; a later one that fits stays.
        let n = summary.chars().count() + 1 + parts[1].chars().count();
        assert_eq!(
            answer(summary, &[parts[0].repeat(3), parts[1].clone()], n),
            format!("{summary} {}", parts[1])
        );
        // A summary too long alone is cut at a word.
        let short = answer(summary, &parts, 20);
        assert_eq!(short, "Đăng ký khai sinh…");
        assert!(short.chars().count() <= 20);
        for max in 1..60 {
            assert!(answer(summary, &parts, max).chars().count() <= max, "{max}");
        }
    }
}
