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

/// Where a unit's results page is.
pub const PAGE: &str = crate::paths::RESULTS;

/// A unit's results page, when the data has rows for it.
pub struct Results;

impl Renderer for Results {
    fn name(&self) -> &'static str {
        "results"
    }

    fn render(&self, site: &UnitSite, sh: &Shared, out: &Output) -> Rendered {
        let datasets = view(sh.datasets, &site.unit.slug, &site.unit.colour);
        if datasets.is_empty() {
            return Ok(Stats::default());
        }
        let t = |k: &str| sh.theme.strings.get(k).cloned().unwrap_or_default();
        let mut ctx =
            super::pages::page_context(site, sh, PAGE, &t("results_title"), &t("results_lead"));
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
    ctx.insert("datasets", &view(sh.datasets, CITY, "#0b5394"));
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

/// One chart as inline SVG.
pub fn svg(id: &str, chart: &ChartSpec, rows: &[&Row], colour: &str) -> String {
    let (w, h) = (640.0, 300.0);
    let (left, right, top, bottom) = (64.0, 16.0, 24.0, 40.0);
    let values: Vec<f64> = rows.iter().map(|r| r.values[&chart.column]).collect();
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
    let n = values.len().max(1) as f64;
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let x = |i: usize| left + plot_w * (i as f64 + 0.5) / n;
    let y = |v: f64| top + plot_h * (1.0 - v / max);
    let desc = describe(chart, rows);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        escape(&chart.title),
        escape(&desc)
    );
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"chart__grid\"/><text x=\"{}\" y=\"{:.1}\" class=\"chart__axis\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 6.0,
            y(v) + 4.0,
            escape(&with_unit(v, &chart.unit)),
            y = y(v)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" class=\"chart__axis\" text-anchor=\"middle\">{}</text>",
            x(i),
            h - bottom + 18.0,
            escape(&short_month(&r.month, i == 0))
        );
    }
    if let Some(t) = chart.target {
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"chart__target\"/><text x=\"{}\" y=\"{:.1}\" class=\"chart__axis\" text-anchor=\"end\">Mục tiêu {}</text>",
            w - right,
            w - right,
            y(t) - 6.0,
            escape(&with_unit(t, &chart.unit)),
            y = y(t)
        );
    }
    match chart.kind.as_str() {
        "bar" => {
            let bw = plot_w / n * 0.6;
            for (i, v) in values.iter().enumerate() {
                let _ = write!(
                    s,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{colour}\"/>",
                    x(i) - bw / 2.0,
                    y(*v),
                    top + plot_h - y(*v)
                );
            }
        }
        _ => {
            let points: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
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
                    x(i),
                    y(*v)
                );
            }
        }
    }
    if let (Some(last), Some(v)) = (rows.len().checked_sub(1), values.last()) {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" class=\"chart__value\" text-anchor=\"middle\">{}</text>",
            x(last),
            y(*v) - 10.0,
            escape(&with_unit(*v, &chart.unit))
        );
    }
    s.push_str("</svg>");
    s
}

/// What the chart shows, in one sentence for screen readers.
fn describe(chart: &ChartSpec, rows: &[&Row]) -> String {
    let v = |r: &Row| with_unit(r.values[&chart.column], &chart.unit);
    match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if rows.len() > 1 => format!(
            "{}: tháng {} là {}, tháng {} là {}. Số liệu từng tháng ở bảng bên cạnh.",
            chart.title,
            month_label(&a.month),
            v(a),
            month_label(&b.month),
            v(b)
        ),
        (Some(a), _) => format!(
            "{}: tháng {} là {}.",
            chart.title,
            month_label(&a.month),
            v(a)
        ),
        _ => format!("{}: chưa có số liệu.", chart.title),
    }
}

/// What the results templates see for one unit (or `CITY`): the datasets
/// with rows for it, each chart with its SVG and its table rows.
pub fn view(datasets: &[Dataset], unit: &str, colour: &str) -> Vec<Value> {
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
                        "svg": svg(&id, c, &rows, colour),
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
