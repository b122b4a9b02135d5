//! Reading the laid-out page: where every run of text is, so that a test (and
//! every build) can prove no text left its canvas or landed on other text.

use typst::layout::{Frame, FrameItem, Point, Transform};
use typst_layout::Page;

/// A run of text on the page, in points from the top left of the trim box.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
    pub text: String,
}

impl TextBox {
    fn overlaps(&self, o: &TextBox) -> bool {
        // Half a point of slack: runs on one line touch at their ends.
        let e = 0.5;
        self.x0 + e < o.x1 && o.x0 + e < self.x1 && self.y0 + e < o.y1 && o.y0 + e < self.y1
    }
}

/// Every text run of a page.
pub fn text_boxes(page: &Page) -> Vec<TextBox> {
    let mut out = Vec::new();
    walk(&page.frame, Transform::identity(), &mut out);
    out
}

fn walk(frame: &Frame, ts: Transform, out: &mut Vec<TextBox>) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                let inner = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(g.transform);
                walk(&g.frame, inner, out);
            }
            FrameItem::Text(t) => {
                // The run's box from the font's ascender to its descender,
                // which hold the stacked Vietnamese marks.
                let w = t.width();
                let metrics = t.font.metrics();
                let corners = [
                    Point::new(pos.x, pos.y - metrics.ascender.at(t.size)),
                    Point::new(pos.x + w, pos.y - metrics.descender.at(t.size)),
                ];
                let [a, b] = corners.map(|p| p.transform(ts));
                out.push(TextBox {
                    x0: a.x.min(b.x).to_pt(),
                    y0: a.y.min(b.y).to_pt(),
                    x1: a.x.max(b.x).to_pt(),
                    y1: a.y.max(b.y).to_pt(),
                    text: t.text.to_string(),
                });
            }
            _ => {}
        }
    }
}

/// Text outside the canvas or on top of other text, described; `Ok` if none.
pub fn layout_check(page: &Page) -> Result<(), String> {
    let size = page.frame.size();
    let (w, h) = (size.x.to_pt(), size.y.to_pt());
    let boxes = text_boxes(page);
    for b in &boxes {
        if b.x0 < -0.5 || b.y0 < -0.5 || b.x1 > w + 0.5 || b.y1 > h + 0.5 {
            return Err(format!("\"{}\" runs off the canvas", b.text));
        }
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            if a.overlaps(b) {
                return Err(format!("\"{}\" overlaps \"{}\"", a.text, b.text));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::world::PrintWorld;

    fn page(body: &str) -> Page {
        let mut w = PrintWorld::new(std::iter::empty());
        let src = format!(
            "#set page(width: 200pt, height: 100pt, margin: 0pt)\n#set text(font: \"Be Vietnam Pro\", size: 12pt)\n{body}"
        );
        match w.compile(&src) {
            Ok(doc) => doc.pages()[0].clone(),
            Err(_) => panic!("does not compile: {body}"),
        }
    }

    #[test]
    fn text_inside_and_apart_passes() {
        let p = page("#place(dx: 10pt, dy: 10pt)[Bước một]\n#place(dx: 10pt, dy: 50pt)[Bước hai]");
        assert_eq!(layout_check(&p), Ok(()));
        let texts: Vec<String> = text_boxes(&p).into_iter().map(|b| b.text).collect();
        assert_eq!(texts, ["Bước một", "Bước hai"]);
    }

    #[test]
    fn text_off_the_canvas_fails() {
        let p = page("#place(dx: 150pt, dy: 10pt)[Chữ tràn ra ngoài]");
        assert!(
            layout_check(&p)
                .unwrap_err()
                .contains("runs off the canvas")
        );
    }

    #[test]
    fn text_on_text_fails() {
        let p = page("#place(dx: 10pt, dy: 10pt)[Ặ Ữ Ấ]\n#place(dx: 14pt, dy: 14pt)[Đè lên]");
        assert!(layout_check(&p).unwrap_err().contains("overlaps"));
    }

    #[test]
    fn stacked_marks_count_in_the_box() {
        // Two lines set 1 em apart overlap once the marks above Ặ are counted.
        let p = page("#place(dx: 10pt, dy: 30pt)[Ặ]\n#place(dx: 10pt, dy: 18pt)[g]");
        assert!(layout_check(&p).is_err());
    }
}
