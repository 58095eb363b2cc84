"""Document text as HTML: every character escaped first, highlights added around escaped pieces.

Document text is untrusted (anything can be uploaded, and scraped pages
carry markup), so this module never lets a character of it through as
markup: the text is cut at the highlight boundaries into plain pieces, each
piece is escaped on its own with ``markupsafe.escape``, and only the tags made
here (``<mark>``, ``<span>``) are put between them. Offsets are code points
(Python string indices), the same offsets the ledger stores, so
``text[fact.start:fact.end]`` is exactly what a ``<mark>`` holds.

Attribute values written here are ids and kinds the ledger makes
(``4093d11e32ee-2702-2722``, ``target``), escaped as well all the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Mark:
    """A figure to highlight: its span, the fact it belongs to, and the fact it is linked to in a translation."""

    start: int
    end: int
    fact_id: str
    kind: str = "other"
    peer: str | None = None
    title: str = ""


@dataclass(slots=True)
class _Event:
    at: int
    # At one position: the inner closer (a mark) before the outer (the focus span), then the outer
    # opener before the inner; so tags always nest.
    order: int
    html: Markup = field(default_factory=Markup)


def anchor_id(fact_id: str) -> str:
    """The element id of a figure in a document page (``#fact-…`` links land on it)."""
    return f"fact-{fact_id}"


def _open_mark(mark: Mark, *, current: bool) -> Markup:
    classes = f"fact kind-{mark.kind}" + (" current" if current else "")
    peer = Markup(' data-peer="{}"').format(mark.peer) if mark.peer else Markup("")
    title = Markup(' title="{}"').format(mark.title) if mark.title else Markup("")
    return Markup('<mark id="{}" class="{}" data-fact="{}" tabindex="0"{}{}>').format(
        anchor_id(mark.fact_id), classes, mark.fact_id, peer, title
    )


def choose_marks(text_length: int, marks: Iterable[Mark]) -> tuple[list[Mark], list[Mark]]:
    """Marks that can be drawn (in the text, not overlapping an earlier one) and those that cannot.

    Two facts can share or overlap a span (a range "5%-6%" read as two
    figures); only the first is drawn as a ``<mark>``, the others get an
    empty anchor at their start so links to them still land.
    """
    drawn: list[Mark] = []
    hidden: list[Mark] = []
    last_end = -1
    for mark in sorted(marks, key=lambda m: (m.start, -m.end, m.fact_id)):
        if not 0 <= mark.start <= text_length:
            continue  # a span from another text: nothing to point at
        if mark.end > text_length or mark.end <= mark.start or mark.start < last_end:
            hidden.append(mark)
            continue
        drawn.append(mark)
        last_end = mark.end
    return drawn, hidden


def highlight(
    text: str,
    marks: Iterable[Mark],
    *,
    focus: tuple[int, int] | None = None,
    current: str | None = None,
) -> Markup:
    """The whole text, escaped, with every figure in a ``<mark>`` and the ``focus`` sentence in a span.

    ``current`` is the fact the page was opened for: its mark gets the class
    ``current``, its sentence (``focus``) the class ``focus``. A mark that
    would cross the focus boundary (it cannot, for a ledger's own sentences,
    but spans come from a database) is drawn as an anchor instead, so the
    tags always nest.
    """
    drawn, hidden = choose_marks(len(text), marks)
    events: list[_Event] = []
    if focus is not None:
        f_start, f_end = max(0, focus[0]), min(len(text), focus[1])
        if f_start < f_end:
            events.append(_Event(f_start, 2, Markup('<span class="focus" id="focus">')))
            events.append(_Event(f_end, 1, Markup("</span>")))
            crossing = [m for m in drawn if m.start < f_start < m.end or m.start < f_end < m.end]
            for m in crossing:
                drawn.remove(m)
                hidden.append(m)
    for mark in drawn:
        events.append(_Event(mark.start, 3, _open_mark(mark, current=mark.fact_id == current)))
        events.append(_Event(mark.end, 0, Markup("</mark>")))
    for mark in hidden:
        cls = "anchor current" if mark.fact_id == current else "anchor"
        events.append(
            _Event(
                mark.start, 4, Markup('<span id="{}" class="{}"></span>').format(anchor_id(mark.fact_id), cls)
            )
        )
    events.sort(key=lambda e: (e.at, e.order))
    out: list[str] = []
    position = 0
    for event in events:
        if event.at > position:
            out.append(escape(text[position : event.at]))
            position = event.at
        out.append(event.html)
    out.append(escape(text[position:]))
    return Markup("").join(out)


def quote_html(quote: str, start: int, end: int, *, kind: str = "other") -> Markup:
    """A sentence with one figure marked; ``start``/``end`` are offsets into the sentence."""
    if not 0 <= start < end <= len(quote):
        return Markup("{}").format(quote)
    return Markup('{}<mark class="fact kind-{}">{}</mark>{}').format(
        quote[:start], kind, quote[start:end], quote[end:]
    )


def sentence_marks(quote: str, spans: Sequence[tuple[int, int]], *, kind: str = "other") -> Markup:
    """A sentence with several figures marked (a target sentence stating two figures of one series)."""
    pieces: list[str] = []
    position = 0
    for start, end in sorted(set(spans)):
        if start < position or not 0 <= start < end <= len(quote):
            continue
        pieces.append(escape(quote[position:start]))
        pieces.append(Markup('<mark class="fact kind-{}">{}</mark>').format(kind, quote[start:end]))
        position = end
    pieces.append(escape(quote[position:]))
    return Markup("").join(pieces)
