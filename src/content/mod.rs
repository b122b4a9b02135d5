//! The content tree: loading `content/` into typed values, with every problem
//! reported as a located diagnostic.

pub mod asking;
pub mod date;
pub mod fee;
pub mod forms;
pub mod frontmatter;
pub mod inherit;
mod load;
pub mod message;
pub mod model;
pub mod placeholders;
mod publish;
pub mod registry;
pub mod source;
pub mod versions;
pub mod video;

pub use date::Date;
pub use fee::{Fee, FeeChannel, Rate};
pub use forms::{Form, FormKind};
pub use load::{Project, YamlFile, load};
pub use model::*;
pub use source::Source;
