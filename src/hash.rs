//! The one hash and the one hex encoder. SHA-256 names content (images by
//! their bytes, short-link codes, cache keys) and, cut to 128 bits, keys
//! the output manifest and the input keys: a wrong "unchanged" would need
//! a collision. The CPU's SHA instructions make it fast enough to hash every
//! output file.

use sha2::{Digest, Sha256};

/// 128 bits of SHA-256.
pub type Hash = [u8; 16];

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The first 128 bits of SHA-256 of `bytes`.
pub fn short(bytes: &[u8]) -> Hash {
    Hasher::default().update(bytes).short()
}

/// The first 128 bits of a SHA-256 digest (`short` of the same bytes).
pub fn short_of(sha256: &[u8; 32]) -> Hash {
    let mut h = [0; 16];
    h.copy_from_slice(&sha256[..16]);
    h
}

/// A running SHA-256.
#[derive(Default, Clone)]
pub struct Hasher(Sha256);

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.update(bytes);
        self
    }

    pub fn finish(&self) -> [u8; 32] {
        self.0.clone().finalize().into()
    }

    /// The first 128 bits.
    pub fn short(&self) -> Hash {
        short_of(&self.finish())
    }

    /// The whole digest in lower-case hex.
    pub fn hex(&self) -> String {
        hex(&self.finish())
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

/// Append lower-case hex of `bytes` (no allocation per byte: the manifest
/// writes 190,000 rows at city scale).
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex(&short(b"abc")), hex(&sha256(b"abc")[..16]));
        assert_eq!(
            Hasher::default().update(b"a").update(b"bc").hex(),
            hex(&sha256(b"abc"))
        );
    }
}
