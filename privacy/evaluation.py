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


def evaluate(records: list[dict]) -> Score:
    """Runs the detector over every passage and scores it against the gold spans."""
    score = Score()
    for record in records:
        text, known = record["text"], record.get("known") or {}
        findings = detect(text, known=known)
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


def speed(records: list[dict], chars: int = 10_000) -> tuple[int, float]:
    """Seconds to scan about `chars` characters of passages joined into one text, known names on."""
    text, known = "", {"persons": [], "organisations": [], "places": []}
    for record in records:
        if len(text) >= chars:
            break
        text += record["text"] + "\n"
        for key, names in (record.get("known") or {}).items():
            known[key] += names
    detect(text[:200], known=known)  # loads the dictionary outside the timing
    started = time.perf_counter()
    detect(text, known=known)
    return len(text), time.perf_counter() - started
