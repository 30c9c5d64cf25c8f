"""Time of matching one dispatch request against a registry of 2,000 supporters.

Usage:  .venv/bin/python benchmarks/matching.py [--supporters 2000] [--runs 20] [--budget-ms 200]

Builds a throw-away SQLite database under var/bench/, imports a synthetic registry through the
real importer (docs/registry-format.md) with engagements for a quarter of the supporters, then
runs the whole matching (queries included: registry, loads) and prints the median and the worst
time. Exits with status 1 when the median is over the budget (the issue asks for ≤ 200 ms).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def synthetic_supporter(i: int) -> dict:
    prefecture = f"{1 + i % 47:02d}"
    return {
        "id": f"bench-{i:05d}",
        "name": f"支援 員{i}",
        "email": f"bench-{i}@example.jp",
        "category": 1 + i % 2,
        "recommended_by": "diagnosis-association",
        "home_prefecture": prefecture,
        "travel": ("own-prefecture", "neighbouring", "anywhere")[i % 3],
        "qualifications": ["sme-consultant"],
        "training": {
            c: ("completed" if (i + n) % 7 else "registered")
            for n, c in enumerate(("intro-video", "skills-1", "skills-2", "skills-3"))
        },
        "type": 1 + i % 5,
        "max_engagements": 1 + i % 3,
        "experience": [
            {
                "industry": "DEIM"[j % 4],
                "employees": "21-50",
                "content": "支援",
                "role": "lead",
                "years": j,
            }
            for j in range(i % 4)
        ],
        "conflicts": [
            {"industry": "E", "prefecture": prefecture, "company": None, "note": "顧問先"}
        ]
        if i % 11 == 0
        else [],
        "relationships": [
            {"with": "req-body:yorozu-17", "kind": ("positive", "negative")[i % 2], "note": ""}
        ]
        if i % 13 == 0
        else [],
        "motto": "傾聴",
        "notes": "面談メモ" * 20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--supporters", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--budget-ms", type=float, default=200.0)
    args = parser.parse_args()

    db = ROOT / "var" / "bench" / f"matching-{args.supporters}.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"

    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import Organisation, User
    from dispatch import interchange
    from dispatch.matching import match
    from dispatch.models import DispatchRequest, Supporter
    from engagements.models import Engagement, EngagementMember

    call_command("migrate", "--noinput", verbosity=0)
    supporters = [synthetic_supporter(i) for i in range(args.supporters)]
    rows = list(enumerate(supporters, start=1))
    interchange.import_objects("supporters", interchange.check_rows("supporters", rows))
    request_obj = {
        "id": "req-bench",
        "received": "2026-05-10",
        "company": {
            "id": "co-bench",
            "name": "株式会社ベンチ",
            "industry": "E",
            "prefecture": "17",
            "employees": "21-50",
            "sales": None,
            "owner_type": None,
            "owner_age": None,
        },
        "requesting_body": {"id": "yorozu-17", "kind": "yorozu", "prefecture": "17"},
        "approach": "issue-setting",
        "needs": "整理したい",
        "desired": "",
        "exclude": ["bench-00005", "bench-00100"],
        "consent_signed": None,
    }
    interchange.import_objects("requests", interchange.check_rows("requests", [(1, request_obj)]))
    # A quarter of the supporters carry engagements, so the load query has work to do.
    company = Organisation.objects.create(name="ベンチ株式会社", kind="company")
    for s in Supporter.objects.all()[: args.supporters // 4]:
        user = User.objects.create_user(email=s.email, password=None)
        s.user = user
        s.save(update_fields=["user"])
        engagement = Engagement.objects.create(code=f"B-{s.pk}", title="案件", company=company)
        EngagementMember.objects.create(engagement=engagement, user=user, role="supporter")
    request = DispatchRequest.objects.get(external_id="req-bench")

    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = match(request)
        times.append((time.perf_counter() - started) * 1000)
    if len(result.candidates) + len(result.excluded) != args.supporters:
        sys.exit("every supporter must be in one of the two lists")
    median = statistics.median(times)
    print(
        f"matching {args.supporters} supporters: median {median:.1f} ms, worst {max(times):.1f} ms "
        f"({args.runs} runs; {len(result.candidates)} candidates, {len(result.excluded)} excluded; "
        f"budget {args.budget_ms:.0f} ms)"
    )
    sys.exit(0 if median <= args.budget_ms else 1)


if __name__ == "__main__":
    main()
