"""E-mail (.eml), with the standard library's ``email``: the subject is the title, the
``Date:`` header the date, the text part the body (the HTML part, read as HTML, when there is
no text part). A quoted reply is kept once, without its ``>`` marks: the message it answers
is part of the thread, and its words are what a question may be about."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

from . import Extracted, TextBuilder, Unreadable

_QUOTE = re.compile(r"^(?:[ \t]*>)+ ?", re.M)


def read(data: bytes, name: str, warnings: list[str]) -> Extracted:
    msg = message_from_bytes(data, policy=policy.default)
    if not msg.keys():
        raise Unreadable("not an e-mail message (no headers)")
    part = msg.get_body(preferencelist=("plain", "html"))
    body = ""
    if part is not None:
        body = part.get_content()
        if part.get_content_subtype() == "html":
            from .html import extract

            body = extract(body).text
    body = _QUOTE.sub("", body.replace("\r\n", "\n"))
    out = TextBuilder()
    for para in re.split(r"\n[ \t]*\n", body):
        out.add(para)
    subject = " ".join(str(msg.get("subject", "")).split()) or None
    date = None
    try:
        date = parsedate_to_datetime(str(msg["date"])).date().isoformat() if msg["date"] else None
    except (TypeError, ValueError):
        pass
    return Extracted(text=out.text(), title=subject, date=date)
