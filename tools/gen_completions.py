"""Write the shell completion scripts that ``askbrief completion SHELL`` prints.

Run at development time, whenever a command or an option changes::

    python tools/gen_completions.py            # rewrites askbrief/completions/askbrief.{bash,zsh,fish}
    python tools/gen_completions.py --check    # exit 1 when a committed script is out of date

bash and zsh come from shtab (a development dependency, in the test extra); shtab has no fish
output, so the fish script is written here from the same argparse parser. The scripts are
static files in the package: completing costs askbrief nothing at start-up.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "askbrief" / "completions"


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, tuple[argparse.ArgumentParser, str]]:
    """{name: (parser, help)} of the parser's subcommands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            return {name: (p, helps.get(name, "")) for name, p in action.choices.items()}
    return {}


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_options(parser: argparse.ArgumentParser, condition: str) -> list[str]:
    lines = []
    for action in parser._actions:
        if not action.option_strings or isinstance(action, argparse._SubParsersAction):
            continue
        line = f"complete -c askbrief -n {_quote(condition)}"
        for opt in action.option_strings:
            line += f" -l {opt[2:]}" if opt.startswith("--") else f" -s {opt[1:]}"
        if action.nargs != 0:
            line += " -r"
            if action.choices:
                line += f" -f -a {_quote(' '.join(map(str, action.choices)))}"
            elif getattr(action, "complete", None):
                line += " -F"
        if action.help and action.help != argparse.SUPPRESS:
            line += f" -d {_quote(action.help)}"
        lines.append(line)
    return lines


def fish(parser: argparse.ArgumentParser) -> str:
    commands = _subparsers(parser)
    lines = ["# fish completion for askbrief (written by tools/gen_completions.py; do not edit)",
             "complete -c askbrief -f"]
    lines += _fish_options(parser, "__fish_use_subcommand")
    for name, (sub, help_) in commands.items():
        lines.append(f"complete -c askbrief -n {_quote('__fish_use_subcommand')} -a {name} -d {_quote(help_)}")
    for name, (sub, _) in commands.items():
        inner = _subparsers(sub)
        here = f"__fish_seen_subcommand_from {name}"
        if inner:
            acts = " ".join(inner)
            for act, (asub, ahelp) in inner.items():
                lines.append(f"complete -c askbrief -n {_quote(f'{here}; and not __fish_seen_subcommand_from {acts}')}"
                             f" -a {act} -d {_quote(ahelp)}")
                lines += _fish_options(asub, f"{here}; and __fish_seen_subcommand_from {act}")
        lines += _fish_options(sub, here)
        for action in sub._actions:
            if not action.option_strings and action.choices and not isinstance(action, argparse._SubParsersAction):
                lines.append(f"complete -c askbrief -n {_quote(here)} -a {_quote(' '.join(action.choices))}")
            elif not action.option_strings and getattr(action, "complete", None):
                lines.append(f"complete -c askbrief -n {_quote(here)} -F")
    return "\n".join(lines) + "\n"


def scripts() -> dict[str, str]:
    import shtab

    sys.path.insert(0, str(ROOT))
    from askbrief.cli import build_parser
    from askbrief.cli.completion import SHELLS

    parser = build_parser()
    out = {}
    for shell in SHELLS:
        out[shell] = fish(parser) if shell == "fish" else shtab.complete(parser, shell=shell)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when a committed script is out of date")
    args = ap.parse_args(argv)
    stale = []
    for shell, text in scripts().items():
        path = OUT / f"askbrief.{shell}"
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
        else:
            OUT.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print("out of date (run python tools/gen_completions.py): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
