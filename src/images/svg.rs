//! SVG pictures and logos are published as they are, and a browser that
//! opens one on its own runs its scripts and loads what it points at. So
//! an SVG is parsed as XML (no DOCTYPE, hence no entities to expand) and
//! held to an allow-list: elements and attributes that draw, references
//! only inside the file (`#id`), CSS without outside addresses. Editors'
//! own metadata (Inkscape, Sodipodi, RDF, Creative Commons, Dublin Core,
//! swatches) is not drawn and is let through unchecked, except for event
//! handlers and links.

use std::path::Path;

use roxmltree::{Attribute, Document, Node, NodeType, ParsingOptions};

use crate::diag::Diagnostic;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Namespaces of editor metadata, which browsers do not draw.
const EDITOR_NS: &[&str] = &[
    "http://www.inkscape.org/namespaces/inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://creativecommons.org/ns#",
    "http://web.resource.org/cc/",
    "http://purl.org/dc/elements/1.1/",
    // Inkscape's swatches
    "http://www.openswatchbook.org/uri/2009/osb",
];

/// SVG elements that draw, group, define or describe. Not here: script,
/// foreignObject, image, feImage, animateMotion, fonts, iframes, media.
#[rustfmt::skip]
const ELEMENTS: &[&str] = &[
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch", "a", "style",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "filter",
    "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood",
    "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feMerge", "feMergeNode",
    "feMorphology", "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile",
    "feTurbulence", "animate", "animateTransform", "set",
];

/// Attributes (without a namespace) of those elements: geometry,
/// presentation, gradients, filters and animation timing. `data-*` and
/// `aria-*` are allowed too; `href` is checked apart.
#[rustfmt::skip]
const ATTRIBUTES: &[&str] = &[
    // core and structure
    "id", "class", "style", "lang", "role", "focusable", "tabindex", "href", "version",
    "baseProfile", "viewBox", "preserveAspectRatio", "zoomAndPan", "transform", "transform-origin",
    "requiredFeatures", "systemLanguage", "type", "media", "title",
    // geometry
    "x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy",
    "fr", "d", "points", "pathLength", "z",
    // gradients, patterns, clips, masks, markers
    "gradientUnits", "gradientTransform", "spreadMethod", "offset", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits", "maskContentUnits",
    "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
    // text
    "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing", "side",
    // presentation
    "alignment-baseline", "baseline-shift", "clip", "clip-path", "clip-rule", "color",
    "color-interpolation", "color-interpolation-filters", "color-rendering", "direction", "display",
    "dominant-baseline", "enable-background", "fill", "fill-opacity", "fill-rule", "filter",
    "flood-color", "flood-opacity", "font", "font-family", "font-size", "font-size-adjust",
    "font-stretch", "font-style", "font-variant", "font-weight", "glyph-orientation-horizontal",
    "glyph-orientation-vertical", "image-rendering", "isolation", "kerning", "letter-spacing",
    "lighting-color", "line-height", "marker", "marker-end", "marker-mid", "marker-start", "mask",
    "mask-type", "mix-blend-mode", "opacity", "overflow", "paint-order", "pointer-events",
    "shape-rendering", "solid-color", "solid-opacity", "stop-color", "stop-opacity", "stroke",
    "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor", "text-decoration",
    "text-rendering", "unicode-bidi", "vector-effect", "visibility", "white-space", "word-spacing",
    "writing-mode",
    // filters
    "filterUnits", "primitiveUnits", "filterRes", "in", "in2", "result", "stdDeviation", "mode",
    "operator", "k1", "k2", "k3", "k4", "values", "tableValues", "slope", "intercept", "amplitude",
    "exponent", "baseFrequency", "numOctaves", "seed", "stitchTiles", "scale", "xChannelSelector",
    "yChannelSelector", "radius", "edgeMode", "order", "kernelMatrix", "divisor", "bias", "targetX",
    "targetY", "kernelUnitLength", "preserveAlpha", "surfaceScale", "diffuseConstant",
    "specularConstant", "specularExponent", "azimuth", "elevation", "pointsAtX", "pointsAtY",
    "pointsAtZ", "limitingConeAngle",
    // animation
    "attributeName", "attributeType", "from", "to", "by", "dur", "begin", "end", "repeatCount",
    "repeatDur", "calcMode", "keyTimes", "keySplines", "additive", "accumulate", "restart", "min",
    "max",
];

/// Attributes that hold free text rather than CSS-like values.
const TEXT_ATTRIBUTES: &[&str] = &["id", "class", "lang", "title", "media", "type"];

/// CSS functions that cannot fetch anything (`url(` is checked apart).
#[rustfmt::skip]
const CSS_FUNCTIONS: &[&str] = &[
    "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color", "calc", "min",
    "max", "clamp", "var", "translate", "translatex", "translatey", "rotate", "scale", "scalex",
    "scaley", "matrix", "skewx", "skewy", "cubic-bezier", "steps", "blur", "brightness", "contrast",
    "drop-shadow", "grayscale", "hue-rotate", "invert", "opacity", "saturate", "sepia", "rect",
    "inset", "circle", "ellipse", "polygon", "path",
];

const RE_EXPORT: &str = "export the SVG again without scripts or links (in Inkscape: File > Save As > Optimized SVG or Plain SVG), or save the picture as PNG";

/// Where a problem is in the SVG's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    File,
    /// Byte offset and length.
    Offset(usize, usize),
    /// Line and column (1-based), from the XML parser.
    LineCol(usize, usize),
}

/// Why an SVG cannot be published, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hint: String,
    pub at: At,
}

impl Problem {
    fn new(message: impl Into<String>, hint: impl Into<String>, at: At) -> Self {
        Problem {
            message: message.into(),
            hint: hint.into(),
            at,
        }
    }

    /// The error, pointing into `file`, whose text is `text`.
    pub fn diagnostic(&self, file: &Path, text: &str) -> Diagnostic {
        let d = Diagnostic::error(&self.message).hint(&self.hint);
        match self.at {
            At::File => d.in_file(file),
            At::Offset(start, len) => d.at_offset(file, text, start, len),
            At::LineCol(line, col) => d.at(file, text, line, col, 1),
        }
    }
}

/// Check an SVG's text; its width and height when it passes (from the root's
/// `width`/`height`, else its `viewBox`, else 640x480).
pub fn check(text: &str) -> Result<(u32, u32), Problem> {
    if text.trim().is_empty() {
        return Err(Problem::new(
            "the SVG file is empty",
            "export the picture again, or remove the reference to it",
            At::File,
        ));
    }
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 1_000_000,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(parse_error)?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || !is_svg(root) {
        return Err(at_element(
            root,
            format!("not an SVG: the file's root element is `<{}>`", qname(root)),
            "export the picture as SVG, or save it as PNG",
        ));
    }
    for node in doc.descendants() {
        match node.node_type() {
            NodeType::Element => element(node)?,
            NodeType::PI => {
                return Err(at_node(
                    node,
                    "processing instructions (`<?…?>`) are not allowed in an SVG: they can load other files",
                    "remove the `<?…?>` line",
                ));
            }
            _ => {}
        }
    }
    Ok(size(root).unwrap_or((640, 480)))
}

fn parse_error(e: roxmltree::Error) -> Problem {
    let pos = e.pos();
    let at = At::LineCol(pos.row as usize, pos.col as usize);
    match e {
        roxmltree::Error::DtdDetected => Problem::new(
            "the SVG has a DOCTYPE: its entities could expand without limit, or read other files",
            format!("remove the `<!DOCTYPE …>` block; {RE_EXPORT}"),
            at,
        ),
        e => Problem::new(
            format!("the SVG is not well-formed XML: {e}"),
            "open it in a vector editor and export it again as SVG",
            at,
        ),
    }
}

fn is_svg(node: Node) -> bool {
    matches!(node.tag_name().namespace(), None | Some(SVG_NS))
}

fn is_editor(ns: Option<&str>) -> bool {
    ns.is_some_and(|ns| EDITOR_NS.contains(&ns))
}

/// One element and its attributes.
fn element(node: Node) -> Result<(), Problem> {
    let ns = node.tag_name().namespace();
    if is_svg(node) {
        svg_element(node)?;
    } else if !is_editor(ns) {
        return Err(at_element(
            node,
            format!(
                "element `<{}>` from `{}` is not allowed in an SVG",
                qname(node),
                ns.unwrap_or_default()
            ),
            format!("remove the element; {RE_EXPORT}"),
        ));
    }
    for attr in node.attributes() {
        attribute(node, &attr)?;
    }
    Ok(())
}

fn svg_element(node: Node) -> Result<(), Problem> {
    let name = node.tag_name().name();
    let (message, hint) = match name {
        n if ELEMENTS.contains(&n) => return svg_element_content(node),
        "script" => (
            "the SVG contains a script (`<script>`)".to_owned(),
            RE_EXPORT.to_owned(),
        ),
        "foreignObject" => (
            "`<foreignObject>` is not allowed: it can hold a web page, with scripts".to_owned(),
            format!("remove the `<foreignObject>` element; {RE_EXPORT}"),
        ),
        n => (
            format!("SVG element `<{n}>` is not allowed in a published picture"),
            format!(
                "remove the `<{n}>` element (pictures inside an SVG, fonts and motion are not published), or save the picture as PNG"
            ),
        ),
    };
    Err(at_element(node, message, hint))
}

/// A `<style>` element's CSS, and what an animation may change.
fn svg_element_content(node: Node) -> Result<(), Problem> {
    match node.tag_name().name() {
        "style" => {
            let css_text: String = node
                .descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect();
            css(&css_text).map_err(|why| {
                at_element(
                    node,
                    format!("the SVG's `<style>` {why}"),
                    "remove that rule: styles may only refer to parts of the same file (`url(#id)`)",
                )
            })
        }
        "animate" | "animateTransform" | "set" => {
            let target = node.attribute("attributeName").unwrap_or_default();
            let local = target.rsplit(':').next().unwrap_or(target);
            if local.eq_ignore_ascii_case("href") || starts_with_on(local) {
                return Err(at_element(
                    node,
                    format!(
                        "`<{}>` changes `{target}`: an animation may not set links or event handlers",
                        node.tag_name().name()
                    ),
                    format!("remove the `<{}>` element", node.tag_name().name()),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// One attribute of `node`: event handlers and outside links anywhere;
/// the allow-list and CSS values on SVG elements; editor metadata unchecked.
fn attribute(node: Node, attr: &Attribute) -> Result<(), Problem> {
    let (ns, name, value) = (attr.namespace(), attr.name(), attr.value());
    if name == "href" && !value.trim_start().starts_with('#') {
        return Err(at_attr(
            attr,
            format!("`{}` points outside the SVG: `{value}`", attr_name(attr)),
            format!(
                "remove the attribute `{}`: only references inside the file (`#id`) are allowed",
                attr_name(attr)
            ),
        ));
    }
    if ns.is_none() && starts_with_on(name) {
        return Err(at_attr(
            attr,
            format!("the SVG has an event handler `{name}`, which runs a script"),
            format!("remove the attribute `{name}`; {RE_EXPORT}"),
        ));
    }
    match ns {
        _ if !is_svg(node) || is_editor(ns) => Ok(()),
        None => svg_attribute(node, attr),
        Some(XLINK_NS) => Ok(()),
        Some(XML_NS) if matches!(name, "space" | "lang") => Ok(()),
        Some(other) => Err(at_attr(
            attr,
            format!(
                "attribute `{}` (from `{other}`) is not allowed on `<{}>`",
                attr_name(attr),
                qname(node)
            ),
            format!("remove the attribute `{}`", attr_name(attr)),
        )),
    }
}

fn svg_attribute(node: Node, attr: &Attribute) -> Result<(), Problem> {
    let name = attr.name();
    let known =
        ATTRIBUTES.contains(&name) || name.starts_with("data-") || name.starts_with("aria-");
    if !known {
        return Err(at_attr(
            attr,
            format!(
                "SVG attribute `{name}` is not allowed on `<{}>`",
                qname(node)
            ),
            format!("remove the attribute `{name}`"),
        ));
    }
    if TEXT_ATTRIBUTES.contains(&name) || name.starts_with("data-") || name.starts_with("aria-") {
        return Ok(());
    }
    css(attr.value()).map_err(|why| {
        at_attr(
            attr,
            format!("attribute `{name}` {why}"),
            format!("remove the attribute `{name}`, or point it inside the file (`url(#id)`)"),
        )
    })
}

fn starts_with_on(name: &str) -> bool {
    name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on"))
}

/// CSS (a `<style>`, a style attribute or a presentation value) that
/// cannot fetch anything: no escapes (they could spell `url` another way),
/// no `@import`, `url(` only to `#id`, and only functions that compute.
/// The error completes "the attribute … ".
fn css(text: &str) -> Result<(), String> {
    if text.contains('\\') {
        return Err("uses a CSS escape (`\\`)".into());
    }
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let (mut i, mut word) = (0, 0);
    while i < b.len() {
        i = match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2),
            q @ (b'"' | b'\'') => string_end(b, i + 1, q),
            b'(' => function(&lower, word, i)?,
            b'@' if lower[i + 1..].starts_with("import") => {
                return Err("uses `@import`, which loads another file".into());
            }
            c if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c >= 0x80 => {
                i += 1;
                continue;
            }
            _ => i + 1,
        };
        word = i;
    }
    Ok(())
}

/// After the `(` at `paren` of a function named by `lower[start..paren]`:
/// where scanning goes on, or why the function is refused.
fn function(lower: &str, start: usize, paren: usize) -> Result<usize, String> {
    let name = &lower[start..paren];
    if name == "url" {
        let rest = &lower[paren + 1..];
        let arg = rest.trim_start();
        let (arg, quoted) = match arg.strip_prefix(['"', '\'']) {
            Some(a) => (a, true),
            None => (arg, false),
        };
        if !arg.trim_start().starts_with('#') {
            let shown: String = arg.chars().take_while(|&c| c != ')').take(60).collect();
            return Err(format!("refers outside the file: `url({shown})`"));
        }
        // An unquoted url runs to `)` whatever it holds (even `/*`).
        return Ok(if quoted {
            paren + 1
        } else {
            rest.find(')').map_or(lower.len(), |e| paren + 1 + e + 1)
        });
    }
    if name.is_empty() || CSS_FUNCTIONS.contains(&name) {
        Ok(paren + 1)
    } else {
        Err(format!(
            "uses the CSS function `{name}(`, which is not allowed"
        ))
    }
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// Past the string that started before `from` with quote `q`: it ends at
/// the quote, or unterminated at a line end, as in CSS.
fn string_end(b: &[u8], from: usize, q: u8) -> usize {
    b.iter()
        .skip(from)
        .position(|&c| c == q || c == b'\n')
        .map_or(b.len(), |p| from + p + 1)
}

/// Width and height from the root's attributes, else its viewBox.
fn size(root: Node) -> Option<(u32, u32)> {
    let length = |name: &str| -> Option<f64> {
        let v: f64 = root
            .attribute(name)?
            .trim()
            .trim_end_matches("px")
            .parse()
            .ok()?;
        (v.is_finite() && v > 0.0).then_some(v)
    };
    let (w, h) = match (length("width"), length("height")) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            let vb: Vec<f64> = root
                .attribute("viewBox")?
                .split([' ', ',', '\t', '\n'])
                .filter_map(|s| s.parse().ok())
                .collect();
            match vb[..] {
                [_, _, w, h] if w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0 => (w, h),
                _ => return None,
            }
        }
    };
    let px = |v: f64| v.round().clamp(1.0, 100_000.0) as u32;
    Some((px(w), px(h)))
}

/// The element's name, with its prefix unless it is an SVG one.
fn qname(node: Node) -> String {
    let name = node.tag_name();
    if is_svg(node) {
        return name.name().to_owned();
    }
    match name.namespace().and_then(|ns| node.lookup_prefix(ns)) {
        Some(prefix) if !prefix.is_empty() => format!("{prefix}:{}", name.name()),
        _ => name.name().to_owned(),
    }
}

/// The attribute's name as written (`xlink:href`, `onload`).
fn attr_name(attr: &Attribute) -> String {
    match attr.namespace() {
        Some(XLINK_NS) => format!("xlink:{}", attr.name()),
        Some(XML_NS) => format!("xml:{}", attr.name()),
        _ => attr.name().to_owned(),
    }
}

fn at_element(node: Node, message: impl Into<String>, hint: impl Into<String>) -> Problem {
    let len = 1 + qname(node).len();
    Problem::new(message, hint, At::Offset(node.range().start, len))
}

fn at_node(node: Node, message: impl Into<String>, hint: impl Into<String>) -> Problem {
    let r = node.range();
    Problem::new(message, hint, At::Offset(r.start, r.len()))
}

fn at_attr(attr: &Attribute, message: impl Into<String>, hint: impl Into<String>) -> Problem {
    let r = attr.range();
    Problem::new(message, hint, At::Offset(r.start, r.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INKSCAPE: &str = r##"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<svg
   width="210mm"
   height="120"
   viewBox="0 0 210 120"
   version="1.1"
   id="svg5"
   inkscape:version="1.2.2 (b0a8486541, 2022-12-01)"
   sodipodi:docname="logo.svg"
   inkscape:export-filename="logo.png"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns="http://www.w3.org/2000/svg"
   xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#"
   xmlns:dc="http://purl.org/dc/elements/1.1/">
  <sodipodi:namedview
     id="namedview7"
     pagecolor="#ffffff"
     bordercolor="#666666"
     inkscape:showpageshadow="2"
     inkscape:zoom="0.73"
     inkscape:current-layer="layer1">
    <inkscape:grid type="xygrid" id="grid1" />
  </sodipodi:namedview>
  <defs id="defs2">
    <style>.a { fill: url(#g1); stroke: rgb(10, 20, 30) }</style>
    <linearGradient inkscape:collect="always" id="g1" gradientTransform="rotate(45)">
      <stop style="stop-color:#0b5394;stop-opacity:1" offset="0" id="stop1" />
      <stop style="stop-color:#ffffff;stop-opacity:1" offset="1" id="stop2" />
    </linearGradient>
    <clipPath id="c1"><rect x="0" y="0" width="10" height="10" /></clipPath>
  </defs>
  <metadata id="metadata1">
    <rdf:RDF>
      <cc:Work rdf:about="">
        <dc:format>image/svg+xml</dc:format>
        <dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage" />
        <dc:title>Logo phường</dc:title>
      </cc:Work>
    </rdf:RDF>
  </metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1" transform="translate(-10.5,-20)">
    <title>Logo</title>
    <path
       style="fill:url(#g1);fill-opacity:1;stroke:none;stroke-width:0.26;-inkscape-font-specification:'Sans Bold'"
       d="M 10,10 H 50 V 50 Z"
       id="path1"
       sodipodi:nodetypes="cccc"
       clip-path="url(#c1)" />
    <text xml:space="preserve" style="font-size:10px;font-family:'Noto Sans', sans-serif" x="5" y="60" id="t1"><tspan sodipodi:role="line" id="ts1" x="5" y="60">Phường Ba Đình</tspan></text>
    <use xlink:href="#path1" x="60" aria-label="copy" />
  </g>
</svg>
"##;

    fn problem(svg: &str) -> Problem {
        check(svg).expect_err(svg)
    }

    /// The line and column a problem points at.
    fn place(svg: &str) -> (usize, usize) {
        let d = problem(svg).diagnostic(Path::new("x.svg"), svg);
        let l = d.location.expect("located");
        (l.line, l.col)
    }

    #[test]
    fn an_inkscape_logo_with_editor_metadata_passes() {
        // `210mm` is not pixels: the viewBox gives the size.
        assert_eq!(check(INKSCAPE), Ok((210, 120)));
    }

    #[test]
    fn a_handler_after_a_newline_is_found_and_located() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"\nonload=\"alert(1)\">\n</svg>";
        let p = problem(svg);
        assert!(p.message.contains("event handler `onload`"), "{p:?}");
        assert!(p.hint.contains("remove the attribute `onload`"), "{p:?}");
        assert_eq!(place(svg), (2, 1));
        // Any case, on any element, on editor metadata too.
        for svg in [
            "<svg><g ONCLICK='x()'/></svg>",
            "<svg xmlns:inkscape='http://www.inkscape.org/namespaces/inkscape'><inkscape:grid onload='x()'/></svg>",
        ] {
            assert!(problem(svg).message.contains("event handler"), "{svg}");
        }
    }

    #[test]
    fn scripts_and_foreign_objects_are_refused_where_they_are() {
        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <script>alert(1)</script>\n</svg>";
        let p = problem(svg);
        assert!(p.message.contains("`<script>`"), "{p:?}");
        assert!(
            p.hint.contains("export the SVG again without scripts"),
            "{p:?}"
        );
        assert_eq!(place(svg), (2, 3));
        let svg = "<svg><foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject></svg>";
        assert!(problem(svg).message.contains("`<foreignObject>`"));
        // An XHTML script in another namespace is refused as foreign.
        let svg = "<svg><h:script xmlns:h='http://www.w3.org/1999/xhtml'>x</h:script></svg>";
        assert!(
            problem(svg).message.contains("`<h:script>`"),
            "{:?}",
            problem(svg)
        );
        // Elements with no draw-only use.
        for svg in [
            "<svg><image href='#a'/></svg>",
            "<svg><animateMotion/></svg>",
            "<svg><iframe/></svg>",
        ] {
            assert!(problem(svg).message.contains("is not allowed"), "{svg}");
        }
    }

    #[test]
    fn links_leave_the_file_only_to_fail() {
        let svg = "<svg xmlns:xlink='http://www.w3.org/1999/xlink'><a xlink:href='javascript:alert(1)'><rect/></a></svg>";
        let p = problem(svg);
        assert!(
            p.message
                .contains("`xlink:href` points outside the SVG: `javascript:alert(1)`"),
            "{p:?}"
        );
        assert!(
            p.hint.contains("remove the attribute `xlink:href`"),
            "{p:?}"
        );
        for svg in [
            "<svg><use href='http://evil.example/x.svg#a'/></svg>",
            "<svg><use href=' data:image/svg+xml,x'/></svg>",
            "<svg><use href=''/></svg>",
            "<svg><set attributeName='href' to='javascript:x()'/></svg>",
            "<svg><animate attributeName='xlink:href' values='javascript:x()'/></svg>",
            "<svg><set attributeName='onclick' to='x()'/></svg>",
        ] {
            let p = problem(svg);
            assert!(
                p.message.contains("points outside") || p.message.contains("may not set links"),
                "{svg}: {p:?}"
            );
        }
        assert!(check("<svg><use href='#a'/><set attributeName='fill' to='red'/></svg>").is_ok());
    }

    #[test]
    fn css_may_only_refer_inside_the_file() {
        let svg = "<svg><rect style=\"background:url(http://x)\"/></svg>";
        let p = problem(svg);
        assert!(
            p.message
                .contains("attribute `style` refers outside the file: `url(http://x)`"),
            "{p:?}"
        );
        for svg in [
            "<svg><rect fill='url( \"https://x/a.svg#g\" )'/></svg>",
            "<svg><rect fill='URL(//x)'/></svg>",
            "<svg><rect style='fill:u\\72l(http://x)'/></svg>",
            "<svg><rect style='fill:&#x75;rl(http://x)'/></svg>",
            "<svg><rect style='fill:image-set(\"http://x\" 1x)'/></svg>",
            "<svg><rect style='width:expression(alert(1))'/></svg>",
            "<svg><style>@import 'http://x/a.css';</style></svg>",
            "<svg><style>@IMPORT url(#a);</style></svg>",
            "<svg><style>.a{fill:url(#x/*)}.b{fill:url(http://evil)}*/</style></svg>",
            "<svg><style>.a{content:'/*'} .b{fill:url(http://evil)} /*'*/</style></svg>",
            "<svg><style>.a{fill:ur<![CDATA[l(http://x)]]>}</style></svg>",
            "<svg><rect fill='url(javascript:x)'/></svg>",
        ] {
            assert!(check(svg).is_err(), "{svg}");
        }
        for svg in [
            "<svg><rect fill='url(#g)' style='fill:url(\"#g\");font-family:\"A (B)\"'/></svg>",
            "<svg><style>/* url(http://x) in a comment */ .a{fill:url( #g )}</style></svg>",
            "<svg><g transform='matrix(1,0,0,1,0,0) rotate(3)' filter='drop-shadow(1px 1px 2px rgba(0,0,0,.5))'/></svg>",
        ] {
            assert_eq!(check(svg).map(drop), Ok(()), "{svg}");
        }
    }

    #[test]
    fn unknown_attributes_and_namespaces_are_named() {
        let p = problem("<svg><rect formaction='x'/></svg>");
        assert_eq!(p.hint, "remove the attribute `formaction`");
        let p = problem("<svg xmlns:x='http://example.com/x'><rect x:y='1'/></svg>");
        assert!(p.message.contains("from `http://example.com/x`"), "{p:?}");
        let p = problem("<svg><rect xml:base='http://x/'/></svg>");
        assert!(p.message.contains("`xml:base`"), "{p:?}");
    }

    #[test]
    fn doctypes_and_processing_instructions_are_refused() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY a "lol">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>"#;
        let p = problem(laughs);
        assert!(p.message.contains("DOCTYPE"), "{p:?}");
        assert!(p.hint.contains("remove the `<!DOCTYPE …>` block"), "{p:?}");
        let p = problem("<?xml-stylesheet href=\"http://x/a.css\"?>\n<svg/>");
        assert!(p.message.contains("processing instructions"), "{p:?}");
    }

    #[test]
    fn empty_broken_and_other_documents_are_refused() {
        assert!(problem("").message.contains("empty"));
        assert!(problem(" \n").message.contains("empty"));
        let svg = "<svg>\n<g>\n</svg>";
        let p = problem(svg);
        assert!(p.message.contains("not well-formed XML"), "{p:?}");
        assert_eq!(place(svg).0, 3);
        assert!(
            problem("<html/>")
                .message
                .contains("root element is `<html>`")
        );
        let p = problem("<svg xmlns='http://www.w3.org/1999/xhtml'/>");
        assert!(p.message.contains("not an SVG"), "{p:?}");
    }
}
