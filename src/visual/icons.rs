//! The bundled icons: Tabler Icons 3.52.0 (MIT, assets/icons/LICENSE), from
//! the npm registry's `@tabler/icons`. A test keeps this list equal to
//! assets/icons.

pub const ICONS: &[(&str, &[u8])] = &[
    (
        "alert-triangle",
        include_bytes!("../../assets/icons/alert-triangle.svg"),
    ),
    (
        "baby-carriage",
        include_bytes!("../../assets/icons/baby-carriage.svg"),
    ),
    ("bell", include_bytes!("../../assets/icons/bell.svg")),
    (
        "briefcase",
        include_bytes!("../../assets/icons/briefcase.svg"),
    ),
    (
        "building",
        include_bytes!("../../assets/icons/building.svg"),
    ),
    (
        "building-bank",
        include_bytes!("../../assets/icons/building-bank.svg"),
    ),
    (
        "calendar",
        include_bytes!("../../assets/icons/calendar.svg"),
    ),
    ("camera", include_bytes!("../../assets/icons/camera.svg")),
    ("car", include_bytes!("../../assets/icons/car.svg")),
    (
        "certificate",
        include_bytes!("../../assets/icons/certificate.svg"),
    ),
    (
        "chart-bar",
        include_bytes!("../../assets/icons/chart-bar.svg"),
    ),
    ("check", include_bytes!("../../assets/icons/check.svg")),
    (
        "clipboard-check",
        include_bytes!("../../assets/icons/clipboard-check.svg"),
    ),
    ("clock", include_bytes!("../../assets/icons/clock.svg")),
    ("coin", include_bytes!("../../assets/icons/coin.svg")),
    (
        "credit-card",
        include_bytes!("../../assets/icons/credit-card.svg"),
    ),
    (
        "device-mobile",
        include_bytes!("../../assets/icons/device-mobile.svg"),
    ),
    ("eye-off", include_bytes!("../../assets/icons/eye-off.svg")),
    (
        "file-text",
        include_bytes!("../../assets/icons/file-text.svg"),
    ),
    (
        "file-upload",
        include_bytes!("../../assets/icons/file-upload.svg"),
    ),
    ("files", include_bytes!("../../assets/icons/files.svg")),
    (
        "heart-handshake",
        include_bytes!("../../assets/icons/heart-handshake.svg"),
    ),
    ("home", include_bytes!("../../assets/icons/home.svg")),
    (
        "hourglass",
        include_bytes!("../../assets/icons/hourglass.svg"),
    ),
    ("id", include_bytes!("../../assets/icons/id.svg")),
    (
        "id-badge-2",
        include_bytes!("../../assets/icons/id-badge-2.svg"),
    ),
    ("key", include_bytes!("../../assets/icons/key.svg")),
    ("lock", include_bytes!("../../assets/icons/lock.svg")),
    ("login", include_bytes!("../../assets/icons/login.svg")),
    ("mail", include_bytes!("../../assets/icons/mail.svg")),
    ("map-pin", include_bytes!("../../assets/icons/map-pin.svg")),
    ("message", include_bytes!("../../assets/icons/message.svg")),
    (
        "phone-call",
        include_bytes!("../../assets/icons/phone-call.svg"),
    ),
    ("qrcode", include_bytes!("../../assets/icons/qrcode.svg")),
    (
        "receipt-tax",
        include_bytes!("../../assets/icons/receipt-tax.svg"),
    ),
    ("school", include_bytes!("../../assets/icons/school.svg")),
    ("search", include_bytes!("../../assets/icons/search.svg")),
    ("send", include_bytes!("../../assets/icons/send.svg")),
    (
        "shield-check",
        include_bytes!("../../assets/icons/shield-check.svg"),
    ),
    (
        "shield-lock",
        include_bytes!("../../assets/icons/shield-lock.svg"),
    ),
    (
        "speakerphone",
        include_bytes!("../../assets/icons/speakerphone.svg"),
    ),
    (
        "steering-wheel",
        include_bytes!("../../assets/icons/steering-wheel.svg"),
    ),
    (
        "thumb-up",
        include_bytes!("../../assets/icons/thumb-up.svg"),
    ),
    (
        "user-check",
        include_bytes!("../../assets/icons/user-check.svg"),
    ),
    ("users", include_bytes!("../../assets/icons/users.svg")),
    ("world", include_bytes!("../../assets/icons/world.svg")),
];

/// An icon's SVG drawn in `colour` (Tabler icons stroke with `currentColor`).
pub fn svg(name: &str, colour: &str) -> Option<Vec<u8>> {
    let (_, bytes) = ICONS.iter().find(|(n, _)| *n == name)?;
    let text = std::str::from_utf8(bytes).ok()?;
    Some(text.replace("currentColor", colour).into_bytes())
}

pub fn names() -> impl Iterator<Item = &'static str> {
    ICONS.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_is_the_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/icons");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let n = e.unwrap().file_name().to_string_lossy().into_owned();
                n.strip_suffix(".svg").map(str::to_owned)
            })
            .collect();
        on_disk.sort();
        let listed: Vec<String> = super::names().map(str::to_owned).collect();
        assert_eq!(listed, on_disk, "regenerate src/visual/icons.rs");
    }
}
