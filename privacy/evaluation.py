"""Scores the detector against the labelled synthetic passages (fixtures/privacy/passages.jsonl).

Span-level scoring. A gold span is found only if every one of its characters is covered by some
finding, whatever kind the finding has (masking is what protects; the kind only picks the
replacement). A predicted span is correct if it overlaps some gold span. known_* kinds count as
their base kind. "Known names" are gold names whose surface is part of a `known` entry or holds a
part of one: the ones the publish gate must never let through.
"""

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from privacy import ner
from privacy.detect import detect, normalise, organisation_variants, person_variants

PASSAGES = Path(__file__).resolve().parents[1] / "fixtures" / "privacy" / "passages.jsonl"
STRUCTURED = ("email", "url", "phone", "postal_code", "corporate_number", "my_number")
NAMES = ("organisation", "person", "place")
KINDS = STRUCTURED + NAMES


@dataclass
class Score:
    """Counts for one evaluation run over the labelled set."""

    gold: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    predicted: Counter = field(default_factory=Counter)
    correct: Counter = field(default_factory=Counter)
    known_gold: int = 0
    known_found: int = 0
    leaked_chars: int = 0
    missed: list = field(default_factory=list)
    false_alarms: list = field(default_factory=list)

    def recall(self, kind: str | None = None) -> float:
        gold = self.gold[kind] if kind else sum(self.gold.values())
        found = self.found[kind] if kind else sum(self.found.values())
        return found / gold if gold else 1.0

    def precision(self, kind: str | None = None) -> float:
        predicted = self.predicted[kind] if kind else sum(self.predicted.values())
        correct = self.correct[kind] if kind else sum(self.correct.values())
        return correct / predicted if predicted else 1.0

    @property
    def leaks(self) -> int:
        return sum(self.gold.values()) - sum(self.found.values())

    def known_recall(self) -> float:
        return self.known_found / self.known_gold if self.known_gold else 1.0


def load(path: Path = PASSAGES) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _known_parts(known: dict) -> set[str]:
    parts: set[str] = set()
    for name in known.get("persons", []):
        parts.update(person_variants(name))
    for name in known.get("organisations", []):
        parts.update(organisation_variants(name))
    for name in known.get("places", []):
        parts.add(normalise(name))
    return parts


def is_known(surface: str, known: dict) -> bool:
    """Whether a gold surface is, or contains, something the platform knows."""
    if not known:
        return False
    s = normalise(surface).replace(" ", "").replace("\u3000", "")
    parts = {p.replace(" ", "") for p in _known_parts(known)}
    return any(s in p or p in s for p in parts if p)


def evaluate(records: list[dict], *, statistical: bool = True) -> Score:
    """Runs the detector over every passage and scores it against the gold spans."""
    score = Score()
    for record in records:
        text, known = record["text"], record.get("known") or {}
        findings = detect(text, known=known, statistical=statistical)
        covered = bytearray(len(text))
        for f in findings:
            covered[f.start : f.end] = b"\x01" * (f.end - f.start)
        for start, end, kind in record["spans"]:
            score.gold[kind] += 1
            hit = all(covered[start:end])
            score.leaked_chars += (end - start) - sum(covered[start:end])
            known_name = kind in NAMES and is_known(text[start:end], known)
            if hit:
                score.found[kind] += 1
            else:
                context = text[max(0, start - 12) : end + 12]
                mark = "known " if known_name else ""
                score.missed.append((record["id"], mark + kind, text[start:end], context))
            if known_name:
                score.known_gold += 1
                score.known_found += hit
        for f in findings:
            kind = f.base_kind
            score.predicted[kind] += 1
            if any(f.start < end and start < f.end for start, end, _ in record["spans"]):
                score.correct[kind] += 1
            else:
                score.false_alarms.append((record["id"], kind, f.text))
    return score


def speed(
    records: list[dict], chars: int = 10_000, *, statistical: bool = True
) -> tuple[int, float]:
    """Seconds to scan about `chars` characters of passages joined into one text, known names on."""
    text, known = "", {"persons": [], "organisations": [], "places": []}
    for record in records:
        if len(text) >= chars:
            break
        text += record["text"] + "\n"
        for key, names in (record.get("known") or {}).items():
            known[key] += names
    detect(text[:200], known=known, statistical=statistical)  # loads outside the timing
    started = time.perf_counter()
    detect(text, known=known, statistical=statistical)
    return len(text), time.perf_counter() - started


# --- real text: Japanese Wikipedia sentences with labelled entities ------------------------------

# The Stockmark NER data set's development half (CC BY-SA 3.0, see its README) lives outside the
# repo; a subset with attribution is committed for the test (fixtures/privacy/ner-wikipedia/).
WIKIPEDIA_SUBSET = PASSAGES.parent / "ner-wikipedia" / "subset.json"
# The data set's types that are personal data of a person or a firm, by the detector's kind.
WIKIPEDIA_TYPES = {"人名": "person", "法人名": "organisation", "地名": "place"}


@dataclass
class RealScore:
    """Recall per labelled type and how much of what was masked lay outside every entity."""

    sentences: int = 0
    seconds: float = 0.0
    gold: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    masked_chars: int = 0
    outside_chars: int = 0
    missed: list = field(default_factory=list)
    outside: list = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.gold[kind] if self.gold[kind] else 1.0

    @property
    def over_masking(self) -> float:
        """Share of masked characters outside every labelled entity (of any of the 8 types)."""
        return self.outside_chars / self.masked_chars if self.masked_chars else 0.0

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.seconds if self.seconds else 0.0


def load_wikipedia(path: Path) -> list[dict]:
    """`[{"curid", "text", "entities": [{"name", "span": [start, end], "type"}]}]`."""
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def evaluate_wikipedia(
    records: list[dict], *, statistical: bool = True, regions: bool = False
) -> RealScore:
    """Runs the detector with no known names over each sentence. An entity is found only if every
    one of its characters is masked, whatever kind the finding has (as in `evaluate`).
    `regions`: whether prefectures, regions and countries on their own are flagged too."""
    return evaluate_wikipedia_parts(records, statistical=statistical, regions=regions)["all"]


def evaluate_wikipedia_parts(
    records: list[dict],
    *,
    held_out: set[str] | None = None,
    statistical: bool = True,
    regions: bool = False,
) -> dict[str, RealScore]:
    """`evaluate_wikipedia` over all records ("all"), and, given the held-out article ids of the
    split the NER head was trained on (privacy.ner_train), over the sentences it never saw
    ("held-out") and those it was trained on ("train"). Recall on "train" measures memory, not
    generalisation; "held-out" is the honest figure."""
    if records:  # load the model outside the timing
        detect(records[0]["text"][:20], statistical=statistical)
    started = time.perf_counter()
    findings = [detect(r["text"], statistical=statistical, regions=regions) for r in records]
    seconds = time.perf_counter() - started
    parts = {"all": RealScore(sentences=len(records), seconds=seconds)}
    if held_out is not None:
        parts["held-out"], parts["train"] = RealScore(), RealScore()
    for record, found in zip(records, findings, strict=True):
        scores = [parts["all"]]
        if held_out is not None:
            scores.append(parts["held-out" if record["curid"] in held_out else "train"])
        for score in scores:
            _score_sentence(score, record, found)
    return parts


def _score_sentence(score: RealScore, record: dict, found: list) -> None:
    text = record["text"]
    covered, inside = bytearray(len(text)), bytearray(len(text))
    for f in found:
        covered[f.start : f.end] = b"\x01" * (f.end - f.start)
    for entity in record["entities"]:
        start, end = entity["span"]
        inside[start:end] = b"\x01" * (end - start)
        if entity["type"] not in WIKIPEDIA_TYPES:
            continue
        score.gold[entity["type"]] += 1
        if all(covered[start:end]):
            score.found[entity["type"]] += 1
        else:
            score.missed.append((entity["type"], entity["name"], text))
    score.masked_chars += sum(covered)
    outside = [i for i, c in enumerate(covered) if c and not inside[i]]
    score.outside_chars += len(outside)
    if outside:
        score.outside.append(("".join(text[i] for i in outside), [f.text for f in found], text))


def case_text(chars: int = 5_000) -> str:
    """About `chars` characters of the demo cases' prose, as one case for timing the assistant."""
    path = PASSAGES.parents[1] / "cases.jsonl"
    text = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if len(text) >= chars:
            break
        if not line.strip():
            continue
        record = json.loads(line)
        parts = [record.get(k) or "" for k in ("title", "lead", "background", "outcomes")]
        parts += [p.get("body") or "" for p in record.get("phases") or []]
        text += "\n".join(p for p in parts if p) + "\n"
    return text[:chars]


def time_case(text: str, *, statistical: bool = True) -> float:
    """Seconds to analyse `text` once, cold: no line of it has been seen by the model before."""
    detect("準備", statistical=statistical)  # loads the dictionary and the model outside the timing
    with ner._CACHE_LOCK:
        ner._CACHE.clear()
    started = time.perf_counter()
    detect(text, statistical=statistical)
    return time.perf_counter() - started
