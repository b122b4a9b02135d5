//! WebVTT captions (W3C WebVTT, the file format browsers' `<track>` reads),
//! checked strictly enough that what the page shows is what the editor
//! meant: the `WEBVTT` header, each cue's timing line, cues in order, each
//! ending after it starts. Every problem is located in the .vtt file.

use crate::content::Source;
use crate::diag::Diagnostic;

/// One caption: when it shows, and its text without markup.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// Milliseconds from the start.
    pub start: u64,
    pub end: u64,
    /// Plain text: tags (`<v Người nói>`, `<i>`…) dropped, entities read.
    pub text: String,
}

/// The cues of a captions file, or a located error for each problem.
pub fn parse(src: &Source) -> Result<Vec<Cue>, Vec<Diagnostic>> {
    let text = src.text.as_str();
    let lines: Vec<&str> = text.split('\n').collect();
    let err = |line: usize, col: usize, len: usize, message: String, hint: &str| {
        Diagnostic::error(message)
            .at(&src.path, text, line + 1, col + 1, len.max(1))
            .hint(hint.to_owned())
    };
    let mut problems = Vec::new();
    let first = lines.first().copied().unwrap_or("");
    let header_ok = first == "WEBVTT"
        || first
            .strip_prefix("WEBVTT")
            .is_some_and(|r| r.starts_with([' ', '\t']));
    if !header_ok {
        return Err(vec![err(
            0,
            0,
            first.chars().count(),
            "a captions file must start with the line `WEBVTT`".into(),
            "make `WEBVTT` the first line, then a blank line, then the cues; save as WebVTT (.vtt), not SubRip (.srt)",
        )]);
    }
    let mut cues: Vec<Cue> = Vec::new();
    let mut last_start: Option<(u64, usize)> = None;
    let mut i = skip_block(&lines, 0);
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let head = lines[i];
        if ["NOTE", "STYLE", "REGION"].iter().any(|k| {
            head.strip_prefix(k)
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        }) {
            i = skip_block(&lines, i);
            continue;
        }
        // An identifier line, then the timing line.
        let timing = if head.contains("-->") { i } else { i + 1 };
        let Some(tline) = lines.get(timing).filter(|l| l.contains("-->")) else {
            problems.push(err(
                i,
                0,
                head.chars().count(),
                "this caption has no timing line".into(),
                "each caption starts with a line like `00:00:01.000 --> 00:00:04.000` (an optional name line before it), then its text, then a blank line",
            ));
            i = skip_block(&lines, i);
            continue;
        };
        let end_of_block = skip_block(&lines, i);
        match timing_line(tline) {
            Err((col, len, what)) => problems.push(err(
                timing,
                col,
                len,
                format!("caption timing `{what}` is not a WebVTT time"),
                "write times as hours:minutes:seconds.milliseconds or minutes:seconds.milliseconds, e.g. `00:01:02.500 --> 00:01:05.000` (a dot before the milliseconds, not a comma)",
            )),
            Ok((start, end)) => {
                if end <= start {
                    problems.push(err(
                        timing,
                        0,
                        tline.chars().count(),
                        format!(
                            "this caption ends at {} but starts at {}",
                            show(end),
                            show(start)
                        ),
                        "the time after `-->` is when the caption disappears: it must be later than the time before it",
                    ));
                } else if let Some((prev, line)) = last_start.filter(|(p, _)| start < *p) {
                    problems.push(err(
                        timing,
                        0,
                        tline.chars().count(),
                        format!(
                            "captions are out of order: this one starts at {}, before the one on line {} ({})",
                            show(start),
                            line + 1,
                            show(prev)
                        ),
                        "put the captions in the order they are spoken, each starting no earlier than the one before",
                    ));
                }
                last_start = Some((start, timing));
                let payload = &lines[timing + 1..end_of_block];
                if let Some(k) = payload.iter().position(|l| l.contains("-->")) {
                    problems.push(err(
                        timing + 1 + k,
                        0,
                        payload[k].chars().count(),
                        "a caption's text cannot contain `-->`".into(),
                        "a blank line is probably missing before this caption's timing line",
                    ));
                }
                let text = payload
                    .iter()
                    .map(|l| plain(l))
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                if !text.is_empty() {
                    cues.push(Cue { start, end, text });
                }
            }
        }
        i = end_of_block;
    }
    if problems.is_empty() && cues.is_empty() {
        problems.push(err(
            0,
            0,
            first.chars().count(),
            "the captions file has no captions".into(),
            "write what is said and shown, as cues: a timing line `00:00:01.000 --> 00:00:04.000`, the text, a blank line",
        ));
    }
    if problems.is_empty() {
        Ok(cues)
    } else {
        Err(problems)
    }
}

/// The line after the block starting at `i` (blocks end at a blank line).
fn skip_block(lines: &[&str], i: usize) -> usize {
    let mut j = i;
    while j < lines.len() && !lines[j].trim().is_empty() {
        j += 1;
    }
    j
}

/// `start --> end [settings]` in milliseconds, or the column, length and
/// text of the first time that is not one.
fn timing_line(line: &str) -> Result<(u64, u64), (usize, usize, String)> {
    let (a, b) = line.split_once("-->").unwrap_or((line, ""));
    let start = a.trim();
    let start_col = a.len() - a.trim_start().len();
    let start_ms = time(start).ok_or((start_col, start.chars().count(), start.to_owned()))?;
    let b_trim = b.trim_start();
    let end_col = a.len() + 3 + (b.len() - b_trim.len());
    let end = b_trim.split([' ', '\t']).next().unwrap_or("");
    let end_ms = time(end).ok_or((
        line[..end_col].chars().count(),
        end.chars().count(),
        end.to_owned(),
    ))?;
    Ok((start_ms, end_ms))
}

/// `hh:mm:ss.ttt` or `mm:ss.ttt` (hours two or more digits; minutes and
/// seconds under 60) in milliseconds.
fn time(s: &str) -> Option<u64> {
    let (clock, ms) = s.split_once('.')?;
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(ms, 3) {
        return None;
    }
    let parts: Vec<&str> = clock.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [m, s] => ("0", *m, *s),
        [h, m, s] if h.len() >= 2 && h.bytes().all(|b| b.is_ascii_digit()) => (*h, *m, *s),
        _ => return None,
    };
    if !digits(m, 2) || !digits(sec, 2) {
        return None;
    }
    let (h, m, sec, ms): (u64, u64, u64, u64) = (
        h.parse().ok()?,
        m.parse().ok()?,
        sec.parse().ok()?,
        ms.parse().ok()?,
    );
    (m < 60 && sec < 60).then(|| ((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// A time as it is written in the file, for messages.
fn show(ms: u64) -> String {
    let s = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ms % 1000
    )
}

/// A caption line without its markup: tags dropped, the entities WebVTT
/// defines read.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(p) = rest.find('<') {
        out.push_str(&rest[..p]);
        rest = rest[p..].find('>').map_or("", |q| &rest[p + q + 1..]);
    }
    out.push_str(rest);
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&lrm;", "")
        .replace("&rlm;", "")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Vec<Cue>, Vec<Diagnostic>> {
        parse(&Source::from_text("content/guides/a/phu-de.vtt", text))
    }

    fn lines_of(ds: &[Diagnostic]) -> Vec<usize> {
        ds.iter()
            .map(|d| d.render(false))
            .map(|r| {
                let at = r.split("phu-de.vtt:").nth(1).unwrap_or("");
                at.split(':').next().unwrap_or("").parse().unwrap_or(0)
            })
            .collect()
    }

    #[test]
    fn good_captions_give_plain_cues() {
        let cues = parse_text(
            "WEBVTT - phụ đề\n\nNOTE ghi chú\nnhiều dòng\n\n1\n00:00:00.500 --> 00:00:02.000 line:90%\n<v Cán bộ>Mở ứng dụng</v> &amp; đăng nhập\n\n00:02.000 --> 00:04.250\nChọn <i>Khai sinh</i>\n",
        )
        .unwrap();
        assert_eq!(
            cues,
            vec![
                Cue {
                    start: 500,
                    end: 2000,
                    text: "Mở ứng dụng & đăng nhập".into()
                },
                Cue {
                    start: 2000,
                    end: 4250,
                    text: "Chọn Khai sinh".into()
                },
            ]
        );
    }

    #[test]
    fn each_problem_is_at_its_line() {
        let e = parse_text("1\n00:00:01.000 --> 00:00:02.000\nA\n").unwrap_err();
        assert!(e[0].message.contains("WEBVTT"));
        assert_eq!(lines_of(&e), vec![1]);

        let e = parse_text(
            "WEBVTT\n\n00:00:01,000 --> 00:00:02.000\nA\n\n00:00:05.000 --> 00:00:04.000\nB\n\n00:00:06.000 --> 00:00:07.000\nC\n\n00:00:03.000 --> 00:00:08.000\nD\n",
        )
        .unwrap_err();
        assert_eq!(lines_of(&e), vec![3, 6, 12], "{e:?}");
        assert!(e[0].message.contains("00:00:01,000"));
        assert!(e[1].message.contains("ends at"));
        assert!(e[2].message.contains("out of order"));
    }

    #[test]
    fn odd_input_is_an_error_not_a_panic() {
        for text in [
            "WEBVTT\n\n-->",
            "WEBVTT\n\n a --> ",
            "WEBVTT\n\n00:00.000 -->",
            "WEBVTT\n\nđ\u{a0}-->\u{a0}é\n",
            "WEBVTT\n\n00:00.000 --> 00:01.000\n<b",
            "WEBVTT\n\n99:59.999 --> 100:00:00.000\nA",
            "WEBVTT\n\nNOTE\n\nSTYLE\n::cue {}\n\n1\n2\n",
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.000 \u{1F600}\n\u{1F600}\n",
        ] {
            if let Err(ds) = parse_text(text) {
                for d in ds {
                    assert!(!d.render(false).is_empty());
                }
            }
        }
    }

    #[test]
    fn a_missing_blank_line_and_empty_files_are_caught() {
        let e = parse_text(
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA\n00:00:02.000 --> 00:00:03.000\nB\n",
        )
        .unwrap_err();
        assert_eq!(lines_of(&e), vec![5]);
        assert!(parse_text("WEBVTT\n").is_err());
        assert!(parse_text("").is_err());
        assert!(parse_text("WEBVTTX\n\n").is_err());
    }
}
