//! How people ask: a guide's `questions:` and site.yaml's
//! `search.synonyms`, checked once at load. Both are plain text (NFC, like
//! every text read); the search index and the chatbot file carry them as
//! written. Two texts are "the same" when their search keys are: folded
//! (đ → d, no tone marks, lowercase) with every run of other characters
//! one space, as the search page compares them.

use std::collections::BTreeMap;

use super::frontmatter::{Yaml, locate_key};
use super::load::{Project, YamlFile};
use super::model::Guide;
use crate::diag::{Diagnostic, Sink};

/// Longest question: a sentence someone types, not a paragraph.
pub const MAX_QUESTION_CHARS: usize = 150;
/// Most questions per guide, synonyms per site, words per synonym:
/// generous bounds that keep the search index small on any input.
pub const MAX_QUESTIONS: usize = 30;
pub const MAX_SYNONYMS: usize = 500;
pub const MAX_ALTERNATIVES: usize = 10;
/// Longest synonym or alternative (a full official name fits).
pub const MAX_SYNONYM_CHARS: usize = 100;
/// Shortest `chatbot.answer_chars`: a short summary and the time fit.
pub const MIN_ANSWER_CHARS: usize = 80;

/// The search key of a text: "Hộ khẩu?" -> "ho khau".
pub fn search_key(s: &str) -> String {
    let folded = crate::text::fold(s);
    let mut out = String::with_capacity(folded.len());
    for word in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Every guide's questions and the site's synonyms.
pub fn check(p: &Project, sink: &Sink) {
    for g in p
        .guides
        .iter()
        .chain(p.units.iter().flat_map(|u| &u.guides))
    {
        check_questions(g, sink);
    }
    check_synonyms(p, sink);
    check_answer_length(p, sink);
}

/// `chatbot.answer_chars` leaves room for a summary.
fn check_answer_length(p: &Project, sink: &Sink) {
    let n = p.site.chatbot.answer_chars;
    if n < MIN_ANSWER_CHARS {
        let src = &p.site_source;
        let yaml = Yaml {
            text: &src.text,
            first_line: 1,
        };
        let d = Diagnostic::error(format!(
            "chatbot.answer_chars is {n}; at least {MIN_ANSWER_CHARS}"
        ))
        .hint(
            "a chatbot's short answer needs room for the guide's summary; 400 suits a chat bubble",
        );
        sink.push(match locate_nth(&yaml, "chatbot", "answer_chars", 0) {
            Some((line, col, len)) => d.at(&src.path, &src.text, line, col, len),
            None => d.in_file(&src.path),
        });
    }
}

/// Each question has words, is short, and is not the title or another
/// question again.
fn check_questions(g: &Guide, sink: &Sink) {
    let m = &g.doc.meta;
    if m.questions.len() > MAX_QUESTIONS {
        sink.push(
            g.doc
                .error_at(
                    "questions",
                    None,
                    format!("{} questions; at most {MAX_QUESTIONS}", m.questions.len()),
                )
                .hint("keep the ways people really ask; search also finds the guide by its text"),
        );
    }
    let mut seen = vec![search_key(&m.title)];
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for q in &m.questions {
        let key = search_key(q);
        let n = q.chars().count();
        let problem = if key.is_empty() {
            Some(Diagnostic::error("a question without words").hint(
                "write the question as people type it, e.g. \"làm giấy khai sinh online thế nào\", or remove the line",
            ))
        } else if n > MAX_QUESTION_CHARS {
            Some(
                Diagnostic::error(format!(
                    "the question is {n} characters long; at most {MAX_QUESTION_CHARS}"
                ))
                .hint("shorten it to what someone would type into a search box or a chat"),
            )
        } else if seen.contains(&key) {
            Some(
                Diagnostic::warning("this question repeats the title or another question")
                    .hint("questions differing only in tone marks, case or punctuation are the same to search: remove one"),
            )
        } else {
            None
        };
        seen.push(key);
        let nth = bump(&mut count, q);
        if let Some(d) = problem {
            let src = &g.doc.source;
            sink.push(match locate_nth(&g.doc.yaml(), "questions", q, nth) {
                Some((line, col, len)) => d.at(&src.path, &src.text, line, col, len),
                None => d.in_file(&src.path),
            });
        }
    }
}

/// Each synonym has words and alternatives, is listed once, and is not
/// one of its own alternatives.
fn check_synonyms(p: &Project, sink: &Sink) {
    let src = &p.site_source;
    let yaml = Yaml {
        text: &src.text,
        first_line: 1,
    };
    let at = |value: &str, nth: usize, d: Diagnostic| match locate_nth(&yaml, "search", value, nth)
    {
        Some((line, col, len)) => d.at(&src.path, &src.text, line, col, len),
        None => d.in_file(&src.path),
    };
    let synonyms = &p.site.search.synonyms;
    if synonyms.len() > MAX_SYNONYMS {
        let d = Diagnostic::error(format!(
            "{} synonyms; at most {MAX_SYNONYMS}",
            synonyms.len()
        ))
        .hint("keep the abbreviations and everyday names people really type");
        sink.push(at("synonyms", 0, d));
    }
    // Occurrences of each text so far, to point at the right one.
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (word, alternatives) in synonyms {
        let nth = bump(&mut count, word);
        if let Some(d) = check_word(word, "synonym") {
            sink.push(at(word, nth, d));
            continue;
        }
        let key = search_key(word);
        if let Some(first) = seen.insert(key, word) {
            let d = Diagnostic::error(format!("synonym `{word}` is listed twice"))
                .hint(format!("search treats it like `{first}` (tone marks, case and punctuation aside): merge the two lists"));
            sink.push(at(word, nth, d));
        }
        if alternatives.is_empty() || alternatives.len() > MAX_ALTERNATIVES {
            let d = Diagnostic::error(format!(
                "synonym `{word}` needs 1 to {MAX_ALTERNATIVES} alternatives, has {}",
                alternatives.len()
            ))
            .hint(
                "list the words the guides use for it, e.g. `cccd: [căn cước công dân, căn cước]`",
            );
            sink.push(at(word, nth, d));
        }
        for alt in alternatives {
            let alt_nth = bump(&mut count, alt);
            let problem = check_word(alt, "alternative").or_else(|| {
                (search_key(alt) == search_key(word)).then(|| {
                    Diagnostic::error(format!("`{alt}` is the synonym `{word}` itself"))
                        .hint("list other words for it, as the guides write them")
                })
            });
            if let Some(d) = problem {
                sink.push(at(alt, alt_nth, d));
            }
        }
    }
}

/// A synonym or alternative with words, not too long.
fn check_word(text: &str, what: &str) -> Option<Diagnostic> {
    let n = text.chars().count();
    if search_key(text).is_empty() {
        Some(
            Diagnostic::error(format!("a {what} without letters or digits"))
                .hint("write it as people type it, e.g. `cccd` or `căn cước công dân`"),
        )
    } else if n > MAX_SYNONYM_CHARS {
        Some(
            Diagnostic::error(format!(
                "the {what} is {n} characters long; at most {MAX_SYNONYM_CHARS}"
            ))
            .hint("a few words, as people type them or as the guides write them"),
        )
    } else {
        None
    }
}

/// How many times `text` was met before (0 the first time), counting this one.
fn bump<'a>(count: &mut BTreeMap<&'a str, usize>, text: &'a str) -> usize {
    let n = count.entry(text).or_default();
    *n += 1;
    *n - 1
}

/// File line, column and length of the `nth` occurrence (from 0) of
/// `value` under the top-level `key`; the key's line when not found (an
/// empty or escaped value).
fn locate_nth(
    yaml: &Yaml<'_>,
    key: &str,
    value: &str,
    nth: usize,
) -> Option<(usize, usize, usize)> {
    let (key_line, _) = locate_key(yaml, key)?;
    if value.trim().is_empty() {
        return Some((key_line, 1, key.len()));
    }
    let start = key_line - yaml.first_line;
    let mut left = nth;
    for (i, line) in yaml.text.lines().enumerate().skip(start) {
        if i > start && !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty() {
            break; // the next top-level key
        }
        let code = line.split(" #").next().unwrap_or(line);
        for (pos, _) in code.match_indices(value) {
            if is_whole(code, pos, value.len()) {
                if left == 0 {
                    let col = code[..pos].chars().count() + 1;
                    return Some((yaml.first_line + i, col, value.chars().count().max(1)));
                }
                left -= 1;
            }
        }
    }
    Some((key_line, 1, key.len()))
}

/// Whether `text[pos..pos + len]` is not part of a longer word.
fn is_whole(text: &str, pos: usize, len: usize) -> bool {
    let word = |c: char| c.is_alphanumeric();
    text[..pos].chars().next_back().is_none_or(|c| !word(c))
        && text[pos + len..].chars().next().is_none_or(|c| !word(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_keys_fold_marks_case_and_punctuation() {
        assert_eq!(search_key("Hộ khẩu?"), "ho khau");
        assert_eq!(search_key("  CCCD  "), "cccd");
        assert_eq!(search_key("hoà"), search_key("hòa"));
        assert_eq!(search_key("Đổi bằng-lái"), "doi bang lai");
        assert_eq!(search_key("?!"), "");
    }

    #[test]
    fn finds_the_nth_occurrence_under_a_key() {
        let text = "title: cccd\nsearch:\n  synonyms:\n    cccd: [căn cước]\n    \"CCCD\": [căn cước công dân]\ncheck: {}\n";
        let yaml = Yaml {
            text,
            first_line: 1,
        };
        assert_eq!(locate_nth(&yaml, "search", "cccd", 0), Some((4, 5, 4)));
        assert_eq!(locate_nth(&yaml, "search", "căn cước", 1), Some((5, 14, 8)));
        // Not found: the key's line.
        assert_eq!(locate_nth(&yaml, "search", "xyz", 0), Some((2, 1, 6)));
    }
}
