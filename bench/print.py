#!/usr/bin/env python3
"""Cold print throughput on the sample content: leaflets per second.

Copies the project's content/, themes/ and assets/ to a temporary folder,
then times RUNS cold builds (no output, no render cache) twice: once with
the theme as it is (leaflets and handbooks), once with the handbook format
removed, so the leaflet rate is measured on its own. Prints the print
stage's median seconds and PDFs per second for each.

    python3 bench/print.py            # RUNS=5 by default
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SOTAY = os.path.join(ROOT, "target", "release", "sotay")


def project(dest, handbook):
    for d in ("content", "themes", "assets"):
        shutil.copytree(os.path.join(ROOT, d), os.path.join(dest, d))
    if not handbook:
        path = os.path.join(dest, "themes", "default", "print", "formats.yaml")
        text = open(path, encoding="utf-8").read()
        # Drop every format of kind handbook.
        text = re.sub(r"  - slug: [^\n]+\n(?:    [^\n]+\n)*?    kind: handbook\n", "", text)
        open(path, "w", encoding="utf-8").write(text)


def run(dest):
    shutil.rmtree(os.path.join(dest, "public"), ignore_errors=True)
    shutil.rmtree(os.path.join(dest, ".sotay-cache"), ignore_errors=True)
    out = subprocess.run([SOTAY, "--root", dest, "build"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr[-2000:])
    m = re.search(r"print: (\d+) PDFs in ([\d.]+) s \((\d+) laid out", out.stderr)
    return int(m.group(1)), float(m.group(2)), int(m.group(3))


def main():
    runs = int(os.environ.get("RUNS", "5"))
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "sotay"], cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        both, leaflets = os.path.join(tmp, "all"), os.path.join(tmp, "leaflets")
        project(both, True)
        project(leaflets, False)
        times = {both: [], leaflets: []}
        counts = {}
        for _ in range(runs):
            for dest in (leaflets, both):  # alternate, so drift hits both
                pdfs, secs, laid = run(dest)
                assert laid == pdfs, "a cold build lays out every PDF"
                times[dest].append(secs)
                counts[dest] = pdfs
        print(f"print stage, cold, median of {runs} runs, {os.cpu_count()} cores")
        for name, dest in (("leaflets only", leaflets), ("leaflets and handbooks", both)):
            t = statistics.median(times[dest])
            print(f"{name:>24}: {counts[dest]} PDFs in {t:.2f} s = {counts[dest] / t:.0f} PDFs/s "
                  f"(runs: {', '.join(f'{x:.2f}' for x in times[dest])})")


if __name__ == "__main__":
    main()
