//! The write floor for the benchmark: read every file of a folder into
//! memory, then time writing them, same bytes, into a fresh folder, on one
//! thread, with nothing else to do. Prints seconds and the file count.
//! Without DEST it writes into a temporary folder and deletes it after.
//!
//!     cargo run --release --example write_floor -- public/ [DEST]

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let src = PathBuf::from(std::env::args().nth(1).expect("usage: write_floor DIR"));
    let files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(&src).unwrap().to_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    let keep = std::env::args().nth(2).map(PathBuf::from);
    let dst = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("sotay-floor-{}", std::process::id()))
    });
    let start = Instant::now();
    let mut last_dir: Option<&Path> = None;
    for (rel, bytes) in &files {
        let dir = rel.parent();
        if dir != last_dir {
            std::fs::create_dir_all(dst.join(dir.unwrap_or(Path::new("")))).unwrap();
            last_dir = dir;
        }
        std::fs::write(dst.join(rel), bytes).unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dst);
    }
    println!("{secs:.3} {}", files.len());
}
