//! Dated facts as `check` sees them on its date: a rate that has ended is a
//! warning (`--strict` fails on it); a rate that starts or ends within the
//! look-ahead is a notice naming the day and what readers will see from it.

use crate::content::{Date, Fee, Guide, Project, Rate, YamlFile};
use crate::diag::Diagnostic;
use crate::text::format_vnd;
use crate::theme::{FeeText, Text, fill};

/// Every ended rate, and every change within `ahead_days` of `today`.
pub fn facts(p: &Project, today: Date, ahead_days: u32, t: &Text) -> Vec<Diagnostic> {
    let until = today.plus_days(i64::from(ahead_days));
    let mut out = Vec::new();
    for g in super::all_guides(p) {
        for f in &g.doc.meta.fees {
            for r in &f.rates {
                out.extend(ended(g, f, r, today, t));
                out.extend(coming(g, f, r, today, until, t));
            }
        }
    }
    out
}

/// A rate whose last day is before `today`.
fn ended(g: &Guide, f: &Fee, r: &Rate, today: Date, t: &Text) -> Option<Diagnostic> {
    let last = r.valid_until.filter(|d| *d < today)?;
    let now = FeeText::new(f, today, t).lines.join("; ");
    let d = Diagnostic::warning(format!(
        "fee `{}`: the rate {} ({}) ended on {}; pages now read: {now}",
        f.name,
        amount(r, t),
        r.basis,
        last.display_vi()
    ));
    Some(
        at_rate(g, f, &last.to_string(), d)
            .code("ended")
            .hint("remove the rate that ended (or correct its valid_until), and check that the rates left are today's"),
    )
}

/// A rate that starts, or stops, within (`today`, `until`].
fn coming(g: &Guide, f: &Fee, r: &Rate, today: Date, until: Date, t: &Text) -> Vec<Diagnostic> {
    let within = |d: &Date| today < *d && *d <= until;
    let mut out = Vec::new();
    let reads = |day: Date| FeeText::new(f, day, t).lines.join("; ");
    if let Some(day) = r.valid_from.filter(within) {
        out.push((day, "starts", r.valid_from));
    }
    if let Some(day) = r.ends_on().filter(within) {
        out.push((day, "ends", r.valid_until));
    }
    out.into_iter()
        .map(|(day, what, written)| {
            let d = Diagnostic::notice(format!(
                "fee `{}` changes on {}: the rate {} ({}) {what}; from that day pages read: {}",
                f.name,
                day.display_vi(),
                amount(r, t),
                r.basis,
                reads(day)
            ));
            let needle = written.map(|w| w.to_string()).unwrap_or_default();
            at_rate(g, f, &needle, d)
                .code("upcoming")
                .hint("the build picks the new rate on that day by itself; reprint the leaflets the print index lists for it")
        })
        .collect()
}

/// `d` placed at `needle` within fee `f`'s block (several fees may share an
/// end date; each notice points at its own), else at `fees:`.
fn at_rate(g: &Guide, f: &Fee, needle: &str, d: Diagnostic) -> Diagnostic {
    // The file whose front matter sets `fees:` (a unit's version that
    // inherits may take it from the central guide).
    let (src, (start, len)) = g.doc.front_matter("fees");
    let text = &src.text;
    let yaml = &text[start..start + len];
    let found = yaml.find(&f.name).and_then(|at| {
        let within = &yaml[at..];
        within
            .find(needle)
            .filter(|_| !needle.is_empty())
            .map(|i| start + at + i)
    });
    match found {
        Some(offset) => d.at_offset(&src.path, text, offset, needle.len()),
        None => g.doc.locate("fees", None, d),
    }
}

/// "10.000 đ", or "Miễn phí nếu …" for a rate with a condition.
fn amount(r: &Rate, t: &Text) -> String {
    let a = if r.amount == 0 {
        t.fee_free.clone()
    } else {
        format_vnd(r.amount)
    };
    match &r.condition {
        Some(c) => fill(&t.fee_if, &[("amount", &a), ("condition", c)]),
        None => a,
    }
}
