"""PDF text layer with pypdf, reflowed into paragraphs.

Why reflow: a PDF stores visual lines, so a sentence is broken at every line
end; since a line break ends a sentence for the splitter, lines are joined back
into paragraphs when a line runs to the right margin and does not end a
sentence.  Page numbers and running headers repeated on most pages are
dropped.  No OCR: a PDF without a text layer is reported, not guessed at.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections import Counter
from dataclasses import dataclass

from zhenxing.ingest.dates import parse_date
from zhenxing.ingest.reflow import reflow

logging.getLogger("pypdf").setLevel(logging.CRITICAL)

_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|"
    r"(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|\d{1,4}\s*/\s*\d{1,4})\s*$",
    re.IGNORECASE,
)
_FILENAME_TITLE_RE = re.compile(r"\.(?:docx?|pdf|wps|xlsx?|pptx?)\s*$|^microsoft\s+\w+\s+-\s+", re.IGNORECASE)


class PdfProblem(Exception):
    """The PDF cannot give text; the message is the user-facing problem."""


@dataclass(slots=True)
class PdfText:
    text: str
    title: str | None
    date: str | None
    author: str | None
    pages: int


def _strip_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers and header/footer lines repeated on most pages."""
    if len(pages) >= 3:
        edges = Counter()
        for paragraphs in pages:
            for line in {*paragraphs[:2], *paragraphs[-2:]}:
                edges[re.sub(r"\d+", "#", line)] += 1
        running = {
            line for line, count in edges.items() if count >= max(3, len(pages) // 2) and len(line) < 120
        }
    else:
        running = set()
    cleaned = []
    for paragraphs in pages:
        cleaned.append(
            [p for p in paragraphs if not _PAGE_NUMBER_RE.match(p) and re.sub(r"\d+", "#", p) not in running]
        )
    return cleaned


def _info_title(value: object) -> str | None:
    if not value:
        return None
    title = " ".join(str(value).split())
    if not title or _FILENAME_TITLE_RE.search(title):
        return None
    return title


def _info_date(value: object) -> str | None:
    """PDF dates look like ``D:20230118105200+08'00'``."""
    if not value:
        return None
    text = str(value)
    match = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", text)
    if match:
        return parse_date(f"{match.group(1)}-{match.group(2)}-{match.group(3)}")
    return parse_date(text)


def extract_pdf(data: bytes) -> PdfText:
    """Text layer of a PDF; raises PdfProblem with a user-facing message."""
    tail = data[-4096:]
    if b"%%EOF" not in tail and b"startxref" not in tail:
        raise PdfProblem("truncated PDF (no end-of-file marker)")
    try:
        from pypdf import PdfReader
    except ImportError as error:  # pragma: no cover - pypdf is a dependency
        raise PdfProblem(f"cannot read PDF ({error})") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):
                        raise PdfProblem("encrypted PDF (needs a password)")
                except PdfProblem:
                    raise
                except Exception:
                    raise PdfProblem("encrypted PDF (cannot decrypt)") from None
            pages = [reflow(page.extract_text() or "") for page in reader.pages]
            info = reader.metadata or {}
            title = _info_title(info.get("/Title"))
            author = _info_title(info.get("/Author"))
            date = _info_date(info.get("/CreationDate"))
        except PdfProblem:
            raise
        except RecursionError:
            raise PdfProblem("corrupt PDF: structure nested too deeply") from None
        except Exception as error:  # pypdf raises many types on malformed files
            message = " ".join(str(error).split())[:120] or type(error).__name__
            raise PdfProblem(f"corrupt PDF: {message}") from None
    if not pages:
        raise PdfProblem("corrupt PDF: no pages")
    pages = _strip_running_lines(pages)
    text = "\n\n".join("\n".join(paragraphs) for paragraphs in pages if paragraphs)
    if not text.strip():
        raise PdfProblem("PDF has no text layer (scanned images?); run OCR on it first")
    return PdfText(text=text, title=title, date=date, author=author, pages=len(pages))
