//! The write floor for the benchmark: read every file of a folder into
//! memory, then time writing them, same bytes, into a fresh folder, on one
//! thread, with nothing else to do. Prints seconds.
//!
//!     cargo run --release --example write_floor -- public/

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
    let dst = std::env::temp_dir().join(format!("sotay-floor-{}", std::process::id()));
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
    let _ = std::fs::remove_dir_all(&dst);
    println!("{secs:.3} {}", files.len());
}
