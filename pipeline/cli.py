"""The ``govreport`` command. Thin: each subcommand lives in the module that does the work.

Every command module exposes ``add_parser(subparsers)``, which registers its parser and
sets ``func(args) -> int``. Modules keep heavy imports (spaCy, SQLAlchemy, pyarrow) inside
their functions so ``govreport --help`` stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from pipeline import __version__

COMMAND_MODULES = [
    "pipeline.batch",        # extract
    "pipeline.qa.eval",      # eval
    "pipeline.qa.diff",      # diff
    "pipeline.qa.review",    # review
    "pipeline.export.cli",   # export
    "pipeline.checks",       # check
    "pipeline.facts",        # facts
    "pipeline.ner.train",    # train
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govreport",
        description="Extract quantities, agencies, case names and sections from Chinese government reports.")
    parser.add_argument("--version", action="version", version=f"govreport {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name and name.startswith(e.name):
                continue        # a command not built into this installation
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("govreport: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
