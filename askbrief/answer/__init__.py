"""The answer stage: a question and its hits -> an Answer quoted from the brief.

One step a module, each reading only the ones before it:
``question`` (the question, read once) -> ``spans`` (sentences and candidate spans) ->
``names`` (people and places, pronouns), ``quantities`` (units, money, what states the same
answer) -> ``features`` (candidates -> feature rows) -> ``model`` (the fitted ranker and
confidence model) -> ``select`` (the Answer: citations, alternatives, or an abstention).
"""

from .question import Question, read, wh_word
from .select import select

__all__ = ["Question", "read", "select", "wh_word"]
