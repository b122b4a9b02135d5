//! The canvases pictures are laid out on: social sizes, the LED screen,
//! the link preview, and posters. Print's download page lists the posters.

/// A canvas an infographic can be drawn on.
pub struct Canvas {
    pub slug: &'static str,
    pub name: &'static str,
    /// Pixels (1 pt = 1 px) for pictures, millimetres for posters.
    pub width: u32,
    pub height: u32,
    pub poster: bool,
}

pub const CANVASES: &[Canvas] = &[
    Canvas {
        slug: "vuong",
        name: "Vuông 1080 × 1080 (Facebook, Zalo)",
        width: 1080,
        height: 1080,
        poster: false,
    },
    Canvas {
        slug: "doc",
        name: "Dọc 1080 × 1920 (TikTok, Reels, Stories)",
        width: 1080,
        height: 1920,
        poster: false,
    },
    Canvas {
        slug: "ngang",
        name: "Ngang 1920 × 1080 (màn hình LED)",
        width: 1920,
        height: 1080,
        poster: false,
    },
    Canvas {
        slug: "xem-truoc",
        name: "Xem trước liên kết 1200 × 630",
        width: 1200,
        height: 630,
        poster: false,
    },
    Canvas {
        slug: "a3",
        name: "Áp phích A3",
        width: 297,
        height: 420,
        poster: true,
    },
    Canvas {
        slug: "a2",
        name: "Áp phích A2",
        width: 420,
        height: 594,
        poster: true,
    },
];
