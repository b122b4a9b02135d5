#!/usr/bin/env python3
"""sotay vs Hugo on the same synthetic corpus (bench/corpus.py), in one run
on one machine, so the ratios mean something on a shared, noisy box.

For each size: pages (HTML files written), wall seconds (median of RUNS cold
builds), pages per second, CPU seconds, peak memory, and the ratio
sotay/Hugo; plus sotay's rebuild with nothing changed, its rebuild after
editing one guide's text, and the write floor: the time a trivial program
takes to write sotay's output files, same bytes.

Each tool builds the corpus twice, so each ratio compares equal work:
"sotay" writes everything a unit gets by default (per guide the page, iframe
page, fragment, oEmbed and API JSON, short link; a search index per unit) and
"hugo=" writes the same files; "sotay-p" is the same site with widgets and
the API switched off (`outputs:` in site.yaml) and "hugo" writes the guide
pages and lists only (sotay-p still writes short links and search).

    python3 bench/run.py                 # sizes 10x100 and 50x100
    SIZES="150x200" RUNS=3 python3 bench/run.py

Every cold run (and the write floor) writes into a new, empty ext4 file
system made for it (a loop-mounted image; needs root, as in CI), so no run
inherits another's leftovers. On a long-used ext4, creating files after a
large deletion is several times slower for minutes (the allocator skips
recently freed inodes: the same 190,000-file sotay build took 8.6 s on a
quiet disk and 49 s two minutes after 10 GB of earlier runs were deleted),
which would time the disk's history, not the tool. Without root
(BENCH_FS=shared, or not root) runs write into new folders of the temporary
directory and nothing is deleted until the end; the figures are then only
as good as the disk's recent past. Runs alternate between the tools, each
after `sync` and a pause (SETTLE seconds, 10 by default).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SOTAY = os.path.join(ROOT, "target", "release", "sotay")
SETTLE = float(os.environ.get("SETTLE", "10"))
RUNS_DIR = os.path.join(tempfile.gettempdir(), "sotay-bench-runs")
FRESH_FS = os.environ.get("BENCH_FS", "fresh") == "fresh" and os.geteuid() == 0 and shutil.which("mkfs.ext4")


def timed(cmd, cwd=None):
    """(wall s, cpu s, peak MB) of one command, via GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %S %M"] + cmd, cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    line = [l for l in out.stderr.splitlines() if l.startswith("TIME ")][-1].split()
    return float(line[1]), float(line[2]) + float(line[3]), int(line[4]) / 1024


def counts_of(d):
    """(HTML files, all files) under `d`, in one walk."""
    names = [f for _, _, fs in os.walk(d) for f in fs]
    return sum(f.endswith(".html") for f in names), len(names)


def write_floor(src, dst):
    """Seconds a trivial one-thread program takes to write `src`'s files again, into `dst`."""
    out = subprocess.run([os.path.join(ROOT, "target", "release", "examples", "write_floor"), src, dst], capture_output=True, text=True, check=True)
    secs, files = out.stdout.split()
    return float(secs), int(files)


def settle():
    """Let the previous run's writes reach the disk before the next run."""
    os.sync()
    time.sleep(SETTLE)


def unused(name):
    """A path under RUNS_DIR that no run has used."""
    for i in range(10_000):
        p = os.path.join(RUNS_DIR, f"{name}-{i}")
        if not os.path.exists(p) and not os.path.exists(p + ".img"):
            return p
    sys.exit(f"too many runs left over in {RUNS_DIR}")


class Disk:
    """Where one run writes: a new ext4 file system of its own (FRESH_FS),
    or else a new folder that stays until the end."""

    def __init__(self, name):
        self.mount = unused(name)
        self.image = self.mount + ".img" if FRESH_FS else None

    def __enter__(self):
        os.makedirs(self.mount)
        if self.image:
            with open(self.image, "wb") as f:
                f.truncate(16 << 30)  # sparse: only what is written takes space
            # Inode tables and journal initialised now, not by a background
            # thread during the run.
            subprocess.run(["mkfs.ext4", "-q", "-F", "-N", "1200000", "-E", "lazy_itable_init=0,lazy_journal_init=0", self.image], check=True)
            subprocess.run(["mount", "-o", "loop", self.image, self.mount], check=True)
        settle()
        return os.path.join(self.mount, "out")

    def __exit__(self, *exc):
        if self.image:
            subprocess.run(["umount", self.mount], check=True)
            os.remove(self.image)
            os.rmdir(self.mount)


def cold(root, *caches):
    """Move a tool's caches aside (a rename: deleted at the end)."""
    for c in caches:
        if os.path.exists(os.path.join(root, c)):
            os.rename(os.path.join(root, c), unused("cache"))


def median_of(runs):
    return tuple(statistics.median(x) for x in zip(*runs))


def main():
    sizes = os.environ.get("SIZES", "10x100 50x100").split()
    n = int(os.environ.get("RUNS", "3"))
    if not shutil.which("hugo"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "sotay", "--example", "write_floor"], cwd=ROOT, check=True)
    if os.path.exists(RUNS_DIR):  # left by an interrupted run
        subprocess.run(f"umount {RUNS_DIR}/*/ 2>/dev/null", shell=True)
        shutil.rmtree(RUNS_DIR)
    os.makedirs(RUNS_DIR)
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"sotay vs Hugo {hugo_version}, median of {n} cold builds, {os.cpu_count()} cores, "
          f"{'a new ext4 file system per run' if FRESH_FS else 'new folders on the shared disk (not root: figures depend on the disk history)'}\n")
    print("guide pages = units x guides, rendered by every tool. Equal work in pairs: sotay (pages, widgets, API,")
    print("search, short links) and hugo= (the same files); sotay-p (widgets and API off) and hugo (pages and lists)")
    print(f"{'size':>8} {'tool':>6} {'guide pp':>8} {'html':>7} {'files':>7} {'wall s':>7} {'guide pp/s':>10} {'cpu s':>7} {'peak MB':>8}  runs (wall s)")
    try:
        for size in sizes:
            measure(size, n)
    finally:
        shutil.rmtree(RUNS_DIR, ignore_errors=True)


def measure(size, n):
    u, g = size.split("x")
    base = os.path.join(tempfile.gettempdir(), f"sotay-bench-{size}")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "corpus.py"), "--units", u, "--guides", g, "--out", base], check=True, capture_output=True)
    site, pages, hugo, same = (os.path.join(base, d) for d in ("sotay", "sotay-pages", "hugo", "hugo-same"))
    tools = {
        "sotay": (site, [".sotay-cache"], lambda out: [SOTAY, "--root", site, "build", "--quiet", "--html-only", "--out", out]),
        "sotay-p": (pages, [".sotay-cache"], lambda out: [SOTAY, "--root", pages, "build", "--quiet", "--html-only", "--out", out]),
        "hugo": (hugo, ["resources"], lambda out: ["hugo", "--quiet", "--source", hugo, "--destination", out]),
        "hugo=": (same, ["resources"], lambda out: ["hugo", "--quiet", "--source", same, "--destination", out]),
    }
    runs = {tool: [] for tool in tools}
    counts = {}
    guide_pages = int(u) * int(g)
    for i in range(n):
        # Cold, one tool after the other: a new file system, no caches
        # (sotay's .sotay-cache, Hugo's resources/).
        for tool, (root, caches, cmd) in tools.items():
            cold(root, *caches)
            with Disk(tool.replace("=", "-same")) as out:
                runs[tool].append(timed(cmd(out)))
                counts[tool] = counts_of(out)
                if tool == "sotay" and i == n - 1:
                    extra = incremental(site, out, n)
    results = {tool: median_of(r) for tool, r in runs.items()}
    rebuild, edit, floor = extra
    for tool in tools:
        wall, cpu, mem = results[tool]
        html, files = counts[tool]
        each = " ".join(f"{r[0]:.2f}" for r in runs[tool])
        print(f"{size:>8} {tool:>6} {guide_pages:>8} {html:>7} {files:>7} {wall:>7.2f} {guide_pages / wall:>10.0f} {cpu:>7.2f} {mem:>8.0f}  {each}")
    (ws, _, ms), (wp, _, mp), (wh, _, mh), (we, _, me) = (results[t] for t in ("sotay", "sotay-p", "hugo", "hugo="))
    print(f"{size:>8} ratios: guide pages per second on the same files sotay/hugo= {we / ws:.2f}x, "
          f"sotay-p/hugo {wh / wp:.2f}x, (sotay/hugo {wh / ws:.2f}x); "
          f"peak memory sotay/hugo= {ms / me:.2f}x, sotay-p/hugo {mp / mh:.2f}x; "
          f"sotay wall / write floor {ws / floor:.2f} (floor {floor:.2f} s for {counts['sotay'][1]} files); "
          f"rebuild with nothing changed {rebuild:.2f} s; "
          f"after editing one guide {edit:.2f} s ({edit / ws:.1%} of the full build)\n", flush=True)


def incremental(site, out, n):
    """On sotay's last cold output: the rebuild with nothing changed, the
    rebuild after editing one guide's text, and the write floor of the
    output's files (each on a new file system). Medians, seconds."""
    build = [SOTAY, "--root", site, "build", "--quiet", "--html-only", "--out", out]
    rebuild = median_of([timed(build) for _ in range(n)])[0]
    guide = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "content", "guides")) for f in fs if f.endswith(".md"))[0]
    original = open(guide, encoding="utf-8").read()
    edits = []
    for i in range(n):
        with open(guide, "w", encoding="utf-8") as fh:
            fh.write(original + f"\nThêm một câu hướng dẫn, lần {i + 1}.\n")
        edits.append(timed(build))
    with open(guide, "w", encoding="utf-8") as fh:
        fh.write(original)
    subprocess.run(build, check=True)
    floors = []
    for _ in range(n):
        with Disk("floor") as dst:
            floors.append(write_floor(out, dst)[0])
    return rebuild, median_of(edits)[0], statistics.median(floors)


if __name__ == "__main__":
    main()
