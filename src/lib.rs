//! sotay: one content tree of Vietnamese public-service guides in, a branded,
//! self-contained microsite per unit (sở, phường, xã) out.
//!
//! The pipeline lives in [`build`]; `main.rs` only parses arguments and
//! prints diagnostics.

pub mod archive;
pub mod build;
pub mod cache;
pub mod check;
pub mod colour;
pub mod content;
pub mod data;
pub mod diag;
pub mod engine;
pub mod hash;
pub mod images;
pub mod links;
pub mod markdown;
pub mod memo;
pub mod messages;
pub mod options;
pub mod output;
pub mod paths;
pub mod print;
pub mod proof;
pub mod refs;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod shard;
pub mod sheet;
pub mod shortlinks;
pub mod text;
pub mod theme;
pub mod verify;
pub mod visual;

pub use build::{BuildFailure, BuildReport, Outcome, Phase, build};
pub use diag::{Diagnostic, Severity};
pub use options::{BuildOptions, Media, Scope};
