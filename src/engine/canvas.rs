//! The canvases pictures are laid out on: social sizes, the LED screen,
//! the link preview, and posters. Print's download page lists the posters.

/// A canvas an infographic can be drawn on.
pub struct Canvas {
    /// Named in the theme's strings as `canvas_<slug>` (`-` as `_`).
    pub slug: &'static str,
    /// Pixels (1 pt = 1 px) for pictures, millimetres for posters.
    pub width: u32,
    pub height: u32,
    pub poster: bool,
}

pub const CANVASES: &[Canvas] = &[
    Canvas {
        slug: "vuong",
        width: 1080,
        height: 1080,
        poster: false,
    },
    Canvas {
        slug: "doc",
        width: 1080,
        height: 1920,
        poster: false,
    },
    Canvas {
        slug: "ngang",
        width: 1920,
        height: 1080,
        poster: false,
    },
    Canvas {
        slug: "xem-truoc",
        width: 1200,
        height: 630,
        poster: false,
    },
    Canvas {
        slug: "a3",
        width: 297,
        height: 420,
        poster: true,
    },
    Canvas {
        slug: "a2",
        width: 420,
        height: 594,
        poster: true,
    },
];
