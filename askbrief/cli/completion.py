"""``askbrief completion``: the shell completion scripts, written ahead of time."""

from __future__ import annotations

import sys

from ..errors import AskbriefError

SHELLS = ("bash", "zsh", "fish")


def add_completion(sub) -> None:
    p = sub.add_parser("completion", help="print the shell completion script for bash, zsh or fish",
                       description="Print the completion script for SHELL. bash: add "
                                   "'eval \"$(askbrief completion bash)\"' to ~/.bashrc; zsh: "
                                   "askbrief completion zsh > ~/.zfunc/_askbrief (a folder on $fpath); "
                                   "fish: askbrief completion fish > ~/.config/fish/completions/askbrief.fish")
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    p.set_defaults(func=cmd_completion)


def cmd_completion(args) -> int:
    """Print a script written ahead of time (tools/gen_completions.py): nothing is generated,
    and nothing is loaded at start-up."""
    from pathlib import Path

    path = Path(__file__).parent.parent / "completions" / f"askbrief.{args.shell}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise AskbriefError(f"the {args.shell} completion script is missing from this installation "
                            f"({path}: {e.strerror or e})") from None
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0
