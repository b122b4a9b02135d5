//! Brand colours and WCAG 2.1 contrast. A unit colour sits behind white text
//! (header, buttons) and is the link colour on white and on the theme's
//! lightly tinted boxes (the darkest is about #f6effc). 5.1:1 against white
//! keeps both at WCAG AA's 4.5:1.

/// The city's blue (Hà Nội's portal colour): the campaign's colour in print
/// and on the city's results page, and what a unit colour that cannot be
/// read falls back to. The default theme's CSS (`--brand`) and
/// `print/formats.yaml` write the same value.
pub const CITY_BLUE: &str = "#0b5394";

/// [`CITY_BLUE`] as RGB.
pub const CITY_BLUE_RGB: Rgb = (11, 83, 148);

/// Contrast a unit colour must reach against white.
pub const MIN_CONTRAST: f64 = 5.1;

pub type Rgb = (u8, u8, u8);

pub fn parse_hex(s: &str) -> Option<Rgb> {
    let h = s.trim().strip_prefix('#')?;
    let full = match h.len() {
        3 => h.chars().flat_map(|c| [c, c]).collect::<String>(),
        6 => h.to_owned(),
        _ => return None,
    };
    let v = u32::from_str_radix(&full, 16).ok()?;
    Some(((v >> 16) as u8, (v >> 8) as u8, v as u8))
}

pub fn to_hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

fn luminance((r, g, b): Rgb) -> f64 {
    let ch = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
}

pub fn contrast_with_white(c: Rgb) -> f64 {
    1.05 / (luminance(c) + 0.05)
}

/// Darken `c` in small steps, keeping its hue, until it reaches
/// [`MIN_CONTRAST`] with white. Returns `c` itself when it already does.
pub fn ensure_contrast_with_white(c: Rgb) -> Rgb {
    let mut cur = c;
    let mut factor = 1.0;
    while contrast_with_white(cur) < MIN_CONTRAST {
        factor *= 0.96;
        let s = |v: u8| (f64::from(v) * factor).round() as u8;
        cur = (s(c.0), s(c.1), s(c.2));
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_colours_are_darkened_to_aa() {
        let green = parse_hex("#4caf50").unwrap();
        assert!(contrast_with_white(green) < 4.5);
        let fixed = ensure_contrast_with_white(green);
        assert!(contrast_with_white(fixed) >= MIN_CONTRAST);
        // Links in that colour on the darkest tinted box still reach 4.5:1.
        let box_lum = luminance((0xf6, 0xef, 0xfc));
        assert!((box_lum + 0.05) / (luminance(fixed) + 0.05) >= 4.5);
        assert!(fixed.1 > fixed.0, "hue kept: {fixed:?}");
        assert_eq!(parse_hex(CITY_BLUE), Some(CITY_BLUE_RGB));
        let navy = parse_hex(CITY_BLUE).unwrap();
        assert_eq!(ensure_contrast_with_white(navy), navy);
        assert_eq!(parse_hex("#fff"), Some((255, 255, 255)));
        assert_eq!(parse_hex("blue"), None);
    }
}
