//! The hostile corpus: inputs nobody on the team wrote (pasted HTML, Word
//! leftovers, old encodings, XSS in every field, path tricks, symlinks,
//! bombs, sizes no guide has). Each goes into a project that has already
//! built once; the build must end in bounded time without a panic, change
//! nothing under content/, leave the previous output intact when it fails,
//! and name the file (and line) of bad input.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use common::*;

/// Far more than any case needs; only a hang gets near it.
const HANG: Duration = Duration::from_secs(300);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// The build succeeds.
    Builds,
    /// An error located in this file, at a line when `line` is set.
    Error { line: bool },
    /// Either, but an error names a file.
    Either,
}

struct Case {
    name: String,
    /// (path in the project, bytes)
    files: Vec<(String, Vec<u8>)>,
    /// Symbolic links: (path in the project, target).
    links: Vec<(String, PathBuf)>,
    /// The file an error must name, relative to the project.
    blamed: String,
    expect: Expect,
    /// Leaflets and pictures too, not only pages.
    full: bool,
}

impl Case {
    fn new(name: &str, expect: Expect) -> Self {
        Case {
            name: name.to_owned(),
            files: Vec::new(),
            links: Vec::new(),
            blamed: String::new(),
            expect,
            full: false,
        }
    }

    fn file(mut self, rel: &str, bytes: impl Into<Vec<u8>>) -> Self {
        if self.blamed.is_empty() {
            self.blamed = rel.to_owned();
        }
        self.files.push((rel.to_owned(), bytes.into()));
        self
    }

    fn link(mut self, rel: &str, target: PathBuf) -> Self {
        if self.blamed.is_empty() {
            self.blamed = rel.to_owned();
        }
        self.links.push((rel.to_owned(), target));
        self
    }

    fn blame(mut self, rel: &str) -> Self {
        self.blamed = rel.to_owned();
        self
    }

    fn full(mut self) -> Self {
        self.full = true;
        self
    }
}

fn corpus_dir() -> PathBuf {
    repo().join("tests/hostile")
}

fn committed(name: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A guide that shows `src` as an image.
fn guide_showing(src: &str) -> String {
    KHAI_SINH.replace("anh/dang-nhap.png", src)
}

/// What to expect of each committed file, and where it goes.
fn committed_cases() -> Vec<Case> {
    use Expect::*;
    let mut cases = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let expect = match name.as_str() {
            "html-split-tag.md"
            | "html-unclosed.md"
            | "html-word-paste.md"
            | "html-entities.md"
            | "xss-title.md"
            | "xss-body.md"
            | "xss-fields.md"
            | "mojibake.md"
            | "nfd.md"
            | "zero-width.md"
            | "bidi.md"
            | "nul-bytes.md"
            | "bom-crlf.md"
            | "code-fence-unclosed.md"
            | "table-wide.md"
            | "footnote-loop.md"
            | "unit-xss.yaml" => Builds,
            "html-remote-image.md"
            | "xss-js-link.md"
            | "xss-data-url.md"
            | "image-traversal.md"
            | "image-absolute.md"
            | "link-traversal.md"
            | "crlf-bad-key.md"
            | "cr-only-bad-key.md"
            | "steps-scrambled.md"
            | "heading-tricks.md"
            | "unit-logo-traversal.yaml"
            | "unit-colour.yaml"
            | "unit-huge-name.yaml"
            | "yaml-tabs.md"
            | "message-placeholders.yaml"
            | "unit-js-contact.yaml"
            | "xss-field-js-link.md" => Error { line: true },
            "binary.md"
            | "latin1.md"
            | "empty.md"
            | "only-dashes.md"
            | "unclosed-front-matter.md"
            | "unit-empty.yaml"
            | "unit-not-a-map.yaml"
            | "svg-newline-onload.svg"
            | "svg-script.svg"
            | "svg-entities.svg" => Error { line: false },
            _ => Either,
        };
        let bytes = committed(&name);
        let case = if name.ends_with(".md") {
            Case::new(&name, expect).file(&format!("content/guides/thu/{name}"), bytes)
        } else if name.ends_with(".svg") {
            let rel = format!("content/guides/ho-tich/{name}");
            Case::new(&name, expect)
                .file(&rel, bytes)
                .file(
                    "content/guides/ho-tich/dang-ky-khai-sinh.md",
                    guide_showing(&name),
                )
                .blame(&rel)
        } else if name.starts_with("unit-") {
            Case::new(&name, expect).file(&format!("content/units/{name}"), bytes)
        } else if name.starts_with("message-") {
            Case::new(&name, expect).file(&format!("content/messages/{name}"), bytes)
        } else if name.starts_with("infographic-") {
            Case::new(&name, expect).file(&format!("content/infographics/{name}"), bytes)
        } else if name.starts_with("data-") {
            let stem = name.split('.').next().unwrap();
            let other = if name.ends_with(".csv") {
                "yaml"
            } else {
                "csv"
            };
            let pair = format!("{stem}.{other}");
            Case::new(&name, expect)
                .file(&format!("content/data/{name}"), bytes)
                .file(&format!("content/data/{pair}"), committed(&pair))
        } else {
            panic!("{name}: no rule says where this input goes")
        };
        let full = matches!(
            name.as_str(),
            "xss-title.md" | "xss-fields.md" | "unit-xss.yaml" | "html-split-tag.md" | "nfd.md"
        );
        cases.push(if full { case.full() } else { case });
    }
    cases
}

/// Inputs too big to commit, or that must be made on the machine.
fn generated_cases(outside: &Path) -> Vec<Case> {
    use Expect::*;
    let guide = |body: &str| TAM_TRU.replace("## Bước 1: Chuẩn bị hồ sơ\n\nTờ khai.", body);
    let deep_list: String = (0..300)
        .map(|i| format!("{}- mục\n", "  ".repeat(i)))
        .collect();
    let steps: String = (1..=400)
        .map(|i| format!("## Bước {i}: Nộp phần {i}\n\nNộp.\n\n"))
        .collect();
    let headings: String = (0..10_000).map(|_| "### Lưu ý\n\nx\n\n").collect();
    let csv: String = std::iter::once("thang,don_vi,ho_so\n".to_owned())
        .chain((0..10_000).map(|i| format!("{}-{:02},thanh-pho,{i}\n", 1000 + i / 12, i % 12 + 1)))
        .collect();
    vec![
        Case::new("huge-guide-5mb", Error { line: true })
            .file(
                "content/guides/thu/dai.md",
                guide(&"Đoạn văn rất dài. ".repeat(250_000)),
            )
            .full(),
        Case::new("file-9mb", Error { line: false }).file(
            "content/guides/thu/rat-lon.md",
            guide(&"x".repeat(9 * 1024 * 1024)),
        ),
        Case::new("long-line-600kb", Error { line: true }).file(
            "content/guides/thu/dong-dai.md",
            guide(&"chữ ".repeat(120_000)),
        ),
        Case::new("deep-list", Error { line: true })
            .file(
                "content/guides/thu/sau.md",
                guide(&format!("## Bước 1: A\n\n{deep_list}")),
            )
            .full(),
        Case::new("deep-quote", Error { line: true })
            .file(
                "content/guides/thu/trich.md",
                guide(&format!("## Bước 1: A\n\n{} a\n", ">".repeat(5000))),
            )
            .full(),
        Case::new("deep-emphasis", Either)
            .file(
                "content/guides/thu/nhan.md",
                guide(&format!(
                    "## Bước 1: A\n\n{}a{}\n",
                    "*_".repeat(2000),
                    "_*".repeat(2000)
                )),
            )
            .full(),
        Case::new("400-steps", Either)
            .file("content/guides/thu/nhieu-buoc.md", guide(&steps))
            .full(),
        Case::new("10000-equal-headings", Builds).file(
            "content/guides/thu/tieu-de.md",
            guide(&format!("## Bước 1: A\n\n{headings}")),
        ),
        Case::new("title-100kb", Error { line: true }).file(
            "content/guides/thu/tieu-de-dai.md",
            TAM_TRU.replace(
                "\"Đăng ký tạm trú\"",
                &format!("\"{}\"", "Đăng ký ".repeat(12_800)),
            ),
        ),
        Case::new("png-30000", Error { line: false })
            .file(
                "content/guides/ho-tich/anh/bom.png",
                png_header(30_000, 30_000),
            )
            .file(
                "content/guides/ho-tich/dang-ky-khai-sinh.md",
                guide_showing("anh/bom.png"),
            )
            .blame("content/guides/ho-tich/anh/bom.png"),
        Case::new("logo-png-30000", Error { line: false })
            .file(
                "content/units/phuong-ba-dinh/logo.png",
                png_header(30_000, 30_000),
            )
            .file(
                "content/units/phuong-ba-dinh.yaml",
                unit(
                    "Ủy ban nhân dân phường Ba Đình",
                    "Phường Ba Đình",
                    "phuong",
                    "logo: \"logo.png\"\n",
                ),
            ),
        Case::new("csv-10000-rows", Either)
            .file("content/data/nhieu.csv", csv)
            .file("content/data/nhieu.yaml", committed("data-bad.yaml")),
        Case::new("symlink-loop", Builds).link("content/guides/vong", PathBuf::from("..")),
        Case::new("symlink-guide-outside", Error { line: false })
            .link("content/guides/thu/bi-mat.md", outside.join("bi-mat.md")),
        Case::new("symlink-image-outside", Error { line: true })
            .link(
                "content/guides/ho-tich/anh/ngoai.png",
                outside.join("anh.png"),
            )
            .file(
                "content/guides/ho-tich/dang-ky-khai-sinh.md",
                guide_showing("anh/ngoai.png"),
            )
            .blame("content/guides/ho-tich/dang-ky-khai-sinh.md"),
        Case::new("symlink-dangling", Error { line: false })
            .link("content/guides/thu/mat.md", outside.join("khong-co.md")),
        Case::new("folder-named-like-a-guide", Builds)
            .file("content/guides/thu/thu-muc.md/a.txt", "x"),
    ]
}

/// A PNG whose header declares `w` × `h` pixels, with one tiny data chunk.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The fixture, built once: each case starts from a copy of it.
fn built_fixture() -> Fixture {
    let f = Fixture::new();
    f.build_ok();
    f
}

fn copy_project(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(from, dir.path());
    dir
}

/// Run one case; a description of what went wrong, if anything.
fn run(case: &Case, base: &Path) -> Result<(), String> {
    let dir = copy_project(base);
    let root = dir.path().to_owned();
    for (rel, bytes) in &case.files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    for (rel, target) in &case.links {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
    }
    let content_before = snapshot_content(&root);
    let output_before = output_files(&root.join("public"));
    let mut opts = sotay::BuildOptions::new(&root, build_date());
    if !case.full {
        opts.media = sotay::Media::Skip;
    }
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| sotay::build(&opts));
            let _ = tx.send(result);
        })
        .unwrap();
    let result = match rx.recv_timeout(HANG) {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => return Err("the build panicked".into()),
        Err(_) => return Err(format!("the build did not end in {HANG:?}")),
    };
    if snapshot_content(&root) != content_before {
        return Err("the build changed content/".into());
    }
    match (result, case.expect) {
        (Ok(_), Expect::Builds | Expect::Either) => check_output(&root.join("public")),
        (Ok(_), Expect::Error { .. }) => Err("the build succeeded; an error was expected".into()),
        (Err(f), expect) => {
            if output_files(&root.join("public")) != output_before {
                return Err("a failed build changed the previous output".into());
            }
            let errors: Vec<_> = f.diagnostics.iter().filter(|d| d.is_error()).collect();
            let blamed = Path::new(&case.blamed);
            let names = |line: bool| {
                errors.iter().any(|d| {
                    d.location
                        .as_ref()
                        .is_some_and(|l| l.file == blamed && (!line || l.line > 0))
                })
            };
            match expect {
                Expect::Builds => Err(format!("the build failed:\n{}", render(&f.diagnostics))),
                Expect::Error { line } if !names(line) => Err(format!(
                    "no error names {}{}:\n{}",
                    case.blamed,
                    if line { " at a line" } else { "" },
                    render(&f.diagnostics)
                )),
                Expect::Either if !errors.iter().any(|d| d.location.is_some()) => Err(format!(
                    "an error names no file:\n{}",
                    render(&f.diagnostics)
                )),
                _ => Ok(()),
            }
        }
    }
}

fn snapshot_content(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(&root.join("content"))
}

/// Hostile text reaches pages only as text: no script of its own, no event
/// handler, no `javascript:` address, and nothing read from outside.
fn check_output(out: &Path) -> Result<(), String> {
    for (rel, bytes) in output_files(out) {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        if text.contains("secret-outside-the-project") {
            return Err(format!(
                "{}: a file from outside the project was published",
                rel.display()
            ));
        }
        let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "html" | "xml" | "svg") {
            continue;
        }
        if text.contains("<script>alert") || text.contains("<svg onload") {
            return Err(format!(
                "{}: hostile markup reached the page",
                rel.display()
            ));
        }
        for a in sotay::links::attributes(&String::from_utf8_lossy(&bytes)) {
            let value = a.value.trim().to_lowercase();
            if a.name.starts_with("on") || value.starts_with("javascript:") {
                return Err(format!(
                    "{}: <{} {}=\"{}\">",
                    rel.display(),
                    a.tag,
                    a.name,
                    a.value
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn the_hostile_corpus_is_handled() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("bi-mat.md"),
        "secret-outside-the-project",
    )
    .unwrap();
    std::fs::write(outside.path().join("anh.png"), png_header(10, 10)).unwrap();
    let fixture = built_fixture();
    let mut cases = committed_cases();
    cases.extend(generated_cases(outside.path()));
    assert!(cases.len() >= 40, "{} cases", cases.len());
    // Plain threads, not rayon: a rayon worker waiting here would starve the
    // builds, which use rayon themselves.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some(c) =
                    cases.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
                {
                    if let Err(e) = run(c, fixture.root()) {
                        failures.lock().unwrap().push(format!("{}: {e}", c.name));
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} hostile inputs were mishandled:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
