"""The matching assistant: every supporter of the registry, ranked or excluded, with reasons.

The rules are those of docs/registry-format.md (from the programme's report §1-1-2 and §2-1):
exclusions first (each one a reason the secretariat can act on), then the area order — the
company's prefecture, its neighbours (dispatch/geography.py), the rest — and within an area the
type fit for the request's approach, a positive relationship, fewer active engagements, and the
supporter's experience in the company's industry only as a small tie-breaker (the report warns
against pin-point matching by industry).

The result contains conflicts' notes: it is for the secretariat and the agency only, never for
the requesting body (dispatch/access.py).
"""

import functools
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import get_language, gettext

from engagements.models import Engagement, EngagementMember
from taxonomy import terms

from . import conf
from .geography import are_neighbours
from .models import DispatchRequest, Supporter

# Score parts (within an area). Each step of the type scale outweighs a positive relationship
# and any load; the industry experience (1 point) can only decide between otherwise equal
# candidates, because every other part moves in steps of at least 3.
TYPE_STEP = 10
POSITIVE = 10
LOAD_STEP = 3
EXPERIENCE = 1
# The area puts every candidate of a nearer area above every one of a farther area: a score
# within an area stays between -27 and 51 (max_engagements is at most 10).
AREA_BASE = {0: 1000, 1: 500, 2: 0}
AREA_SAME, AREA_NEIGHBOUR, AREA_FAR = 0, 1, 2

# Supporter columns the matching reads (notes and motto are not needed).
FIELDS = (
    "id",
    "external_id",
    "name",
    "user_id",
    "category",
    "home_prefecture",
    "travel",
    "training",
    "supporter_type",
    "max_engagements",
    "experience",
    "conflicts",
    "relationships",
)


@functools.lru_cache(maxsize=512)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


@dataclass
class _Context:
    """What every supporter's check needs, worked out once per match.

    gettext and the lazy labels are remembered: one match formats thousands of reasons, and
    Django's gettext and get_language would cost more than the rest of the matching together.
    """

    t: object
    required: dict[int, tuple[str, ...]]
    course_labels: dict[str, str]

    @classmethod
    def now(cls) -> "_Context":
        return cls(
            t=functools.partial(_translated, get_language()),
            required={category: conf.required_courses(category) for category in (1, 2)},
            course_labels={slug: str(label) for slug, label in conf.courses().items()},
        )


@dataclass(slots=True)
class SupporterRow:
    """The columns of a supporter the matching reads (no notes, no motto): cheap to load."""

    pk: int
    external_id: str
    name: str
    user_id: int | None
    category: int
    home_prefecture: str
    travel: str
    training: dict
    supporter_type: int
    max_engagements: int
    experience: list
    conflicts: list
    relationships: list


def registry_rows() -> list[SupporterRow]:
    return [
        SupporterRow(*values)
        for values in Supporter.objects.order_by("external_id").values_list(*FIELDS)
    ]


@dataclass
class Candidate:
    supporter: SupporterRow
    area: int
    score: int
    reasons: list[str] = field(default_factory=list)
    rank: int = 0


@dataclass
class Excluded:
    supporter: SupporterRow
    reasons: list[str] = field(default_factory=list)


@dataclass
class MatchResult:
    request: DispatchRequest
    candidates: list[Candidate]
    excluded: list[Excluded]

    def as_dict(self) -> dict:
        """The `match_supporters --json` shape of the format document."""
        return {
            "request": self.request.external_id,
            "candidates": [
                {
                    "supporter": c.supporter.external_id,
                    "rank": c.rank,
                    "score": c.score,
                    "reasons": c.reasons,
                }
                for c in self.candidates
            ],
            "excluded": [
                {"supporter": e.supporter.external_id, "reasons": e.reasons} for e in self.excluded
            ],
        }


def active_loads() -> Counter:
    """Engagements each supporter (by Supporter pk) carries now.

    Active engagements where their account is a team supporter, plus requests already 決定 for
    them that are not yet an engagement (the commitment is made).
    """
    loads: Counter = Counter()
    by_user = dict(Supporter.objects.filter(user__isnull=False).values_list("user_id", "id"))
    rows = (
        EngagementMember.objects.filter(
            role=EngagementMember.Role.SUPPORTER,
            engagement__status=Engagement.Status.ACTIVE,
            user_id__in=list(by_user),
        )
        .values("user_id")
        .annotate(n=Count("engagement", distinct=True))
    )
    for row in rows:
        loads[by_user[row["user_id"]]] += row["n"]
    decided = (
        DispatchRequest.chosen.through.objects.filter(
            dispatchrequest__status=DispatchRequest.Status.DECIDED
        )
        .values("supporter_id")
        .annotate(n=Count("dispatchrequest"))
    )
    for row in decided:
        loads[row["supporter_id"]] += row["n"]
    return loads


def _prefecture(code: str) -> str:
    return terms.label("prefecture", code) or code


def _industry(code: str) -> str:
    return terms.label("industry", code) or code


# The model's labels as plain message ids (the lazy ones cannot be cached by value).
TRAVEL_LABELS = {
    Supporter.Travel.OWN_PREFECTURE: "自県のみ",
    Supporter.Travel.NEIGHBOURING: "近隣の都道府県まで",
    Supporter.Travel.ANYWHERE: "全国どこでも",
}


def _exclusions(s: SupporterRow, request: DispatchRequest, load: int, ctx: _Context) -> list[str]:
    t = ctx.t
    reasons = []
    if s.external_id in request.exclude:
        reasons.append(t("要請機関から派遣しないよう依頼されています（派遣依頼書の除外リスト）。"))
    for conflict in s.conflicts:
        given = {
            k: conflict.get(k) for k in ("industry", "prefecture", "company") if conflict.get(k)
        }
        actual = {
            "industry": request.industry,
            "prefecture": request.prefecture,
            "company": request.company_id,
        }
        # A conflict names the company, or an industry and/or a prefecture: it applies when
        # everything it names matches this request.
        if given and all(actual[k] == v for k, v in given.items()):
            if "company" in given:
                what = t("派遣先企業（%(id)s）") % {"id": request.company_id}
            else:
                parts = []
                if "industry" in given:
                    parts.append(_industry(given["industry"]))
                if "prefecture" in given:
                    parts.append(_prefecture(given["prefecture"]))
                what = "・".join(parts)
            note = conflict.get("note") or t("メモなし")
            reasons.append(
                t("%(what)sについて競業避止の申告があります（%(note)s）。")
                % {"what": what, "note": note}
            )
    for relation in s.relationships:
        if relation.get("kind") != "negative":
            continue
        if relation.get("with") == f"company:{request.company_id}":
            who = t("派遣先企業")
        elif relation.get("with") == f"req-body:{request.body_id}":
            who = t("要請機関")
        else:
            continue
        note = relation.get("note") or t("メモなし")
        reasons.append(
            t("%(who)sとの関係が良好ではありません（%(note)s）。") % {"who": who, "note": note}
        )
    missing = [c for c in ctx.required.get(s.category, ()) if s.training.get(c) != "completed"]
    if missing:
        reasons.append(
            t("区分%(category)d の必須研修を修了していません（%(courses)s）。")
            % {
                "category": s.category,
                "courses": "、".join(f"「{ctx.course_labels.get(c, c)}」" for c in missing),
            }
        )
    if load >= s.max_engagements:
        reasons.append(
            t("同時に担当できる上限 %(max)d 件に達しています（担当中 %(load)d 件）。")
            % {"max": s.max_engagements, "load": load}
        )
    within = (
        s.travel == Supporter.Travel.ANYWHERE
        or s.home_prefecture == request.prefecture
        or (
            s.travel == Supporter.Travel.NEIGHBOURING
            and are_neighbours(s.home_prefecture, request.prefecture)
        )
    )
    if not within:
        reasons.append(
            t("派遣先（%(to)s）は移動範囲の外です（拠点: %(home)s、移動範囲: %(travel)s）。")
            % {
                "to": _prefecture(request.prefecture),
                "home": _prefecture(s.home_prefecture),
                "travel": t(TRAVEL_LABELS[s.travel]),
            }
        )
    return reasons


def _candidate(s: SupporterRow, request: DispatchRequest, load: int, ctx: _Context) -> Candidate:
    t = ctx.t
    reasons = []
    if s.home_prefecture == request.prefecture:
        area = AREA_SAME
        reasons.append(
            t("派遣先と同じ都道府県（%(pref)s）を拠点にしています。")
            % {"pref": _prefecture(s.home_prefecture)}
        )
    elif are_neighbours(s.home_prefecture, request.prefecture):
        area = AREA_NEIGHBOUR
        reasons.append(
            t("派遣先の近隣の都道府県（%(pref)s）を拠点にしています。")
            % {"pref": _prefecture(s.home_prefecture)}
        )
    else:
        area = AREA_FAR
        reasons.append(
            t("遠方（%(pref)s）からの派遣になります。移動の負担を確認してください。")
            % {"pref": _prefecture(s.home_prefecture)}
        )
    if request.approach == DispatchRequest.Approach.ISSUE_SOLVING:
        fit = s.supporter_type - 1
        approach = t("課題解決型")
    else:
        fit = 5 - s.supporter_type
        approach = t("課題設定型")
    kind = (
        t("ゼネラリスト寄り")
        if s.supporter_type <= 2
        else (t("専門特化寄り") if s.supporter_type >= 4 else t("中間"))
    )
    reasons.append(
        t("特性タイプ %(type)d（%(kind)s）: %(approach)sの依頼への適合度 %(fit)d/4。")
        % {"type": s.supporter_type, "kind": kind, "approach": approach, "fit": fit}
    )
    score = fit * TYPE_STEP
    for relation in s.relationships:
        if relation.get("kind") != "positive":
            continue
        if relation.get("with") in (f"company:{request.company_id}", f"req-body:{request.body_id}"):
            who = t("派遣先企業") if relation["with"].startswith("company:") else t("要請機関")
            score += POSITIVE
            reasons.append(t("%(who)sと良好な関係があります。") % {"who": who})
            break
    score -= LOAD_STEP * load
    reasons.append(
        t("担当中の案件 %(load)d 件（上限 %(max)d 件）。")
        % {"load": load, "max": s.max_engagements}
    )
    if any(e.get("industry") == request.industry for e in s.experience):
        score += EXPERIENCE
        reasons.append(
            t("同じ業種（%(industry)s）の支援経験があります（順位には小さく反映）。")
            % {"industry": _industry(request.industry)}
        )
    return Candidate(supporter=s, area=area, score=AREA_BASE[area] + score, reasons=reasons)


def match(
    request: DispatchRequest, *, supporters=None, loads: Counter | None = None
) -> MatchResult:
    """Every supporter in exactly one of the two lists; candidates ranked best first."""
    if supporters is None:
        supporters = registry_rows()
    if loads is None:
        loads = active_loads()
    ctx = _Context.now()
    candidates, excluded = [], []
    for s in supporters:
        load = loads.get(s.pk, 0)
        reasons = _exclusions(s, request, load, ctx)
        if reasons:
            excluded.append(Excluded(supporter=s, reasons=reasons))
        else:
            candidates.append(_candidate(s, request, load, ctx))
    # Area first (it is in the score), then the score, then the id for a stable order.
    candidates.sort(key=lambda c: (-c.score, c.supporter.external_id))
    for rank, candidate in enumerate(candidates, start=1):
        candidate.rank = rank
    return MatchResult(request=request, candidates=candidates, excluded=excluded)
