"""The Textual chat: ``askbrief chat`` (and bare ``askbrief`` in a terminal).

Only this package imports Textual; ``cli.chat`` imports it when the chat starts,
so the one-shot ``askbrief ask`` path never pays for it.
"""

from .app import AskbriefApp, make_app

__all__ = ["AskbriefApp", "make_app"]
