//! The Typst engine print and pictures share: the world (`world.rs`: the
//! generated main file, the theme's print files, images, built-in fonts),
//! and the threads documents are laid out on.

pub mod canvas;
pub mod formats;
pub mod world;

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

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
///
/// At most one `heavy` task runs at a time, started as soon as no other
/// runs (the other threads take light ones meanwhile): a handbook of a
/// hundred long guides holds hundreds of megabytes while it is laid out,
/// and two at once doubled the build's peak memory.
pub fn run_tasks<T: Sync, R: Send>(
    tasks: &[T],
    heavy: impl Fn(&T) -> bool,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let (heavy, light): (Vec<usize>, Vec<usize>) =
        (0..tasks.len()).partition(|&i| heavy(&tasks[i]));
    let queue = Queue {
        state: Mutex::new(Waiting {
            heavy: heavy.into(),
            light: light.into(),
            heavy_running: false,
        }),
        freed: Condvar::new(),
    };
    let done: Mutex<Vec<(usize, R)>> = Mutex::default();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(tasks.len())
        .max(1);
    let run = || {
        while let Some((i, is_heavy)) = queue.take() {
            let result = work(&tasks[i]);
            done.lock().expect("task results").push((i, result));
            if is_heavy {
                queue.heavy_done();
            }
        }
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

/// The tasks not yet taken, by index.
struct Queue {
    state: Mutex<Waiting>,
    freed: Condvar,
}

struct Waiting {
    heavy: VecDeque<usize>,
    light: VecDeque<usize>,
    heavy_running: bool,
}

impl Queue {
    /// The next task and whether it is heavy: a heavy one if none runs,
    /// else a light one, else wait for the heavy one to finish; `None`
    /// when nothing is left.
    fn take(&self) -> Option<(usize, bool)> {
        let mut st = self.state.lock().expect("task queue");
        loop {
            if !st.heavy_running
                && let Some(i) = st.heavy.pop_front()
            {
                st.heavy_running = true;
                return Some((i, true));
            }
            if let Some(i) = st.light.pop_front() {
                return Some((i, false));
            }
            if st.heavy.is_empty() {
                return None;
            }
            st = self.freed.wait(st).expect("task queue");
        }
    }

    fn heavy_done(&self) {
        self.state.lock().expect("task queue").heavy_running = false;
        self.freed.notify_all();
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_task_runs_once_in_order_and_heavy_ones_one_at_a_time() {
        let tasks: Vec<usize> = (0..40).collect();
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let heavy = |t: &usize| t.is_multiple_of(4);
        let results = run_tasks(&tasks, heavy, |t| {
            if heavy(t) {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(5));
                running.fetch_sub(1, Ordering::SeqCst);
            }
            t * 10
        });
        assert_eq!(results, tasks.iter().map(|t| t * 10).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 1);
    }
}
