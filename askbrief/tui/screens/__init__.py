from .chat import ChatScreen
from .dialogs import ConfirmScreen, ExportScreen

__all__ = ["ChatScreen", "ConfirmScreen", "ExportScreen"]
