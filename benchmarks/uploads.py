"""Time and peak memory of validate_upload on every hostile sample, each in a fresh process.

Usage:  .venv/bin/python benchmarks/uploads.py [--only SAMPLE_ID ...]

A builder process writes every sample of tests/uploads/hostile.py to a temporary directory.
Then, for each sample, a fresh child sets up Django (as a web worker would), reads the file and
calls validate_upload once. Printed per sample: the outcome against the expected one, the time
of the call, the child's wall time, and its peak RSS as reported by wait4 (the RUSAGE_CHILDREN
figure for that child alone). The summary gives the maxima, the RSS of a child that only sets up
Django, and the overall getrusage(RUSAGE_CHILDREN).ru_maxrss.

The parent imports neither Django nor the samples on purpose: Linux counts the RSS a process
had before exec towards the new program's ru_maxrss, so a parent grown by building a 150 MB zip
bomb would inflate every child's figure.

Targets (security notes §3.1): peak RSS < 256 MB for every sample, archive checks < 1 s.
Exit status 1 when an outcome is wrong or a target is missed.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RSS_TARGET_MB = 256
ARCHIVE_TARGET_S = 1.0


def child(sample_id: str, path: str) -> None:
    """Run one sample through validate_upload and print the outcome as JSON."""
    import django

    django.setup()
    import logging
    import warnings

    from django.core.exceptions import ValidationError

    from tests.uploads.hostile import BY_ID
    from uploads.validation import validate_upload

    logging.disable(logging.CRITICAL)  # pypdf narrates every repair it attempts
    warnings.simplefilter("ignore")
    if sample_id == "(django only)":
        print(json.dumps({"outcome": "-", "seconds": 0.0, "detail": ""}))
        return
    sample = BY_ID[sample_id]
    upload = sample.upload(Path(path).read_bytes())
    start = time.perf_counter()
    try:
        clean = validate_upload(upload, kinds=sample.kinds)
        outcome, detail = "neutralised", clean.name
        if sample.check:
            try:
                sample.check(clean, Path(path).read_bytes())
            except AssertionError as exc:
                outcome, detail = "check-failed", repr(exc)
    except ValidationError as exc:
        outcome, detail = "rejected", " ".join(exc.messages)
    seconds = time.perf_counter() - start
    print(json.dumps({"outcome": outcome, "seconds": seconds, "detail": detail}))


def build(directory: str) -> None:
    """Write every sample to directory and print a manifest as JSON."""
    import django

    django.setup()
    from tests.uploads.hostile import SAMPLES

    manifest = []
    for sample in SAMPLES:
        (Path(directory) / f"{sample.id}.bin").write_bytes(sample.build())
        manifest.append(
            {
                "id": sample.id,
                "expect": sample.expect,
                "message": sample.message,
                "archive": sample.archive,
            }
        )
    print(json.dumps(manifest))


def run_child(sample_id: str, path: str, env: dict[str, str]) -> tuple[dict, float, float]:
    """Return the child's report, its wall time and its own peak RSS in MB."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", sample_id, path],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    output = process.stdout.read()
    process.stdout.close()
    # wait4 gives this child's own rusage; getrusage(RUSAGE_CHILDREN) only keeps the maximum.
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    report = json.loads(output) if process.returncode == 0 else {"outcome": "crashed"}
    return report, wall, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="sample ids to run (default: all)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--build", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if args.child:
        child(*args.child)
        return 0
    if args.build:
        build(args.build)
        return 0

    work = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    # The test settings make a fresh search directory per process unless told where.
    env = {**os.environ, "SEARCH_INDEX_DIR": str(work / "search")}
    built = subprocess.run(
        [sys.executable, __file__, "--build", str(work)],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=True,
    )
    samples = [s for s in json.loads(built.stdout) if not args.only or s["id"] in args.only]

    _report, _wall, idle_rss = run_child("(django only)", os.devnull, env)
    print(
        f"{'sample':32} {'expected':11} {'outcome':11} {'call ms':>8} {'proc s':>7} {'RSS MB':>7}"
    )
    failures = []
    worst_rss = worst_archive = 0.0
    for sample in samples:
        path = work / f"{sample['id']}.bin"
        report, wall, rss = run_child(sample["id"], str(path), env)
        ok = report["outcome"] == sample["expect"] and (
            sample["expect"] != "rejected" or sample["message"] in report.get("detail", "")
        )
        seconds = report.get("seconds", float("nan"))
        mark = "" if ok else "  <-- WRONG OUTCOME"
        if rss >= RSS_TARGET_MB:
            mark += "  <-- RSS OVER TARGET"
        if sample["archive"] and seconds >= ARCHIVE_TARGET_S:
            mark += "  <-- ARCHIVE CHECK TOO SLOW"
        if mark:
            failures.append(sample["id"])
        worst_rss = max(worst_rss, rss)
        if sample["archive"]:
            worst_archive = max(worst_archive, seconds)
        print(
            f"{sample['id']:32} {sample['expect']:11} {report['outcome']:11} "
            f"{seconds * 1000:8.1f} {wall:7.2f} {rss:7.1f}{mark}"
        )
    shutil.rmtree(work, ignore_errors=True)
    overall = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nsamples: {len(samples)}, as expected: {len(samples) - len(failures)}")
    print(f"peak RSS, worst sample: {worst_rss:.1f} MB (target < {RSS_TARGET_MB} MB)")
    print(f"peak RSS of a child that only sets up Django: {idle_rss:.1f} MB")
    print(f"getrusage(RUSAGE_CHILDREN).ru_maxrss (includes the builder): {overall:.1f} MB")
    print(
        f"slowest archive check: {worst_archive * 1000:.1f} ms (target < {ARCHIVE_TARGET_S:.0f} s)"
    )
    if failures:
        print("FAILED: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
