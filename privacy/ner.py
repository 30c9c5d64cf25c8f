"""The statistical layer: names GiNZA's Japanese NER model (ja_ginza, weights from PyPI) finds.

The rules in privacy.detect find names next to a title, an honorific or a 法人格; text written by
others names people and companies without them (「日本航空と全日本空輸」「チャールズ・ディケンズ」).
ja_ginza tags Sekine's extended named entities; the labels below are mapped onto the detector's
three kinds, the rest (dates, ages, products, events) are no personal data of a person or a firm.

The model takes ~5 s and ~400 MB to load, so it is loaded once per process, on first use, under a
lock (gunicorn and the task worker each load it once). Only its tok2vec and ner components run:
the parser and morphologizer add time and nothing the NER needs.
"""

import functools
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from privacy.vocabulary import HONORIFICS, INDUSTRY_WORDS, LEGAL_FORMS, TITLES

MODEL = "ja_ginza"
# Components of ja_ginza the NER needs none of (the parser and morphologizer only cost time).
EXCLUDED = ["parser", "morphologizer", "attribute_ruler", "compound_splitter", "bunsetu_recognizer"]
# A second NER head trained on Japanese Wikipedia sentences (privacy.ner_train): it reads the
# same frozen tok2vec as ja_ginza's own NER and labels the data set's eight types.
WIKI_NER = "ner_wiki"
WIKI_PATH = Path(__file__).resolve().parent / "models" / WIKI_NER
# Two more heads of the same shape, trained on the same sentences from other seeds: each misses
# different names (issue 11), and the detector takes the names of any. Run on the same token
# vectors and features, they add little time.
WIKI_PATHS = (WIKI_PATH, WIKI_PATH.with_name(WIKI_NER + "_b"), WIKI_PATH.with_name(WIKI_NER + "_c"))
WIKI_LABELS = (
    "人名",
    "法人名",
    "政治的組織名",
    "その他の組織名",
    "地名",
    "施設名",
    "製品名",
    "イベント名",
)
# Off only where a caller must do without the model: tests of the rules alone switch it off so
# the suite stays fast (tests/privacy/conftest.py); the detector then runs its rules only.
ENABLED = True
WIKI_ENABLED = True
_LOCK = threading.Lock()

PERSON_LABELS = frozenset(["Person"])
ORGANISATION_LABELS = frozenset(
    [
        "Company", "Company_Group", "Corporation_Other", "Organization_Other",
        "International_Organization", "Political_Organization_Other", "Political_Party",
        "Government", "Public_Institution", "Research_Institute", "School", "Military",
        "Show_Organization", "Sports_Organization_Other", "Pro_Sports_Organization",
        "Sports_League", "Family", "Cabinet",
    ]
)  # fmt: skip
PLACE_LABELS = frozenset(
    [
        "City", "County", "Province", "Country", "GPE_Other", "Location_Other", "Domestic_Region",
        "Region_Other", "Continental_Region", "Geological_Region_Other", "Island", "Mountain",
        "River", "Lake", "Sea", "Bay", "Postal_Address", "Spa",
    ]
)  # fmt: skip
# The trained head's labels (the data set's types): 施設名, 製品名 and イベント名 are no personal
# data of a person or a firm, as with ja_ginza's Facility, Product and Event labels.
WIKI_KIND = {
    "人名": "person",
    "法人名": "organisation",
    "政治的組織名": "organisation",
    "その他の組織名": "organisation",
    "地名": "place",
}
KIND = (
    WIKI_KIND
    | dict.fromkeys(PERSON_LABELS, "person")
    | dict.fromkeys(ORGANISATION_LABELS, "organisation")
    | dict.fromkeys(PLACE_LABELS, "place")
)


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    kind: str  # person, organisation or place
    label: str  # the model's own label (Company, City …)


@functools.cache
def _model():
    import spacy

    nlp = spacy.load(MODEL, exclude=EXCLUDED)
    heads = []
    paths = [p for p in WIKI_PATHS if p.exists()] if WIKI_ENABLED else []
    for label in WIKI_LABELS if paths else ():
        nlp.vocab.strings.add(label)
    for path in paths:
        # Both heads read the features computed once per sentence: the same columns.
        if head_features(path) != head_features(paths[0]):
            raise ValueError(f"{path} reads other token features than {paths[0]}: retrain it")
        nlp.add_pipe(
            "ner",
            name=WIKI_NER,
            config=wiki_config(head_width(path), features=head_features(path)),
        )
        # Kept outside the pipeline and run on its own: a second NER in the pipeline would only
        # add to the first one's entities, never overlap them (spaCy keeps preset entities).
        _name, head = nlp.remove_pipe(WIKI_NER)
        head.from_disk(path, exclude=["vocab"])
        heads.append(head)
    # The first pass allocates what later ones reuse (~2 s): paid here, with the loading.
    list(_read(nlp, heads, ["株式会社サンプルの山田太郎社長が静岡県浜松市の工場を案内した。"]))
    return nlp, heads


def _read(nlp, heads: list, texts: list[str]) -> Iterator[list]:
    """Per text, the spans of ja_ginza's NER and then those of each trained head."""
    for doc in nlp.pipe(texts, batch_size=64):
        ents = list(doc.ents)
        # The heads read the token vectors ja_ginza's tok2vec left in doc.tensor, and beside them
        # the token features they were trained with (none for heads trained without).
        if heads and head_features(WIKI_PATH):
            add_features(doc)
        found = []
        for head in heads:
            doc.ents = []
            found += [e for e in head(doc).ents if not _lone_surname(e, ents)]
        yield ents + found


LONE_SURNAME_FILTER = True


def _lone_surname(ent, others: list) -> bool:
    """Whether the head read one word as a person only because Sudachi's dictionary lists it as a
    surname (山主 in 山主から原木を仕入れ): one token tagged 人名-姓, no given name beside it, and
    ja_ginza's NER reads no name of a person, a firm or a place there."""
    return (
        LONE_SURNAME_FILTER
        and ent.label_ == "人名"
        and len(ent) == 1
        and ent[0].tag_.endswith("人名-姓")
        and not any(o.label_ in KIND and o.start < ent.end and ent.start < o.end for o in others)
    )


def _loaded():
    with _LOCK:
        return _model()


def model():
    """The loaded pipeline (ja_ginza's tok2vec and NER), loaded once per process."""
    return _loaded()[0]


def head():
    """The trained head (privacy/models/ner_wiki), loaded with the pipeline; None without it."""
    heads = _loaded()[1]
    return heads[0] if heads else None


def heads() -> list:
    """Every trained head loaded (privacy/models/ner_wiki, ner_wiki_b and ner_wiki_c)."""
    return _loaded()[1]


def wiki_config(hidden: int = 64, *, features: int = 0) -> dict:
    """The trained head's config: a transition-based NER reading ja_ginza's tok2vec (256 wide)
    and `features` more columns (token_features) appended to it."""
    return {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": hidden,
            "maxout_pieces": 2,
            "use_upper": True,
            "nO": None,
            "tok2vec": {
                "@architectures": "spacy.Tok2VecListener.v1",
                "width": 256 + features,
                "upstream": "tok2vec",
            },
        }
    }


def head_width(path: Path) -> int:
    """The trained head's hidden width, which privacy.ner_train records beside its weights
    (width.json); heads trained before it was recorded are 64 wide."""
    try:
        return int(json.loads((path / "width.json").read_text(encoding="utf-8"))["hidden_width"])
    except FileNotFoundError:
        return 64


@functools.cache
def head_features(path: Path) -> int:
    """How many token features (token_features) the trained head reads beside the token vectors,
    as privacy.ner_train records it in width.json; 0 for a head trained on the vectors alone."""
    try:
        recorded = json.loads((path / "width.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return 0
    return int(recorded.get("features", 0))


# What the frozen token vectors of ja_ginza hardly tell the head (privacy.ner_train found lone
# katakana company names and unlabelled person names to be most of what it missed): Sudachi's
# part of speech, which the tokenizer puts in token.tag_ (名詞-固有名詞-人名-姓 …) from its
# dictionary, and the token's character type. Each is a 0/1 column; the tag parts are matched as
# substrings of tag_. Changing these lists changes the head's input: retrain after it.
_TAG_PARTS = (
    "固有名詞", "人名", "人名-姓", "人名-名", "組織", "地名", "地名-国", "固有名詞-一般",
    "普通名詞", "接尾辞", "助詞", "補助記号", "動詞", "助動詞", "接頭辞", "名詞",
)  # fmt: skip
_KATAKANA = re.compile(r"[\u30a0-\u30ffー・＝=]+")
_KANJI = re.compile(r"[\u4e00-\u9fff\u3005々〆ヶ]+")
_HIRAGANA = re.compile(r"[\u3040-\u309f]+")
_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]+")
_DIGIT = re.compile(r"[0-9０-９]")
# Words that tell a person or a firm from the outside (issue 11: most of what the head missed
# were names Sudachi reads as common nouns): a title, an honorific or a word of kin or rank after
# a person (…社長, …さん, …兄弟, …天皇), a word of firms or a 法人格 before or after a firm
# (…放送, …協会, 株式会社…). The last two columns of a token's own features.
_PERSON_CUES = frozenset(
    [*TITLES, *HONORIFICS, "兄弟", "姉妹", "夫妻", "夫人", "一家", "自身", "選手", "監督", "首相",
     "大統領", "知事", "議員", "教授", "博士", "天皇", "皇子", "皇女", "親王", "王", "伯爵", "将軍",
     "作家", "俳優", "歌手", "投手", "ら", "館長", "会長", "父", "母", "妻", "夫", "息子", "娘"]
)  # fmt: skip
_FIRM_CUES = frozenset(
    [*INDUSTRY_WORDS, *(f.lower() for f in LEGAL_FORMS), "社", "会社", "協会", "学会", "組合",
     "財団", "公司", "機構", "日報", "新聞", "放送", "テレビ", "銀行", "大学", "グループ", "企画",
     "事務所", "ピクチャーズ", "エンタテインメント", "フードサービス", "サービス", "商店", "会"]
)  # fmt: skip
# The features of the tokens either side that count: a name next to a name, a place, a suffix,
# a title or a word of firms.
_CONTEXT = (1, 4, 5, 7, 9, 16, 25, 26)  # 人名, 組織, 地名, 固有名詞-一般, 接尾辞, katakana, cues


def _token_row(tag: str, text: str) -> list[float]:
    row = [float(part in tag) for part in _TAG_PARTS]
    types = [
        bool(_KATAKANA.fullmatch(text)),
        bool(_KANJI.fullmatch(text)),
        bool(_HIRAGANA.fullmatch(text)),
        bool(_LATIN.fullmatch(text)),
    ]
    row += [float(t) for t in types]
    row += [
        float(bool(_DIGIT.search(text))),
        float(not any(types)),
        float(len(text) == 1),
        float(len(text) >= 4),
        float(text[:1].isupper()),
        float(text in _PERSON_CUES),
        float(text.lower() in _FIRM_CUES),
    ]
    return row


FEATURES = len(_TAG_PARTS) + 11 + 2 * len(_CONTEXT)


def token_features(doc):
    """One row per token of `doc`: its own features, then some of its neighbours' (FEATURES)."""
    import numpy

    own = numpy.array([_token_row(t.tag_, t.text) for t in doc], dtype="float32").reshape(
        len(doc), -1
    )
    none = numpy.zeros((1, len(_CONTEXT)), dtype="float32")
    near = own[:, _CONTEXT]
    before = numpy.vstack([none, near[:-1]]) if len(doc) else near
    after = numpy.vstack([near[1:], none]) if len(doc) else near
    return numpy.hstack([own, before, after])


def add_features(doc) -> None:
    """Appends token_features to the token vectors in doc.tensor, where the head reads them."""
    import numpy

    if len(doc) and doc.tensor.shape[1] == 256:
        doc.tensor = numpy.hstack([doc.tensor, token_features(doc)]).astype("float32")


@functools.cache
def available() -> bool:
    try:
        import ja_ginza  # noqa: F401
    except ImportError:
        return False
    return True


# Sudachi (inside the model's tokenizer) refuses inputs over ~49 kB; lines are short anyway.
_LIMIT = 2000


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        while len(line) > _LIMIT:
            cut = line.rfind("。", 0, _LIMIT) + 1 or _LIMIT
            yield offset, line[:cut]
            offset, line = offset + cut, line[cut:]
        if line.strip():
            yield offset, line
        offset += len(line)


def entities(text: str) -> list[Entity]:
    """Person, organisation and place entities in `text`, with offsets into it."""
    return entities_many([text])[0]


def entities_many(texts: list[str]) -> list[list[Entity]]:
    """`entities` for many texts in one batched pass (faster than one call per text).

    Results are kept per piece (a line) for the process: the assistant re-checks a whole case
    after each replacement, and the lines it did not touch need no second pass."""
    pieces = [(i, offset, piece) for i, text in enumerate(texts) for offset, piece in _pieces(text)]
    with _CACHE_LOCK:
        missing = list(dict.fromkeys(p for _i, _o, p in pieces if p not in _CACHE))
    if missing:
        nlp, heads = _loaded()
        found = {
            piece: [
                entity
                for ent in ents
                if ent.label_ in KIND
                and (entity := _trimmed(piece, ent.start_char, ent.end_char, ent.label_))
            ]
            for piece, ents in zip(missing, _read(nlp, heads, missing), strict=True)
        }
        with _CACHE_LOCK:
            for piece, ents in found.items():
                _CACHE[piece] = ents
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    out: list[list[Entity]] = [[] for _ in texts]
    for i, offset, piece in pieces:
        ents = found.get(piece) if missing and piece in found else None
        if ents is None:
            with _CACHE_LOCK:
                ents = _CACHE.get(piece)
            if ents is None:  # evicted meanwhile by another thread: read it again
                ents = entities_many([piece])[0]
        out[i] += [Entity(offset + e.start, offset + e.end, e.kind, e.label) for e in ents]
    return out


def _trimmed(piece: str, start: int, end: int, label: str) -> Entity | None:
    """The entity without the spaces and line ends the tokenizer sometimes leaves at its edges."""
    while start < end and piece[start].isspace():
        start += 1
    while end > start and piece[end - 1].isspace():
        end -= 1
    return Entity(start, end, KIND[label], label) if end > start else None


_CACHE: OrderedDict[str, list[Entity]] = OrderedDict()
_CACHE_SIZE = 20_000
_CACHE_LOCK = threading.Lock()
