//! `sotay verify`: proof that each unit's portal serves this build. For
//! every unit it fetches, from the unit's `base_url`, the home page, the
//! build stamp (`paths::STAMP`, written by `render::stamp`) and a few guide
//! pages, and compares the stamp with the one this build left in the local
//! output; where the unit names its `portal_page:`, it also reads that page
//! for a widget snippet or a link (`portal.rs`). Units are checked on
//! `jobs` threads; results go to `paths::VERIFY_RESULTS` (the coverage
//! report shows them) and one line per unit to `paths::VERIFY_HISTORY`.
//! Formats are in `proof.rs`.

mod fetch;
pub mod portal;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::content::{Date, Project, Unit};
use crate::diag::{Diagnostic, Sink};
use crate::proof::{Class, Fetched, Portal, PortalState, Results, Served, Stamp, UnitResult};
use fetch::{Answer, Client};

/// What to check and how.
pub struct VerifyOptions {
    /// The project (content/ and the results folder).
    pub root: PathBuf,
    /// The local build whose stamps the portals should serve.
    pub out: PathBuf,
    /// Units to check; empty: every unit.
    pub units: Vec<String>,
    /// The run's date, recorded with the results.
    pub date: Date,
    pub jobs: usize,
    /// Per request, the whole answer included.
    pub timeout: Duration,
    /// Tries after the first for an answer that may be passing trouble.
    pub retries: u32,
    /// The first pause before a retry; each next one doubles.
    pub backoff: Duration,
    /// Guide pages fetched per unit (the first in file-name order).
    pub guide_pages: usize,
    pub results: PathBuf,
    pub history: PathBuf,
}

impl VerifyOptions {
    /// Defaults for the project at `root`: its `public/`, results under
    /// `kiem-tra/`, 8 jobs, 20 s, 2 retries from 1 s, 3 guide pages.
    pub fn new(root: &Path, date: Date) -> Self {
        Self {
            root: root.to_owned(),
            out: root.join("public"),
            units: Vec::new(),
            date,
            jobs: 8,
            timeout: Duration::from_secs(20),
            retries: 2,
            backoff: Duration::from_secs(1),
            guide_pages: 3,
            results: root.join(crate::paths::VERIFY_RESULTS),
            history: root.join(crate::paths::VERIFY_HISTORY),
        }
    }
}

/// One unit to check: what this build wrote for it locally.
struct Target<'p> {
    unit: &'p Unit,
    expected: Stamp,
    /// Guide pages to fetch, relative to the unit root.
    guides: Vec<String>,
}

/// Check every selected unit, record the results and the history, and
/// return them; `done` is called as each unit finishes (a progress bar).
/// Problems with the project, the arguments or the local build (nothing
/// was fetched) come back as diagnostics.
pub fn verify(
    opts: &VerifyOptions,
    done: &(dyn Fn(&UnitResult) + Sync),
) -> Result<Results, Vec<Diagnostic>> {
    let sink = Sink::default();
    let project = crate::content::load(&opts.root, &sink);
    let targets = project.as_ref().map(|p| targets(p, opts, &sink));
    let targets = match targets {
        Some(t) if !sink.has_errors() => t,
        _ => return Err(sink.into_sorted()),
    };
    let client = Client::new(opts.timeout, opts.retries, opts.backoff);
    let units = run(&targets, opts.jobs, |t| {
        let r = check(&client, t);
        done(&r);
        r
    });
    let results = Results::new(&opts.date.to_string(), units);
    record(&results, opts).map_err(|d| vec![d])?;
    Ok(results)
}

/// The units to check, each with its local stamp and guide pages.
fn targets<'p>(project: &'p Project, opts: &VerifyOptions, sink: &Sink) -> Vec<Target<'p>> {
    for u in opts.units.iter().filter(|u| project.unit(u).is_none()) {
        let known = project.units.iter().map(|u| u.slug.as_str());
        let hint = crate::diag::closest(u, known)
            .map_or("the units are the files in content/units/".into(), |c| {
                format!("did you mean `{c}`?")
            });
        sink.push(
            Diagnostic::error(format!("no unit `{u}` (no content/units/{u}.yaml)")).hint(hint),
        );
    }
    project
        .units
        .iter()
        .filter(|u| opts.units.is_empty() || opts.units.contains(&u.slug))
        .filter_map(|unit| {
            let dir = opts.out.join(&unit.slug);
            let stamp = local_stamp(&dir, &unit.slug)
                .map_err(|d| sink.push(d))
                .ok()?;
            Some(Target {
                unit,
                expected: stamp,
                guides: guide_pages(&dir, opts.guide_pages),
            })
        })
        .collect()
}

/// The stamp this build wrote into the unit's folder.
fn local_stamp(dir: &Path, slug: &str) -> Result<Stamp, Diagnostic> {
    let path = dir.join(crate::paths::STAMP);
    std::fs::read(&path)
        .ok()
        .and_then(|b| Stamp::parse(&b))
        .ok_or_else(|| {
            Diagnostic::error(format!("no build stamp for unit `{slug}`"))
                .in_file(&path)
                .hint("verify compares the portals with the local build: run `sotay build` first (or pass its folder with --out)")
        })
}

/// The first `n` guide pages of the local unit folder, by file name.
fn guide_pages(dir: &Path, n: usize) -> Vec<String> {
    let mut slugs: Vec<String> = std::fs::read_dir(dir.join("huong-dan"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().join("index.html").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    slugs.sort();
    slugs
        .iter()
        .take(n)
        .map(|s| crate::paths::guide_page(s))
        .collect()
}

/// `check` over `items` on `jobs` threads; the results in `items`' order.
fn run<T: Sync, R: Send>(items: &[T], jobs: usize, check: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = check(item);
                    *slots[i].lock().expect("result slot") = Some(r);
                }
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect()
}

/// One unit: home page, stamp, guide pages, and its portal page.
fn check(client: &Client, t: &Target) -> UnitResult {
    let base = &t.unit.data.base_url;
    let mut fetched = Vec::new();
    let (class, reason, served) = classify(client, t, &mut fetched);
    UnitResult {
        unit: t.unit.slug.clone(),
        base_url: base.clone(),
        class,
        reason: reason.map(str::to_owned),
        expected_build_id: t.expected.build_id.clone(),
        served,
        fetched,
        portal: t
            .unit
            .data
            .portal_page
            .as_deref()
            .map(|url| portal(client, url, base)),
    }
}

type Classified = (Class, Option<&'static str>, Option<Served>);

/// What the unit's `base_url` serves, with every URL fetched recorded.
fn classify(client: &Client, t: &Target, fetched: &mut Vec<Fetched>) -> Classified {
    let base = &t.unit.data.base_url;
    let mut get = |url: String| {
        let a = client.get(&url);
        fetched.push(match &a {
            Answer::Status(s, _) => Fetched {
                url,
                status: Some(*s),
                error: None,
            },
            Answer::Failed(code, words) => Fetched {
                url,
                status: None,
                error: Some(format!("{code}: {words}")),
            },
        });
        a
    };
    if let Some(why) = unanswered(&get(base.clone())) {
        return (Class::Unreachable, Some(why), None);
    }
    let stamp = match get(format!("{base}{}", crate::paths::STAMP)) {
        Answer::Failed(code, _) => return (Class::Unreachable, Some(code), None),
        Answer::Status(s, body) if (200..300).contains(&s) => Stamp::parse(&body),
        Answer::Status(..) => return (Class::Other, Some("no-stamp"), None),
    };
    let Some(stamp) = stamp else {
        return (Class::Other, Some("not-a-stamp"), None);
    };
    if stamp.unit != t.unit.slug {
        return (Class::Other, Some("other-unit"), None);
    }
    if stamp.build_id != t.expected.build_id || stamp.files != t.expected.files {
        let served = Served {
            build_id: stamp.build_id,
            build_date: stamp.build_date,
        };
        // Another build: an older one, unless this local build is not the
        // latest (verify run from a machine with an old `public/`).
        let why = if served.build_date < t.expected.build_date {
            "older-build"
        } else {
            "other-build"
        };
        return (Class::Older, Some(why), Some(served));
    }
    for page in &t.guides {
        if unanswered(&get(format!("{base}{page}"))).is_some() {
            return (Class::Other, Some("partial"), None);
        }
    }
    (Class::Current, None, None)
}

/// Why an answer is no page: its failure, or its HTTP error status.
fn unanswered(a: &Answer) -> Option<&'static str> {
    match a {
        Answer::Failed(code, _) => Some(code),
        Answer::Status(s, _) if (200..300).contains(s) => None,
        Answer::Status(s, _) => Some(status_code(*s)),
    }
}

/// `http-404` and the like, for the codes a portal gives; others by class.
fn status_code(s: u16) -> &'static str {
    match s {
        401 => "http-401",
        403 => "http-403",
        404 => "http-404",
        410 => "http-410",
        500 => "http-500",
        502 => "http-502",
        503 => "http-503",
        504 => "http-504",
        300..=399 => "http-3xx",
        400..=499 => "http-4xx",
        _ => "http-5xx",
    }
}

/// The unit's own portal page: does it embed or link the guides?
fn portal(client: &Client, url: &str, base_url: &str) -> Portal {
    let (state, reason, found) = match client.get(url) {
        Answer::Status(s, body) if (200..300).contains(&s) => {
            let found = portal::find(&String::from_utf8_lossy(&body), url, base_url);
            (portal::state(&found), None, found)
        }
        other => {
            let why = unanswered(&other).unwrap_or("protocol");
            (PortalState::Unreachable, Some(why.to_owned()), Vec::new())
        }
    };
    Portal {
        url: url.to_owned(),
        state,
        reason,
        found,
    }
}

/// Write the results file (whole, replaced) and append the history.
fn record(results: &Results, opts: &VerifyOptions) -> Result<(), Diagnostic> {
    let json = serde_json::to_string_pretty(results).unwrap_or_default();
    write_replacing(&opts.results, format!("{json}\n").as_bytes())
        .map_err(|e| io_error(&opts.results, e))?;
    append_history(&opts.history, results).map_err(|e| io_error(&opts.history, e))
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {}: {e}", path.display())).hint(
        "check that the folder can be written, or choose another path with --results / --history",
    )
}

/// Write through a temporary file renamed into place, so a reader (the
/// next build's report) never sees half a file.
fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// The history's columns (CSV, one row per unit per run).
const HISTORY_HEADER: [&str; 8] = [
    "date",
    "unit",
    "class",
    "reason",
    "served_build_date",
    "served_build_id",
    "portal_page",
    "portal",
];

/// Append one row per unit; a new file gets a BOM (spreadsheets then read
/// it as UTF-8) and the header.
fn append_history(path: &Path, results: &Results) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let new = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let mut rows = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    if new {
        rows.write_record(HISTORY_HEADER)?;
    }
    for u in &results.units {
        rows.write_record(history_row(&results.date, u))?;
    }
    let bytes = rows.into_inner().map_err(|e| e.into_error())?;
    let bom: &[u8] = if new { b"\xEF\xBB\xBF" } else { b"" };
    // One write: rows of one run stay together even if two runs overlap.
    file.write_all(&[bom, &bytes].concat())
}

fn history_row(date: &str, u: &UnitResult) -> [String; 8] {
    let served = u.served.as_ref();
    let portal = u.portal.as_ref();
    [
        date.to_owned(),
        u.unit.clone(),
        code(&u.class),
        u.reason.clone().unwrap_or_default(),
        served.map(|s| s.build_date.clone()).unwrap_or_default(),
        served.map(|s| s.build_id.clone()).unwrap_or_default(),
        portal.map(|p| p.url.clone()).unwrap_or_default(),
        portal.map(|p| code(&p.state)).unwrap_or_default(),
    ]
}

/// The JSON name of a class or state (`current`, `embeds`…).
pub fn code<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
