"""EPUB: the chapters in reading order (the package's spine), each read as HTML; the title
and date from the package's Dublin Core metadata. Standard library only (``zipfile``)."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote
from xml.etree import ElementTree

from . import Extracted, TextBuilder, Unreadable, open_zip
from .html import extract

_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"


def read(data: bytes, name: str, warnings: list[str]) -> Extracted:
    with open_zip(data, "an EPUB") as z:
        names = set(z.namelist())
        if "META-INF/encryption.xml" in names:
            raise Unreadable("EPUB with DRM (encrypted chapters)")
        container = ElementTree.fromstring(z.read("META-INF/container.xml"))
        rootfile = container.find(f".//{_CONTAINER}rootfile")
        if rootfile is None:
            raise Unreadable("not an EPUB (no package file)")
        opf_path = rootfile.get("full-path", "")
        opf = ElementTree.fromstring(z.read(opf_path))
        base = posixpath.dirname(opf_path)
        items = {i.get("id"): i.get("href") for i in opf.iter(f"{_OPF}item")}
        out = TextBuilder()
        for ref in opf.iter(f"{_OPF}itemref"):
            href = items.get(ref.get("idref"))
            if not href:
                continue
            chapter_name = posixpath.normpath(posixpath.join(base, unquote(href)))
            if chapter_name not in names:
                warnings.append(f"{name}: EPUB chapter {chapter_name} is missing")
                continue
            chapter = extract(z.read(chapter_name).decode("utf-8", errors="replace"), boilerplate=False)
            for para in chapter.text.split("\n\n"):
                out.add(para)
    title = opf.find(f".//{_DC}title")
    date = opf.find(f".//{_DC}date")
    return Extracted(text=out.text(),
                     title=" ".join(title.text.split()) if title is not None and title.text else None,
                     date=date.text.strip()[:10] if date is not None and date.text and
                     len(date.text.strip()) >= 10 else None)
