//! The Typst engine print and pictures share: the world (`world.rs`: the
//! generated main file, the theme's print files, images, built-in fonts),
//! and the threads documents are laid out on.

pub mod canvas;
pub mod formats;
pub mod world;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A hash of the theme's print files and the tool: the key of a pooled
/// world, and part of every PDF's and picture's cache key.
pub fn theme_key(print_files: &std::collections::BTreeMap<String, String>) -> String {
    let mut h = crate::hash::Hasher::default();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for (k, v) in print_files {
        h.update(k.as_bytes()).update(&[0]);
        h.update(v.as_bytes()).update(&[0]);
    }
    h.hex()
}

/// Stack size of the threads that run Typst (virtual memory: only what a
/// layout touches is used). Typst lays out deeply nested content
/// recursively; 2 MB stacks overflowed in print with 18 units.
pub const STACK: usize = 256 << 20;

/// Run `work` over `tasks` on one plain thread per core, each taking the
/// next task; results in task order. Plain threads, not rayon jobs: a rayon
/// thread waiting inside Typst's own parallel layout would steal another
/// document and lay it out on the same stack (deep recursion, and more
/// documents in memory at once).
pub fn run_tasks<T: Sync, R: Send>(tasks: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<(usize, R)>> = Mutex::default();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(tasks.len())
        .max(1);
    let run = || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(task) = tasks.get(i) else {
            break;
        };
        let result = work(task);
        done.lock().expect("task results").push((i, result));
    };
    std::thread::scope(|s| {
        for n in 0..workers {
            let spawned = std::thread::Builder::new()
                .name(format!("sotay-typst-{n}"))
                .stack_size(STACK)
                .spawn_scoped(s, run);
            if spawned.is_err() {
                run(); // no thread to be had: do the work here
            }
        }
    });
    let mut done = done.into_inner().expect("task results");
    done.sort_by_key(|d| d.0);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Run `work` in a rayon pool whose threads have Typst's stack (pictures
/// run a rayon loop over units; a rayon thread waiting inside one layout
/// may steal another to lay out on the same stack).
pub fn in_big_stacks<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("sotay-typst-{i}"))
        .stack_size(STACK)
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
