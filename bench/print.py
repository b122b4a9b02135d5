#!/usr/bin/env python3
"""Cold print throughput and peak memory, this tree against a previous
release, in one run on one machine (a shared box drifts; ratios from
alternating runs survive it).

The content is the sample (default) or a synthetic city from
bench/corpus.py (`--city 143x30`, `--long` for guides of real procedure-page
length). Each build is cold (no output, no render cache). For each binary:
the print stage's median seconds, PDFs per second, the whole build's median
seconds and peak memory (max RSS of the process), and the ratio to the base.

The base is a git ref (`--base REF`, default the newest `v*` tag, else
HEAD~1), built in a worktree under the temporary folder with its own target
folder (a release build: minutes the first time, then incremental), and run
on the same content made with its own theme and corpus generator, so an
older binary is never handed strings it does not know. `--base-bin PATH`
uses a binary you built instead; `--no-base` times this tree alone.

    python3 bench/print.py                          # sample, RUNS=5
    RUNS=3 python3 bench/print.py --city 143x30     # the city (issue 17)
    python3 bench/print.py --city 10x20 --long --base 3ace92a
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
CACHE = os.path.join(tempfile.gettempdir(), "sotay-bench-base")


def sh(cmd, cwd=None):
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def build(tree, target):
    """The release binary of a source tree, built into `target`."""
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "sotay"], cwd=tree, env=env, check=True)
    return os.path.join(target, "release", "sotay")


def base_tree(ref):
    """A worktree of `ref` (reused between runs of the bench)."""
    commit = sh(["git", "rev-parse", "--verify", ref + "^{commit}"], cwd=ROOT)
    tree = os.path.join(CACHE, commit[:12])
    if not os.path.isdir(tree):
        os.makedirs(CACHE, exist_ok=True)
        sh(["git", "worktree", "add", "--detach", tree, commit], cwd=ROOT)
    return tree, commit[:12]


def default_base():
    tags = sh(["git", "tag", "--list", "v*", "--sort=-creatordate"], cwd=ROOT).split()
    return tags[0] if tags else "HEAD~1"


def content(tree, dest, args):
    """The content to build, made from `tree`'s own files."""
    if args.city:
        units, guides = args.city.split("x")
        cmd = [sys.executable, os.path.join(tree, "bench", "corpus.py"), "--units", units,
               "--guides", guides, "--out", dest, "--theme", os.path.join(tree, "themes")]
        if args.long:
            cmd.append("--long")
        subprocess.run(cmd, check=True, capture_output=True)
        return os.path.join(dest, "sotay")
    for d in ("content", "themes", "assets"):
        shutil.copytree(os.path.join(tree, d), os.path.join(dest, d))
    return dest


def run(binary, project):
    """(print s, PDFs, build s, peak MB) of one cold build."""
    for d in ("public", ".sotay-cache"):
        shutil.rmtree(os.path.join(project, d), ignore_errors=True)
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([binary, "--root", project, "build"], stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if status != 0:
        sys.exit(f"{binary} failed on {project}:\n{text[-2000:]}")
    m = re.search(r"print: (\d+) PDFs in ([\d.]+) s", text)
    total = re.search(r"into \S+ in ([\d.]+) s", text)
    return float(m.group(2)), int(m.group(1)), float(total.group(1)), usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--city", help="UNITSxGUIDES: a synthetic city instead of the sample")
    ap.add_argument("--long", action="store_true", help="long guides (with --city)")
    ap.add_argument("--base", help="git ref of the previous release")
    ap.add_argument("--base-bin", help="a previous release's binary")
    ap.add_argument("--no-base", action="store_true")
    args = ap.parse_args()
    runs = int(os.environ.get("RUNS", "5"))

    contenders = [("this tree", ROOT, build(ROOT, os.path.join(ROOT, "target")))]
    if args.base_bin:
        contenders.append(("base (binary)", ROOT, os.path.abspath(args.base_bin)))
    elif not args.no_base:
        tree, commit = base_tree(args.base or default_base())
        contenders.append((f"base {commit}", tree, build(tree, os.path.join(CACHE, "target"))))

    with tempfile.TemporaryDirectory() as tmp:
        projects = [content(tree, os.path.join(tmp, str(i)), args) for i, (_, tree, _) in enumerate(contenders)]
        results = {name: [] for name, _, _ in contenders}
        for _ in range(runs):
            # Alternate, so the machine's drift hits every binary alike.
            for (name, _, binary), project in zip(contenders, projects):
                results[name].append(run(binary, project))

    what = f"city {args.city}{' long' if args.long else ''}" if args.city else "sample"
    print(f"cold builds of the {what}, median of {runs} runs, {os.cpu_count()} cores")
    print(f"{'':>22} {'PDFs':>6} {'print s':>8} {'PDFs/s':>7} {'build s':>8} {'peak MB':>8}")
    medians = {}
    for name, rows in results.items():
        p, n, b, mem = (statistics.median(col) for col in zip(*rows))
        medians[name] = (n / p, b, mem)
        print(f"{name:>22} {int(n):>6} {p:>8.2f} {n / p:>7.0f} {b:>8.2f} {mem:>8.0f}")
    if len(medians) == 2:
        (new, base) = medians.values()
        print(f"{'this tree / base':>22} {'':>6} {'':>8} {new[0] / base[0]:>6.2f}x "
              f"{new[1] / base[1]:>7.2f}x {new[2] / base[2]:>7.2f}x")


if __name__ == "__main__":
    main()
