//! Results data: `content/data/<name>.csv` (one row per month and unit) with
//! `content/data/<name>.yaml` saying what to chart. The plan asks units to
//! publish their results (share of dossiers filed online, satisfaction,
//! people guided); sotay turns the table into accessible charts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::Project;
use crate::diag::{Diagnostic, Sink};

/// The unit column's value for figures of the whole city.
pub const CITY: &str = "thanh-pho";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    pub title: String,
    /// Where the figures come from (shown under every chart).
    pub source: String,
    pub charts: Vec<ChartSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSpec {
    /// The CSV column charted.
    pub column: String,
    pub title: String,
    /// `line` or `bar`.
    pub kind: String,
    /// Unit of the values: `%`, `người`, `hồ sơ`…
    #[serde(default)]
    pub unit: String,
    /// A target drawn as a dashed line (e.g. the plan's 80 %).
    #[serde(default)]
    pub target: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Row {
    /// `YYYY-MM`.
    pub month: String,
    pub unit: String,
    pub values: BTreeMap<String, f64>,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub slug: String,
    pub spec: DataSpec,
    pub rows: Vec<Row>,
}

impl Dataset {
    /// Rows of one unit (or `CITY`), by month.
    pub fn series(&self, unit: &str) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self.rows.iter().filter(|r| r.unit == unit).collect();
        rows.sort_by(|a, b| a.month.cmp(&b.month));
        rows
    }
}

const MONTH: &str = "thang";
const UNIT: &str = "don_vi";

/// The 1-based character column where field `i` starts on a CSV line. Quotes
/// are respected: a quoted cell may hold commas ("58,1").
fn field_column(line: &str, i: usize) -> usize {
    let mut field = 0;
    let mut quoted = false;
    for (col, c) in line.chars().enumerate() {
        if field == i {
            return col + 1;
        }
        match c {
            // An escaped quote ("") toggles twice.
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

/// Every dataset under content/data, checked; errors name file, row and column.
pub fn load(p: &Project, sink: &Sink) -> Vec<Dataset> {
    let dir = p.root.join("content/data");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut csvs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    csvs.sort();
    csvs.iter()
        .filter_map(|csv| load_one(p, csv, sink))
        .collect()
}

fn shown(p: &Project, path: &Path) -> PathBuf {
    path.strip_prefix(&p.root).unwrap_or(path).to_owned()
}

fn load_one(p: &Project, csv_path: &Path, sink: &Sink) -> Option<Dataset> {
    let slug = csv_path.file_stem()?.to_string_lossy().into_owned();
    let csv_shown = shown(p, csv_path);
    let (yaml_shown, yaml, spec) = read_spec(p, csv_path, &csv_shown, sink)?;
    let text = match std::fs::read(csv_path) {
        Ok(b) => crate::content::source::normalise(&String::from_utf8_lossy(&b)).0,
        Err(e) => {
            sink.push(Diagnostic::error(format!("cannot read: {e}")).in_file(&csv_shown));
            return None;
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => {
            sink.push(
                Diagnostic::error(format!("cannot read the header: {e}"))
                    .at(&csv_shown, &text, 1, 1, 1),
            );
            return None;
        }
    };
    let f = DataFiles {
        csv_shown,
        yaml_shown,
        yaml,
        text: &text,
        header,
    };
    if !f.check_columns(&spec, sink) {
        return None;
    }
    let units: Vec<&str> = p.units.iter().map(|u| u.slug.as_str()).collect();
    let mut ok = true;
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let (row, row_ok) = f.row(&record, &spec, &units, sink);
                ok &= row_ok;
                rows.push(row);
            }
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as usize);
                sink.push(Diagnostic::error(format!("bad row: {e}")).at(
                    &f.csv_shown,
                    f.text,
                    line,
                    1,
                    1,
                ));
                ok = false;
            }
        }
    }
    ok.then_some(Dataset { slug, spec, rows })
}

/// The chart settings beside a CSV file: where it is shown, its text, parsed.
fn read_spec(
    p: &Project,
    csv_path: &Path,
    csv_shown: &Path,
    sink: &Sink,
) -> Option<(PathBuf, String, DataSpec)> {
    let yaml_path = csv_path.with_extension("yaml");
    let yaml_shown = shown(p, &yaml_path);
    let Ok(yaml) = std::fs::read_to_string(&yaml_path) else {
        sink.push(
            Diagnostic::error(format!(
                "{} has no {}",
                csv_shown.display(),
                yaml_shown.display()
            ))
            .in_file(csv_shown)
            .hint(
                "add the YAML beside it: title, source and the charts (column, title, kind, unit)",
            ),
        );
        return None;
    };
    let (yaml, _) = crate::content::source::normalise(&yaml);
    match yaml_serde::from_str(&yaml) {
        Ok(spec) => Some((yaml_shown, yaml, spec)),
        Err(e) => {
            let line = e.location().map_or(1, |l| l.line());
            sink.push(
                Diagnostic::error(format!("chart settings: {e}"))
                    .at(&yaml_shown, &yaml, line, 1, 1)
                    .hint(
                        "keys: title, source, charts (column, title, kind: line|bar, unit, target)",
                    ),
            );
            None
        }
    }
}

/// A dataset's CSV and YAML as read, for checking and locating problems.
struct DataFiles<'t> {
    csv_shown: PathBuf,
    yaml_shown: PathBuf,
    yaml: String,
    text: &'t str,
    header: Vec<String>,
}

impl DataFiles<'_> {
    /// The CSV has the month and unit columns and every charted one; chart
    /// kinds are known. False after reporting a problem.
    fn check_columns(&self, spec: &DataSpec, sink: &Sink) -> bool {
        let (header, text, yaml) = (&self.header, self.text, &self.yaml);
        let (csv_shown, yaml_shown) = (&self.csv_shown, &self.yaml_shown);
        let mut ok = true;
        for need in [MONTH, UNIT] {
            if !header.iter().any(|h| h == need) {
                sink.push(
                    Diagnostic::error(format!("column `{need}` is missing"))
                        .at(csv_shown, text, 1, 1, text.lines().next().map_or(1, |l| l.chars().count()))
                        .hint("the first row names the columns: thang (YYYY-MM), don_vi (a unit's file name or thanh-pho), then the figures"),
                );
                ok = false;
            }
        }
        for c in &spec.charts {
            if !header.iter().any(|h| h == &c.column) {
                let hint = crate::diag::closest(&c.column, header.iter().map(String::as_str))
                    .map_or(format!("columns: {}", header.join(", ")), |h| {
                        format!("did you mean `{h}`?")
                    });
                let line = yaml
                    .lines()
                    .position(|l| l.contains(&c.column))
                    .map_or(1, |i| i + 1);
                sink.push(
                    Diagnostic::error(format!(
                        "chart column `{}` is not in {}",
                        c.column,
                        csv_shown.display()
                    ))
                    .at(yaml_shown, yaml, line, 1, 1)
                    .hint(hint),
                );
                ok = false;
            }
            if !matches!(c.kind.as_str(), "line" | "bar") {
                let line = yaml
                    .lines()
                    .position(|l| l.contains(&format!("kind: {}", c.kind)))
                    .map_or(1, |i| i + 1);
                sink.push(
                    Diagnostic::error(format!("unknown chart kind `{}`", c.kind))
                        .at(yaml_shown, yaml, line, 1, 1)
                        .hint("kind is line (a trend over months) or bar (amounts per month)"),
                );
                ok = false;
            }
        }
        ok
    }

    /// One CSV row: a month, a known unit (or the city) and a number per
    /// chart; the flag is false after reporting a problem.
    fn row(
        &self,
        record: &csv::StringRecord,
        spec: &DataSpec,
        units: &[&str],
        sink: &Sink,
    ) -> (Row, bool) {
        let line = record.position().map_or(1, |p| p.line() as usize);
        let cell = |name: &str| -> (usize, &str) {
            let i = self.header.iter().position(|h| h == name).unwrap_or(0);
            (i, record.get(i).unwrap_or(""))
        };
        let at = |i: usize, value: &str, d: Diagnostic| {
            let col = field_column(self.text.lines().nth(line - 1).unwrap_or(""), i);
            d.at(
                &self.csv_shown,
                self.text,
                line,
                col,
                value.chars().count().max(1),
            )
        };
        let mut ok = true;
        let (mi, month) = cell(MONTH);
        if !is_month(month) {
            sink.push(at(
                mi,
                month,
                Diagnostic::error(format!(
                    "row {line}, column {MONTH}: `{month}` is not a month"
                ))
                .hint("write the month as YYYY-MM, e.g. 2026-10"),
            ));
            ok = false;
        }
        let (ui, unit) = cell(UNIT);
        if unit != CITY && !units.contains(&unit) {
            let hint = crate::diag::closest(unit, units.iter().copied())
                .map_or(format!("write a unit's file name or {CITY}"), |c| {
                    format!("did you mean `{c}`?")
                });
            sink.push(at(
                ui,
                unit,
                Diagnostic::error(format!("row {line}, column {UNIT}: unknown unit `{unit}`"))
                    .hint(hint),
            ));
            ok = false;
        }
        let mut values = BTreeMap::new();
        for c in &spec.charts {
            let (i, raw) = cell(&c.column);
            // Vietnamese decimal comma is welcome in a quoted cell: "58,1".
            match raw.replace(',', ".").parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    values.insert(c.column.clone(), v);
                }
                _ => {
                    sink.push(at(i, raw, Diagnostic::error(format!("row {line}, column {}: `{raw}` is not a number", c.column))
                        .hint("write digits only, with a point or a quoted comma for decimals (58.1 or \"58,1\"), no % sign")));
                    ok = false;
                }
            }
        }
        let row = Row {
            month: month.to_owned(),
            unit: unit.to_owned(),
            values,
        };
        (row, ok)
    }
}

/// `YYYY-MM` with a month from 01 to 12.
fn is_month(month: &str) -> bool {
    month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month[..4].parse::<u16>().is_ok()
        && month[5..]
            .parse::<u8>()
            .is_ok_and(|m| (1..=12).contains(&m))
}

#[cfg(test)]
mod tests {
    use super::field_column;

    #[test]
    fn columns_count_quoted_commas_as_text() {
        let line = "2026-10,\"58,1\",xã-ba-vì,\"a \"\"b\"\", c\",x";
        assert_eq!(field_column(line, 0), 1);
        assert_eq!(field_column(line, 1), 9);
        assert_eq!(field_column(line, 2), 16);
        // Characters, not bytes: "xã-ba-vì" is 8 characters.
        assert_eq!(field_column(line, 3), 25);
        assert_eq!(field_column(line, 4), 38);
        assert_eq!(field_column("a,b", 5), 4);
    }
}
