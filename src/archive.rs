//! Zip archives, deterministic and streamed: entries stored (not
//! compressed; PDFs already compress their streams), in the order given,
//! every one with the same date and permissions, so the same entries give
//! the same bytes. Each entry is read whole when its turn comes and written
//! at once: an archive of a print shop's 8,000 PDFs is never in memory.
//! Zip64 records are added only when an offset or the entry count needs
//! them (over 4 GB, over 65,535 entries). A leaf: no `crate::` use.

use std::borrow::Cow;
use std::io::{self, Write};

/// A calendar day as zip stores it (MS-DOS date, midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// The MS-DOS date: years from 1980 (clamped to 1980–2107).
    fn dos(self) -> u16 {
        let year = (self.year.clamp(1980, 2107) - 1980) as u16;
        (year << 9) | (u16::from(self.month.clamp(1, 12)) << 5) | u16::from(self.day.clamp(1, 31))
    }
}

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const LOCATOR64: u32 = 0x0706_4b50;
/// Names are UTF-8 (general purpose flag bit 11).
const UTF8: u16 = 1 << 11;
/// Version needed: 2.0 for plain entries, 4.5 for zip64 records.
const V20: u16 = 20;
const V45: u16 = 45;
/// Made by Unix (high byte 3) with spec 4.5, so the mode below applies.
const MADE_BY: u16 = (3 << 8) | V45;
/// A regular file, rw-r--r--.
const FILE_MODE: u32 = 0o100_644 << 16;

/// Write a zip of `entries` (name inside the archive, source) into `out`,
/// each dated `day`; `read` gives a source's bytes. Returns the archive's
/// size.
pub fn write<T>(
    out: &mut dyn Write,
    day: Day,
    entries: &[(String, T)],
    read: impl Fn(&T) -> io::Result<Cow<'_, [u8]>>,
) -> io::Result<u64> {
    write_with(out, day, entries, read, u64::from(u32::MAX))
}

/// What the central directory says of one entry.
struct Written {
    crc: u32,
    size: u32,
    offset: u64,
}

/// `write`, with zip64 records for values at or over `limit` (`u32::MAX`
/// but in tests).
fn write_with<T>(
    out: &mut dyn Write,
    day: Day,
    entries: &[(String, T)],
    read: impl Fn(&T) -> io::Result<Cow<'_, [u8]>>,
    limit: u64,
) -> io::Result<u64> {
    let mut w = Counted { out, at: 0 };
    let date = day.dos();
    let mut written = Vec::with_capacity(entries.len());
    for (name, source) in entries {
        let bytes = read(source)?;
        let size = u32::try_from(bytes.len())
            .ok()
            .filter(|s| *s < u32::MAX)
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{name} is 4 GB or more, too big for a zip entry"),
                )
            })?;
        let crc = crc32fast::hash(&bytes);
        let offset = w.at;
        w.u32(LOCAL)?;
        w.u16(V20)?;
        w.u16(UTF8)?;
        w.u16(0)?; // stored
        w.u16(0)?; // time: midnight
        w.u16(date)?;
        w.u32(crc)?;
        w.u32(size)?;
        w.u32(size)?;
        w.u16(name_len(name)?)?;
        w.u16(0)?; // no extra field
        w.all(name.as_bytes())?;
        w.all(&bytes)?;
        written.push(Written { crc, size, offset });
    }
    let start = w.at;
    for ((name, _), e) in entries.iter().zip(&written) {
        let wide = e.offset >= limit;
        w.u32(CENTRAL)?;
        w.u16(MADE_BY)?;
        w.u16(if wide { V45 } else { V20 })?;
        w.u16(UTF8)?;
        w.u16(0)?;
        w.u16(0)?;
        w.u16(date)?;
        w.u32(e.crc)?;
        w.u32(e.size)?;
        w.u32(e.size)?;
        w.u16(name_len(name)?)?;
        w.u16(if wide { 12 } else { 0 })?;
        w.u16(0)?; // no comment
        w.u16(0)?; // disk
        w.u16(0)?; // internal attributes
        w.u32(FILE_MODE)?;
        w.u32(if wide { u32::MAX } else { e.offset as u32 })?;
        w.all(name.as_bytes())?;
        if wide {
            // The zip64 extended information field: only the offset.
            w.u16(1)?;
            w.u16(8)?;
            w.u64(e.offset)?;
        }
    }
    let (size, count) = (w.at - start, entries.len() as u64);
    let wide = start >= limit || size >= limit || count >= 0xFFFF;
    if wide {
        let end64 = w.at;
        w.u32(END64)?;
        w.u64(44)?; // the record's size after this field
        w.u16(MADE_BY)?;
        w.u16(V45)?;
        w.u32(0)?;
        w.u32(0)?;
        w.u64(count)?;
        w.u64(count)?;
        w.u64(size)?;
        w.u64(start)?;
        w.u32(LOCATOR64)?;
        w.u32(0)?;
        w.u64(end64)?;
        w.u32(1)?;
    }
    let small = |v: u64, max: u64| if wide || v >= max { max } else { v };
    w.u32(END)?;
    w.u16(0)?;
    w.u16(0)?;
    w.u16(small(count, 0xFFFF) as u16)?;
    w.u16(small(count, 0xFFFF) as u16)?;
    w.u32(small(size, 0xFFFF_FFFF) as u32)?;
    w.u32(small(start, 0xFFFF_FFFF) as u32)?;
    w.u16(0)?; // no comment
    Ok(w.at)
}

fn name_len(name: &str) -> io::Result<u16> {
    u16::try_from(name.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "zip entry name too long"))
}

/// A writer that knows how far it is (zip records hold offsets).
struct Counted<'a> {
    out: &'a mut dyn Write,
    at: u64,
}

impl Counted<'_> {
    fn all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)?;
        self.at += bytes.len() as u64;
        Ok(())
    }
    fn u16(&mut self, v: u16) -> io::Result<()> {
        self.all(&v.to_le_bytes())
    }
    fn u32(&mut self, v: u32) -> io::Result<()> {
        self.all(&v.to_le_bytes())
    }
    fn u64(&mut self, v: u64) -> io::Result<()> {
        self.all(&v.to_le_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    const DAY: Day = Day {
        year: 2026,
        month: 11,
        day: 29,
    };

    fn entries() -> Vec<(String, Vec<u8>)> {
        vec![
            ("cua-hang/don-dat-in.csv".into(), "\u{feff}Tệp\r\n".into()),
            ("cua-hang/phuong-a/a.pdf".into(), b"%PDF-1.7 a".to_vec()),
            ("cua-hang/phuong-a/empty.pdf".into(), Vec::new()),
            ("cua-hang/phuong-b/b.pdf".into(), vec![7; 70_000]),
        ]
    }

    fn zip(limit: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let n = write_with(&mut out, DAY, &entries(), |b| Ok(Cow::Borrowed(b)), limit).unwrap();
        assert_eq!(n, out.len() as u64);
        out
    }

    fn read_back(bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
        let mut z = ::zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                assert_eq!(f.compression(), ::zip::CompressionMethod::Stored);
                let t = f.last_modified().unwrap();
                assert_eq!((t.year(), t.month(), t.day()), (2026, 11, 29));
                assert_eq!(f.unix_mode(), Some(0o100_644));
                let mut b = Vec::new();
                f.read_to_end(&mut b).unwrap();
                (f.name().unwrap().into_owned(), b)
            })
            .collect()
    }

    #[test]
    fn an_archive_reads_back_as_written_and_is_the_same_every_time() {
        let a = zip(u64::from(u32::MAX));
        assert_eq!(a, zip(u64::from(u32::MAX)));
        assert_eq!(read_back(a), entries());
    }

    #[test]
    fn zip64_records_read_back_too() {
        // Every offset but the first counts as over the limit.
        let a = zip(1);
        assert!(a.windows(4).any(|w| w == END64.to_le_bytes()));
        assert_eq!(read_back(a), entries());
    }

    #[test]
    fn the_date_is_stored_as_ms_dos_wants() {
        assert_eq!(DAY.dos(), (46 << 9) | (11 << 5) | 29);
        let early = Day {
            year: 1970,
            month: 1,
            day: 1,
        };
        assert_eq!(early.dos(), (1 << 5) | 1);
    }
}
