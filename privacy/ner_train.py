"""Trains the detector's second NER head (privacy.ner.WIKI_NER) on Japanese Wikipedia sentences.

Usage:  .venv/bin/python -m privacy.ner_train PATH/dev.json [--epochs 60] [--minutes 30] [--patience 10]
            [--seed 2026] [--out DIR]

The development half of Stockmark's NER data set (CC BY-SA 3.0) is split by article
(fixtures/privacy/ner-wikipedia/split.json, seeded, fixed): the held-out part is never trained on,
so recall measured on it is a measurement of generalisation; the train part is what this script
learns from (less a tenth of it, kept aside to pick the epoch).

Only a small transition-based NER head is trained, on top of ja_ginza's tok2vec, which stays
frozen: ja_ginza's own NER keeps working unchanged beside it, the token vectors are computed once
per sentence rather than once per epoch (training fits in minutes on two cores), and what ships
is the head alone (privacy/models/ner_wiki/, ~1 MB) rather than a second copy of the 28 MB tok2vec.
The detector runs three such heads trained from different seeds (--seed, --out: ner_wiki,
ner_wiki_b, ner_wiki_c; see privacy/models/ner_wiki/README.md).
The weights are derived from the sentences, so they carry the data's licence (CC BY-SA 3.0).
"""

import argparse
import json
import random
import time
from pathlib import Path

SPLIT = (
    Path(__file__).resolve().parents[1] / "fixtures" / "privacy" / "ner-wikipedia" / "split.json"
)
OUT = Path(__file__).resolve().parent / "models" / "ner_wiki"
SEED = 2026
HELD_OUT_SHARE = 0.3


def make_split(records: list[dict], subset: list[dict]) -> dict:
    """Held-out curids: the committed test subset's articles, then a seeded draw of others up to
    30 % of the sentences. Split by article, so no article is on both sides."""
    curids = sorted({r["curid"] for r in records}, key=int)
    held = {r["curid"] for r in subset}
    rest = [c for c in curids if c not in held]
    random.Random(SEED).shuffle(rest)  # noqa: S311 (a reproducible split, no secret)
    sentences = dict.fromkeys(curids, 0)
    for r in records:
        sentences[r["curid"]] += 1
    count = sum(sentences[c] for c in held)
    for c in rest:
        if count >= HELD_OUT_SHARE * len(records):
            break
        held.add(c)
        count += sentences[c]
    return {"seed": SEED, "held_out_curids": sorted(held, key=int)}


def load_split() -> set[str]:
    return set(json.loads(SPLIT.read_text(encoding="utf-8"))["held_out_curids"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", type=Path)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--patience", type=int, default=10, help="epochs without progress to stop")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--seed",
        type=int,
        default=SEED,
        help="the weights' initialisation and the order of the batches (the split stays fixed)",
    )
    parser.add_argument(
        "--no-features",
        action="store_true",
        help="the token vectors alone, without Sudachi's tags and character types",
    )
    args = parser.parse_args()

    import spacy
    from spacy.training import Example
    from spacy.util import filter_spans, minibatch

    from privacy import ner

    records = json.loads(args.dev.read_text(encoding="utf-8"))
    held = load_split()
    train = [r for r in records if r["curid"] not in held]
    random.Random(SEED).shuffle(train)  # noqa: S311 (a reproducible split, no secret)
    cut = len(train) // 10
    valid, train = train[:cut], train[cut:]
    print(f"{len(train)} training sentences, {len(valid)} to pick the epoch, {len(held)} held out")

    spacy.util.fix_random_seed(args.seed)
    nlp = spacy.load(ner.MODEL, exclude=ner.EXCLUDED)
    for label in ner.WIKI_LABELS:
        nlp.vocab.strings.add(label)
    features = 0 if args.no_features else ner.FEATURES
    config = ner.wiki_config(args.hidden, features=features)
    head = nlp.add_pipe("ner", name=ner.WIKI_NER, config=config)
    tok2vec = nlp.get_pipe("tok2vec")

    def examples(rows: list[dict]) -> list[Example]:
        out = []
        for r in rows:
            predicted = nlp.make_doc(r["text"])
            reference = nlp.make_doc(r["text"])
            spans = [
                reference.char_span(*e["span"], label=e["type"], alignment_mode="expand")
                for e in r["entities"]
            ]
            reference.ents = filter_spans([s for s in spans if s is not None])
            tok2vec(predicted)  # frozen: its vectors once, read by the head through doc.tensor
            if features:  # the same columns privacy.ner appends before the head runs
                ner.add_features(predicted)
            out.append(Example(predicted, reference))
        return out

    started = time.perf_counter()
    train_ex, valid_ex = examples(train), examples(valid)
    print(f"vectors computed in {time.perf_counter() - started:.0f} s")
    head.initialize(lambda: train_ex, nlp=nlp, labels=None)
    optimizer = head.create_optimizer()
    rng = random.Random(args.seed)  # noqa: S311 (a reproducible order, no secret)
    best, best_epoch = -1.0, 0
    for epoch in range(1, args.epochs + 1):
        rng.shuffle(train_ex)
        losses: dict = {}
        for batch in minibatch(train_ex, size=args.batch):
            head.update(batch, sgd=optimizer, drop=args.dropout, losses=losses)
        score = _recall(head, valid_ex)
        elapsed = (time.perf_counter() - started) / 60
        print(
            f"epoch {epoch}: loss {losses[ner.WIKI_NER]:.0f}, validation {score:.3f}, {elapsed:.1f} min"
        )
        if score > best:
            best, best_epoch = score, epoch
            with head.model.use_params(optimizer.averages) if optimizer.averages else _nothing():
                args.out.mkdir(parents=True, exist_ok=True)
                head.to_disk(args.out, exclude=["vocab"])
                width = {"hidden_width": args.hidden, "features": features}
                (args.out / "width.json").write_text(json.dumps(width) + "\n", encoding="utf-8")
        if elapsed > args.minutes or epoch - best_epoch >= args.patience:
            break
    print(f"kept epoch {best_epoch} (validation {best:.3f}) in {args.out}")


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _recall(head, examples) -> float:
    """Share of the validation entities of the three kinds the detector masks whose every token
    the head puts inside an entity of some kind."""
    gold = found = 0
    docs = list(head.pipe([eg.predicted.copy() for eg in examples]))
    for eg, doc in zip(examples, docs, strict=True):
        covered = {t.i for ent in doc.ents for t in ent}
        for ent in eg.reference.ents:
            if ent.label_ in ("人名", "法人名", "地名"):
                gold += 1
                found += all(t.i in covered for t in ent)
    return found / gold if gold else 0.0


if __name__ == "__main__":
    main()
