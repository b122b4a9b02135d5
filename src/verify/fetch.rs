//! HTTP GETs for `verify`: one ureq agent (blocking, no async runtime),
//! a timeout per request, retries with doubling backoff on answers that may
//! be passing trouble, and every failure named by a short reason code.

use std::time::Duration;

/// What a GET gave.
pub enum Answer {
    /// An HTTP answer (any status) and its body (cut at `MAX_BODY`).
    Status(u16, Vec<u8>),
    /// No answer: a reason code (`timeout`, `dns`, `tls`, `redirect-loop`,
    /// `connection`, …) and the client's words.
    Failed(&'static str, String),
}

/// The most of a body read: a home page or a portal page is far smaller.
const MAX_BODY: u64 = 8 << 20;
/// Redirects followed before a chain counts as a loop.
const MAX_REDIRECTS: u32 = 10;

pub struct Client {
    agent: ureq::Agent,
    retries: u32,
    backoff: Duration,
}

impl Client {
    pub fn new(timeout: Duration, retries: u32, backoff: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(MAX_REDIRECTS)
            .user_agent(concat!("sotay-verify/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Self {
            agent,
            retries,
            backoff,
        }
    }

    /// GET `url`, again after a pause (doubling) while the answer may be
    /// passing trouble: no answer that could come next time, or a 5xx.
    pub fn get(&self, url: &str) -> Answer {
        let mut pause = self.backoff;
        let mut answer = self.once(url);
        for _ in 0..self.retries {
            if !passing(&answer) {
                break;
            }
            std::thread::sleep(pause);
            pause = pause.saturating_mul(2);
            answer = self.once(url);
        }
        answer
    }

    fn once(&self, url: &str) -> Answer {
        let mut resp = match self.agent.get(url).call() {
            Ok(r) => r,
            Err(e) => return failed(e),
        };
        let status = resp.status().as_u16();
        match resp.body_mut().with_config().limit(MAX_BODY).read_to_vec() {
            Ok(body) => Answer::Status(status, body),
            // A body too big is still an answer; what verify reads is small.
            Err(ureq::Error::BodyExceedsLimit(_)) => Answer::Status(status, Vec::new()),
            Err(e) => failed(e),
        }
    }
}

/// Whether another try may answer differently.
fn passing(a: &Answer) -> bool {
    match a {
        Answer::Status(s, _) => *s >= 500,
        Answer::Failed(code, _) => !matches!(*code, "redirect-loop" | "tls" | "bad-url"),
    }
}

/// The reason code of a failed request.
fn failed(e: ureq::Error) -> Answer {
    use ureq::Error as E;
    let code = match &e {
        E::Timeout(_) => "timeout",
        E::HostNotFound => "dns",
        E::TooManyRedirects => "redirect-loop",
        E::RedirectFailed => "redirect",
        E::Tls(_) | E::Pem(_) | E::Rustls(_) | E::TlsRequired => "tls",
        E::ConnectionFailed => "connection",
        E::BadUri(_) => "bad-url",
        E::Io(io) => match io.kind() {
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "timeout",
            std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::UnexpectedEof => "connection",
            _ => "io",
        },
        _ => "protocol",
    };
    Answer::Failed(code, e.to_string())
}
