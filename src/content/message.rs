//! The message model (`content/messages/*.yaml`): one text and the channels
//! it goes out on. Rendering and channel rules live in the messages module.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Doc;
use super::frontmatter::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Zns,
    Email,
    Loudspeaker,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageFile {
    pub purpose: String,
    pub audiences: Vec<String>,
    pub channels: Vec<Channel>,
    /// A guide whose title and address the message may use.
    #[serde(default)]
    pub guide: Option<String>,
    /// Advertising SMS (Decree 91/2020/NĐ-CP): `[QC]` prefix and an opt-out footer.
    #[serde(default)]
    pub advertising: bool,
    #[serde(default)]
    pub opt_out: Option<String>,
    #[serde(default = "default_max_segments")]
    pub max_sms_segments: usize,
    /// Values the sender fills per recipient: name -> maximum length.
    #[serde(default)]
    pub sender_fields: BTreeMap<String, usize>,
    pub body: String,
    #[serde(default)]
    pub sms: Option<String>,
    #[serde(default)]
    pub zns: Option<Zns>,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub loudspeaker: Option<String>,
}

fn default_max_segments() -> usize {
    2
}

pub const MESSAGE_KEYS: &[Key] = &[
    Key("purpose", true),
    Key("audiences", true),
    Key("channels", true),
    Key("guide", false),
    Key("advertising", false),
    Key("opt_out", false),
    Key("max_sms_segments", false),
    Key("sender_fields", false),
    Key("body", true),
    Key("sms", false),
    Key("zns", false),
    Key("email", false),
    Key("loudspeaker", false),
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zns {
    pub title: String,
    /// Paragraphs; the shared body split at blank lines when absent.
    #[serde(default)]
    pub paragraphs: Vec<String>,
    #[serde(default)]
    pub buttons: Vec<Button>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Button {
    pub text: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Email {
    pub subject: String,
    #[serde(default)]
    pub body: Option<String>,
}

pub type Message = Doc<MessageFile>;
