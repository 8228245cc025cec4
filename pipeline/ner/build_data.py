"""Silver training data for the NER model, built from the real reports by the rules.

    python -m pipeline.ner.build_data [--corpus DIR ...] [--gold DIR] [--out DIR]
    govreport train --build-data ...        (the same, then trains)

1. **Documents**: every report under the corpus folders (default /work/shared/corpus/real,
   the shipped corpus/ and /work/shared/corpus/seed), read by the ingest stage; copies
   (same bytes, or the same file name) are kept once.
2. **Split, by document, never by sentence**: documents are grouped with their
   near-duplicates (8-character shingles, containment >= NEAR_DUPLICATE); a group that
   holds a gold-annotated document (a ``*.gold.json`` in --gold) goes to ``test``
   entirely, so the gold evaluation sees nothing the model was trained on. Of the other
   groups, about DEV_FRACTION of the documents go to ``dev`` (model selection during
   training, silver scores), chosen by a hash of the group's names (stable, no RNG), and
   the rest to ``train``. split.json records every document, its group, its split and
   its counts, and the rules version that labelled it.
3. **Labels**: the rules (the whole chain with use_model=False) label each document;
   every agency and case record becomes an AGENCY / CASE entity of its sentence's
   compact string (pipeline.textview, the string the model reads at run time). Where a
   case name contains an agency, the case (the outer span) is kept: spaCy entities do
   not nest.
4. **Sentences**: dev and test keep every sentence the model would read (those that
   pass pipeline.ner.candidate). Train keeps every sentence with an entity and at most as
   many without one (candidate sentences, picked by a fixed seed): rules miss bodies, so
   silver negatives are partly wrong, and fewer of them teach the model less to ignore
   unlisted names.
5. **Case titles** (train only): real case titles set into report frames
   (pipeline/ner/case_titles.py), CASE entities, a held-out share kept for measuring.
6. **Output**: ``train.spacy``, ``dev.spacy``, ``test.spacy`` (spaCy DocBin) and
   ``split.json`` in --out (default pipeline/ner/data/).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DATA_DIR = HERE / "data"
DEFAULT_CORPORA = [Path("/work/shared/corpus/real"), REPO / "corpus", Path("/work/shared/corpus/seed")]
DEFAULT_GOLD = Path("/work/shared/gold")
CHECKED_DIR = DATA_DIR / "checked"          # hand-checked agencies/cases of held-out documents
SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf")
NEAR_DUPLICATE = 0.25        # shingle containment above which two documents are one group
SHINGLE = 8
DEV_FRACTION = 0.12
NEGATIVE_RATIO = 1.0         # train: sentences without entity per sentence with one
SEED = 13
LABEL_OF = {"agency": "AGENCY", "case": "CASE"}


@dataclass
class Source:
    name: str
    path: Path
    sha256: str
    text: str = ""                        # compact text (for near-duplicate groups)
    group: str = ""
    split: str = ""
    sentences: int = 0
    entities: dict = field(default_factory=dict)


@dataclass
class Example:
    """One compact sentence (or piece of one) with its entities (label, start, end)."""
    text: str
    ents: list[tuple[str, int, int]]
    doc: str
    unknown: list[tuple[int, int]] = field(default_factory=list)   # no label either way


# ------------------------------------------------------------ documents

def collect(corpora: Iterable[Path]) -> list[Source]:
    """Readable reports under ``corpora``, each kept once (by bytes and by file name)."""
    from pipeline.document import InputError
    from pipeline.ingest import read_document
    from pipeline.textview import compact

    seen_sha, seen_name, out = set(), set(), []
    for root in corpora:
        root = Path(root)
        if not root.is_dir():
            continue
        for p in sorted(root.rglob("*")):
            if not p.is_file() or p.suffix.lower() not in SUFFIXES or p.name.startswith("."):
                continue
            sha = hashlib.sha256(p.read_bytes()).hexdigest()
            if sha in seen_sha or p.name in seen_name:
                continue
            try:
                doc = read_document(p)
            except InputError:
                continue
            seen_sha.add(sha)
            seen_name.add(p.name)
            out.append(Source(p.name, p, sha, compact(doc.text).text))
    return out


def _shingles(text: str) -> set[str]:
    return {text[i:i + SHINGLE] for i in range(max(0, len(text) - SHINGLE + 1))}


def group_near_duplicates(sources: list[Source], threshold: float = NEAR_DUPLICATE) -> None:
    """Set ``group`` of each source: the first name of its near-duplicate cluster."""
    parent = list(range(len(sources)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sh = [_shingles(s.text) for s in sources]
    for i in range(len(sources)):
        for j in range(i + 1, len(sources)):
            small = min(len(sh[i]), len(sh[j]))
            if small and len(sh[i] & sh[j]) / small >= threshold:
                parent[find(j)] = find(i)
    for i, s in enumerate(sources):
        s.group = sources[find(i)].name


def gold_names(gold_dir: Path | None) -> set[str]:
    if not gold_dir or not Path(gold_dir).is_dir():
        return set()
    return {p.name[: -len(".gold.json")] for p in Path(gold_dir).glob("*.gold.json")}


def assign_splits(sources: list[Source], gold: set[str], dev_fraction: float = DEV_FRACTION,
                  checked: set[str] = frozenset()) -> None:
    """test = groups holding a gold document; dev = groups holding a hand-checked document
    (pipeline/ner/data/checked), then a stable hash-chosen share of the other groups until
    about ``dev_fraction`` of the documents; train = the rest."""
    groups: dict[str, list[Source]] = {}
    for s in sources:
        groups.setdefault(s.group, []).append(s)
    rest = []
    for key, members in groups.items():
        if any(m.name in gold for m in members):
            for m in members:
                m.split = "test"
        else:
            rest.append((hashlib.sha256(key.encode()).hexdigest(), key, members))
    rest.sort(key=lambda r: (not any(m.name in checked for m in r[2]), r[0]))
    want = round(dev_fraction * sum(len(m) for _, _, m in rest))
    taken = 0
    for _, _, members in rest:
        split = "dev" if taken < want else "train"
        if any(m.name in checked for m in members):
            split = "dev"
        taken += len(members) if split == "dev" else 0
        for m in members:
            m.split = split


# ------------------------------------------------------------ labels

Labeller = Callable[["object"], list]       # Document -> list[Record]


def rules_labeller(doc) -> list:
    """The rules' agency and case records for ``doc`` (the chain without the model)."""
    from pipeline.process import process_document
    process_document(doc, use_model=False)
    return [r for r in doc.records if r.type in LABEL_OF]


def examples_of(doc, records: list, *, max_chars: int | None = None) -> list[Example]:
    """Compact sentence strings of ``doc`` with the records as entities."""
    from pipeline.ner import MAX_CHUNK, chunks
    from pipeline.textview import compact

    max_chars = max_chars or MAX_CHUNK
    recs = sorted((r for r in records if r.type in LABEL_OF), key=lambda r: (r.start, -(r.end - r.start)))
    out: list[Example] = []
    ri = 0
    for sent in doc.sentences:
        while ri < len(recs) and recs[ri].end <= sent.start:
            ri += 1
        view = compact(doc.text, sent.start, sent.end)
        if not view.text:
            continue
        ents = []
        j = ri
        while j < len(recs) and recs[j].start < sent.end:
            r = recs[j]
            j += 1
            if r.start < sent.start or r.end > sent.end:
                continue
            a, b = view.to_compact(r.start), view.to_compact(r.end)
            if b > a:
                ents.append((LABEL_OF[r.type], a, b))
        ents = _outermost(ents)
        for ca, cb in chunks(view.text, max_chars):
            inside = [(lab, a - ca, b - ca) for lab, a, b in ents if a >= ca and b <= cb]
            out.append(Example(view.text[ca:cb], inside, doc.source))
    return out


def _outermost(ents: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Drop entities inside (or crossing) an earlier longer one: spaCy entities do not nest."""
    keep: list[tuple[str, int, int]] = []
    for e in sorted(ents, key=lambda e: (e[1], -(e[2] - e[1]))):
        if keep and e[1] < keep[-1][2]:
            continue
        keep.append(e)
    return keep


def select_train(examples: list[Example], ratio: float = NEGATIVE_RATIO, seed: int = SEED) -> list[Example]:
    """Every example with an entity and up to ``ratio`` times as many candidate examples
    without one."""
    from pipeline.ner import candidate
    pos = [e for e in examples if e.ents]
    neg = [e for e in examples if not e.ents and candidate(e.text)]
    rng = random.Random(seed)
    rng.shuffle(neg)
    return pos + neg[: int(len(pos) * ratio)]


def select_eval(examples: list[Example]) -> list[Example]:
    from pipeline.ner import candidate
    return [e for e in examples if e.ents or candidate(e.text)]


# ------------------------------------------------------------ name-form variation

@dataclass
class Places:
    """Place names of rules/regions.yaml for rewriting agency prefixes."""
    full: list[str]              # 天河区, 广州市, 广东省 ...
    stems: list[str]             # 天河, 广州, 黔东南 ... (name without its level suffix)
    levels: list[str]            # 区, 市, 县, 省 ... (rules/agencies.yaml levels)


def load_places() -> Places:
    from pipeline import rules
    import pipeline.region  # noqa: F401  (registers the schema of regions.yaml)
    from pipeline.ner.combine import _agency_rules
    data = rules.load("regions")
    full: list[str] = []
    for prov, info in data["provinces"].items():
        full.append(prov)
        full.extend(info.get("cities", {}))
        full.extend(info.get("districts", []))
    full.extend(data["districts"])
    suffixes = sorted(set(data.get("county_suffixes", [])) | {"省", "市", "盟", "自治州", "州", "地区"},
                      key=len, reverse=True)
    stems = []
    for name in full:
        for suf in suffixes:
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                stems.append(name[: -len(suf)])
                break
    levels = [w for w, lv in _agency_rules()["levels"].items() if lv != "national"]
    return Places(sorted(set(full)), sorted(set(stems)), sorted(levels))


def _prefix_form(rng: random.Random, places: Places, bare_ok: bool) -> str:
    form = rng.random()
    if form < 0.3:
        return rng.choice(places.full)
    if form < 0.6:
        return rng.choice(places.stems)
    if form < 0.72:
        return rng.choice(places.full) + rng.choice(places.full)
    if form < 0.88 or not bare_ok:
        return rng.choice(places.levels)
    return ""


def agency_cores(examples: list[Example], places: Places) -> list[str]:
    """BODY + HEAD of the agencies in ``examples`` (the name without its prefix)."""
    from pipeline.ner.combine import agency_head, prefix_length
    cores = set()
    for ex in examples:
        for lab, a, b in ex.ents:
            name = ex.text[a:b]
            if lab == "AGENCY":
                core = name[prefix_length(name):]
                head = agency_head(core)
                if head and len(core) > len(head):
                    cores.add(core)
    return sorted(cores)


def vary_names(examples: list[Example], seed: int = SEED, places: Places | None = None) -> list[Example]:
    """Two more copies of each example with agencies, their names written another way.

    Reports write one body many ways: 四川省成都市温江区国土资源局, 温江区国土局, 怀宁国土局
    (a county stem without 县), 区国土局, 国土资源局. The rules read PREFIX + BODY + HEAD;
    a model that only ever saw the names the rules found would learn a list. So:

    - copy 1 keeps each agency's BODY + HEAD and gives it another prefix: another place's
      full name, a place stem without its level suffix, a two-place chain, a bare level
      word (places from rules/regions.yaml, level words from rules/agencies.yaml);
    - copy 2 puts the BODY + HEAD of an agency from another training sentence, under such a
      prefix (or none, for a body of 3 characters or more), in place of each agency:
      known contexts, other names.
    """
    from pipeline.ner.combine import prefix_length
    places = places or load_places()
    rng = random.Random(seed)
    cores = agency_cores(examples, places)
    out: list[Example] = []
    for copy in (1, 2):
        for ex in examples:
            pieces, ents, pos, changed = [], [], 0, False
            for lab, a, b in ex.ents:
                pieces.append(ex.text[pos:a])
                start = sum(len(x) for x in pieces)
                name = ex.text[a:b]
                if lab == "AGENCY":
                    cut = prefix_length(name)
                    if copy == 1 and cut and len(name) - cut >= 2:
                        name = _prefix_form(rng, places, False) + name[cut:]
                        changed = True
                    elif copy == 2 and cores:
                        core = rng.choice(cores)
                        name = _prefix_form(rng, places, len(core) >= 3) + core
                        changed = True
                pieces.append(name)
                ents.append((lab, start, start + len(name)))
                pos = b
            pieces.append(ex.text[pos:])
            if changed:
                out.append(Example("".join(pieces), ents, ex.doc))
    return out


UNKNOWN_BODY = 16        # characters before an unlabelled head word whose label is unknown


def mark_unknown(ex: Example) -> Example:
    """Silver labels are incomplete: an agency the rules did not read is not marked, and
    an 'O' there would teach the model to ignore exactly the names it is meant to find.
    So around every head word that no entity covers (and that is not the end of another
    word: 格局, 东部), the name it may end is left without a label either way: from the
    head back to the nearest punctuation, entity or UNKNOWN_BODY characters."""
    from pipeline.ner.combine import head_blocked, head_occurrences
    covered = [(a, b) for _, a, b in ex.ents]
    unknown = []
    for h0, h1, head in head_occurrences(ex.text):
        if any(a < h1 and h0 < b for a, b in covered):
            continue
        if head_blocked(ex.text, h1, head, ex.text[h1:]):
            continue
        start = h0
        floor = max([0, h0 - UNKNOWN_BODY] + [b for a, b in covered if b <= h0])
        while start > floor and ex.text[start - 1].isalpha():
            start -= 1
        unknown.append((start, h1))
    ex.unknown = unknown
    return ex


# ------------------------------------------------------------ DocBin

def to_docbin(examples: list[Example], mode: str = "char"):
    """A DocBin of the examples, tokenised as the model will tokenise at run time;
    an entity whose edges fall inside a token (jieba) is expanded to whole tokens."""
    import spacy
    from spacy.tokens import DocBin

    from pipeline.ner import make_doc
    nlp = spacy.blank("zh")
    db = DocBin(store_user_data=False)
    for ex in examples:
        d = make_doc(nlp, ex.text, mode)
        spans = []
        for lab, a, b in ex.ents:
            sp = d.char_span(a, b, label=lab, alignment_mode="expand")
            if sp is not None and (not spans or sp.start >= spans[-1].end):
                spans.append(sp)
        unknown: list = []
        for a, b in sorted(ex.unknown):
            sp = d.char_span(a, b, alignment_mode="expand")
            if sp is None or any(sp.start < e.end and e.start < sp.end for e in spans):
                continue
            if unknown and sp.start < unknown[-1].end:          # overlapping windows: merge
                sp = d[unknown[-1].start:max(sp.end, unknown[-1].end)]
                unknown.pop()
            unknown.append(sp)
        d.set_ents(spans, missing=unknown)
        db.add(d)
    return db


def build(corpora: Iterable[Path] = DEFAULT_CORPORA, gold_dir: Path | None = DEFAULT_GOLD,
          out_dir: Path = DATA_DIR, *, mode: str = "char", labeller: Labeller = rules_labeller,
          sources: list[Source] | None = None, seed: int = SEED, log=print) -> dict:
    """Build the DocBins and split.json; returns the split record."""
    from pipeline.ingest import read_document
    from pipeline.rules import rules_version

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if sources is None:
        sources = collect(corpora)
        group_near_duplicates(sources)
        assign_splits(sources, gold_names(gold_dir), checked=gold_names(CHECKED_DIR))
    by_split: dict[str, list[Example]] = {"train": [], "dev": [], "test": []}
    places = load_places()
    for s in sources:
        doc = read_document(s.path)
        exs = examples_of(doc, labeller(doc))
        if s.split == "train":
            exs = select_train(exs, seed=seed)
            exs += vary_names(exs, seed=seed, places=places)
            exs = [mark_unknown(e) for e in exs]
        else:
            exs = select_eval(exs)
        s.sentences = len(exs)
        s.entities = {lab: sum(1 for e in exs for x in e.ents if x[0] == lab) for lab in ("AGENCY", "CASE")}
        by_split[s.split].extend(exs)
        log(f"{s.split:5} {s.name}: {s.sentences} sentences, {s.entities}")
    # real case titles in report frames (pipeline/ner/case_titles.py): the reports name
    # too few cases to learn the CASE label from
    from pipeline.ner.case_titles import examples as case_title_examples
    titles = [mark_unknown(e) for e in case_title_examples("train", seed=seed)]
    by_split["train"].extend(titles)
    log(f"train case titles: {len(titles)} sentences")
    for split, exs in by_split.items():
        to_docbin(exs, mode).to_disk(out_dir / f"{split}.spacy")
    record = {
        "about": "Which documents went where for the NER model (pipeline/ner/build_data.py). "
                 "Split by document; near-duplicates share a group and a split. test: every group "
                 "holding a gold-annotated document (/work/shared/gold); dev: every group holding a "
                 "hand-checked document (pipeline/ner/data/checked) and a hash-chosen share of the "
                 "rest; train: the rest. Neither test nor dev documents are trained on, and the "
                 "shipped model is the last one trained (no model selection on dev).",
        "tokens": mode,
        "rules_version": rules_version(),
        "near_duplicate_containment": NEAR_DUPLICATE,
        "seed": seed,
        "totals": {split: {"sentences": len(exs),
                           "AGENCY": sum(1 for e in exs for x in e.ents if x[0] == "AGENCY"),
                           "CASE": sum(1 for e in exs for x in e.ents if x[0] == "CASE")}
                   for split, exs in by_split.items()},
        "documents": [{"name": s.name, "sha256": s.sha256, "group": s.group, "split": s.split,
                       "sentences": s.sentences, "entities": s.entities}
                      for s in sorted(sources, key=lambda s: (s.split, s.name))],
    }
    (out_dir / "split.json").write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return record


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", action="append", type=Path, metavar="DIR",
                   help="folder of reports (repeatable; default: the shared real corpus, "
                        "corpus/ and the seed)")
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, metavar="DIR",
                   help="gold files: their documents (and near-duplicates) are held out")
    p.add_argument("--tokens", choices=("char", "jieba"), default="char",
                   help="token unit of the model (default: char)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m pipeline.ner.build_data", description=__doc__.splitlines()[0])
    add_arguments(p)
    p.add_argument("--out", type=Path, default=DATA_DIR, metavar="DIR")
    p.add_argument("--seed", type=int, default=SEED)
    args = p.parse_args(argv)
    rec = build(args.corpus or DEFAULT_CORPORA, args.gold, args.out, mode=args.tokens, seed=args.seed)
    print(json.dumps(rec["totals"], ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
