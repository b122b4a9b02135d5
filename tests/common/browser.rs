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

/// The serialised DOM of `url` after scripts ran (with JavaScript on or off).
pub fn dump_dom(url: &str, javascript: bool) -> String {
    let profile = tempfile::tempdir().unwrap();
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
        "--virtual-time-budget=5000",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()));
    if !javascript {
        cmd.arg("--blink-settings=scriptEnabled=false");
    }
    let out = cmd
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
