"""askbrief: ask questions of a brief, get answers quoted from it with citations.

    >>> import askbrief
    >>> assistant = askbrief.load()            # the bundled brief, or paths to files/folders
    >>> answer = assistant.ask("Who took Gharyan?")
    >>> answer.answer, answer.citations[0].doc
"""

from .assistant import Assistant, check_question, corpus_paths, load
from .corpus import Brief, load_brief
from .errors import AskbriefError, CorpusError, UsageError
from .models import ABSTAIN_TEXT, Answer, Chunk, Citation, Document, Hit, Retrieved, Settings

__all__ = ["ABSTAIN_TEXT", "Answer", "Assistant", "AskbriefError", "Brief", "Chunk", "Citation",
           "CorpusError", "Document", "Hit", "Retrieved", "Settings", "UsageError",
           "check_question", "corpus_paths", "load", "load_brief"]
