"""Server time of the Wagtail admin at N cases: the case listing, the case editor, approval.

Usage:  .venv/bin/python benchmarks/admin.py [--cases 10000] [--requests 20] [--approvals 8]
                                             [--profile listing|editor|approval] [--queries]

1. A throw-away SQLite database var/bench/admin-<N>.sqlite3 (reused when it exists): migrate,
   the demo content and accounts (`load_demo --accounts`), then N synthetic cases written by
   cases.synthetic.insert_cases. The search index goes to a folder beside it.
2. In this process, through Django's test client (full middleware, templates; no network), signed
   in as the secretariat (jimukyoku@demo.example, with a verified second factor as the tests do:
   accounts.testing.login_verified), it times
   - listing: the page explorer of the case index (/admin/pages/<index>/), the page the
     secretariat opens to find a case; with 10,000 children it pages them 20 at a time
     (cases/wagtail_hooks.py, CaseExplorerView), and its "Sort menu order" (`?ordering=ord`,
     every child on one page) is refused with a redirect above ADMIN_MANUAL_ORDERING_MAX_CHILDREN;
   - editor: the edit view of a case in moderation (the view the approver opens) and of a case
     without revisions (most imported cases);
   - approval: a case drafted by the editor account (henshu) and submitted to the secretariat's
     workflow is approved by jimukyoku through Wagtail's workflow action
     (/admin/pages/workflow/action/<page>/approve/<task state>/): the four-eyes checks, the
     publication gate (publishing/gate.py: public texts, known names, identifiers, checklist),
     Wagtail's publication, and every page_published receiver (search outbox, page cache,
     private media, the proposal) up to the commit.
   Each is requested a few times first (what a running server holds: labels, templates), then
   --requests times; median and p95 (wall clock), the median CPU time of the process (what the
   request cost, without the wait for a core on a shared machine) and the SQL queries of one
   request are printed.
3. Tasks go to the database queue as in production (django_tasks_db), not run inline as the
   test settings do: the search index is updated by the worker after the commit, not in the
   request. The load average is printed before and after: the machine is shared, figures move.

--profile NAME prints the top of a cProfile of one request; --queries prints its SQL, grouped.

Targets (issue 16): listing and editor ≤ 250 ms, approval ≤ 1 s, at 10,000 cases.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TARGETS_MS = {"listing": 250.0, "editor": 250.0, "approval": 1000.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--approvals", type=int, default=8)
    parser.add_argument("--profile", choices=["listing", "editor", "approval"], default=None)
    parser.add_argument("--queries", action="store_true", help="print the SQL of each view")
    args = parser.parse_args()

    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    db = bench / f"admin-{args.cases}.sqlite3"
    fresh = not db.exists()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["SEARCH_INDEX_DIR"] = str(db.with_suffix(".search"))
    os.environ["MEDIA_ROOT"] = str(db.with_suffix(".media"))
    os.environ["PRIVATE_MEDIA_ROOT"] = str(db.with_suffix(".private"))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    print(f"load average before: {load()}", flush=True)

    import django
    from django.conf import settings

    # As in production (config/settings/base.py): tasks are queued for the worker. Set before
    # setup, which reads the task backends.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    django.setup()
    import logging

    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.core.management import call_command

    if fresh:
        started = time.perf_counter()
        call_command("migrate", "--noinput", verbosity=0)
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", "--accounts", stdout=devnull, stderr=devnull)
        from cases.synthetic import insert_cases

        published = insert_cases(args.cases)
        print(
            f"database built in {time.perf_counter() - started:.0f} s "
            f"({args.cases:,} synthetic cases, {published:,} published)",
            flush=True,
        )
    run(args)
    print(f"load average after: {load()}")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(args) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.testing import login_verified
    from cases.models import CaseIndexPage, CasePage

    users = get_user_model().objects
    approver = users.get(email="jimukyoku@demo.example")
    author = users.get(email="henshu@demo.example")
    client = Client()
    login_verified(client, approver)
    index = CaseIndexPage.objects.get()
    total = CasePage.objects.count()
    plain = CasePage.objects.filter(latest_revision__isnull=True).order_by("pk")
    plain_case = plain[plain.count() // 2]
    print(f"cases: {total:,}; {args.requests} requests per view, in-process, as {approver.email}")

    moderated = submit_for_approval(author=author, count=1)[0]
    views = {
        "listing": f"/admin/pages/{index.pk}/",
        "listing, page 100": f"/admin/pages/{index.pk}/?p=100",
        "listing, sort order": f"/admin/pages/{index.pk}/?ordering=ord",
        "editor, in moderation": f"/admin/pages/{moderated[0].pk}/edit/",
        "editor, no revision": f"/admin/pages/{plain_case.pk}/edit/",
    }
    print(f"{'view':<24}{'median ms':>10}{'p95 ms':>8}{'CPU ms':>8}{'queries':>8}  target (p95)")
    for name, url in views.items():
        refused = (
            "ordering=ord" in url and index.numchild > settings.ADMIN_MANUAL_ORDERING_MAX_CHILDREN
        )
        for _ in range(3):
            check(client.get(url), url, redirect=refused)
        times, cpu = [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            check(client.get(url), url, redirect=refused)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = count_queries(lambda url=url: client.get(url), show=args.queries and name)
        report(name, times, cpu, queries)
        kind = name.split(",")[0]
        if args.profile == kind:
            profile(lambda url=url: client.get(url))

    # Each approval publishes a different case: submit them all first (not timed).
    rounds = submit_for_approval(author=author, count=args.approvals + 2)
    times, cpu, queries = [], [], None
    for number, (page, task_state) in enumerate(rounds):
        url = f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"
        post = lambda url=url: client.post(url, {"comment": ""})  # noqa: E731
        if number == 0 and args.profile == "approval":
            profile(post)
        elif number == 1:
            queries = count_queries(post, show=args.queries and "approval")
        else:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = post()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            check(response, url, redirect=True)
        page.refresh_from_db()
        if not page.live or page.has_unpublished_changes:
            raise SystemExit(f"approval of {page.pk} did not publish it")
    report("approval (workflow)", times, cpu, queries)


def submit_for_approval(*, author, count: int) -> list:
    """`count` cases with a new draft revision by `author`, each in the secretariat's workflow:
    what the approver finds in the moderation queue. Returns (page, task state) pairs."""
    from wagtail.models import Workflow

    from cases.models import CasePage

    workflow = Workflow.objects.get(name="事例の公開")
    chosen = CasePage.objects.filter(live=True, latest_revision__isnull=True).order_by("-pk")
    pairs = []
    for page in chosen[:count]:
        page.lead = page.lead + "（改訂）"
        page.save_revision(user=author, log_action=True)
        state = workflow.start(page, author)
        pairs.append((page, state.current_task_state))
    return pairs


def check(response, url: str, redirect: bool = False) -> None:
    ok = (302,) if redirect else (200,)
    if response.status_code not in ok:
        raise SystemExit(f"{url}: HTTP {response.status_code}")


def count_queries(request, show) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        request()
    if show:
        shapes = Counter(re.sub(r"\b\d+\b", "N", q["sql"])[:160] for q in captured.captured_queries)
        print(f"--- SQL of {show}: {len(captured)} queries")
        for sql, n in shapes.most_common(25):
            print(f"{n:5d}  {sql}")
    return len(captured)


def profile(request) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    request()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
    print(out.getvalue())


def report(name: str, times: list[float], cpu: list[float], queries: int | None) -> None:
    """Wall-clock median and p95, and the median CPU time of this process: on a shared machine
    the wall clock includes waiting for a core, the CPU time is what the request itself cost."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    target = TARGETS_MS[name.split(" ")[0].rstrip(",")]
    verdict = "ok" if p95 <= target else "over"
    print(
        f"{name:<24}{statistics.median(times):>10.0f}{p95:>8.0f}{statistics.median(cpu):>8.0f}"
        f"{queries or 0:>8}  ≤ {target:.0f} ms ({verdict})",
        flush=True,
    )


if __name__ == "__main__":
    main()
