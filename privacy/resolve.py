"""Who is who in a case: mentions resolved to the engagement's people and firms, one label each.

Letters handed out per surface (privacy.anonymise) garble a family business: three 高橋 all
became 「D氏」 while the same people were 「B会長」 and 「C店長」 elsewhere. Here the reviewer's
list of people and firms (name and role, as the engagement knows them) comes first:

- every mention is resolved to one entry: by full name (高橋健一), surname + role (高橋会長),
  given name (美咲さん) or role alone (会長);
- each entry gets one label for the whole case. The default says the role where it is known
  (会長, 長女, 工場長, 取引先) and adds a letter only to tell two apart (取引先A, 取引先B); an
  entry without a role gets a letter (B氏, A社), as before;
- a bare surname shared by several entries (高橋 alone, or 高橋さん) cannot be resolved: it is
  listed as ambiguous with its candidates, and the reviewer picks (``choices``).
"""

import re
from dataclasses import dataclass, field

from privacy.text import normalise
from privacy.variants import organisation_forms, person_variants
from privacy.vocabulary import HONORIFICS, TITLES


@dataclass(frozen=True)
class Entry:
    """A person or firm the engagement knows: 「高橋 健一」 with roles 「会長」, 「代表取締役」."""

    name: str
    roles: tuple[str, ...] = ()
    kind: str = "person"  # person or organisation

    @property
    def role(self) -> str:
        return self.roles[0] if self.roles else ""


@dataclass(frozen=True, order=True)
class Mention:
    start: int
    end: int
    text: str
    candidates: tuple[int, ...] = field(compare=False)  # indexes into the entries
    how: str = field(default="", compare=False)  # full_name, surname_role, given_name, role …


@dataclass
class Resolution:
    entries: list[Entry]
    labels: dict[int, str]  # entry index → its label for the whole case
    mentions: list[Mention]  # resolved to one entry
    ambiguous: list[Mention]  # several candidates: the reviewer picks

    def entry_of(self, mention: Mention) -> Entry:
        return self.entries[mention.candidates[0]]


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_HONORIFIC = re.compile("|".join(sorted(HONORIFICS, key=len, reverse=True)))


def default_labels(entries: list[Entry]) -> dict[int, str]:
    """One label per entry: its role, with a letter only where two share the role."""
    by_role: dict[tuple[str, str], list[int]] = {}
    for i, e in enumerate(entries):
        by_role.setdefault((e.kind, e.role), []).append(i)
    labels: dict[int, str] = {}
    # Persons without a role start at B, so the first never reads as the firm's twin (A社のB氏).
    letters = {"person": iter(_LETTERS[1:]), "organisation": iter(_LETTERS)}
    for (kind, role), indexes in by_role.items():
        suffix = "社" if kind == "organisation" else "氏"
        for i in indexes:
            if not role:
                labels[i] = next(letters[kind]) + suffix
            elif len(indexes) == 1:
                labels[i] = role
            else:
                labels[i] = role + _LETTERS[indexes.index(i)]
    return labels


def _person_parts(entry: Entry) -> tuple[str, str, str]:
    """Full name without spaces, surname and given name ('' where it cannot be told)."""
    variants = person_variants(entry.name)
    full = variants[1] if len(variants) > 1 else variants[0]
    parts = variants[2:]
    return full, (parts[0] if parts else ""), (parts[1] if len(parts) > 1 else "")


def _role_words(entries: list[Entry]) -> list[str]:
    words = {r for e in entries for r in e.roles} | {t for t in TITLES if t not in HONORIFICS}
    return sorted(words, key=len, reverse=True)


def resolve(
    text: str, *, entries: list[Entry], choices: dict[int, int] | None = None
) -> Resolution:
    """Mentions of `entries` in `text`. `choices` maps the start of an ambiguous mention to the
    entry index the reviewer picked for it."""
    norm = normalise(text)
    roles = _role_words(entries)
    taken = bytearray(len(text))
    found: list[Mention] = []

    def add(start: int, end: int, candidates: list[int], how: str) -> None:
        if any(taken[start:end]) or not candidates:
            return
        taken[start:end] = b"\x01" * (end - start)
        found.append(Mention(start, end, text[start:end], tuple(candidates), how))

    def role_after(end: int) -> str:
        return next((r for r in roles if norm.startswith(normalise(r), end)), "")

    people = [(i, *_person_parts(e)) for i, e in enumerate(entries) if e.kind == "person"]
    # Longest forms first: full names, then organisation forms, then surnames and given names.
    for i, full, _surname, _given in people:
        for m in re.finditer(re.escape(full), norm):
            add(m.start(), m.end(), [i], "full_name")
    for i, e in enumerate(entries):
        if e.kind != "organisation":
            continue
        for form in sorted(organisation_forms(e.name), key=len, reverse=True):
            for m in re.finditer(re.escape(form), norm):
                add(m.start(), m.end(), [i], "organisation")
    parts = [(i, s, "surname") for i, _f, s, _g in people if s]
    parts += [(i, g, "given_name") for i, _f, _s, g in people if g]
    for _i, part, how in sorted(parts, key=lambda p: -len(p[1])):
        for m in re.finditer(re.escape(part), norm):
            if any(taken[m.start() : m.end()]):
                continue
            same = [j for j, p, h in parts if p == part and h == how]
            role = role_after(m.end())
            narrowed = [j for j in same if role and role in entries[j].roles]
            if narrowed:
                same, how_found = narrowed, f"{how}_role"
            else:
                how_found = how
            add(m.start(), m.end(), same, how_found)
    # A role alone names the one entry that holds it (会長 → 高橋健一), if only one does.
    for role in roles:
        holders = [i for i, e in enumerate(entries) if role in e.roles]
        if len(holders) != 1:
            continue
        for m in re.finditer(re.escape(normalise(role)), norm):
            if not any(taken[m.start() : m.end()]):
                found.append(
                    Mention(m.start(), m.end(), text[m.start() : m.end()], tuple(holders), "role")
                )
    choices = choices or {}
    resolved, ambiguous = [], []
    for m in sorted(found):
        if len(m.candidates) > 1 and m.start in choices and choices[m.start] in m.candidates:
            m = Mention(m.start, m.end, m.text, (choices[m.start],), "reviewer")
        (resolved if len(m.candidates) == 1 else ambiguous).append(m)
    return Resolution(entries, default_labels(entries), resolved, ambiguous)


def apply(text: str, resolution: Resolution, labels: dict[int, str] | None = None) -> str:
    """`text` with every resolved mention replaced by its entry's label; ambiguous mentions stay
    as they are until the reviewer picks, and a role alone stays. A title after a name that
    repeats the label goes (高橋会長 → 会長), an honorific after a role label goes (高橋健一氏 →
    会長), and a role said just before the name is not said twice (会長の高橋健一氏 → 会長)."""
    labels = {**resolution.labels, **(labels or {})}
    out, last = [], 0
    for m in resolution.mentions:
        if m.start < last:
            continue
        i = m.candidates[0]
        label = labels[i]
        entry = resolution.entries[i]
        start, end = m.start, m.end
        if m.how == "role":
            continue  # a role alone names nobody outside the firm; it only resolves
        rest = text[end:]
        title = next((r for r in entry.roles if rest.startswith(r)), "")
        honorific = _HONORIFIC.match(text, end)
        if title and title == label:
            end += len(title)  # 高橋会長 → 会長
        elif honorific and (label in entry.roles or label.endswith("氏")):
            end = honorific.end()  # 高橋健一氏 → 会長, 田中さん → B氏
        elif label.endswith("氏") and title:
            label = label[:-1]  # 高橋社長 → B社長
        # 「会長の高橋健一氏」「長女で店長の高橋美咲氏」: the clause already says the role.
        clause = re.split(r"[。、\n]", text[last:start])[-1]
        said = label in entry.roles and label in clause
        if said and any(clause.endswith(r + "の") for r in entry.roles):
            start, label = start - 1, ""
        out += [text[last:start], label]
        last = end
    return "".join(out) + text[last:]
