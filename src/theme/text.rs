//! The UI strings Rust code uses, typed: read from the theme's
//! `strings.yaml` when the theme loads, so a missing key is an error naming
//! it rather than an empty string on every page. Templates see the whole
//! file as `t` (they use many more keys than these).
//!
//! Texts with `{name}` placeholders are filled by [`fill`].

use std::collections::BTreeMap;

use serde::Deserialize;

/// The strings sotay's own code puts into pages, PDFs and pictures.
#[derive(Debug, Clone, Deserialize)]
pub struct Text {
    // GitHub-style alerts in guides.
    pub alert_note: String,
    pub alert_tip: String,
    pub alert_important: String,
    pub alert_warning: String,
    pub alert_caution: String,
    // Page titles.
    pub all_guides: String,
    pub not_found_title: String,
    pub search_title: String,
    /// The catalogue of online services (`dich-vu-cong/`).
    pub services_title: String,
    pub services_lead: String,
    pub search_label: String,
    pub search_button: String,
    pub latest_list: String,
    pub webmaster_title: String,
    pub results_title: String,
    pub results_lead: String,
    pub print_title: String,
    pub print_lead: String,
    /// The security line printed on every leaflet.
    pub print_security: String,
    /// The build date in small type on every PDF (`{date}`).
    pub print_date: String,
    /// A shortened leaflet's pointer to the whole guide (`{url}`).
    pub leaflet_more: String,
    /// The forms a leaflet is printed in, named in the print index.
    pub leaflet_form_editor: String,
    pub leaflet_form_full: String,
    pub leaflet_form_condensed: String,
    pub leaflet_form_titles: String,
    // The webmaster page's widgets; `{title}` is the guide's title, `{dir}`
    // the embeds' folder.
    pub widget_iframe_title: String,
    pub widget_iframe_text: String,
    pub widget_html_title: String,
    pub widget_html_text: String,
    pub widget_component_title: String,
    pub widget_component_text: String,
    pub widget_oembed_title: String,
    pub widget_oembed_text: String,
    pub widget_list_text: String,
    pub widget_search_text: String,
    // What the print shop needs (`in-an/`); `{name}` a format, `{mm}` the bleed.
    pub shop_printer: String,
    pub shop_size: String,
    pub shop_handbook_size: String,
    pub shop_bleed: String,
    pub shop_bleed_value: String,
    pub shop_marks: String,
    pub shop_marks_none: String,
    pub shop_marks_crop: String,
    pub shop_marks_all: String,
    pub shop_colour: String,
    pub shop_colour_value: String,
    pub shop_font: String,
    pub shop_font_value: String,
    // A print shop's order sheet (`nha-in/<shop>/don-dat-in.csv`): the
    // column heads, the colour, and the guide column of a handbook.
    pub order_file: String,
    pub order_format: String,
    pub order_size: String,
    pub order_pages: String,
    pub order_bleed: String,
    pub order_colour: String,
    pub order_colour_value: String,
    pub order_unit: String,
    pub order_guide: String,
    pub order_quantity: String,
    pub order_handbook: String,
    // The coverage report's spreadsheets (`bao-cao/*.csv`, `.xlsx`): the
    // tabs, the column heads and the words in cells.
    pub report_title: String,
    pub report_sheet_units: String,
    pub report_sheet_guides: String,
    pub report_unit: String,
    pub report_slug: String,
    pub report_kind: String,
    pub report_registered_col: String,
    pub report_site_col: String,
    pub report_own_file_col: String,
    pub report_required_col: String,
    pub report_published_col: String,
    pub report_excluded_col: String,
    pub report_missing_col: String,
    pub report_leaflets_col: String,
    pub report_leaflets_failed_col: String,
    pub report_messages_col: String,
    pub report_to_review_col: String,
    pub report_warnings: String,
    pub report_date_col: String,
    pub report_guide: String,
    pub report_guide_slug: String,
    pub report_status: String,
    pub report_reason: String,
    pub report_yes: String,
    pub report_no: String,
    pub cell_published: String,
    pub cell_overridden: String,
    pub cell_excluded: String,
    pub cell_missing: String,
    // Results charts, for screen readers; `{title}`, `{first}`/`{last}`
    // months and `{a}`/`{b}` their values, `{value}` the target.
    pub chart_target: String,
    pub chart_many: String,
    pub chart_one: String,
    pub chart_none: String,
    // An infographic's text alternative; `{n}` the step's number, `{text}`
    // its text, `{unit}` and `{hotline}` the unit's.
    pub alt_step: String,
    pub alt_contact: String,
    /// A poster's press file on the infographic page; `{name}` the canvas.
    pub press_file: String,
    // Fees on the build date (`theme::fees`): `{amount}` in đồng or
    // `fee_free`, `{condition}` the editor's words, `{text}` a part already
    // phrased, `{date}` a day.
    pub fee_free: String,
    pub fee_if: String,
    pub fee_otherwise: String,
    pub fee_until: String,
    pub fee_from: String,
    pub fee_online_line: String,
    pub fee_counter_line: String,
    pub fee_none: String,
    // The handbook's subtitle, and the text alternative of an image without
    // one (`{title}` the guide's).
    pub handbook_subtitle: String,
    pub image_alt: String,
    // The canvases pictures are drawn on (`engine::canvas`).
    pub canvas_vuong: String,
    pub canvas_doc: String,
    pub canvas_ngang: String,
    pub canvas_xem_truoc: String,
    pub canvas_a3: String,
    pub canvas_a2: String,
    /// A task list's ticked and unticked boxes, for screen readers.
    pub task_done: String,
    pub task_todo: String,
    // The chatbot file's short answer (`render::chatbot`) after the
    // summary: `{text}` the fee on the build date, the time, the place.
    pub chatbot_fee: String,
    pub chatbot_time: String,
    pub chatbot_where: String,
}

impl Text {
    /// A canvas's name for readers (its slug if sotay has a canvas the
    /// theme does not name, which the tests rule out).
    pub fn canvas_name<'a>(&'a self, slug: &'a str) -> &'a str {
        match slug {
            "vuong" => &self.canvas_vuong,
            "doc" => &self.canvas_doc,
            "ngang" => &self.canvas_ngang,
            "xem-truoc" => &self.canvas_xem_truoc,
            "a3" => &self.canvas_a3,
            "a2" => &self.canvas_a2,
            _ => slug,
        }
    }

    /// A print-shop profile's `marks` in readers' words (the print page and
    /// the print orders).
    pub fn shop_marks_text(&self, marks: &str) -> &str {
        match marks {
            "none" => &self.shop_marks_none,
            "crop" => &self.shop_marks_crop,
            _ => &self.shop_marks_all,
        }
    }

    /// The typed strings from the whole file, or the keys it lacks.
    pub fn from_map(map: &BTreeMap<String, String>) -> Result<Text, Vec<String>> {
        let mut value = serde_json::to_value(map).unwrap_or_default();
        let mut missing = Vec::new();
        loop {
            match serde_json::from_value::<Text>(value.clone()) {
                Ok(t) if missing.is_empty() => return Ok(t),
                Ok(_) => return Err(missing),
                Err(e) => {
                    // serde's words for an absent field: "missing field `key`".
                    let msg = e.to_string();
                    let Some(key) = msg
                        .strip_prefix("missing field `")
                        .and_then(|r| r.split('`').next())
                    else {
                        missing.push(msg);
                        return Err(missing);
                    };
                    value[key] = serde_json::Value::String(String::new());
                    missing.push(key.to_owned());
                }
            }
        }
    }
}

/// `text` with each `{name}` replaced by its value, in one pass (a value
/// holding braces is left as it is).
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            values
                .iter()
                .find(|(k, _)| *k == &after[..close])
                .map(|(_, v)| (close, *v))
        });
        match value {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(
            fill(
                "{title}: tháng {a} là {b}",
                &[("title", "{a}"), ("a", "3"), ("b", "4")]
            ),
            "{a}: tháng 3 là 4"
        );
        assert_eq!(fill("{x} {", &[]), "{x} {");
    }

    #[test]
    fn the_default_theme_has_every_key() {
        let text = include_str!("../../themes/default/strings.yaml");
        let map: BTreeMap<String, String> = yaml_serde::from_str(text).unwrap();
        let full = Text::from_map(&map).expect("every key");
        for c in crate::engine::canvas::CANVASES {
            assert_ne!(
                full.canvas_name(c.slug),
                c.slug,
                "canvas {} has no name",
                c.slug
            );
        }
        let mut less = map.clone();
        less.remove("latest_list");
        less.remove("press_file");
        assert_eq!(
            Text::from_map(&less).err(),
            Some(vec!["latest_list".to_owned(), "press_file".to_owned()])
        );
    }
}
