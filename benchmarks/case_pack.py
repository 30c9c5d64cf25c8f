"""Render time of a 30-case pack's PDF, participants' and trainer's editions (target ≤ 10 s each).

Usage:  .venv/bin/python benchmarks/case_pack.py [--cases 30] [--runs 3]

Builds a throw-away SQLite database under var/bench/, imports synthetic cases through the real
importer (so each passes the publish gate), lengthens their phase bodies to the demo cases'
length (about 1,500 characters of text a case), links them to one curriculum unit and composes a
pack with questions and trainer notes for every case. Then times what the download view does:
reading the pack's contents through the gate, and WeasyPrint's rendering of each edition.
Needs WeasyPrint and fonts-noto-cjk (docs/operations.md).
"""

import argparse
import json
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def lengthened(record: dict, extra: dict) -> dict:
    """`record` with a second paragraph in each phase, from another synthetic case."""
    spare = [p["body"] for p in extra["phases"]] + [extra["background"], extra["outcomes"]]
    for n, phase in enumerate(record["phases"]):
        phase["body"] += "\n\n" + spare[n % len(spare)]
    return record


def text_length(record: dict) -> int:
    parts = [record["lead"], record["background"], record["outcomes"], *record["key_points"]]
    return sum(len(p) for p in parts) + sum(len(p["body"]) for p in record["phases"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    db = ROOT / "var" / "bench" / f"case-pack-{args.cases}.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    db.unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["SEARCH_INDEX_DIR"] = str(db.with_suffix(".search"))

    import django

    django.setup()
    from django.core.management import call_command
    from pypdf import PdfReader

    from accounts.models import User
    from cases.interchange import import_cases
    from cases.models import CasePage
    from cases.synthetic import synthetic_case
    from training import packs, pdf
    from training.models import (
        CurriculumIndexPage,
        CurriculumItem,
        CurriculumPage,
        CurriculumUnitPage,
    )

    call_command("migrate", "--noinput", verbosity=0)
    call_command("setup_site", stdout=open(os.devnull, "w"))  # noqa: SIM115
    records = []
    for n in range(1, args.cases + 1):
        record = lengthened(synthetic_case(n), synthetic_case(10_000 + n))
        record["published_at"] = "2026-04-01"  # every case of the pack is published
        records.append(record)
    import_cases([json.dumps(r, ensure_ascii=False) for r in records])
    cases = list(CasePage.objects.live().filter(external_id__in=[r["id"] for r in records]))
    if len(cases) != args.cases:
        sys.exit(f"only {len(cases)} of {args.cases} cases were published")

    curriculum = CurriculumIndexPage.objects.get().add_child(
        instance=CurriculumPage(title="ケースで学ぶ！伴走支援研修", slug="bench-course")
    )
    unit = CurriculumUnitPage(
        title="ケース演習（ベンチマーク）",
        slug="bench-unit",
        objectives=[("objective", "事例から支援の進め方を読み解く")],
        description="各事例を読み、討議の問いについてグループで話し合います。",
        trainer_notes="- 1 事例 20 分を目安に進める。\n- 最後に全体で共有する。",
    )
    unit.items = [
        CurriculumItem(
            case=case,
            questions="経営者の気づきを促した場面はどこか\nあなたならどの順番で支援するか",
        )
        for case in cases
    ]
    curriculum.add_child(instance=unit)
    trainer = User.objects.create_user(email="bench@example.test", password=None)
    materials = packs.unit_materials(unit)
    pack = packs.save_pack(
        unit=unit,
        title="ケースで学ぶ！伴走支援研修 ケースパック",
        questions="今日の事例に共通する支援の型は何か\n明日からの支援で何を変えるか",
        trainer_notes="グループ分けは開始前に済ませておく。",
        selections=[
            packs.Selection(
                m.key, m.questions, "この事例では、支援者が答えを言わない点に注目させる。"
            )
            for m in materials
        ],
        by=trainer,
    )
    mean_chars = statistics.mean(text_length(r) for r in records)
    print(f"pack: {args.cases} cases, {mean_chars:.0f} characters of text a case on average")
    print(f"Japanese font installed: {pdf.japanese_font_installed()}")
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))

    pdf.render_pdf(packs.pack_contents(pack), edition=packs.PARTICIPANTS)  # warm-up (fonts, CSS)
    for edition in packs.EDITIONS:
        times, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            body = pdf.render_pdf(packs.pack_contents(pack), edition=edition)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        pages = len(PdfReader(BytesIO(body)).pages)
        # CPU time too: on a shared machine the wall time mostly measures the other processes.
        print(
            f"{edition:<13} {pages:>4} pages {len(body) / 1024:>5.0f} KiB  "
            f"wall median {statistics.median(times):.2f} s (max {max(times):.2f})  "
            f"CPU median {statistics.median(cpu):.2f} s  (target ≤ 10 s)"
        )


if __name__ == "__main__":
    main()
