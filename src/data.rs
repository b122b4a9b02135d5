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
    /// Where each (month, unit)'s row was read (file, line).
    origins: BTreeMap<(String, String), (PathBuf, usize)>,
}

impl Dataset {
    /// The months any row gives, oldest first.
    pub fn months(&self) -> Vec<&str> {
        let months: std::collections::BTreeSet<&str> =
            self.rows.iter().map(|r| r.month.as_str()).collect();
        months.into_iter().collect()
    }

    /// Whether the unit has figures for the month.
    pub fn reported(&self, unit: &str, month: &str) -> bool {
        self.origins
            .contains_key(&(month.to_owned(), unit.to_owned()))
    }

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

/// Every dataset under content/data, checked, with the figures units keep
/// in their own folders (`content/units/<unit>/data/<name>.csv`) merged in;
/// errors name file, row and column.
pub fn load(p: &Project, sink: &Sink) -> Vec<Dataset> {
    let csvs = csv_files(p, &p.root.join("content/data"));
    let mut datasets: Vec<Dataset> = csvs
        .iter()
        .filter_map(|csv| load_one(p, csv, sink))
        .collect();
    for u in &p.units {
        let dir = p.root.join("content/units").join(&u.slug).join("data");
        for csv in csv_files(p, &dir) {
            merge_unit_file(p, &u.slug, &csv, &mut datasets, sink);
        }
    }
    datasets
}

/// The CSV files of a folder, sorted; a link leading outside the project
/// is never read (loading the content reported it).
fn csv_files(p: &Project, dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut csvs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .filter(|path| inside(&p.root, path))
        .collect();
    csvs.sort();
    csvs
}

fn inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(target)) => target.starts_with(root),
        _ => false,
    }
}

/// A unit's own figures for a city dataset: the same columns, its own
/// rows only (`don_vi` may be left out), no month the city file or another
/// already gives for it.
fn merge_unit_file(p: &Project, unit: &str, csv: &Path, datasets: &mut [Dataset], sink: &Sink) {
    let csv_shown = shown(p, csv);
    let name = csv
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Some(d) = datasets.iter_mut().find(|d| d.slug == name) else {
        let known: Vec<&str> = datasets.iter().map(|d| d.slug.as_str()).collect();
        sink.push(
            Diagnostic::error(format!(
                "a unit's figures follow a city dataset, and there is no content/data/{name}.csv"
            ))
            .in_file(&csv_shown)
            .hint(match known.as_slice() {
                [] => "add the city's dataset (content/data/<name>.csv and .yaml) first".to_owned(),
                names => format!(
                    "name the file after a city dataset: {}",
                    names
                        .iter()
                        .map(|n| format!("{n}.csv"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        );
        return;
    };
    let Some((text, rows)) = read_rows(p, csv, &csv_shown, &d.spec, None, Owner::Unit(unit), sink)
    else {
        return;
    };
    for (row, line) in rows {
        if let Some(&(ref other, other_line)) =
            d.origins.get(&(row.month.clone(), row.unit.clone()))
        {
            sink.push(
                Diagnostic::error(format!(
                    "the figures of {} for {} are given twice",
                    row.unit, row.month
                ))
                .at(&csv_shown, &text, line, 1, 7)
                .hint(format!(
                    "{}:{other_line} has them too; keep one row",
                    other.display()
                )),
            );
            continue;
        }
        d.origins.insert(
            (row.month.clone(), row.unit.clone()),
            (csv_shown.clone(), line),
        );
        d.rows.push(row);
    }
}

fn shown(p: &Project, path: &Path) -> PathBuf {
    path.strip_prefix(&p.root).unwrap_or(path).to_owned()
}

fn load_one(p: &Project, csv_path: &Path, sink: &Sink) -> Option<Dataset> {
    let slug = csv_path.file_stem()?.to_string_lossy().into_owned();
    let csv_shown = shown(p, csv_path);
    let (yaml_shown, yaml, spec) = read_spec(p, csv_path, &csv_shown, sink)?;
    let spec_file = Some((yaml_shown.as_path(), yaml.as_str()));
    let (text, rows) = read_rows(p, csv_path, &csv_shown, &spec, spec_file, Owner::City, sink)?;
    let mut d = Dataset {
        slug,
        spec,
        rows: Vec::new(),
        origins: BTreeMap::new(),
    };
    let mut ok = true;
    for (row, line) in rows {
        let key = (row.month.clone(), row.unit.clone());
        if let Some((_, first)) = d.origins.get(&key) {
            sink.push(
                Diagnostic::error(format!(
                    "the figures of {} for {} are given twice",
                    row.unit, row.month
                ))
                .at(&csv_shown, &text, line, 1, 7)
                .hint(format!("line {first} has them too; keep one row")),
            );
            ok = false;
            continue;
        }
        d.origins.insert(key, (csv_shown.clone(), line));
        d.rows.push(row);
    }
    ok.then_some(d)
}

/// Whose figures a CSV file holds: the city file any unit's (or the
/// city's), a unit's file only its own.
#[derive(Clone, Copy)]
enum Owner<'a> {
    City,
    Unit(&'a str),
}

/// A dataset file's text as read (NFC, `\n` line ends).
fn read_text(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(crate::content::source::normalise(&String::from_utf8_lossy(&bytes)).0)
}

/// One CSV file's text (to locate later problems in) and every good row
/// with its line, checked against the dataset's charts (each bad row
/// reported); none when the header is bad.
fn read_rows(
    p: &Project,
    csv_path: &Path,
    csv_shown: &Path,
    spec: &DataSpec,
    spec_file: Option<(&Path, &str)>,
    owner: Owner,
    sink: &Sink,
) -> Option<(String, Vec<(Row, usize)>)> {
    let text = match read_text(csv_path) {
        Ok(t) => t,
        Err(e) => {
            sink.push(Diagnostic::error(format!("cannot read: {e}")).in_file(csv_shown));
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
                    .at(csv_shown, &text, 1, 1, 1),
            );
            return None;
        }
    };
    let f = DataFiles {
        csv_shown: csv_shown.to_owned(),
        spec_file,
        text: &text,
        header,
        owner,
    };
    if !f.check_columns(spec, sink) {
        return None;
    }
    let units: Vec<&str> = match owner {
        Owner::City => p.units.iter().map(|u| u.slug.as_str()).collect(),
        Owner::Unit(u) => vec![u],
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record.position().map_or(1, |p| p.line() as usize);
                if let (row, true) = f.row(&record, spec, &units, sink) {
                    rows.push((row, line));
                }
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
            }
        }
    }
    Some((text, rows))
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
    /// The chart settings (shown path, text), where chart columns are
    /// named; none for a unit's file, whose header is where it falls short.
    spec_file: Option<(&'t Path, &'t str)>,
    text: &'t str,
    header: Vec<String>,
    owner: Owner<'t>,
}

impl DataFiles<'_> {
    /// The CSV has the month and unit columns and every charted one; chart
    /// kinds are known. False after reporting a problem.
    fn check_columns(&self, spec: &DataSpec, sink: &Sink) -> bool {
        let (header, text, csv_shown) = (&self.header, self.text, &self.csv_shown);
        let at_header = |d: Diagnostic| {
            let width = text.lines().next().map_or(1, |l| l.chars().count());
            d.at(csv_shown, text, 1, 1, width)
        };
        let mut ok = true;
        let needed: &[&str] = match self.owner {
            Owner::City => &[MONTH, UNIT],
            // A unit's file may leave out whose figures they are.
            Owner::Unit(_) => &[MONTH],
        };
        for need in needed {
            if !header.iter().any(|h| h == need) {
                sink.push(at_header(Diagnostic::error(format!("column `{need}` is missing")))
                    .hint("the first row names the columns: thang (YYYY-MM), don_vi (a unit's file name or thanh-pho), then the figures"));
                ok = false;
            }
        }
        for c in &spec.charts {
            if !header.iter().any(|h| h == &c.column) {
                let hint = crate::diag::closest(&c.column, header.iter().map(String::as_str))
                    .map_or(format!("columns: {}", header.join(", ")), |h| {
                        format!("did you mean `{h}`?")
                    });
                let message = format!(
                    "chart column `{}` is not in {}",
                    c.column,
                    csv_shown.display()
                );
                sink.push(
                    match self.spec_file {
                        Some((yaml_shown, yaml)) => {
                            let line = yaml
                                .lines()
                                .position(|l| l.contains(&c.column))
                                .map_or(1, |i| i + 1);
                            Diagnostic::error(message).at(yaml_shown, yaml, line, 1, 1)
                        }
                        None => at_header(Diagnostic::error(message)),
                    }
                    .hint(hint),
                );
                ok = false;
            }
            if let Some((yaml_shown, yaml)) = self.spec_file
                && !matches!(c.kind.as_str(), "line" | "bar")
            {
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
        let (ui, unit) = match (self.owner, self.header.iter().position(|h| h == UNIT)) {
            (Owner::Unit(own), None) => (0, own),
            _ => cell(UNIT),
        };
        if let Owner::Unit(own) = self.owner
            && unit != own
        {
            sink.push(at(
                ui,
                unit,
                Diagnostic::error(format!("row {line}, column {UNIT}: `{unit}` in the figures of `{own}`"))
                    .hint(format!("a unit's file holds only its own figures: write {own}, or leave out the {UNIT} column; the city's go in content/data/")),
            ));
            ok = false;
        } else if unit != CITY && !units.contains(&unit) {
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
