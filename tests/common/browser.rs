//! Headless Chromium for tests: a page's DOM after its scripts ran. A test
//! that needs the browser fails (never skips) when it is missing; `.ci/run`
//! installs Debian's `chromium`.

use std::path::Path;
use std::process::Command;

pub fn chromium() -> String {
    let bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    assert!(
        Path::new(&bin).is_file(),
        "Chromium not found at {bin}: install it (apt-get install chromium) or set CHROMIUM"
    );
    bin
}

/// Headless Chromium with the flags this closed network needs (no
/// background connections) and a fresh profile in `profile`.
pub fn command(profile: &Path) -> Command {
    command_at(profile, 900)
}

/// As `command`, with a window `width` CSS pixels wide.
pub fn command_at(profile: &Path, width: u32) -> Command {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--virtual-time-budget=8000",
    ])
    .arg(format!("--window-size={width},1400"))
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// The serialised DOM of `url` after its scripts ran.
pub fn dump_dom(url: &str) -> String {
    dump_dom_at(url, 900)
}

/// As `dump_dom`, in a window `width` CSS pixels wide.
pub fn dump_dom_at(url: &str, width: u32) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = command_at(profile.path(), width)
        .arg("--dump-dom")
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The URLs a page requested, from the Chromium net log at `log`: the
/// events whose network isolation key names `site` (`http://127.0.0.1`,
/// or `file://` for a page from disk), so the browser's own background
/// requests are not counted. Repeats next to each other are dropped.
pub fn requests_in_log(log: &Path, site: &str) -> Vec<String> {
    let net: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(log).unwrap()).unwrap();
    let mut requests: Vec<String> = net["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.contains(site))
        })
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_owned))
        .collect();
    requests.dedup();
    requests
}
