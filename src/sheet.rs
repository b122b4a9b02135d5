//! CSV for Excel, the way every sheet sotay writes should be: UTF-8 with a
//! BOM (Excel reads Vietnamese right only then), CRLF rows, and text cells
//! that cannot start a formula. A leaf: the chatbot file and the message
//! export use it; the print orders still write the same form by hand.

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
