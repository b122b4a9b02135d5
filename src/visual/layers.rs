//! Pictures drawn in two layers. A guide's link preview, or one canvas of
//! an infographic, differs between units only in what its template keeps
//! in slots (lib.typ's `slot`: the unit's name; an infographic's QR code
//! and footer too), so the guide's layer (the picture laid out with its
//! slots empty, `compose: "guide"`) is laid out and rendered once for
//! every unit of one colour, and each unit's slots (`pieces`) are drawn
//! over a copy of it where the slots' markers are
//! (`compose::Layout::pieces_alone`). A picture otherwise costs a layout
//! and a render per unit: 143 of each per guide at city scale.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use typst_layout::Page;

use crate::engine::world::{Failure, PrintWorld};
use crate::print::compose::Layout;

/// A guide's layer: its layout (for the slots' places) and its pixels,
/// opaque, as RGB.
pub struct Base {
    layout: Layout,
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

/// Premultiplied RGBA pixels of a page, as typst-render gives them.
fn rendered(page: &Page) -> (u32, u32, Vec<u8>) {
    let pixmap = typst_render::render(
        page,
        &typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(1.0),
            render_bleed: false,
        },
    );
    (pixmap.width(), pixmap.height(), pixmap.take())
}

/// `rgba` (premultiplied) drawn over `rgb` (opaque, the same size), on the
/// rows where it has a pixel: the rest of a unit's layer is empty.
fn draw_over(rgb: &mut [u8], rgba: &[u8], width: usize) {
    let rows = rgb
        .chunks_exact_mut(width * 3)
        .zip(rgba.chunks_exact(width * 4));
    let empty = |row: &[u8]| {
        row.chunks_exact(8).fold(0, |any, w| {
            any | u64::from_le_bytes(w.try_into().unwrap_or_default())
        }) == 0
    };
    for (to, from) in rows.filter(|(_, from)| !empty(from)) {
        for (d, s) in to.chunks_exact_mut(3).zip(from.chunks_exact(4)) {
            match s[3] {
                0 => {}
                255 => d.copy_from_slice(&s[..3]),
                // As typst-render blends a glyph's edge (its `blend_src_over`):
                // a slot holds mostly text, whose pixels are then the same
                // as where the text is drawn on the guide's pixels directly.
                a => {
                    let keep = 256 - u32::from(a);
                    for (d, s) in d.iter_mut().zip(s) {
                        let c = u32::from(*s) + ((u32::from(*d) * keep) >> 8);
                        *d = c.min(255) as u8;
                    }
                }
            }
        }
    }
}

/// The guides' layers of the build, by their source's hash: the few most
/// recent (units are drawn a few at a time, each every guide in turn, so
/// a guide's layer is wanted again soon or, in another colour, never).
#[derive(Default)]
pub struct Bases {
    made: Mutex<(HashMap<String, Slot>, VecDeque<String>)>,
    /// The colours of more than one unit being drawn: a layer in another
    /// would serve one unit, and cost more than the preview drawn whole.
    shared: Mutex<HashSet<String>>,
}

/// The colour of pictures in the campaign's palette, whatever the unit's.
pub const CAMPAIGN: &str = "campaign";

type Slot = Arc<OnceLock<Result<Option<Arc<Base>>, Failure>>>;

/// How many guides' layers are kept: 48 previews of 1200 x 630 are 110 MB;
/// a unit draws its previews and then a dozen infographics (the largest,
/// 1080 x 1920, 6 MB each).
const KEPT: usize = 48;

impl Bases {
    /// The layer of `source` (the preview laid out with its slots empty),
    /// and whether this call drew it: made by the first thread that asks,
    /// none where the template shows the unit's data outside its slots; a
    /// failure (the title does not fit) is the guide's, the same for
    /// every unit.
    pub fn get(
        &self,
        key: &str,
        world: &mut PrintWorld,
        source: &str,
    ) -> Result<(Option<Arc<Base>>, bool), Failure> {
        let slot = {
            let mut made = self.made.lock().expect("preview layers");
            let (map, order) = &mut *made;
            if !map.contains_key(key) {
                if order.len() >= KEPT
                    && let Some(old) = order.pop_front()
                {
                    map.remove(&old);
                }
                order.push_back(key.to_owned());
            }
            map.entry(key.to_owned()).or_default().clone()
        };
        let mut drawn = false;
        let made = slot.get_or_init(|| {
            drawn = true;
            let doc = world.compile(source);
            super::evict_now_and_then();
            let doc = doc?;
            let Some(page) = doc.pages().first() else {
                return Ok(None);
            };
            super::layout_check(page).map_err(Failure::Overflow)?;
            let (width, height, rgba) = rendered(page);
            if !crate::images::opaque(&rgba) {
                return Ok(None);
            }
            let rgb = crate::images::rgb_of(&rgba);
            Ok(Layout::of(doc).map(|layout| {
                Arc::new(Base {
                    layout,
                    width,
                    height,
                    rgb,
                })
            }))
        });
        Ok((made.clone()?, drawn))
    }

    /// The units' colours (one per unit drawn): those of several units
    /// get layers.
    pub fn share<'a>(&self, colours: impl Iterator<Item = &'a str>) {
        let mut seen = HashSet::new();
        let mut shared: HashSet<String> = colours
            .filter(|c| !seen.insert(*c))
            .map(str::to_owned)
            .collect();
        if seen.len() + shared.len() > 1 {
            shared.insert(CAMPAIGN.to_owned());
        }
        *self.shared.lock().expect("shared colours") = shared;
    }

    /// Whether units of `colour` share layers (`CAMPAIGN`: the theme's
    /// colour, which every unit shares).
    pub fn shared(&self, colour: &str) -> bool {
        self.shared.lock().expect("shared colours").contains(colour)
    }

    /// Drop every layer: the stage is over.
    pub fn forget(&self) {
        *self.made.lock().expect("preview layers") = Default::default();
    }
}

impl Base {
    /// The unit's preview as RGB: this layer with the unit's slots
    /// (`pieces`, one page per slot) drawn over it; none if they do not go
    /// together, or if the whole preview's text would leave the canvas or
    /// touch other text (`layout_check`, as a preview drawn whole).
    pub fn with(&self, pieces: &typst_layout::PagedDocument) -> Option<(u32, u32, Vec<u8>)> {
        let own = 0..pieces.pages().len();
        let whole = self.layout.compose(pieces, own.clone(), "", None)?;
        super::layout_check(whole.pages().first()?).ok()?;
        let alone = self.layout.pieces_alone(pieces, std::iter::once(own))?;
        let (width, height, over) = rendered(alone.pages().first()?);
        if (width, height) != (self.width, self.height) {
            return None;
        }
        let mut rgb = self.rgb.clone();
        draw_over(&mut rgb, &over, width as usize);
        Some((width, height, rgb))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_layer_is_drawn_over_where_it_has_pixels() {
        let mut rgb = vec![200, 100, 50, 10, 20, 30, 1, 2, 3, 4, 5, 6];
        // Opaque red, half-covered black (premultiplied), then a row with
        // nothing: left as it was.
        let over = [255, 0, 0, 255, 0, 0, 0, 128, 0, 0, 0, 0, 0, 0, 0, 0];
        draw_over(&mut rgb, &over, 2);
        assert_eq!(rgb, [255, 0, 0, 5, 10, 15, 1, 2, 3, 4, 5, 6]);
    }
}
