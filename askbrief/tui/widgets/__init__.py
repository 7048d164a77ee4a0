"""The chat's widgets; each carries its own look in DEFAULT_CSS."""

from .conversation import ConversationView, TurnView
from .question_input import QuestionInput
from .sidebar import HistorySidebar
from .sources import SourcesPane

__all__ = ["ConversationView", "HistorySidebar", "QuestionInput", "SourcesPane", "TurnView"]
