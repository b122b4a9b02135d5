//! What `serve` accepts from a connection: a bounded HTTP/1.x request head
//! (GET or HEAD), a Host that names this server, and a path that stays in
//! the served folder. Every refusal is a `Status`, never a panic.

use std::io::{BufRead, Read};
use std::net::IpAddr;
use std::path::{Component, Path, PathBuf};

/// Longest request line or header line, CRLF included.
pub const MAX_LINE: usize = 8 * 1024;
/// Most header lines in one request.
pub const MAX_HEADERS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    BadRequest,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    RequestTimeout,
    UriTooLong,
    HeadersTooLarge,
    VersionNotSupported,
}

impl Status {
    /// Code and reason, as on the status line.
    pub fn line(self) -> &'static str {
        match self {
            Status::Ok => "200 OK",
            Status::BadRequest => "400 Bad Request",
            Status::Forbidden => "403 Forbidden",
            Status::NotFound => "404 Not Found",
            Status::MethodNotAllowed => "405 Method Not Allowed",
            Status::RequestTimeout => "408 Request Timeout",
            Status::UriTooLong => "414 URI Too Long",
            Status::HeadersTooLarge => "431 Request Header Fields Too Large",
            Status::VersionNotSupported => "505 HTTP Version Not Supported",
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    /// HEAD: the same headers as GET, no body.
    pub head: bool,
    /// The target's path, still percent-encoded, without query or fragment.
    pub path: String,
    pub host: Option<String>,
    pub http11: bool,
}

/// Read one request head: the request line, then at most `MAX_HEADERS`
/// header lines, each at most `MAX_LINE` bytes. A body is never read.
pub fn read(reader: &mut impl BufRead) -> Result<Request, Status> {
    let line = read_line(reader, Status::UriTooLong)?;
    let line = String::from_utf8(line).map_err(|_| Status::BadRequest)?;
    let mut request = request_line(&line)?;
    let mut count = 0;
    loop {
        let header = read_line(reader, Status::HeadersTooLarge)?;
        if header.is_empty() {
            return Ok(request);
        }
        count += 1;
        if count > MAX_HEADERS {
            return Err(Status::HeadersTooLarge);
        }
        if let Some(host) = host_header(&String::from_utf8_lossy(&header))? {
            if request.host.is_some() {
                return Err(Status::BadRequest);
            }
            request.host = Some(host);
        }
    }
}

/// One line without its line ending; `too_long` when it has no end within
/// `MAX_LINE` bytes.
fn read_line(reader: &mut impl BufRead, too_long: Status) -> Result<Vec<u8>, Status> {
    let mut buf = Vec::new();
    match reader
        .by_ref()
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut buf)
    {
        Ok(_) => {}
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            return Err(Status::RequestTimeout);
        }
        Err(_) => return Err(Status::BadRequest),
    }
    if buf.last() != Some(&b'\n') {
        return Err(if buf.len() >= MAX_LINE {
            too_long
        } else {
            Status::BadRequest
        });
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(buf)
}

/// `METHOD /path HTTP/1.x`: three parts, one space apart.
fn request_line(line: &str) -> Result<Request, Status> {
    let parts: Vec<&str> = line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(Status::BadRequest);
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") => return Err(Status::VersionNotSupported),
        _ => return Err(Status::BadRequest),
    };
    let head = match method {
        "GET" => false,
        "HEAD" => true,
        m if !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()) => {
            return Err(Status::MethodNotAllowed);
        }
        _ => return Err(Status::BadRequest),
    };
    // Origin form only: no `http://host/…`, no `*`.
    if !target.starts_with('/') {
        return Err(Status::BadRequest);
    }
    let path = target.split(['?', '#']).next().unwrap_or(target).to_owned();
    Ok(Request {
        head,
        path,
        host: None,
        http11,
    })
}

/// The value of a `Host` header line; `None` for any other header.
fn host_header(line: &str) -> Result<Option<String>, Status> {
    let Some((name, value)) = line.split_once(':') else {
        return Err(Status::BadRequest);
    };
    // No folded lines, no space before the colon (RFC 9112 5.1).
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err(Status::BadRequest);
    }
    Ok(name
        .eq_ignore_ascii_case("host")
        .then(|| value.trim().to_owned()))
}

/// Whether a Host header names this server: `localhost`, a loopback
/// address or the bound one, with our port (left out only when it is 80).
/// A page on another site whose name was made to resolve to 127.0.0.1
/// (DNS rebinding) sends its own name and is refused.
pub fn host_allowed(host: &str, bind: IpAddr, port: u16) -> bool {
    let (name, given) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, after)) => (ip, after),
            None => return false,
        },
        None => match host.find(':') {
            Some(i) => (&host[..i], &host[i..]),
            None => (host, ""),
        },
    };
    let port_ok = match given.strip_prefix(':') {
        Some(p) => !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.parse() == Ok(port),
        None => given.is_empty() && port == 80,
    };
    let v6 = host.starts_with('[');
    let name_ok = (!v6 && name.eq_ignore_ascii_case("localhost"))
        || name
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_ipv6() == v6 && (ip.is_loopback() || ip == bind));
    port_ok && name_ok
}

/// The file a request path names under `served`, from the words alone:
/// the path is percent-decoded once, as a whole, then split at `/`; every
/// segment must be a plain name (no `..`, root, drive, backslash, colon or
/// control character). Malformed escapes and invalid UTF-8 are refused.
/// Symlinks are `confine`'s business.
pub fn resolve(served: &Path, url_path: &str) -> Result<PathBuf, Status> {
    let decoded = percent_decode(url_path).ok_or(Status::BadRequest)?;
    let mut path = served.to_path_buf();
    for segment in decoded.split('/') {
        if segment.is_empty() || segment == "." {
            continue;
        }
        if !plain_name(segment) {
            return Err(Status::BadRequest);
        }
        path.push(segment);
    }
    Ok(path)
}

fn plain_name(segment: &str) -> bool {
    let mut parts = Path::new(segment).components();
    !segment.contains(['\\', ':'])
        && !segment.chars().any(char::is_control)
        && matches!(
            (parts.next(), parts.next()),
            (Some(Component::Normal(_)), None)
        )
}

/// `%XX` escapes decoded; `None` for a `%` without two hex digits or bytes
/// that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hi = hex(*b.get(i + 1)?)?;
            let lo = hex(*b.get(i + 2)?)?;
            out.push((hi << 4) | lo);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

/// The file to send for `path` (from `resolve`): symlinks followed, a
/// folder's index.html, and the result still inside `served` once both are
/// canonical, so a symlink leading out is refused.
pub fn confine(served: &Path, path: &Path) -> Result<PathBuf, Status> {
    let root = served.canonicalize().map_err(|_| Status::NotFound)?;
    let mut real = inside(&root, path)?;
    if real.is_dir() {
        real = inside(&root, &real.join("index.html"))?;
    }
    if real.is_file() {
        Ok(real)
    } else {
        Err(Status::NotFound)
    }
}

fn inside(root: &Path, path: &Path) -> Result<PathBuf, Status> {
    let real = path.canonicalize().map_err(|_| Status::NotFound)?;
    if real.starts_with(root) {
        Ok(real)
    } else {
        Err(Status::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parse(raw: &str) -> Result<Request, Status> {
        read(&mut raw.as_bytes())
    }

    #[test]
    fn a_request_line_that_is_not_utf8_is_refused() {
        let raw: &[u8] = b"GET /\xff HTTP/1.1\r\n\r\n";
        assert_eq!(read(&mut &raw[..]), Err(Status::BadRequest));
    }

    #[test]
    fn traversal_in_any_spelling_is_refused() {
        let served = Path::new("/srv/site");
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2f..%2fetc/passwd",
            "/%2E%2E%2F%2E%2E%2Fetc/passwd",
            "/..\\..\\etc/passwd",
            "/..%5c..%5cetc/passwd",
            "/a/%00.html",
            "/C:/Windows/win.ini",
            "/c%3a/x",
            "/%",
            "/%2",
            "/%zz",
            "/%+1",
            "/%ff%fe",
        ] {
            assert_eq!(resolve(served, bad), Err(Status::BadRequest), "{bad}");
        }
        // `%252e` is the text `%2e` once decoded: a harmless (missing) name.
        assert_eq!(
            resolve(served, "/%252e%252e/x").unwrap(),
            Path::new("/srv/site/%2e%2e/x")
        );
        assert_eq!(
            resolve(served, "/ph%C6%B0%E1%BB%9Dng/./index.html").unwrap(),
            Path::new("/srv/site/phường/index.html")
        );
        assert_eq!(resolve(served, "/").unwrap(), served);
    }

    #[cfg(unix)]
    #[test]
    fn confine_refuses_symlinks_leading_out_and_finds_index_pages() {
        let dir = tempfile::tempdir().unwrap();
        let (served, outside) = (dir.path().join("public"), dir.path().join("secret"));
        std::fs::create_dir_all(served.join("unit")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(served.join("unit/index.html"), "trang").unwrap();
        std::fs::write(outside.join("index.html"), "bí mật").unwrap();
        std::os::unix::fs::symlink(outside.join("index.html"), served.join("leak.html")).unwrap();
        std::os::unix::fs::symlink(&outside, served.join("leakdir")).unwrap();
        std::os::unix::fs::symlink("unit/index.html", served.join("alias.html")).unwrap();

        let get = |url: &str| confine(&served, &resolve(&served, url)?);
        assert_eq!(get("/leak.html"), Err(Status::Forbidden));
        assert_eq!(get("/leakdir/"), Err(Status::Forbidden));
        assert_eq!(get("/leakdir/index.html"), Err(Status::Forbidden));
        assert_eq!(get("/nothing.html"), Err(Status::NotFound));
        let page = served.join("unit/index.html").canonicalize().unwrap();
        assert_eq!(get("/unit/").unwrap(), page);
        assert_eq!(
            get("/alias.html").unwrap(),
            page,
            "a symlink inside is fine"
        );
    }

    #[test]
    fn request_heads_are_parsed_and_bounded() {
        let ok = parse("HEAD /a%20b?x=1 HTTP/1.1\r\nHost: 127.0.0.1:1111\r\nAccept: */*\r\n\r\n");
        assert_eq!(
            ok,
            Ok(Request {
                head: true,
                path: "/a%20b".into(),
                host: Some("127.0.0.1:1111".into()),
                http11: true
            })
        );
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_LINE));
        assert_eq!(parse(&long), Err(Status::UriTooLong));
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X-A: b\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(parse(&many), Err(Status::HeadersTooLarge));
        let wide = format!("GET / HTTP/1.1\r\nX-A: {}\r\n\r\n", "b".repeat(MAX_LINE));
        assert_eq!(parse(&wide), Err(Status::HeadersTooLarge));
        for (raw, status) in [
            ("POST / HTTP/1.1\r\n\r\n", Status::MethodNotAllowed),
            ("DELETE / HTTP/1.1\r\n\r\n", Status::MethodNotAllowed),
            ("GET / HTTP/2.0\r\n\r\n", Status::VersionNotSupported),
            ("GET http://evil/ HTTP/1.1\r\n\r\n", Status::BadRequest),
            ("GET  / HTTP/1.1\r\n\r\n", Status::BadRequest),
            ("GET /\r\n\r\n", Status::BadRequest),
            (
                "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                Status::BadRequest,
            ),
            ("GET / HTTP/1.1\r\nHost : a\r\n\r\n", Status::BadRequest),
            ("GET / HTTP/1.1\r\nno colon\r\n\r\n", Status::BadRequest),
            ("GET / HTTP/1.1\r\nHost: a", Status::BadRequest),
            ("", Status::BadRequest),
            ("get / HTTP/1.1\r\n\r\n", Status::BadRequest),
        ] {
            assert_eq!(parse(raw), Err(status), "{raw:?}");
        }
    }

    #[test]
    fn only_this_servers_names_are_accepted_as_host() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        for good in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST:1111",
            "[::1]:1111",
        ] {
            assert!(host_allowed(good, lo, 1111), "{good}");
        }
        assert!(host_allowed("192.168.1.5:1111", lan, 1111));
        assert!(host_allowed("localhost", lo, 80));
        for bad in [
            "evil.example:1111",
            "localhost.evil.example:1111",
            "127.0.0.1.nip.io:1111",
            "localhost",
            "localhost:2222",
            "localhost:+1111",
            "localhost:",
            "[::1]",
            "[::1:1111",
            "::1:1111",
            "[127.0.0.1]:1111",
            "192.168.1.5:1111",
            "",
        ] {
            assert!(!host_allowed(bad, lo, 1111), "{bad}");
        }
    }

    /// Path pieces an attacker would mix: dots, slashes and backslashes in
    /// every escape, a NUL, a drive, and non-ASCII names.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("..".to_owned()),
            Just(".".to_owned()),
            Just("/".to_owned()),
            Just("\\".to_owned()),
            Just("%2e".to_owned()),
            Just("%2E".to_owned()),
            Just("%2f".to_owned()),
            Just("%2F".to_owned()),
            Just("%5c".to_owned()),
            Just("%25".to_owned()),
            Just("%00".to_owned()),
            Just("%".to_owned()),
            Just("C:".to_owned()),
            Just("phường".to_owned()),
            Just("%C6%B0".to_owned()),
            "[a-z]{1,3}",
            any::<char>().prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn resolved_paths_stay_in_the_served_folder(
            pieces in proptest::collection::vec(piece(), 0..12),
            noise in any::<String>(),
        ) {
            let served = Path::new("/srv/site");
            for url in [pieces.concat(), format!("/{}", pieces.concat()), noise] {
                if let Ok(path) = resolve(served, &url) {
                    prop_assert!(path.starts_with(served), "{url:?} -> {path:?}");
                    prop_assert!(
                        path.components().all(|c| !matches!(c, Component::ParentDir)),
                        "{url:?} -> {path:?}"
                    );
                }
            }
        }
    }
}
