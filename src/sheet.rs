//! Sheets for Excel, the way every one sotay writes should be. CSV: UTF-8
//! with a BOM (Excel reads Vietnamese right only then), CRLF rows, and text
//! cells that cannot start a formula. XLSX: tables as the tabs of one
//! workbook (rust_xlsxwriter), dated by the build so the bytes repeat. The
//! chatbot file, the message export, the print orders and the coverage
//! report use it.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use crate::content::Date;
use crate::diag::Diagnostic;

/// A CSV writer into memory that starts with the BOM and ends rows in CRLF.
pub fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec())
}

/// A text cell Excel keeps as text: one that would start a formula (`=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets an apostrophe first.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One cell: text, or a number Excel can sum.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Number(usize),
    Empty,
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Number(n)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Empty, Into::into)
    }
}

/// A sheet: its name (a workbook tab), the column heads and the rows.
pub struct Table {
    pub name: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// The table as CSV for Excel.
    pub fn csv(&self) -> Result<Vec<u8>, Diagnostic> {
        csv_file(
            &self.head,
            self.rows.iter().map(|r| r.iter().map(Value::csv)),
        )
    }
}

impl Value {
    fn csv(&self) -> String {
        match self {
            Value::Text(s) => cell(s),
            Value::Number(n) => n.to_string(),
            Value::Empty => String::new(),
        }
    }
}

/// A CSV file for Excel: a BOM, CRLF line ends, the head, then the rows.
pub fn csv_file<R, C>(head: &[String], rows: R) -> Result<Vec<u8>, Diagnostic>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let bad = |e: csv::Error| Diagnostic::error(format!("CSV: {e}"));
    let mut csv = writer();
    csv.write_record(head).map_err(bad)?;
    for row in rows {
        csv.write_record(row).map_err(bad)?;
    }
    csv.into_inner()
        .map_err(|e| Diagnostic::error(format!("CSV: {e}")))
}

/// The tables as one workbook, a tab each, heads bold and frozen. Its
/// creation date is the build's, so the same input gives the same bytes.
pub fn workbook(title: &str, date: Date, tables: &[Table]) -> Result<Vec<u8>, Diagnostic> {
    xlsx(title, date, tables).map_err(|e| Diagnostic::error(format!("XLSX workbook: {e}")))
}

fn xlsx(title: &str, date: Date, tables: &[Table]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(date.year() as u16, date.month(), date.day())?;
    let properties = DocProperties::new()
        .set_title(title)
        .set_author("sotay")
        .set_creation_datetime(&created);
    book.set_properties(&properties);
    let bold = Format::new().set_bold();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&t.name))?;
        for (c, head) in t.head.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, head, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    // Excel treats a cell as text; no formula guard needed.
                    Value::Text(s) => sheet.write_string(r, c, s)?,
                    Value::Number(n) => sheet.write_number(r, c, *n as f64)?,
                    Value::Empty => sheet,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
    }
    book.save_to_buffer()
}

/// A tab name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_has_the_bom_crlf_and_no_formulas() {
        let mut w = writer();
        w.write_record([cell("=1+1"), cell("Căn cước"), cell("a\nb")])
            .unwrap();
        let bytes = w.into_inner().unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}'=1+1,Căn cước,\"a\nb\"\r\n"
        );
    }
}
