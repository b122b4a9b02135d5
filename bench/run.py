#!/usr/bin/env python3
"""sotay vs Hugo on the same synthetic corpus (bench/corpus.py), in one run
on one machine, so the ratios mean something on a shared, noisy box.

For each size: pages (HTML files written), wall seconds (median of RUNS cold
builds), pages per second, CPU seconds, peak memory, and the ratio
sotay/Hugo; plus sotay's rebuild with nothing changed, its rebuild after
editing one guide's text, and the write floor: the time a trivial program
takes to write sotay's output files, same bytes.

    python3 bench/run.py                 # sizes 10x100 and 50x100
    SIZES="150x200" RUNS=3 python3 bench/run.py

Cold runs of the two tools alternate, and every deletion of an output is
followed by `sync` and a pause (SETTLE seconds, 35 by default): on ext4,
creating files within about 30 s of deleting many others is several times
slower (the allocator skips recently deleted inodes), which would make
whichever tool runs after a big deletion look slow.
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


def write_floor(src):
    """Seconds a trivial one-thread program takes to write `src`'s files again."""
    out = subprocess.run([os.path.join(ROOT, "target", "release", "examples", "write_floor"), src], capture_output=True, text=True, check=True)
    secs, files = out.stdout.split()
    return float(secs), int(files)


SETTLE = float(os.environ.get("SETTLE", "35"))


def clear(*paths):
    """Delete outputs, then let the file system settle before the next run."""
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)
    os.sync()
    time.sleep(SETTLE)


def median_of(runs):
    return tuple(statistics.median(x) for x in zip(*runs))


def main():
    sizes = os.environ.get("SIZES", "10x100 50x100").split()
    n = int(os.environ.get("RUNS", "3"))
    if not shutil.which("hugo"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "hugo"], check=True)
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "sotay", "--example", "write_floor"], cwd=ROOT, check=True)
    hugo_version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1]
    print(f"sotay vs Hugo {hugo_version}, median of {n} cold builds, {os.cpu_count()} cores\n")
    print("guide pages = units x guides, rendered by both; sotay also writes embeds, API, search, short links (html/files columns)")
    print(f"{'size':>8} {'tool':>6} {'guide pp':>8} {'html':>7} {'files':>7} {'wall s':>7} {'guide pp/s':>10} {'cpu s':>7} {'peak MB':>8}")
    for size in sizes:
        u, g = size.split("x")
        base = os.path.join(tempfile.gettempdir(), f"sotay-bench-{size}")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "corpus.py"), "--units", u, "--guides", g, "--out", base], check=True, capture_output=True)
        site, hugo = os.path.join(base, "sotay"), os.path.join(base, "hugo")
        results = {}
        runs, hugo_runs = [], []
        for _ in range(n):
            # Cold, one tool after the other: no output and no caches
            # (sotay's .sotay-cache, Hugo's resources/).
            clear(os.path.join(site, "public"), os.path.join(site, ".sotay-cache"))
            runs.append(timed([SOTAY, "--root", site, "build", "--quiet", "--html-only"]))
            clear(os.path.join(hugo, "public"), os.path.join(hugo, "resources"))
            hugo_runs.append(timed(["hugo", "--quiet", "--source", hugo]))
        results["sotay"] = median_of(runs)
        results["hugo"] = median_of(hugo_runs)
        out = os.path.join(site, "public")
        pages_s = count_html(out)
        files_s = sum(len(fs) for _, _, fs in os.walk(out))
        rebuild = median_of([timed([SOTAY, "--root", site, "build", "--quiet", "--html-only"]) for _ in range(n)])
        # One guide's text edited, built, then put back and built again.
        guide = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "content", "guides")) for f in fs if f.endswith(".md"))[0]
        original = open(guide, encoding="utf-8").read()
        edits = []
        for i in range(n):
            with open(guide, "w", encoding="utf-8") as fh:
                fh.write(original + f"\nThêm một câu hướng dẫn, lần {i + 1}.\n")
            edits.append(timed([SOTAY, "--root", site, "build", "--quiet", "--html-only"]))
        with open(guide, "w", encoding="utf-8") as fh:
            fh.write(original)
        subprocess.run([SOTAY, "--root", site, "build", "--quiet", "--html-only"], check=True)
        edit = median_of(edits)
        floors = []
        for _ in range(n):
            floors.append(write_floor(out)[0])
            clear()  # the floor program deletes what it wrote
        floor = statistics.median(floors)
        pages_h = count_html(os.path.join(hugo, "public"))
        files_h = sum(len(fs) for _, _, fs in os.walk(os.path.join(hugo, "public")))
        guide_pages = int(u) * int(g)
        for tool, pages, files in (("sotay", pages_s, files_s), ("hugo", pages_h, files_h)):
            wall, cpu, mem = results[tool]
            print(f"{size:>8} {tool:>6} {guide_pages:>8} {pages:>7} {files:>7} {wall:>7.2f} {guide_pages / wall:>10.0f} {cpu:>7.2f} {mem:>8.0f}")
        (ws, _, ms), (wh, _, mh) = results["sotay"], results["hugo"]
        print(f"{size:>8} ratios: sotay/Hugo guide pages per second {wh / ws:.2f}x, peak memory {ms / mh:.2f}x; "
              f"sotay wall / write floor {ws / floor:.2f} (floor {floor:.2f} s for {files_s} files); "
              f"rebuild with nothing changed {rebuild[0]:.2f} s; "
              f"after editing one guide {edit[0]:.2f} s ({edit[0] / ws:.1%} of the full build)\n")


if __name__ == "__main__":
    main()
