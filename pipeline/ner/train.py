"""``govreport train``: train the NER model from the DocBins in the repo.

    govreport train [--config FILE] [--data DIR] [--output DIR] [--seed N]
                    [--build-data [--corpus DIR ...] [--gold DIR] [--tokens char|jieba]]

Reads ``DIR/train.spacy`` and ``DIR/dev.spacy`` (default pipeline/ner/data/, built by
pipeline/ner/build_data.py; ``--build-data`` rebuilds them first from the reports),
trains with spaCy from the config (default pipeline/ner/config.cfg), and installs the
model of the last epoch into --output (default pipeline/ner/model/, the model the
package ships). The dev set is only scored, never used to pick a model: its documents
are held out for measuring (docs/NER.md). The same data, config and seed give the same
model.
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "config.cfg"
DEFAULT_SEED = 0


def add_parser(subparsers) -> None:
    from pipeline.ner.build_data import DATA_DIR, add_arguments
    from pipeline.ner import MODEL_DIR
    p = subparsers.add_parser("train", help="train the NER model (AGENCY, CASE)",
                              description="Train the NER model (AGENCY, CASE) from the silver DocBins in the repo.")
    p.add_argument("--config", type=Path, default=CONFIG, metavar="FILE",
                   help="spaCy training config (default: pipeline/ner/config.cfg)")
    p.add_argument("--data", type=Path, default=DATA_DIR, metavar="DIR",
                   help="folder with train.spacy, dev.spacy and split.json (default: pipeline/ner/data)")
    p.add_argument("--output", type=Path, default=MODEL_DIR, metavar="DIR",
                   help="where the trained model goes (default: pipeline/ner/model, the shipped model)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--max-epochs", type=int, default=None, metavar="N",
                   help="override training.max_epochs of the config")
    p.add_argument("--build-data", action="store_true",
                   help="first rebuild the silver data in --data from the reports (the rules label them)")
    add_arguments(p)
    p.set_defaults(func=run)


def train_model(config: Path = CONFIG, data: Path | None = None, output: Path | None = None, *,
                seed: int = DEFAULT_SEED, max_epochs: int | None = None,
                overrides: dict | None = None, quiet: bool = False) -> dict:
    """Train and install the model; returns {"output", "seconds", "scores", "tokens"}."""
    from pipeline.ner import MODEL_DIR
    from pipeline.ner.build_data import DATA_DIR

    data = Path(data or DATA_DIR)
    output = Path(output or MODEL_DIR)
    for name in ("train.spacy", "dev.spacy"):
        if not (data / name).is_file():
            raise FileNotFoundError(f"{data / name} missing (build it with `govreport train --build-data`)")
    split_file = data / "split.json"
    split = json.loads(split_file.read_text(encoding="utf-8")) if split_file.is_file() else {}
    mode = split.get("tokens", "char")

    from spacy.cli.train import train as spacy_train
    from spacy.util import load_config
    load_config(config)                               # fail early on a bad config file
    ov = {"paths.train": str(data / "train.spacy"), "paths.dev": str(data / "dev.spacy"),
          "system.seed": seed}
    if max_epochs is not None:
        ov["training.max_epochs"] = max_epochs
    ov.update(overrides or {})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="govreport-ner-") as tmp:
        if quiet:
            import contextlib
            import io
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                spacy_train(config, Path(tmp), overrides=ov)
        else:
            spacy_train(config, Path(tmp), overrides=ov)
        # the last model, not the best on dev: dev documents are held out for measuring
        best = Path(tmp) / "model-last"
        meta_file = best / "meta.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        meta["name"] = "govreport_ner"
        meta["version"] = _package_version()
        meta["description"] = "AGENCY and CASE spans in compact sentences of Chinese government reports"
        meta["govreport"] = {"tokens": mode, "seed": seed,
                             "rules_version_of_data": split.get("rules_version"),
                             "data": {k: v for k, v in (split.get("totals") or {}).items()}}
        meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        staged = output.with_name(output.name + ".new")
        if staged.exists():
            shutil.rmtree(staged)
        shutil.copytree(best, staged)
        if output.exists():
            shutil.rmtree(output)
        staged.rename(output)
    seconds = time.perf_counter() - started
    return {"output": str(output), "seconds": seconds, "tokens": mode,
            "scores": meta.get("performance", {})}


def _package_version() -> str:
    from pipeline import __version__
    return __version__


def run(args) -> int:
    from pipeline.ner.build_data import DEFAULT_CORPORA, build
    try:
        if args.build_data:
            build(args.corpus or DEFAULT_CORPORA, args.gold, args.data, mode=args.tokens, seed=13)
        result = train_model(args.config, args.data, args.output, seed=args.seed,
                             max_epochs=args.max_epochs)
    except (FileNotFoundError, OSError, ValueError) as e:
        print(f"govreport train: {e}", file=sys.stderr)
        return 1
    perf = result["scores"]
    print(f"model written to {result['output']} in {result['seconds']:.0f}s "
          f"(tokens: {result['tokens']}; dev ents P/R/F "
          f"{perf.get('ents_p', 0):.3f}/{perf.get('ents_r', 0):.3f}/{perf.get('ents_f', 0):.3f})")
    return 0
