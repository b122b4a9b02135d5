//! Every output path, in one place. Paths are relative to a unit's folder
//! unless they say otherwise, use `/`, and name the file (`…/index.html`):
//! directory links do not work from `file://`, where a kiosk opens the site.
//! Every guide and page sits two folders below the unit root, so a
//! rendered guide's relative links are the same in every unit.

/// Folders and files at the top of the output, beside the unit folders. A
/// unit may not be named like one of them (its folder would collide).
pub const CITY_LEVEL: &[&str] = &[
    ASSETS,
    CITY_RESULTS_DIR,
    REPORT_DIR,
    ORDERS_DIR,
    PACKAGES_DIR,
    "index.html",
    "404.html",
];

/// Unit slugs that would collide with the city level: the names above
/// without their extension.
pub fn reserved_unit_slug(slug: &str) -> bool {
    reserved_unit_slugs().any(|r| r == slug)
}

/// Every reserved unit slug, in `CITY_LEVEL` order.
pub fn reserved_unit_slugs() -> impl Iterator<Item = &'static str> {
    CITY_LEVEL
        .iter()
        .map(|p| p.strip_suffix(".html").unwrap_or(p))
}

/// A path inside a unit's folder, from the output root.
pub fn in_unit(unit: &str, rel: &str) -> String {
    format!("{unit}/{rel}")
}

pub const HOME: &str = "index.html";
pub const NOT_FOUND: &str = "404.html";
pub const ASSETS: &str = "assets";
pub const ALL_GUIDES: &str = "huong-dan/index.html";
pub const SEARCH_PAGE: &str = "tim-kiem/index.html";
/// The search index is a script, so it loads from `file://` too.
pub const SEARCH_INDEX: &str = "tim-kiem/chi-muc.js";

/// A guide's page.
pub fn guide_page(slug: &str) -> String {
    format!("huong-dan/{slug}/index.html")
}

/// A guide's folder as a URL (QR codes, messages, link previews): shorter to
/// type and print than the page's file name; portals serve its index.
pub fn guide_folder(slug: &str) -> String {
    format!("huong-dan/{slug}/")
}

/// Another file in a guide's folder (its link preview).
pub fn guide_file(slug: &str, file: &str) -> String {
    format!("huong-dan/{slug}/{file}")
}

/// A form attached to a guide (`forms:`), beside its page.
pub fn form(slug: &str, file: &str) -> String {
    guide_file(slug, file)
}

/// A file of a guide's video (`video:`, `step_videos:`): its sources,
/// poster and captions, in the guide's `video/` folder.
pub fn video_file(slug: &str, file: &str) -> String {
    guide_file(slug, &format!("video/{file}"))
}

/// The unit's catalogue of online services: every guide with its code,
/// where to apply online and its forms.
pub const SERVICES: &str = "dich-vu-cong/index.html";

pub fn audience_page(slug: &str) -> String {
    format!("doi-tuong/{slug}/index.html")
}

pub fn category_page(slug: &str) -> String {
    format!("linh-vuc/{slug}/index.html")
}

/// A free page (`content/pages/`).
pub fn page(slug: &str) -> String {
    format!("trang/{slug}/index.html")
}

/// A short link's redirect page, and the list of codes the next build
/// checks its codes against.
pub fn short_link(code: &str) -> String {
    format!("g/{code}/index.html")
}
pub const SHORT_INDEX: &str = "g/index.json";

/// Widgets: iframe pages, fragments and oEmbed under `nhung/`.
pub const EMBED_DIR: &str = "nhung";
pub fn embed_guide(slug: &str) -> String {
    format!("{EMBED_DIR}/huong-dan/{slug}/index.html")
}
pub fn embed_fragment(slug: &str) -> String {
    format!("{EMBED_DIR}/huong-dan/{slug}/manh.html")
}
pub fn embed_oembed(slug: &str) -> String {
    format!("{EMBED_DIR}/huong-dan/{slug}/oembed.json")
}
pub fn embed_audience(slug: &str) -> String {
    format!("{EMBED_DIR}/doi-tuong/{slug}/index.html")
}
pub fn embed_category(slug: &str) -> String {
    format!("{EMBED_DIR}/linh-vuc/{slug}/index.html")
}
pub const EMBED_LATEST: &str = "nhung/moi-cap-nhat/index.html";
pub const EMBED_SEARCH: &str = "nhung/tim-kiem/index.html";

/// The JSON API.
pub const API_DIR: &str = "api/v1";
/// A guide's JSON, relative to the API folder.
pub fn api_guide_in_api(slug: &str) -> String {
    format!("huong-dan/{slug}.json")
}
pub fn api_guide(slug: &str) -> String {
    format!("{API_DIR}/huong-dan/{slug}.json")
}

/// The chatbot knowledge file (`render::chatbot`) in the API folder, and
/// the JSON Schema it names.
pub const CHATBOT_JSON: &str = "api/v1/hoi-dap.json";
pub const CHATBOT_CSV: &str = "api/v1/hoi-dap.csv";
pub const CHATBOT_SCHEMA: &str = "api/v1/hoi-dap.schema.json";

/// Print: the download page, and each PDF (press variants in `nha-in/`).
pub const PRINT_INDEX: &str = "in-an/index.html";
pub fn leaflet(guide: &str, format: &str, press: bool) -> String {
    if press {
        format!("in-an/nha-in/{guide}-{format}.pdf")
    } else {
        format!("in-an/{guide}-{format}.pdf")
    }
}
pub fn handbook(format: &str, unit: &str, press: bool) -> String {
    if press {
        format!("in-an/nha-in/{format}-{unit}.pdf")
    } else {
        format!("in-an/{format}-{unit}.pdf")
    }
}

/// Pictures: each infographic's page and files under `do-hoa/<slug>/`, and
/// each guide's link preview in its folder.
pub const PICTURES_DIR: &str = "do-hoa";
pub const PREVIEW_FILE: &str = "xem-truoc.png";

/// An infographic's page.
pub fn picture_page(slug: &str) -> String {
    format!("{PICTURES_DIR}/{slug}/index.html")
}

/// An infographic's PNG on one canvas (`w` × `h` pixels).
pub fn picture_png(slug: &str, canvas: &str, w: u32, h: u32) -> String {
    format!("{PICTURES_DIR}/{slug}/{canvas}-{w}x{h}.png")
}

/// An infographic's SVG (drawn on the square canvas).
pub fn picture_svg(slug: &str) -> String {
    format!("{PICTURES_DIR}/{slug}/{slug}.svg")
}

/// An infographic's poster PDF on one canvas; the press variant in `nha-in/`.
pub fn poster(slug: &str, canvas: &str, press: bool) -> String {
    if press {
        format!("{PICTURES_DIR}/{slug}/nha-in/ap-phich-{canvas}.pdf")
    } else {
        format!("{PICTURES_DIR}/{slug}/ap-phich-{canvas}.pdf")
    }
}

/// The kiosk screen for the one-stop desk's LED screen: a rotation of the
/// unit's 1920 x 1080 infographics and its guides with their QR codes,
/// opened from disk; and each guide's QR code beside it.
pub const KIOSK: &str = "trinh-chieu/index.html";
pub fn kiosk_qr(slug: &str) -> String {
    format!("trinh-chieu/{}", kiosk_qr_in_kiosk(slug))
}
/// A guide's QR code, relative to the kiosk page.
pub fn kiosk_qr_in_kiosk(slug: &str) -> String {
    format!("qr/{slug}.png")
}

/// A unit's logo, copied from content/.
pub fn logo(ext: &str) -> String {
    format!("{ASSETS}/logo.{ext}")
}

/// Results pages: a unit's (`ket-qua/`) and, at the city level, the city's.
pub const RESULTS: &str = "ket-qua/index.html";
const CITY_RESULTS_DIR: &str = "ket-qua";
/// The coverage report, at the city level.
pub const REPORT_DIR: &str = "bao-cao";
pub const REPORT_PAGE: &str = "bao-cao/index.html";
pub const REPORT_JSON: &str = "bao-cao/bao-cao.json";
/// The report for the city office's files: a row per unit, a row per unit
/// and required guide, and both as one workbook.
pub const REPORT_UNITS_CSV: &str = "bao-cao/don-vi.csv";
pub const REPORT_GUIDES_CSV: &str = "bao-cao/chi-tiet.csv";
pub const REPORT_XLSX: &str = "bao-cao/bao-cao.xlsx";

/// Each unit folder as one zip for its webmaster, with its SHA-256 (in
/// `sha256sum -c` form), at the city level.
const PACKAGES_DIR: &str = "goi-tai-len";

pub fn package_zip(unit: &str) -> String {
    format!("{PACKAGES_DIR}/{unit}.zip")
}

pub fn package_sum(unit: &str) -> String {
    format!("{PACKAGES_DIR}/{unit}.zip.sha256")
}

/// Print orders, at the city level (not the units' own `in-an/nha-in/`):
/// per print shop a folder with its units' press PDFs and the order sheet,
/// a zip of that folder, and a page listing the shops.
pub const ORDERS_DIR: &str = "nha-in";
pub const ORDERS_PAGE: &str = "nha-in/index.html";
/// The order sheet's name inside a shop's folder.
pub const ORDER_SHEET: &str = "don-dat-in.csv";

/// A print shop's folder.
pub fn order_folder(shop: &str) -> String {
    format!("{ORDERS_DIR}/{shop}")
}

/// A file in a print shop's folder (`<unit>/<file>.pdf`).
pub fn order_file(shop: &str, path: &str) -> String {
    format!("{ORDERS_DIR}/{shop}/{path}")
}

pub fn order_sheet(shop: &str) -> String {
    order_file(shop, ORDER_SHEET)
}

/// A print shop's folder as one zip, beside it.
pub fn order_zip(shop: &str) -> String {
    format!("{ORDERS_DIR}/{shop}.zip")
}

/// Proof of publication (`sotay verify`). The build stamp every build
/// writes into each unit folder: what `verify` fetches from the portal.
pub const STAMP: &str = "sotay-stamp.json";
/// `verify`'s latest results and its history, relative to the project
/// folder (not the output, which every build replaces; not content/).
pub const VERIFY_DIR: &str = "kiem-tra";
pub const VERIFY_RESULTS: &str = "kiem-tra/ket-qua.json";
pub const VERIFY_HISTORY: &str = "kiem-tra/lich-su.csv";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn city_level_names_are_reserved_for_units() {
        for slug in ["assets", "ket-qua", "bao-cao", "nha-in", "index", "404"] {
            assert!(reserved_unit_slug(slug), "{slug}");
        }
        assert!(!reserved_unit_slug("phuong-ba-dinh"));
    }
}
