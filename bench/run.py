#!/usr/bin/env python3
"""sotay vs Hugo on the same synthetic corpus (bench/corpus.py), in one run
on one machine, so the ratios mean something on a shared, noisy box.

For each size: pages (HTML files written), wall seconds (median of RUNS cold
builds), pages per second, CPU seconds, peak memory, and the ratio
sotay/Hugo; plus sotay's rebuild with nothing changed, its rebuild after
editing one guide's text, and the write floor: the time a trivial program
takes to write sotay's output files, same bytes.

Hugo builds the corpus twice: "hugo" writes the guide pages and lists only;
"hugo=" writes the same files sotay writes per guide (iframe page, fragment,
oEmbed and API JSON, short link, search index), so its ratio compares the
tools on equal work.

    python3 bench/run.py                 # sizes 10x100 and 50x100
    SIZES="150x200" RUNS=3 python3 bench/run.py

Cold runs of the tools alternate, each into a new folder, after `sync` and a
pause (SETTLE seconds, 20 by default). Nothing is deleted until the end (see
`fresh`): on ext4, creating files for minutes after deleting many others is
several times slower, which would make whichever tool runs after a big
deletion look slow. The outputs of a run need disk space: about 10 GB at
150x200 with RUNS=3.
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


def timed(cmd, cwd=None):
    """(wall s, cpu s, peak MB) of one command, via GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %S %M"] + cmd, cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    line = [l for l in out.stderr.splitlines() if l.startswith("TIME ")][-1].split()
    return float(line[1]), float(line[2]) + float(line[3]), int(line[4]) / 1024


def count_html(d):
    return sum(1 for _, _, fs in os.walk(d) for f in fs if f.endswith(".html"))


def write_floor(src, dst):
    """Seconds a trivial one-thread program takes to write `src`'s files again, into `dst`."""
    out = subprocess.run([os.path.join(ROOT, "target", "release", "examples", "write_floor"), src, dst], capture_output=True, text=True, check=True)
    secs, files = out.stdout.split()
    return float(secs), int(files)


SETTLE = float(os.environ.get("SETTLE", "20"))
RUNS_DIR = os.path.join(tempfile.gettempdir(), "sotay-bench-runs")


def settle():
    """Let the previous run's writes reach the disk before the next run."""
    os.sync()
    time.sleep(SETTLE)


def fresh(name):
    """A path no run has used: every cold build writes into a new folder and
    nothing is deleted until the end. On ext4, creating files after deleting
    a large tree is several times slower for minutes (190,000 files built in
    14 s on a quiet disk and 41 s after deleting the previous output), which
    would time the deletion, not the tool."""
    for i in range(10_000):
        p = os.path.join(RUNS_DIR, f"{name}-{i}")
        if not os.path.exists(p):
            return p
    sys.exit("too many runs left over")


def cold(root, *caches):
    """Move a tool's caches aside (a rename: nothing is deleted yet)."""
    for c in caches:
        if os.path.exists(os.path.join(root, c)):
            os.rename(os.path.join(root, c), fresh("cache"))


def median_of(runs):
    return tuple(statistics.median(x) for x in zip(*runs))


def files_in(d):
    return sum(len(fs) for _, _, fs in os.walk(d))


def main():
    sizes = os.environ.get("SIZES", "10x100 50x100").split()
    n = int(os.environ.get("RUNS", "3"))
    if not shutil.which("hugo"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "sotay", "--example", "write_floor"], cwd=ROOT, check=True)
    if os.path.exists(RUNS_DIR):  # left by an interrupted run
        shutil.rmtree(RUNS_DIR)
        time.sleep(120)
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"sotay vs Hugo {hugo_version}, median of {n} cold builds, {os.cpu_count()} cores\n")
    print("guide pages = units x guides, rendered by every tool; sotay also writes embeds, API, search and short links;")
    print("hugo writes guide pages and lists only, hugo= writes the same files as sotay (see bench/corpus.py)")
    print(f"{'size':>8} {'tool':>6} {'guide pp':>8} {'html':>7} {'files':>7} {'wall s':>7} {'guide pp/s':>10} {'cpu s':>7} {'peak MB':>8}")
    try:
        for size in sizes:
            measure(size, n)
    finally:
        shutil.rmtree(RUNS_DIR, ignore_errors=True)


def measure(size, n):
    u, g = size.split("x")
    base = os.path.join(tempfile.gettempdir(), f"sotay-bench-{size}")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "corpus.py"), "--units", u, "--guides", g, "--out", base], check=True, capture_output=True)
    site, hugo, same = (os.path.join(base, d) for d in ("sotay", "hugo", "hugo-same"))
    runs = {"sotay": [], "hugo": [], "hugo=": []}
    outs = {}
    settle()
    for _ in range(n):
        # Cold, one tool after the other: a new output folder, no caches
        # (sotay's .sotay-cache, Hugo's resources/).
        cold(site, ".sotay-cache")
        outs["sotay"] = fresh("sotay")
        runs["sotay"].append(timed([SOTAY, "--root", site, "build", "--quiet", "--html-only", "--out", outs["sotay"]]))
        settle()
        for tool, root in (("hugo", hugo), ("hugo=", same)):
            cold(root, "resources")
            outs[tool] = fresh(tool.replace("=", "-same"))
            runs[tool].append(timed(["hugo", "--quiet", "--source", root, "--destination", outs[tool]]))
            settle()
    results = {tool: median_of(r) for tool, r in runs.items()}
    out = outs["sotay"]
    build = [SOTAY, "--root", site, "build", "--quiet", "--html-only", "--out", out]
    rebuild = median_of([timed(build) for _ in range(n)])
    # One guide's text edited, built, then put back and built again.
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
    edit = median_of(edits)
    floors = []
    for _ in range(n):
        settle()
        floors.append(write_floor(out, fresh("floor"))[0])
    floor = statistics.median(floors)
    guide_pages = int(u) * int(g)
    for tool in ("sotay", "hugo", "hugo="):
        wall, cpu, mem = results[tool]
        print(f"{size:>8} {tool:>6} {guide_pages:>8} {count_html(outs[tool]):>7} {files_in(outs[tool]):>7} {wall:>7.2f} {guide_pages / wall:>10.0f} {cpu:>7.2f} {mem:>8.0f}")
    (ws, _, ms), (wh, _, mh), (we, _, me) = results["sotay"], results["hugo"], results["hugo="]
    print(f"{size:>8} ratios: guide pages per second sotay/Hugo {wh / ws:.2f}x, sotay/Hugo on the same files {we / ws:.2f}x; "
          f"peak memory sotay/Hugo {ms / mh:.2f}x, on the same files {ms / me:.2f}x; "
          f"sotay wall / write floor {ws / floor:.2f} (floor {floor:.2f} s for {files_in(out)} files); "
          f"rebuild with nothing changed {rebuild[0]:.2f} s; "
          f"after editing one guide {edit[0]:.2f} s ({edit[0] / ws:.1%} of the full build)\n", flush=True)


if __name__ == "__main__":
    main()
