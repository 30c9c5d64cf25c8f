"""The forms in which writers actually mention a company or a person.

A report rarely repeats 株式会社丸七水産加工: it says 丸七, 丸七さん, 丸七水産. A case that keeps
the short form names the company just as well. From a registered name we derive

- the name without its 法人格 (株式会社, 有限会社, (株) … at either end);
- the name without one or more trailing business words (水産加工, 工業, 商事, 製作所 …),
  stripped one after the other, so 丸七水産加工 gives 丸七水産 and 丸七.

Persons need no list here: the detector matches 姓 and 名 on their own (a one-character 姓 only
as a word of its own or before a title), so 高橋社長, 健一さん and 原店長 are found, and the
replacement keeps the title (高橋社長 → B社長).

False positives are the risk: a derived form of one character (丸) or a generic word (日本,
中央, 東洋) would block harmless text, so derived forms keep at least two characters and never
equal a generic word. The registered name itself and names the secretariat recorded by hand
(屋号, brands, products) are used as they are.
"""

import functools
import re

from privacy.text import is_kanji, morphemes, normalise
from privacy.vocabulary import (
    ADMIN_SUFFIXES,
    DASH,
    LEGAL_FORMS,
    MUNICIPAL_SUFFIXES,
    PREFECTURES,
    REGIONS,
)

# Words that end company names, shortest first when stripped, so every stage is a form of its
# own (丸七水産加工 → 丸七水産 → 丸七). A superset of the detector's
# INDUSTRY_WORDS: this list is used only for names the platform already knows, so a broad list
# cannot produce a false finding in unrelated text.
BUSINESS_WORDS = tuple(
    sorted(
        {
            "ホールディングス", "ソリューションズ", "システムズ", "ケアサービス", "ビルサービス",
            "サービス", "コーポレーション", "エンタープライズ", "カンパニー", "ジャパン",
            "工業所", "製作所", "鉄工所", "研究所", "工務店", "不動産", "自動車", "水産加工",
            "食品加工", "加工", "工業", "精機", "精工", "商事", "商会", "商店", "食品", "建設",
            "建工", "住建", "建築", "電機", "電気", "電子", "印刷", "運輸", "運送", "物流",
            "酒造", "醸造", "製菓", "製麺", "製陶", "技研", "化成", "化学", "鋳造", "鉄工",
            "木工", "繊維", "物産", "産業", "興業", "設備", "設計", "工房", "農園", "農場",
            "水産", "製薬", "薬品", "住宅", "機械", "機工", "重工", "硝子", "金属", "本舗",
            "本店", "旅館", "ホテル", "テック", "テクノ", "システム", "フーズ", "ファーム",
            "ラボ", "グループ", "ケア", "福祉会", "会館", "ビル", "信用金庫", "信用組合", "銀行",
            "商工会議所", "商工会",
        },
        key=lambda w: (len(w), w),
    )
)  # fmt: skip

# Short forms that are ordinary words or places: never derived, whatever the registered name.
GENERIC_WORDS = frozenset(
    [
        *REGIONS, "日本", "東洋", "中央", "中部", "第一", "第二", "総合", "国際", "共同", "協同",
        "地域", "地方", "全国", "新日本", "大日本", "東", "西", "南", "北", "中", "大", "新",
        "株式", "有限", "合同", "会社", "企業", "グループ", "サービス", "システム", "テクノ",
        "ジャパン", "アジア", "グローバル", "インターナショナル",
    ]
)  # fmt: skip

MIN_DERIVED = 2

_LEGAL = tuple(sorted((normalise(f) for f in LEGAL_FORMS), key=len, reverse=True))


def _strip_legal(name: str) -> str:
    """The name without a 法人格 at its start or end (株式会社丸七, 丸七(株), 丸七 有限会社)."""
    changed = True
    while changed:
        changed = False
        for form in _LEGAL:
            if name.startswith(form):
                name, changed = name[len(form) :].strip(), True
            elif name.endswith(form):
                name, changed = name[: -len(form)].strip(), True
    return name


def usable_short_form(form: str) -> bool:
    """A derived form is used only if it is long enough and no ordinary word or place."""
    if len(form) < MIN_DERIVED or form in GENERIC_WORDS or form.isdigit():
        return False
    # Two Latin letters (KK, JA) are abbreviations of anything.
    return not (form.isascii() and len(form) < 3)


@functools.lru_cache(maxsize=4096)
def organisation_forms(name: str) -> tuple[str, ...]:
    """The registered name and the short forms writers use, normalised (see detect.normalise)."""
    full = normalise(name).strip()
    if not full:
        return ()
    forms = [full]
    core = _strip_legal(full) or full
    derived = [core, core.replace(" ", "").replace("\u3000", "")]
    current = derived[-1]
    while True:
        word = next(
            (w for w in BUSINESS_WORDS if current.endswith(w) and len(current) > len(w)), None
        )
        if word is None:
            break
        current = current[: -len(word)].rstrip(" ・")
        derived.append(current)
    forms += [d for d in derived if d and (d == full or usable_short_form(d))]
    return tuple(dict.fromkeys(forms))


def extra_names(text: str) -> list[str]:
    """Names recorded by hand, one per line or separated by 、/,: kept as written if ≥ 2 chars."""
    names = []
    for line in text.replace("、", "\n").replace(",", "\n").replace("，", "\n").splitlines():
        line = line.strip()
        if len(line) >= MIN_DERIVED:
            names.append(line)
    return names


# Lower case, like the views they are matched against (npo法人).
_NAME_SPLIT = re.compile(r"[\s・･=＝]+")


@functools.lru_cache(maxsize=4096)
def person_variants(name: str) -> tuple[str, ...]:
    """The full name, the name without spaces, and each of its parts (姓, 名)."""
    n = normalise(name).strip()
    parts = [p for p in _NAME_SPLIT.split(n) if p]
    if len(parts) == 1:
        parts = _split_name(parts[0])
    # A part is a name on its own only if it holds name material: a one-kanji given name (彩)
    # does, a particle left by a badly cut name (七尾|の) would match every sentence.
    parts = [p for p in parts if not all(m.is_function_word for m in morphemes(p))]
    return tuple(dict.fromkeys([n, "".join(parts), *parts]))


def _split_name(name: str) -> list[str]:
    """姓 and 名 of a name written without a space, where the cut can be told; else the name."""
    ms = morphemes(name)
    if len(ms) == 2 and all(m.is_person for m in ms):
        return [ms[0].surface, ms[1].surface]
    best, best_score = None, 0
    for cut in range(1, len(name)):
        surname, given = name[:cut], name[cut:]
        # Each side that reads as a name on its own counts, and so does a kanji → kana change
        # (九十九ひなた); a rare surname Sudachi does not know (四月一日) leaves a given name it does.
        score = _lone_name(surname, "姓") + _lone_name(given, "名")
        score += is_kanji(surname[-1]) and not is_kanji(given[0])
        if score > best_score:
            best, best_score = [surname, given], score
    return best or [name]


def _lone_name(text: str, part: str) -> bool:
    ms = morphemes(text)
    return len(ms) == 1 and ms[0].is_person and ms[0].pos[3] in (part, "一般")


def organisation_variants(name: str) -> tuple[str, ...]:
    """The name, the name without its 法人格, and the short forms before trailing business words
    (株式会社丸七水産加工 → 丸七水産加工, 丸七水産, 丸七)."""
    return organisation_forms(name)


@functools.lru_cache(maxsize=4096)
def place_variants(name: str) -> tuple[str, ...]:
    """The place, each municipality or town in it, and the stem of each (浜松市 → 浜松)."""
    n = normalise(name).strip()
    variants = [n]
    components: list[str] = []
    current = ""
    for m in morphemes(n):
        if m.pos[0] == "名詞" and m.pos[1] == "数詞" or m.surface in DASH or m.surface.isspace():
            break  # street numbers are matched as the tail of a place, not on their own
        current += m.surface
        if m.surface in ADMIN_SUFFIXES:
            components.append(current)
            current = ""
    if current:
        components.append(current)
    if len(components) == 1 and components[0] == n:
        components = []  # a single prefecture the caller listed on purpose stays listed
    for comp in components:
        if is_prefecture(comp):
            continue
        variants.append(comp)
        # One-character stems (燕, 柏) are kept: a match must then stand as its own morpheme.
        if comp[-1] in MUNICIPAL_SUFFIXES and len(comp) >= 2 and not is_prefecture(comp[:-1]):
            variants.append(comp[:-1])
    return tuple(dict.fromkeys(v for v in variants if v and not v.isdigit()))


def is_prefecture(name: str) -> bool:
    return name in REGIONS or (name[-1:] in "都道府県" and name[:-1] in PREFECTURES)
