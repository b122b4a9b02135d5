//! What a unit's own portal page (`portal_page:`) carries of its guides:
//! one of the widget snippets the webmaster page gives (`render/embed.rs`,
//! `themes/default/templates/snippets/`), or a plain link to the unit's
//! site. Read with the HTML tokenizer browsers' rules are written for, so a
//! CMS's attribute order, quoting and entities do not matter.

use crate::proof::{Found, PortalState};

/// Every widget and link on `html` (the page at `page_url`) that points
/// into the unit at `base_url` (either scheme: a CMS may write http:// or
/// //host/; or a path from the page's own host), once each.
pub fn find(html: &str, page_url: &str, base_url: &str) -> Vec<Found> {
    let base = without_scheme(base_url);
    let mut found: Vec<Found> = Vec::new();
    for a in crate::links::attributes(html) {
        let url = absolute(a.value.trim(), page_url);
        let Some(rest) = without_scheme(&url).strip_prefix(base) else {
            continue;
        };
        let kind = match (a.tag.as_str(), a.name.as_str()) {
            ("iframe", "src") => "iframe",
            ("script", "src") if rest.starts_with("assets/sotay-guide.js") => "component",
            ("sotay-guide", "src") => "component",
            ("form", "action") => "search",
            ("a", "href") => "link",
            _ => continue,
        };
        let f = Found {
            kind: kind.into(),
            url,
        };
        if !found.contains(&f) {
            found.push(f);
        }
    }
    found
}

/// Embeds when a widget is there, else links when a link is.
pub fn state(found: &[Found]) -> PortalState {
    if found.iter().any(|f| f.kind != "link") {
        PortalState::Embeds
    } else if found.is_empty() {
        PortalState::Missing
    } else {
        PortalState::Links
    }
}

/// `url` with a path from the host's root (`/x/`) put on `page_url`'s host.
fn absolute(url: &str, page_url: &str) -> String {
    if !url.starts_with('/') || url.starts_with("//") {
        return url.to_owned();
    }
    let host = without_scheme(page_url);
    let origin_len = page_url.len() - host.len() + host.find('/').unwrap_or(host.len());
    format!("{}{url}", &page_url[..origin_len])
}

fn without_scheme(url: &str) -> &str {
    ["https://", "http://", "//"]
        .iter()
        .find_map(|p| url.strip_prefix(p))
        .unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_and_links_are_told_apart() {
        let base = "https://e.vn/phuong-a/";
        let iframe = r#"<iframe id="x" src="https://e.vn/phuong-a/nhung/huong-dan/k/index.html"
            title="K"></iframe><script src="https://e.vn/phuong-a/assets/nhung-co-gian.js" defer></script>"#;
        let page = "https://e.vn/thu-tuc.html";
        let f = find(iframe, page, base);
        assert_eq!(
            f.iter().map(|f| f.kind.as_str()).collect::<Vec<_>>(),
            ["iframe"]
        );
        assert_eq!(state(&f), PortalState::Embeds);
        let link = r#"<p>Xem <a href="http://e.vn/phuong-a/index.html">hướng dẫn</a>
            và <a href="https://e.vn/phuong-b/">đơn vị khác</a></p>"#;
        let f = find(link, page, base);
        assert_eq!(f.len(), 1);
        assert_eq!(state(&f), PortalState::Links);
        let component =
            r#"<sotay-guide src="//e.vn/phuong-a/api/v1/huong-dan/k.json"></sotay-guide>"#;
        assert_eq!(state(&find(component, page, base)), PortalState::Embeds);
        assert_eq!(
            state(&find("<p>https://e.vn/phuong-a/ in text</p>", page, base)),
            PortalState::Missing
        );
        // A path from the portal's own root, when the unit lives on that host.
        let f = find(r#"<a href="/phuong-a/index.html">HD</a>"#, page, base);
        assert_eq!(f[0].url, "https://e.vn/phuong-a/index.html");
        assert!(find(r#"<a href="/phuong-a/">HD</a>"#, "https://cms.vn/x", base).is_empty());
    }
}
