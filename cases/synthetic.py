"""Synthetic interchange records for tests and benchmarks (varied, valid, clearly not real)."""

import random

from taxonomy.vocabularies import (
    APPROACH,
    EMPLOYEES,
    INDUSTRY,
    OWNER_AGE,
    OWNER_TYPE,
    PHASE,
    PREFECTURE,
    REQUESTING_BODY,
    SALES,
    SCALE_PHASE,
    SUPPORTER_TYPE,
    TOOL,
    TREND,
)

_OPENINGS = [
    "最初の訪問では",
    "二回目の面談で",
    "工場を見学した後",
    "社員を交えた場で",
    "決算書を並べて",
]
_ACTS = [
    "社長の話をさえぎらずに傾聴し、",
    "ホワイトボードに論点を書き出し、",
    "経営デザインシートを一緒に埋め、",
    "ローカルベンチマークの非財務の視点で問いかけ、",
    "業務フロー図で受注から出荷までを描き、",
    "資金繰りのシミュレーションを示し、",
    "社員アンケートの結果を共有し、",
    "原価計算で製品別の採算を見直し、",
]
_RESULTS = [
    "社長は人材育成こそが本質的課題だと気づいた。",
    "後継者が理念を自分の言葉で語り始めた。",
    "価格転嫁の交渉に踏み出す決心がついた。",
    "部門間の情報共有が課題の真因だと腹落ちした。",
    "IT導入の目的を業務の見える化に絞り込んだ。",
    "幹部が自ら会議を回すようになり、自走化が進んだ。",
]
_TAGS = [
    "事業承継",
    "組織改革",
    "価格転嫁",
    "人材定着",
    "DX",
    "販路開拓",
    "理念・ビジョン",
    "資金繰り",
]


def _paragraph(rng: random.Random, sentences: int = 3) -> str:
    return "".join(
        rng.choice(_OPENINGS) + rng.choice(_ACTS) + rng.choice(_RESULTS) for _ in range(sentences)
    )


def synthetic_case(number: int, rng: random.Random | None = None) -> dict:
    """One valid case in interchange format v1, id `syn-<number>`."""
    rng = rng or random.Random(number)
    prefecture, _, region = rng.choice(PREFECTURE)
    started_year = rng.randint(2019, 2024)
    started_month = rng.randint(1, 12)
    phase_codes = [p[0] for p in PHASE]
    chosen = sorted(rng.sample(range(len(phase_codes)), rng.randint(3, 6)))
    if phase_codes.index("awareness") not in chosen:
        chosen = sorted([*chosen, phase_codes.index("awareness")])
    phases = []
    for i in chosen:
        phase = {
            "phase": phase_codes[i],
            "heading": f"{PHASE[i][2]}の場面",
            "body": _paragraph(rng),
        }
        tools = rng.sample([t[0] for t in TOOL], rng.randint(0, 2))
        if tools:
            phase["tools"] = tools
        phases.append(phase)
    record = {
        "id": f"syn-{number:05d}",
        "title": f"{rng.choice(INDUSTRY)[1]}の事業者が{rng.choice(_TAGS)}に向き合った事例 第{number}号",
        "subtitle": "対話を重ねて本質的課題に気づいた事例",
        "lead": _paragraph(rng, 1),
        "hashtags": rng.sample(_TAGS, 2),
        "company": {
            "industry": rng.choice(INDUSTRY)[0],
            "region": region,
            "prefecture": prefecture,
            "employees": rng.choice(EMPLOYEES)[0],
            "sales": rng.choice(SALES)[0],
            "owner_type": rng.choice(OWNER_TYPE)[0],
            "owner_age": rng.choice(OWNER_AGE)[0],
            "sales_trend": rng.choice(TREND)[0],
            "profit_trend": rng.choice(TREND)[0],
            "offices_outside_prefecture": rng.random() < 0.3,
            "overseas_presence": rng.random() < 0.1,
        },
        "typology": {
            "scale_phase": rng.choice(SCALE_PHASE)[0],
            "vision_articulated": rng.random() < 0.4,
            "approach": rng.choice(APPROACH)[0],
        },
        "support": {
            "requesting_body": rng.choice(REQUESTING_BODY)[0],
            "supporter_type": rng.choice(SUPPORTER_TYPE)[0],
            "visits": rng.randint(2, 11),
            "started": f"{started_year}-{started_month:02d}",
            "ended": f"{started_year + 1}-{started_month:02d}",
        },
        "phases": phases,
        "key_points": [_paragraph(rng, 1), _paragraph(rng, 1)],
        "background": _paragraph(rng, 2),
        "outcomes": _paragraph(rng, 2),
    }
    if rng.random() < 0.9:
        record["published_at"] = (
            f"{started_year + 2}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
    return record


def insert_cases(count: int, *, first: int = 1, batch: int = 500) -> int:
    """Write synthetic cases `first`…`first + count - 1` as pages under the case index, fast.

    For benchmarks and tests that need thousands of cases: Wagtail's add_child and a revision per
    page cost tens of milliseconds each, so the treebeard paths are computed here and the rows
    inserted in batches. The pages are real pages (live, with url path, sections and hashtags) but
    have no revisions and send no signals, so nothing is indexed or queued. Records without a
    publication date become drafts, as with the importer. Returns how many were published.
    """
    # Imported here: synthetic_case() needs no Django, and the benchmarks' parent processes and
    # generators import this module before (or without) django.setup().
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from taggit.models import Tag
    from wagtail.models import Page

    from cases.interchange import COMPANY, TYPOLOGY
    from cases.models import CaseIndexPage, CasePage, CaseSection, CaseTag

    def profile(values: dict, schema: dict) -> dict:
        return {k: values.get(k, None if schema[k][1] == "bool" else "") for k in schema}

    content_type = ContentType.objects.get_for_model(CasePage)
    tags: dict[str, Tag] = {}
    published = 0
    with transaction.atomic():
        parent = CaseIndexPage.objects.select_for_update().get()
        last_child = parent.get_last_child()
        step = last_child._get_lastpos_in_path() if last_child else 0
        next_id = (Page.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for start in range(first, first + count, batch):
            cases, sections, tagged = [], [], []
            for number in range(start, min(start + batch, first + count)):
                record = synthetic_case(number, random.Random(number))
                page_id, step = next_id, step + 1
                next_id += 1
                live = "published_at" in record
                published += live
                day = dt.date.fromisoformat(record["published_at"]) if live else None
                stamp = timezone.make_aware(dt.datetime.combine(day, dt.time(9))) if day else None
                support = record["support"]
                cases.append(
                    CasePage(
                        id=page_id,
                        page_ptr_id=page_id,
                        path=Page._get_path(parent.path, parent.depth + 1, step),
                        depth=parent.depth + 1,
                        numchild=0,
                        locale_id=parent.locale_id,
                        content_type=content_type,
                        title=record["title"],
                        draft_title=record["title"],
                        slug=record["id"],
                        url_path=f"{parent.url_path}{record['id']}/",
                        live=live,
                        has_unpublished_changes=not live,
                        first_published_at=stamp,
                        last_published_at=stamp,
                        latest_revision_created_at=stamp,
                        external_id=record["id"],
                        subtitle=record.get("subtitle", ""),
                        lead=record["lead"],
                        **profile(record["company"], COMPANY),
                        **profile(record["typology"], TYPOLOGY),
                        requesting_body=support.get("requesting_body", ""),
                        supporter_type=support.get("supporter_type", ""),
                        visits=support.get("visits"),
                        started=support.get("started", ""),
                        ended=support.get("ended", ""),
                        key_points=[("point", p) for p in record.get("key_points", [])],
                        background=record.get("background", ""),
                        outcomes=record.get("outcomes", ""),
                        published_on=day,
                    )
                )
                for order, phase in enumerate(record["phases"]):
                    sections.append(
                        CaseSection(
                            page_id=page_id,
                            sort_order=order,
                            phase=phase["phase"],
                            heading=phase.get("heading", ""),
                            body=[("text", phase["body"])],
                            tools=list(phase.get("tools", [])),
                        )
                    )
                for name in record.get("hashtags", []):
                    if name not in tags:
                        tags[name] = Tag.objects.get_or_create(name=name)[0]
                    tagged.append(CaseTag(content_object_id=page_id, tag=tags[name]))
            # bulk_create refuses multi-table models; this is what save_base(raw=True) (the
            # loaddata path) does for one row of each table, done for a whole batch at once.
            Page._base_manager._insert(cases, fields=Page._meta.local_concrete_fields, raw=True)
            CasePage._base_manager._insert(
                cases, fields=CasePage._meta.local_concrete_fields, raw=True
            )
            CaseSection.objects.bulk_create(sections, batch_size=batch)
            CaseTag.objects.bulk_create(tagged, batch_size=batch)
        Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + count)
    return published
