"""cartel-campaign: build, validate, inspect and compare releases of the dataset.

Exit codes: 0 success; 1 validation or check failure (the data is wrong, damaged or out of date);
2 bad input or usage (an annotation error, an unknown version, not a checkout).
Every value printed from the data goes through safety.terminal (no terminal control sequence
reaches the screen); a character the output's encoding lacks is written as an escape.
"""
from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

from .safety import echo, safe_output, terminal


def cmd_build(args) -> int:
    from .build import pipeline  # the build needs the `build` extra (PyYAML, matplotlib)

    argv = [*(["--check"] if args.check else []), *(["--force"] if args.force else []),
            *(["-q"] if args.quiet else []), *(["--root", str(args.root)] if args.root else [])]
    return pipeline.main(argv)


def cmd_validate(args) -> int:
    import pandera  # noqa: F401 - the `validate` extra: missing, it is one line before any output
    import frictionless  # noqa: F401

    from . import checked_version, data_root, versions
    from .validate import check_frictionless, root_datapackage_problems, validate_release

    root = Path(args.root).resolve() if args.root else data_root()
    from .build import verify

    where = None
    if verify.is_checkout(root):
        import yaml  # noqa: F401 - a checkout is also checked against a rebuild (the `build` extra): missing, one line first

        where = annotation_lines(root)
    chosen = [checked_version(args.version, root)] if args.version else versions(root, drafts=True)
    if not chosen:
        echo(f"error: no published release found in {root}", file=sys.stderr)
        return 2
    failed = 0
    for v in chosen:
        echo(f"validating release {v}…", file=sys.stderr)
        problems = validate_release(v, root, where=where)
        for p in problems:
            echo(f"  {v}: {p}")
        echo(f"release {v}: {'valid' if not problems else f'{len(problems)} problem(s)'}")
        failed += bool(problems)
    root_problems = root_datapackage_problems(root) + check_frictionless(root / "datapackage.json")
    for p in root_problems:
        echo(f"  datapackage.json: {p}")
    print(f"datapackage.json: {'valid' if not root_problems else f'{len(root_problems)} problem(s)'}")
    checkout = validate_checkout(root)
    if checkout is None:
        return 2
    return 1 if failed or root_problems or checkout else 0


def annotation_lines(root: Path):
    """(table, row, column) -> the annotation (file, line) behind a value of a release, in a checkout."""
    from .build.provenance import Provenance

    provenance = Provenance(root / "seeds")
    return lambda table, row, column: provenance.locate(table, row, column)


def validate_checkout(root: Path) -> list[str] | None:
    """In a checkout: dataset/ against seeds/releases.yaml and the newest release against a rebuild
    (needs the `build` extra); None when seeds/ cannot be read (bad input). Elsewhere nothing to do."""
    from .build import checkout, verify
    from .build.errors import BuildError

    if not verify.is_checkout(root):
        return validate_installed(root)
    echo("checking the checkout: dataset/ against seeds/releases.yaml, the newest release against a rebuild of seeds/…", file=sys.stderr)
    try:
        problems = checkout.checkout_problems(root)
    except BuildError as err:
        echo(f"error: {err}", file=sys.stderr)
        return None
    for p in problems:
        echo(f"  checkout: {p}")
    print(f"checkout: {'valid' if not problems else f'{len(problems)} problem(s)'}")
    return problems


def validate_installed(root: Path) -> list[str]:
    """Outside a checkout: the releases against the package's pins and the installed files against the
    wheel's RECORD, with a plain statement of what this can and cannot check."""
    from . import integrity, versions
    from ._pins import PINS

    echo(f"scope: {integrity.INSTALLED_SCOPE}")
    echo("pins: " + ", ".join(f"{v} {pin}" for v, pin in PINS.items()))
    problems = integrity.pin_problems(root, versions(root, drafts=True), PINS)
    record, checked = integrity.record_problems(root)
    echo(checked)
    for p in problems + record:
        echo(f"  installed: {p}")
    echo(f"installed package: {'valid' if not problems + record else f'{len(problems + record)} problem(s)'}")
    return problems + record


def cmd_info(args) -> int:
    from . import __version__, data_root, datapackage, path, versions
    from .release import row_count

    desc = datapackage(args.version)
    say = wrapper()
    say(f"cartel-campaign-data {__version__} (data in {data_root()})")
    published = versions()
    drafts = [v for v in versions(drafts=True) if v not in published]
    say(f"versions: {', '.join(published)}" + (f" (and the draft {', '.join(drafts)}, being prepared)" if drafts else ""))
    say(f"tables in {desc['version']} (rows, description; the columns of each: cartel_campaign.describe(TABLE)):")
    for res in desc["resources"]:
        file = path(res["name"], desc["version"])
        try:
            n = row_count(file)
        except Exception as err:  # noqa: BLE001
            if not unreadable_data(err):
                raise
            return unreadable(err, file)
        say(f"{res['name']:<16} {n:>5}  {res['description']}", indent=24, first="  ")
    say("sources:")
    for s in desc["sources"]:
        say(f"{s['path']}  sha256 {s['sha256']}", indent=4, first="  ")
    return 0


def wrapper():
    """print() that wraps at the terminal's width (COLUMNS) between words, never inside one; unwrapped into a pipe."""
    import shutil
    import textwrap

    width = shutil.get_terminal_size((0, 0)).columns

    def say(text: str, indent: int = 0, first: str = "") -> None:
        if width <= 0:
            echo(first + text)
            return
        echo(textwrap.fill(terminal(text), max(width, 40), initial_indent=first, subsequent_indent=" " * indent,
                           break_long_words=False, break_on_hyphens=False))
    return say


def cmd_diff(args) -> int:
    from . import versions
    from . import diff as d

    known, published = versions(drafts=True), versions()
    for v in (args.old, args.new):
        if v not in known:
            drafts = "".join(f"; draft: {d}" for d in known if d not in published)
            echo(f"error: unknown version {v!r}; published: {', '.join(published)}{drafts}", file=sys.stderr)
            return 2
    if args.markdown:
        echo(d.markdown(args.old, args.new, args.old, args.new), end="")
        return 0
    echo(f"{args.old} -> {args.new}")
    echo(d.summary(args.old, args.new).to_string(index=False))
    schema = d.schema_diff(args.old, args.new)
    echo(f"\nschema changes: {len(schema)} ({int(schema['breaking'].sum())} breaking)")
    if len(schema):
        echo(schema.fillna("").to_string(index=False))
    if args.rows:
        for table, rows in d.diff(args.old, args.new).items():
            if len(rows):
                echo(f"\n[{table}]")
                echo(rows.to_string(index=False))
    return 0


#: Subcommands with their own argument parser: `cartel-campaign NAME ARGS` is `python -m cartel_campaign.NAME ARGS`.
DELEGATED = {"draft": "draft a new article's annotation for a person to check (needs the `annotate` extra)",
             "coverage": "share of each article's sentences that carry evidence; sentences and quotation marks left out"}


#: Libraries that only some commands need -> the extra that installs them.
OPTIONAL = {"yaml": "build", "matplotlib": "build", "pandera": "validate", "frictionless": "validate", "sentencex": "annotate"}


def main(argv: list[str] | None = None) -> int:
    """Run a command; an unknown version or table, or a missing optional library, is one line and exit 2, never a traceback."""
    from . import DamagedFileError, ReleaseError

    argv = sys.argv[1:] if argv is None else argv
    safe_output()
    try:
        return run(argv)
    except DamagedFileError as err:  # damaged data, not a wrong argument: the exit code of damaged data
        echo(f"error: {err}; `cartel-campaign validate` checks every file against its release's manifest", file=sys.stderr)
        return 1
    except ReleaseError as err:
        echo(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `cartel-campaign info | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ModuleNotFoundError as err:
        top = (err.name or "").split(".")[0]
        if top not in OPTIONAL:
            raise
        command = argv[0] if argv else "cartel-campaign"
        echo(f"error: `cartel-campaign {command}` needs {top}, which is not installed; "
             f"install it with: pip install 'cartel-campaign-data[{OPTIONAL[top]}]'", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - a data file that cannot be read is one line, anything else a traceback
        if not (argv and argv[0] in READ_RELEASES and unreadable_data(err)):
            raise
        return unreadable(err)


#: The commands that read a release's files (a file that cannot be read is a damaged release: exit 1).
READ_RELEASES = ("info", "diff", "validate")


def unreadable_data(err: Exception) -> bool:
    """The error of reading a file that is not what it should be (truncated, damaged, a folder, unreadable)."""
    if isinstance(err, OSError) and not isinstance(err, BrokenPipeError):
        return True
    arrow = sys.modules.get("pyarrow")
    return arrow is not None and isinstance(err, arrow.ArrowException)


def unreadable(err: Exception, file: Path | None = None) -> int:
    """Say in one line that a release file cannot be read (which one, where known); the exit code of damaged data."""
    echo(f"error: {f'{file}: ' if file else 'a file of the release '}cannot be read ({type(err).__name__}: {str(err).strip()}); "
         "it is damaged or unreadable: `cartel-campaign validate` checks every file against its release's manifest", file=sys.stderr)
    return 1


def _command(sub, name: str, what: str, details: str):
    """A subcommand whose --help says what it does (`what`, also listed in `cartel-campaign --help`) and how (`details`)."""
    return sub.add_parser(name, help=what, description=f"{textwrap.fill(what[0].upper() + what[1:] + '.')}\n\n{textwrap.fill(details)}",
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def run(argv: list[str]) -> int:
    if argv and argv[0] in DELEGATED:
        import importlib

        return importlib.import_module(f"cartel_campaign.{argv[0]}").main(argv[1:])
    parser = argparse.ArgumentParser(prog="cartel-campaign", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in DELEGATED.items():
        sub.add_parser(name, help=text, add_help=False)  # listed in --help; handled above
    p = _command(sub, "build", "build the dataset from seeds/ and publish the current version (checkout only)",
                 "Reads seeds/ (articles, annotations, releases.yaml), checks every rule, writes dataset/<version>/ (Parquet, CSV, "
                 "exports, datapackage.json, manifest) and the generated docs. Exit 0: built or unchanged; 1: --check found "
                 "out-of-date files; 2: an error, reported at the annotation FILE:LINE.")
    p.add_argument("--check", action="store_true", help="rebuild into a temporary folder; exit 1 if any generated file differs")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed since the last build")
    p.add_argument("--root", type=Path, help="repository root (default: found from the current directory)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_build)
    p = _command(sub, "validate", "validate published releases (all by default): manifest, pandera, spans, Frictionless",
                 "Runs every check on each release (files against the manifest, schemas, every named rule, derived tables "
                 "recomputed, exports, Frictionless) and, in a checkout, the newest release against a rebuild. Exit 0: valid; "
                 "1: problems (listed); 2: an unknown version or a missing library.")
    p.add_argument("--version", help="validate only this version")
    p.add_argument("--root", help="data root holding datapackage.json, dataset/ and seeds/ (default: the installed data)")
    p.set_defaults(func=cmd_validate)
    p = _command(sub, "diff", "rows added/removed/changed per table (by primary key) and schema changes between two versions",
                 "Compares release OLD with release NEW: per table, rows added, removed, changed (a value of an existing column "
                 "changed) and only given a new column; then schema changes, breaking ones marked.")
    p.add_argument("old", help="the earlier version, e.g. 1.0.0")
    p.add_argument("new", help="the later version, e.g. 1.1.0")
    p.add_argument("--rows", action="store_true", help="list every added, removed and changed row with its changed columns")
    p.add_argument("--markdown", action="store_true", help="print the summary as Markdown (as in CHANGELOG.md)")
    p.set_defaults(func=cmd_diff)
    p = _command(sub, "info", "versions, tables with row counts, sources",
                 "Prints the versions this install carries, then one release's tables (rows, description) and its source articles.")
    p.add_argument("--version", help="release to describe (default: the newest published)")
    p.set_defaults(func=cmd_info)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
