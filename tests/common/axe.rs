//! axe-core, Deque's accessibility engine, run in headless Chromium on a
//! page from disk with the WCAG 2.1 A and AA rules. `.ci/run` installs the
//! npm package into .ci/axe/ (or set AXE_CORE_JS to its axe.min.js); a test
//! that needs it fails, never skips, when it is missing.

use std::path::{Path, PathBuf};

/// The axe-core version `.ci/run` installs.
pub const VERSION: &str = "4.14.1";

/// Runs the rules, then writes what it found into `<pre id="axe-result">`
/// for `--dump-dom` to carry out.
const RUN_JS: &str = r#"
function sotayAxeReport(value) {
  var out = document.createElement("pre");
  out.id = "axe-result";
  out.textContent = JSON.stringify(value);
  document.body.appendChild(out);
}
axe.run(document, {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
  resultTypes: ["violations"],
  iframes: false
}).then(function (r) {
  sotayAxeReport({
    rules: r.passes.length + r.violations.length + r.incomplete.length + r.inapplicable.length,
    violations: r.violations.map(function (v) {
      return { id: v.id, impact: v.impact, targets: v.nodes.map(function (n) { return n.target.join(" "); }) };
    })
  });
}, function (e) { sotayAxeReport({ error: String(e) }); });
"#;

/// axe.min.js, or a panic that says how to install it.
pub fn script() -> PathBuf {
    let path = std::env::var_os("AXE_CORE_JS").map_or_else(
        || super::repo().join(".ci/axe/node_modules/axe-core/axe.min.js"),
        PathBuf::from,
    );
    assert!(
        path.is_file(),
        "axe-core not found at {}: run .ci/run, or `npm install --prefix .ci/axe axe-core@{VERSION}`, or set AXE_CORE_JS",
        path.display()
    );
    let package = path.with_file_name("package.json");
    if let Ok(text) = std::fs::read_to_string(&package) {
        assert!(
            text.contains(&format!("\"version\": \"{VERSION}\"")),
            "{} is not axe-core {VERSION}: run .ci/run",
            package.display()
        );
    }
    path
}

/// A copy of `page` beside it (so its relative links still work) that runs
/// axe after the page's own content; its path.
pub fn instrument(page: &Path) -> PathBuf {
    let runner = page.with_file_name("axe-run.js");
    std::fs::write(&runner, RUN_JS).unwrap();
    let html = std::fs::read_to_string(page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
    let tags = format!(
        "<script src=\"{}\"></script><script src=\"axe-run.js\"></script></body>",
        super::browser::file_url(&script())
    );
    let at = html.rfind("</body>").unwrap_or(html.len());
    let copy = page.with_extension("axe.html");
    std::fs::write(&copy, format!("{}{tags}", &html[..at])).unwrap();
    copy
}

/// The violations axe finds on `page` in a window `width` pixels wide,
/// one "rule (impact): element" line each.
pub fn violations(page: &Path, width: u32) -> Vec<String> {
    let copy = instrument(page);
    let dom = super::browser::dump_dom_at(&super::browser::file_url(&copy), width);
    let text = dom
        .split("<pre id=\"axe-result\">")
        .nth(1)
        .and_then(|s| s.split("</pre>").next())
        .unwrap_or_else(|| panic!("axe did not finish on {}", page.display()));
    let unescaped = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    let report: serde_json::Value = serde_json::from_str(&unescaped).unwrap();
    assert!(
        report["rules"].as_u64().unwrap_or(0) > 0,
        "axe ran no rule on {}: {report}",
        page.display()
    );
    let mut found = Vec::new();
    for v in report["violations"].as_array().unwrap() {
        for t in v["targets"].as_array().unwrap() {
            found.push(format!("{} ({}): {}", v["id"], v["impact"], t));
        }
    }
    found
}
