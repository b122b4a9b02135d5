//! A WCAG 2.1 AA audit of generated HTML, shared by the fixture and sample tests.

use std::collections::BTreeSet;
use std::path::Path;

/// Problems found in one HTML page.
pub fn audit(html: &str) -> Vec<String> {
    audit_as(html, false)
}

/// `embedded`: an iframe page, which needs no skip link or site navigation.
pub fn audit_as(html: &str, embedded: bool) -> Vec<String> {
    let mut p = Vec::new();
    if !html.contains("<html lang=\"vi\">") {
        p.push("html lang is not vi".to_owned());
    }
    let lower = html.to_ascii_lowercase();
    // Scripts may enhance a page (search) but only as external, deferred files.
    for (i, _) in lower.match_indices("<script") {
        let tag = &lower[i..i + lower[i..].find('>').unwrap_or(0)];
        if !(tag.contains(" src=") && tag.contains(" defer")) {
            p.push("inline or blocking script".to_owned());
        }
    }
    // Headings in document order.
    let mut levels = Vec::new();
    for (i, _) in lower.match_indices("<h") {
        if let Some(d) = lower[i + 2..].chars().next().and_then(|c| c.to_digit(10))
            && lower[i + 3..].starts_with([' ', '>'])
        {
            levels.push(d);
        }
    }
    if levels.iter().filter(|l| **l == 1).count() != 1 {
        p.push(format!(
            "{} h1 elements",
            levels.iter().filter(|l| **l == 1).count()
        ));
    }
    for w in levels.windows(2) {
        if w[1] > w[0] + 1 {
            p.push(format!("heading level skips from h{} to h{}", w[0], w[1]));
        }
    }
    let attrs = sotay::links::attributes(html);
    let imgs = attrs
        .iter()
        .filter(|a| a.tag == "img" && a.name == "src")
        .count();
    let alts = attrs
        .iter()
        .filter(|a| a.tag == "img" && a.name == "alt")
        .count();
    if imgs != alts {
        p.push(format!("{} of {imgs} images have alt", alts));
    }
    if !embedded
        && (!html.contains("<a class=\"skip\" href=\"#noi-dung\">")
            || !html.contains("<main id=\"noi-dung\""))
    {
        p.push("no skip link to main".to_owned());
    }
    let landmarks: &[&str] = if embedded {
        &["<main"]
    } else {
        &["<header", "<nav", "<main", "<footer"]
    };
    for landmark in landmarks {
        if !html.contains(landmark) {
            p.push(format!("no {landmark}> landmark"));
        }
    }
    let mut ids = BTreeSet::new();
    for a in attrs.iter().filter(|a| a.name == "id") {
        if !ids.insert(a.value.clone()) {
            p.push(format!("duplicate id {}", a.value));
        }
    }
    p.extend(unnamed_controls(&lower));
    // Every link has text (or an image with alt) a screen reader can read.
    for part in html.split("<a ").skip(1) {
        let inner = part
            .split_once('>')
            .map(|x| x.1)
            .unwrap_or("")
            .split("</a>")
            .next()
            .unwrap_or("");
        let text: String = strip_tags(inner);
        if text.trim().is_empty()
            && !part.split('>').next().unwrap_or("").contains("aria-label")
            && !inner.contains("alt=\"")
        {
            p.push(format!(
                "link without text: <a {}",
                &part[..part.len().min(60)]
            ));
        }
        let t = text.trim().to_lowercase();
        if ["bấm vào đây", "tại đây", "click here", "xem thêm"].contains(&t.as_str()) {
            p.push(format!("vague link text: {t}"));
        }
    }
    p
}

/// Form controls a screen reader cannot name: not wrapped in a label, not
/// pointed at by one, and without aria-label, aria-labelledby or title.
/// `html` is lower-cased.
fn unnamed_controls(html: &str) -> Vec<String> {
    let mut p = Vec::new();
    for tag_name in ["<input", "<select", "<textarea"] {
        for (i, _) in html.match_indices(tag_name) {
            let tag = &html[i..i + html[i..].find('>').unwrap_or(0)];
            let wrapped = html[..i].rfind("<label") > html[..i].rfind("</label");
            let pointed_at =
                attr(tag, "id").is_some_and(|id| html.contains(&format!("for=\"{id}\"")));
            let own_name = [" aria-label=", " aria-labelledby=", " title="]
                .iter()
                .any(|a| tag.contains(a));
            let unlabelled_kind = ["hidden", "submit", "button", "reset", "image"]
                .iter()
                .any(|k| attr(tag, "type") == Some(*k));
            if !(wrapped || pointed_at || own_name || unlabelled_kind) {
                p.push(format!("form control without a name: {tag}>"));
            }
        }
    }
    p
}

/// The quoted (or bare) value of `name` in a tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let rest = &tag[tag.find(&format!(" {name}="))? + name.len() + 2..];
    Some(match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or(""),
        None => rest.split([' ', '/']).next().unwrap_or(""),
    })
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

pub fn audit_dir(dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pages = 0;
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.path().extension().is_some_and(|x| x == "html") && e.file_name() != "manh.html" {
            pages += 1;
            let html = std::fs::read_to_string(e.path()).unwrap();
            let embedded = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .components()
                .any(|c| c.as_os_str() == "nhung" || c.as_os_str() == "g"); // embeds and short-link redirects
            for p in audit_as(&html, embedded) {
                problems.push(format!(
                    "{}: {p}",
                    e.path().strip_prefix(dir).unwrap().display()
                ));
            }
        }
    }
    assert!(pages > 0, "no pages under {}", dir.display());
    problems
}
