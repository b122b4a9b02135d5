//! Message templates (`content/messages/*.yaml`): one text, rendered for
//! every unit and channel — SMS (accented and "không dấu", with segment
//! counts), Zalo ZNS, email and loudspeaker scripts — and checked against
//! each channel's rules.

pub mod placeholders;
pub mod sms;
pub mod speech;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::content::{Project, Unit, YamlFile};
use crate::diag::{Diagnostic, Sink};
use crate::resolve::Desk;
use placeholders::{Placeholder, key, snake};

pub use crate::content::message::{
    Button, Channel, Email, MESSAGE_KEYS, Message, MessageFile, Zns,
};

/// Values a unit gives to placeholders, by normalised name.
/// `fee` is the message's guide's fees on the build date, in words.
pub fn values(
    p: &Project,
    u: &Unit,
    m: &MessageFile,
    fee: Option<&str>,
) -> BTreeMap<String, String> {
    let mut v = BTreeMap::new();
    let mut put = |names: &[&str], value: String| {
        for n in names {
            v.insert(key(n), value.clone());
        }
    };
    put(&["ten don vi"], u.data.name.clone());
    put(&["ten ngan", "ten don vi ngan"], u.data.short_name.clone());
    put(&["duong day nong"], u.data.hotline.clone());
    put(&["dia chi"], u.data.address.clone());
    put(&["gio lam viec"], u.data.hours.join("; "));
    put(&["trang web"], u.data.base_url.clone());
    put(&["khau hieu"], p.site.slogan.clone());
    for (name, slogan) in &p.site.slogans {
        put(&[&slogan_placeholder(name)], slogan.text.clone());
    }
    put(&["ten chien dich"], p.site.title.clone());
    if let Some(g) = m.guide.as_ref().and_then(|s| p.guide(s)) {
        // Beside a guide, the address is where to go for it: the unit's
        // desk, or the office the guide names when the unit does not
        // receive it (the unit's version of the guide decides).
        let own = u.guides.iter().find(|x| x.doc.slug == g.doc.slug);
        put(
            &["dia chi"],
            Desk::of(u, own.unwrap_or(g)).place(u).to_owned(),
        );
        put(&["ten huong dan"], g.doc.meta.title.clone());
        put(
            &["duong dan", "lien ket"],
            format!(
                "{}{}",
                u.data.base_url,
                crate::paths::guide_folder(&g.doc.slug)
            ),
        );
        put(
            &["duong dan ngan"],
            format!("{}g/{}/", u.data.base_url, crate::shortlinks::code(p, g)),
        );
        if let Some(fee) = fee {
            put(&["le phi", "phi le phi"], fee.to_owned());
        }
    }
    v
}

const UNIT_NAMES: &[&str] = &[
    "ten don vi",
    "ten ngan",
    "ten don vi ngan",
    "duong day nong",
    "dia chi",
    "gio lam viec",
    "trang web",
];
const CAMPAIGN_NAMES: &[&str] = &["khau hieu", "ten chien dich"];

/// The placeholder of a named slogan from site.yaml's `slogans:`.
fn slogan_placeholder(name: &str) -> String {
    format!("khau hieu {name}")
}
const GUIDE_NAMES: &[&str] = &[
    "ten huong dan",
    "duong dan",
    "lien ket",
    "duong dan ngan",
    "le phi",
    "phi le phi",
];

/// Every text of a message with the key it sits under.
fn texts(m: &MessageFile) -> Vec<(&'static str, &str)> {
    let mut t = vec![("body", m.body.as_str())];
    if let Some(s) = &m.sms {
        t.push(("sms", s));
    }
    if let Some(z) = &m.zns {
        t.push(("zns", &z.title));
        t.extend(z.paragraphs.iter().map(|p| ("zns", p.as_str())));
        t.extend(z.buttons.iter().map(|b| ("zns", b.url.as_str())));
    }
    if let Some(e) = &m.email {
        t.push(("email", &e.subject));
        if let Some(b) = &e.body {
            t.push(("email", b));
        }
    }
    if let Some(l) = &m.loudspeaker {
        t.push(("loudspeaker", l));
    }
    t
}

/// Unit-independent checks: placeholders have a value source, channels have
/// what they need.
pub fn validate(p: &Project, sink: &Sink) {
    let audiences: Vec<&str> = p.site.audiences.iter().map(|a| a.slug.as_str()).collect();
    for msg in &p.messages {
        check_fields(p, &audiences, msg, sink);
        check_placeholders(p, msg, sink);
    }
}

/// Audiences and guide exist; advertising has an opt-out; ZNS and email
/// have their blocks.
fn check_fields(p: &Project, audiences: &[&str], msg: &Message, sink: &Sink) {
    let m = &msg.meta;
    for a in &m.audiences {
        if !audiences.contains(&a.as_str()) {
            sink.push(
                msg.error_at("audiences", Some(a), format!("unknown audience `{a}`"))
                    .hint(format!("known audiences: {}", audiences.join(", "))),
            );
        }
    }
    if let Some(g) = &m.guide
        && p.guide(g).is_none()
    {
        sink.push(
            msg.error_at("guide", Some(g), format!("guide `{g}` does not exist"))
                .hint("use a central guide's file name"),
        );
    }
    if m.advertising && m.opt_out.as_deref().is_none_or(|o| o.trim().is_empty()) {
        sink.push(
            msg.error_at(
                "advertising",
                None,
                "an advertising SMS needs opt-out instructions",
            )
            .hint("add `opt_out: \"Tu choi nhan tin soan TC gui ...\"` (Decree 91/2020/NĐ-CP)"),
        );
    }
    if m.channels.contains(&Channel::Zns) && m.zns.is_none() {
        sink.push(
            msg.error_at(
                "channels",
                Some("zns"),
                "channel zns needs a `zns:` block with a title",
            )
            .hint("add `zns: {title: \"…\"}`; paragraphs default to the body"),
        );
    }
    if m.channels.contains(&Channel::Email) && m.email.is_none() {
        sink.push(
            msg.error_at(
                "channels",
                Some("email"),
                "channel email needs an `email:` block with a subject",
            )
            .hint("add `email: {subject: \"…\"}`"),
        );
    }
}

/// Every placeholder has a value: the unit's, the campaign's, the guide's
/// (when the message names one) or a declared sender field.
fn check_placeholders(p: &Project, msg: &Message, sink: &Sink) {
    let m = &msg.meta;
    let sender: Vec<String> = m.sender_fields.keys().map(|k| key(k)).collect();
    let slogans: Vec<String> = p
        .site
        .slogans
        .iter()
        .map(|(n, _)| slogan_placeholder(n))
        .collect();
    let known: Vec<String> = UNIT_NAMES
        .iter()
        .chain(CAMPAIGN_NAMES)
        .chain(GUIDE_NAMES)
        .map(|n| key(n))
        .chain(slogans.iter().map(|n| key(n)))
        .collect();
    for (field, text) in texts(m) {
        for ph in placeholders::find(text) {
            if GUIDE_NAMES.iter().any(|n| key(n) == ph.key) && m.guide.is_none() {
                sink.push(
                    msg.error_at(
                        field,
                        Some(&ph.raw),
                        format!(
                            "placeholder (({})) has no value: the message names no guide",
                            ph.raw
                        ),
                    )
                    .hint("add `guide: <slug>` to take the guide's title and address"),
                );
            } else if let Some(d) = slogan_audience_gap(p, msg, field, &ph) {
                sink.push(d);
            } else if !known.contains(&ph.key) && !sender.contains(&ph.key) {
                sink.push(msg.error_at(field, Some(&ph.raw), format!("unknown placeholder (({}))", ph.raw)).hint(format!(
                    "unit and campaign values: {}; guide values (with `guide:`): {}; or declare it under sender_fields with a maximum length, or a campaign slogan under `slogans:` in site.yaml",
                    UNIT_NAMES.iter().chain(CAMPAIGN_NAMES).copied().chain(slogans.iter().map(String::as_str)).map(|n| format!("(({n}))")).collect::<Vec<_>>().join(", "),
                    GUIDE_NAMES.iter().map(|n| format!("(({n}))")).collect::<Vec<_>>().join(", ")
                )));
            }
        }
    }
}

/// A slogan the plan addresses to some audiences, used in a message that
/// also goes to another: an error naming who the slogan is for.
fn slogan_audience_gap(
    p: &Project,
    msg: &Message,
    field: &str,
    ph: &Placeholder,
) -> Option<Diagnostic> {
    let (name, slogan) = p
        .site
        .slogans
        .iter()
        .find(|(n, _)| key(&slogan_placeholder(n)) == ph.key)?;
    let other = msg.meta.audiences.iter().find(|a| !slogan.is_for(a))?;
    Some(
        msg.error_at(
            field,
            Some(&ph.raw),
            format!(
                "slogan `{name}` is for {}, but this message also goes to `{other}`",
                slogan.audiences.join(", ")
            ),
        )
        .hint(format!(
            "send the message only to {} (audiences:), or use a slogan for everyone, e.g. ((khau hieu))",
            slogan.audiences.join(", ")
        )),
    )
}

/// One rendered text of one message for one channel.
#[derive(Debug, Clone, Serialize)]
pub struct Rendered {
    pub message: String,
    pub channel: Channel,
    pub variant: &'static str,
    pub text: String,
    pub encoding: Option<sms::Encoding>,
    pub characters: usize,
    pub segments: Option<usize>,
    /// Values the sender fills in, as the gateway expects them.
    pub sender_fields: Vec<String>,
}

/// Render a message for a unit (`fee`: its guide's fees in words); channel
/// rule violations go to `errors`.
pub fn render(
    p: &Project,
    u: &Unit,
    msg: &Message,
    sanitizer: &crate::markdown::Sanitizer,
    fee: Option<&str>,
    errors: &mut Vec<Diagnostic>,
) -> Vec<Rendered> {
    let r = UnitMessage::new(p, u, msg, fee);
    let m = &msg.meta;
    let mut out = Vec::new();
    for ch in &m.channels {
        match ch {
            Channel::Sms => r.sms(errors, &mut out),
            Channel::Zns => {
                if let Some(z) = &m.zns {
                    out.push(r.zns(z, errors));
                }
            }
            Channel::Email => {
                if let Some(e) = &m.email {
                    r.email(e, sanitizer, &mut out);
                }
            }
            Channel::Loudspeaker => out.push(r.loudspeaker()),
        }
    }
    out
}

/// One message as one unit sends it: the unit's values, and the fields the
/// sender fills in per recipient.
struct UnitMessage<'a> {
    u: &'a Unit,
    msg: &'a Message,
    m: &'a MessageFile,
    vals: BTreeMap<String, String>,
    /// Sender fields by normalised name: (name as written, maximum length).
    sender: BTreeMap<String, (String, usize)>,
}

impl<'a> UnitMessage<'a> {
    fn new(p: &Project, u: &'a Unit, msg: &'a Message, fee: Option<&str>) -> Self {
        let m = &msg.meta;
        let sender = m
            .sender_fields
            .iter()
            .map(|(k, n)| (key(k), (k.clone(), *n)))
            .collect();
        Self {
            u,
            msg,
            m,
            vals: values(p, u, m, fee),
            sender,
        }
    }

    /// `text` with the unit's values in; `keep` writes a sender field given
    /// its maximum length; any other placeholder is dropped.
    fn fill(&self, text: &str, keep: &dyn Fn(&Placeholder, usize) -> String) -> String {
        placeholders::replace(text, |ph| {
            match (self.vals.get(&ph.key), self.sender.get(&ph.key)) {
                (Some(v), _) => match &ph.conditional {
                    Some(t) if placeholders::truthy(v) => t.clone(),
                    Some(_) => String::new(),
                    None => v.clone(),
                },
                (None, Some((_, max))) => keep(ph, *max),
                (None, None) => String::new(),
            }
        })
    }

    /// `text` with the unit's values in and sender fields left as `((name))`.
    fn fill_keeping(&self, text: &str) -> String {
        self.fill(text, &|ph, _| format!("(({}))", ph.raw))
    }

    /// The sender fields `text` uses, as written.
    fn sender_list(&self, text: &str) -> Vec<String> {
        let mut v: Vec<String> = placeholders::find(text)
            .into_iter()
            .filter(|ph| self.sender.contains_key(&ph.key))
            .map(|ph| ph.raw)
            .collect();
        v.dedup();
        v
    }

    /// `d`, located at `field` of the message file, for this unit.
    fn err(&self, field: &str, d: Diagnostic) -> Diagnostic {
        self.msg
            .locate(field, None, d)
            .for_unit(&self.u.slug)
            .code("message")
    }

    /// A row with no SMS encoding or segment count.
    fn row(
        &self,
        channel: Channel,
        variant: &'static str,
        text: String,
        sender_fields: Vec<String>,
    ) -> Rendered {
        Rendered {
            message: self.msg.slug.clone(),
            channel,
            variant,
            characters: text.chars().count(),
            text,
            encoding: None,
            segments: None,
            sender_fields,
        }
    }

    /// The SMS, accented and without diacritics; too many parts is an error.
    fn sms(&self, errors: &mut Vec<Diagnostic>, out: &mut Vec<Rendered>) {
        let m = self.m;
        let (field, src) = match &m.sms {
            Some(s) => ("sms", s.as_str()),
            None => ("body", m.body.as_str()),
        };
        let wrap = |t: String| {
            if m.advertising {
                format!("[QC] {t} {}", m.opt_out.as_deref().unwrap_or(""))
            } else {
                t
            }
        };
        let kept = wrap(sms::sanitise(self.fill_keeping(src).trim()));
        // Count with every sender value at its maximum length: the worst case.
        let worst = wrap(sms::sanitise(
            self.fill(src, &|_, max| "x".repeat(max)).trim(),
        ));
        for (variant, text, counted) in [
            ("co-dau", kept.clone(), worst.clone()),
            ("khong-dau", sms::khong_dau(&kept), sms::khong_dau(&worst)),
        ] {
            let (enc, n, parts) = sms::segments(&counted);
            if variant == "khong-dau" && parts > m.max_sms_segments {
                errors.push(self.err(field, Diagnostic::error(format!(
                    "SMS for {} is {parts} parts ({n} characters without diacritics, counting sender fields at their maximum), over the limit of {}",
                    self.u.data.short_name, m.max_sms_segments
                )).hint(format!("shorten the text, or raise max_sms_segments (each part is billed); one part holds 160 characters, {} with more parts", 153))));
            }
            out.push(Rendered {
                message: self.msg.slug.clone(),
                channel: Channel::Sms,
                variant,
                text,
                encoding: Some(enc),
                characters: n,
                segments: Some(parts),
                sender_fields: self.sender_list(src),
            });
        }
    }

    /// `text` with sender fields as ZNS parameters `<name>`.
    fn zns_fill(&self, text: &str) -> String {
        self.fill(text, &|ph, _| format!("<{}>", snake(&ph.raw)))
    }

    /// The Zalo ZNS template, checked against Zalo's limits.
    fn zns(&self, z: &Zns, errors: &mut Vec<Diagnostic>) -> Rendered {
        let m = self.m;
        let title = self.zns_fill(&z.title);
        let paragraphs: Vec<String> = if z.paragraphs.is_empty() {
            m.body
                .split("\n\n")
                .map(|p| self.zns_fill(p.trim()))
                .filter(|p| !p.is_empty())
                .collect()
        } else {
            z.paragraphs.iter().map(|p| self.zns_fill(p)).collect()
        };
        let mut check = |ok: bool, msg_text: String, hint: &str| {
            if !ok {
                errors.push(self.err("zns", Diagnostic::error(msg_text).hint(hint.to_owned())));
            }
        };
        let tlen = title.chars().count();
        check(
            (9..=65).contains(&tlen),
            format!(
                "ZNS title is {tlen} characters for {}; Zalo allows 9 to 65",
                self.u.data.short_name
            ),
            "shorten the title",
        );
        for p in &paragraphs {
            self.check_zns_paragraph(p, &mut check);
        }
        let params = self.zns_params(z);
        check_zns_buttons(z, params.len(), &mut check);
        let buttons: Vec<String> = z
            .buttons
            .iter()
            .map(|b| format!("{} -> {}", b.text, self.zns_fill(&b.url)))
            .collect();
        let text = format!(
            "{title}\n\n{}\n\n{}",
            paragraphs.join("\n\n"),
            buttons.join("\n")
        );
        Rendered {
            message: self.msg.slug.clone(),
            channel: Channel::Zns,
            variant: "zns",
            characters: text.chars().count(),
            text: text.trim().to_owned(),
            encoding: None,
            segments: None,
            sender_fields: params.into_iter().collect(),
        }
    }

    /// A ZNS paragraph is 9 to 400 characters, with no web address or phone
    /// number in it (Zalo wants those in buttons).
    fn check_zns_paragraph(&self, p: &str, check: &mut impl FnMut(bool, String, &str)) {
        let n = p.chars().count();
        check(
            (9..=400).contains(&n),
            format!("ZNS paragraph of {n} characters; Zalo allows 9 to 400"),
            "split or shorten the paragraph",
        );
        let lower = p.to_lowercase();
        check(
            !(lower.contains("http")
                || lower.contains("www.")
                || lower.contains(".vn")
                || lower.contains(".com")),
            format!("ZNS paragraph contains a web address: \"{p}\""),
            "Zalo rejects links in the text: put the address in a button (zns.buttons)",
        );
        let hotline: String = self
            .u
            .data
            .hotline
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        let long_run = p
            .split(|c: char| !c.is_ascii_digit() && c != ' ' && c != '.')
            .any(|r| r.chars().filter(char::is_ascii_digit).count() >= 8);
        check(
            !(long_run
                || (!hotline.is_empty()
                    && digits.contains(&hotline)
                    && p.contains(&self.u.data.hotline))),
            format!("ZNS paragraph contains a phone number: \"{p}\""),
            "Zalo rejects phone numbers in the text: put it in a button",
        );
    }

    /// The template's parameters: the sender fields its text uses.
    fn zns_params(&self, z: &Zns) -> std::collections::BTreeSet<String> {
        let m = self.m;
        std::iter::once(&z.title)
            .chain(&z.paragraphs)
            .chain(std::iter::once(&m.body).filter(|_| z.paragraphs.is_empty()))
            .flat_map(|t| placeholders::find(t))
            .filter(|ph| self.sender.contains_key(&ph.key))
            .map(|ph| snake(&ph.raw))
            .collect()
    }

    /// The email's subject, text and HTML rows.
    fn email(&self, e: &Email, sanitizer: &crate::markdown::Sanitizer, out: &mut Vec<Rendered>) {
        let m = self.m;
        let subject = self.fill_keeping(&e.subject);
        let body_src = e.body.as_deref().unwrap_or(&m.body);
        let body = self.fill_keeping(body_src);
        out.push(self.row(
            Channel::Email,
            "subject",
            subject,
            self.sender_list(&e.subject),
        ));
        out.push(self.row(
            Channel::Email,
            "text",
            body.clone(),
            self.sender_list(body_src),
        ));
        let html = crate::markdown::message_html(&body, sanitizer);
        out.push(self.row(Channel::Email, "html", html, Vec::new()));
    }

    /// The loudspeaker script, on one line, with addresses and numbers spelt out.
    fn loudspeaker(&self) -> Rendered {
        let src = self.m.loudspeaker.as_deref().unwrap_or(&self.m.body);
        let text = speech::spoken(
            &self
                .fill_keeping(src)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
        self.row(Channel::Loudspeaker, "loa", text, self.sender_list(src))
    }
}

/// At most 10 parameters and 2 buttons, each button's text 5 to 30 characters.
fn check_zns_buttons(z: &Zns, params: usize, check: &mut impl FnMut(bool, String, &str)) {
    check(
        params <= 10,
        format!("ZNS template has {params} parameters; Zalo allows 10"),
        "use fewer sender fields",
    );
    check(
        z.buttons.len() <= 2,
        format!("ZNS has {} buttons; Zalo allows 2", z.buttons.len()),
        "keep at most two buttons",
    );
    for b in &z.buttons {
        let n = b.text.chars().count();
        check(
            (5..=30).contains(&n),
            format!(
                "ZNS button text \"{}\" is {n} characters; Zalo allows 5 to 30",
                b.text
            ),
            "shorten the button text",
        );
    }
}

/// CSV for Excel (UTF-8 with BOM), one row per message, channel and variant.
pub fn csv(rows: &[Rendered]) -> String {
    let mut w = crate::sheet::writer();
    let header = [
        "message",
        "channel",
        "variant",
        "encoding",
        "characters",
        "segments",
        "sender_fields",
        "text",
    ];
    // Writing into memory cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let enc = match r.encoding {
            Some(sms::Encoding::Gsm7) => "gsm7",
            Some(sms::Encoding::Ucs2) => "ucs2",
            None => "",
        };
        let channel = serde_json::to_value(r.channel)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = w.write_record([
            crate::sheet::cell(&r.message),
            channel,
            r.variant.to_owned(),
            enc.to_owned(),
            r.characters.to_string(),
            r.segments.map(|s| s.to_string()).unwrap_or_default(),
            crate::sheet::cell(&r.sender_fields.join(" ")),
            crate::sheet::cell(&r.text),
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
