//! Results pages: the charts of `content/data/` as inline SVG (title and
//! description for screen readers) with the same figures in a table beside
//! each chart. Per unit (`ket-qua/`) from its rows, and for the city
//! (`public/ket-qua/`) from the `thanh-pho` rows.

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Rendered, Renderer, Shared, Stage, Stats, Units, one};
use crate::data::{CITY, ChartSpec, Dataset, Row};
use crate::diag::Diagnostic;
use crate::markdown::escape;
use crate::output::{Depends, Output};
use crate::resolve::UnitSite;
use crate::theme::{Text, fill};

/// Where a unit's results page is.
pub const PAGE: &str = crate::paths::RESULTS;

/// A unit's results page, when the data has rows for it.
pub struct Results;

impl Renderer for Results {
    fn name(&self) -> &'static str {
        "results"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let t = &sh.theme.text;
        let datasets = view(t, sh.datasets, &site.unit.slug, &site.unit.colour);
        if datasets.is_empty() {
            return Ok(Stats::default());
        }
        let mut ctx = super::pages::page_context(site, sh, PAGE, &t.results_title, &t.results_lead);
        ctx.insert("datasets", &datasets);
        // Absolute: a unit folder is uploaded alone, the city page is not in it.
        ctx.insert(
            "city_url",
            &has_city(sh.datasets).then(|| format!("{}{PAGE}", sh.project.site.base_url)),
        );
        let page = crate::paths::in_unit(&site.unit.slug, PAGE);
        one(out.emit(&page, Depends::Loose, || {
            sh.template("results.html", &ctx, &page)
        }))?;
        Ok(Stats {
            pages: 1,
            ..Stats::default()
        })
    }
}

/// The city's results page, `ket-qua/index.html` beside the hub, when the
/// data has rows for the city.
pub struct CityResults;

impl Renderer for CityResults {
    fn name(&self) -> &'static str {
        "city results"
    }

    fn stage(&self) -> Stage {
        Stage::City
    }

    fn render_all(&self, _units: &Units, sh: &Shared, out: &Output) -> Rendered {
        one(city(sh, out))?;
        Ok(Stats::default())
    }
}

fn city(sh: &Shared, out: &Output) -> Result<(), Diagnostic> {
    if !has_city(sh.datasets) {
        return Ok(());
    }
    let p = sh.project;
    let mut ctx = tera::Context::new();
    ctx.insert("site", &super::views::SiteView::new(p));
    ctx.insert("t", &sh.theme.strings);
    ctx.insert("root", "../");
    ctx.insert(
        "canonical",
        &format!("{}{}", p.site.base_url, PAGE.trim_end_matches("index.html")),
    );
    ctx.insert(
        "datasets",
        &view(&sh.theme.text, sh.datasets, CITY, crate::colour::CITY_BLUE),
    );
    out.emit(PAGE, Depends::Loose, || {
        sh.template("results-city.html", &ctx, PAGE)
    })
}

/// `58,1` / `15.400`: Vietnamese number format.
pub fn number(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        let digits = format!("{}", v.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        if v < 0.0 {
            out.insert(0, '-');
        }
        out
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

fn with_unit(v: f64, unit: &str) -> String {
    match unit {
        "" => number(v),
        "%" => format!("{}%", number(v)),
        u => format!("{} {u}", number(v)),
    }
}

/// "10/2026" from "2026-10".
pub fn month_label(m: &str) -> String {
    let (y, mo) = m.split_once('-').unwrap_or((m, ""));
    format!("{}/{y}", mo.trim_start_matches('0'))
}

/// "T3" on the axis ("T1/2026" for the first month, which gives the year).
fn short_month(m: &str, first: bool) -> String {
    let (y, mo) = m.split_once('-').unwrap_or((m, ""));
    let mo = mo.trim_start_matches('0');
    if first {
        format!("T{mo}/{y}")
    } else {
        format!("T{mo}")
    }
}

/// A round upper bound for the axis.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * mag >= v {
            return step * mag;
        }
    }
    10.0 * mag
}

/// A chart's frame: its size, margins and the value at the top of the axis.
struct Plot {
    w: f64,
    h: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    max: f64,
    /// Number of months.
    n: f64,
}

impl Plot {
    fn new(chart: &ChartSpec, values: &[f64]) -> Plot {
        let top_value = values
            .iter()
            .copied()
            .chain(chart.target)
            .fold(0.0, f64::max);
        let max = if chart.unit == "%" && top_value <= 100.0 {
            100.0
        } else {
            nice_max(top_value)
        };
        Plot {
            w: 640.0,
            h: 300.0,
            left: 64.0,
            right: 16.0,
            top: 24.0,
            bottom: 40.0,
            max,
            n: values.len().max(1) as f64,
        }
    }

    fn plot_w(&self) -> f64 {
        self.w - self.left - self.right
    }

    fn plot_h(&self) -> f64 {
        self.h - self.top - self.bottom
    }

    /// The centre of month `i`.
    fn x(&self, i: usize) -> f64 {
        self.left + self.plot_w() * (i as f64 + 0.5) / self.n
    }

    fn y(&self, v: f64) -> f64 {
        self.top + self.plot_h() * (1.0 - v / self.max)
    }
}

/// One chart as inline SVG.
pub fn svg(t: &Text, id: &str, chart: &ChartSpec, rows: &[&Row], colour: &str) -> String {
    let values: Vec<f64> = rows.iter().map(|r| r.values[&chart.column]).collect();
    let p = Plot::new(chart, &values);
    let (w, h) = (p.w, p.h);
    let desc = describe(t, chart, rows);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(&chart.title),
        escape(&desc)
    );
    axes(&mut s, &p, t, chart, rows);
    marks(&mut s, &p, chart, &values, colour);
    if let (Some(last), Some(v)) = (rows.len().checked_sub(1), values.last()) {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"chart__value\" text-anchor=\"middle\">{}</text>",
            p.x(last),
            p.y(*v) - 10.0,
            escape(&with_unit(*v, &chart.unit))
        );
    }
    s.push_str("</svg>");
    s
}

/// Grid lines with their values, the months, and the target line.
fn axes(s: &mut String, p: &Plot, t: &Text, chart: &ChartSpec, rows: &[&Row]) {
    let (w, h, left, right, bottom) = (p.w, p.h, p.left, p.right, p.bottom);
    for k in 0..=4 {
        let v = p.max * k as f64 / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"chart__grid\"/><text x=\"{}\" y=\"{:.1}\" class=\"chart__axis\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 6.0,
            p.y(v) + 4.0,
            escape(&with_unit(v, &chart.unit)),
            y = p.y(v)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" class=\"chart__axis\" text-anchor=\"middle\">{}</text>",
            p.x(i),
            h - bottom + 18.0,
            escape(&short_month(&r.month, i == 0))
        );
    }
    if let Some(target) = chart.target {
        let label = fill(
            &t.chart_target,
            &[("value", &with_unit(target, &chart.unit))],
        );
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"chart__target\"/><text x=\"{}\" y=\"{:.1}\" class=\"chart__axis\" text-anchor=\"end\">{}</text>",
            w - right,
            w - right,
            p.y(target) - 6.0,
            escape(&label),
            y = p.y(target)
        );
    }
}

/// The bars, or the line and its points.
fn marks(s: &mut String, p: &Plot, chart: &ChartSpec, values: &[f64], colour: &str) {
    match chart.kind.as_str() {
        "bar" => {
            let bw = p.plot_w() / p.n * 0.6;
            for (i, v) in values.iter().enumerate() {
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{colour}\"/>",
                    p.x(i) - bw / 2.0,
                    p.y(*v),
                    p.top + p.plot_h() - p.y(*v)
                );
            }
        }
        _ => {
            let points: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", p.x(i), p.y(*v)))
                .collect();
            let _ = write!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"3\"/>",
                points.join(" ")
            );
            for (i, v) in values.iter().enumerate() {
                let _ = write!(
                    s,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"/>",
                    p.x(i),
                    p.y(*v)
                );
            }
        }
    }
}

/// What the chart shows, in one sentence for screen readers.
fn describe(t: &Text, chart: &ChartSpec, rows: &[&Row]) -> String {
    let v = |r: &Row| with_unit(r.values[&chart.column], &chart.unit);
    let title = chart.title.as_str();
    match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if rows.len() > 1 => fill(
            &t.chart_many,
            &[
                ("title", title),
                ("first", &month_label(&a.month)),
                ("a", &v(a)),
                ("last", &month_label(&b.month)),
                ("b", &v(b)),
            ],
        ),
        (Some(a), _) => fill(
            &t.chart_one,
            &[
                ("title", title),
                ("first", &month_label(&a.month)),
                ("a", &v(a)),
            ],
        ),
        _ => fill(&t.chart_none, &[("title", title)]),
    }
}

/// What the results templates see for one unit (or `CITY`): the datasets
/// with rows for it, each chart with its SVG and its table rows.
pub fn view(t: &Text, datasets: &[Dataset], unit: &str, colour: &str) -> Vec<Value> {
    datasets
        .iter()
        .filter_map(|d| {
            let rows = d.series(unit);
            if rows.is_empty() {
                return None;
            }
            let charts: Vec<Value> = d
                .spec
                .charts
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let id = format!("bd-{}-{i}", d.slug);
                    json!({
                        "id": id,
                        "title": c.title,
                        "unit": c.unit,
                        "svg": svg(t, &id, c, &rows, colour),
                        "rows": rows.iter().map(|r| json!({
                            "month": month_label(&r.month),
                            "value": with_unit(r.values[&c.column], &c.unit),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            Some(json!({
                "slug": d.slug,
                "title": d.spec.title,
                "source": d.spec.source,
                "charts": charts,
            }))
        })
        .collect()
}

pub fn has_city(datasets: &[Dataset]) -> bool {
    datasets.iter().any(|d| !d.series(CITY).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_vietnamese_way() {
        assert_eq!(number(15400.0), "15.400");
        assert_eq!(number(58.14), "58,1");
        assert_eq!(with_unit(80.0, "%"), "80%");
        assert_eq!(month_label("2026-03"), "3/2026");
        assert_eq!(nice_max(73.0), 100.0);
        assert_eq!(nice_max(420.0), 500.0);
    }
}
