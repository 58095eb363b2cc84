"""Bytes to str: size guard, binary sniffing and encoding detection.

Why detection from the bytes and not from the extension or the locale: the
corpus is crawled from Chinese sites that serve UTF-8, GBK/GB18030 and (for
Hong Kong and Taiwan sources) Big5 under the same ``.txt`` name.  Strict UTF-8
is tried first because it almost never decodes anything else by accident; the
GB18030/Big5 choice is made by counting characters in each standard's
frequent-character block, since nearly any byte string decodes as GB18030.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from zhenxing.errors import InputError

# File signatures of common non-text formats, with the name we report.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (e.g. .docx/.xlsx)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE file (e.g. .doc/.xls)"),
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"\x84\x31\x95\x33", "gb18030"),
)
# Bytes that never occur in text in any of our encodings (TAB, LF, CR, FF, ESC do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_SNIFF = 64 * 1024
_SHARE_SAMPLE = 50_000  # characters looked at to choose between GB18030 and Big5


def format_size(size: int) -> str:
    """Human size in decimal MB/KB, as ``--max-bytes`` counts: "61.2 MB", "50 MB", "2 KB"."""
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """Read a whole file, refusing it before reading when it is over ``max_bytes``.

    The size is checked with ``stat`` first and the read is capped as well (a
    file may grow, or ``stat`` may lie for special files), so memory stays
    bounded by ``max_bytes`` whatever the input.
    """
    name = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except OSError as error:
        raise InputError(name, f"cannot read file ({error.strerror or error})") from None
    if os.path.isdir(path):
        raise InputError(name, "is a folder, not a file")
    limit = f"over the {format_size(max_bytes)} limit (--max-bytes)"
    if info.st_size > max_bytes:
        raise InputError(name, f"file is {format_size(info.st_size)}, {limit}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise InputError(name, f"cannot read file ({error.strerror or error})") from None
    if len(data) > max_bytes:
        raise InputError(name, f"file is {limit}")
    if not data.strip():
        raise InputError(name, "file is empty")
    return data


def is_pdf(data: bytes) -> bool:
    """PDF by its header: at the start, or within the first KB after white space or binary junk.

    Readers accept junk before ``%PDF-``; a text file that merely mentions
    "%PDF-" in its first lines is not a PDF.
    """
    position = data.find(b"%PDF-", 0, 1024)
    if position < 0:
        return False
    prefix = data[:position]
    return not prefix.strip(b" \t\r\n\x00\xef\xbb\xbf") or b"\x00" in prefix


def binary_kind(data: bytes) -> str | None:
    """Name of the binary format of ``data``, or None when it looks like text."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    head = data[:_SNIFF]
    if any(
        head.startswith(bom) for bom, name in _BOMS if name.startswith("utf-16") or name.startswith("utf-32")
    ):
        return None
    if b"\x00" in head:
        return "binary data"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > max(8, len(head) // 100):
        return "binary data"
    return None


def _is_symbol(char: str) -> bool:
    """Punctuation both standards encode (quotes, dashes, 。，、 and full-width forms)."""
    return "\u2000" <= char <= "\u206f" or "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


def _common_share(text: str, encoding: str, lead_low: int, lead_high: int) -> float:
    """Share of non-ASCII characters that are frequent in ``encoding``.

    Frequent: a Han character in the standard's frequent block (lead byte in
    ``lead_low``..``lead_high``: GB2312 level 1 for GB18030, Big5's frequent
    characters for Big5), or common punctuation.  Text read in the wrong one
    of the two encodings is mostly rare characters.
    """
    total = common = 0
    for char in text[:_SHARE_SAMPLE]:
        if char < "\x80":
            continue
        total += 1
        if "\u4e00" <= char <= "\u9fff":
            try:
                encoded = char.encode(encoding)
            except UnicodeEncodeError:
                continue
            if lead_low <= encoded[0] <= lead_high:
                common += 1
        elif _is_symbol(char):
            common += 1
    return common / total if total else 0.0


def _common_gb_share(text: str) -> float:
    """GB2312 level 1 (B0-D7): the 3,755 most frequent simplified characters."""
    return _common_share(text, "gb2312", 0xB0, 0xD7)


def _common_big5_share(text: str) -> float:
    """Big5 A440-C67E: its 5,401 frequent characters."""
    return _common_share(text, "big5", 0xA4, 0xC6)


def _truncated(error: UnicodeDecodeError, size: int) -> bool:
    """True when the only decoding error is an incomplete character at the very end."""
    return error.end >= size and error.start >= size - 3


_UNDECODABLE = "cannot decode text (not UTF-8, GB18030 or Big5)"
_TRUNCATED = "truncated file (ends in the middle of a character)"
# Below this share of frequent characters a GB18030/Big5 reading is noise.
_MIN_COMMON_SHARE = 0.5


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; raise InputError when impossible.

    Order: BOM; strict UTF-8 (a truncated last character is reported as a
    truncated file, not as another encoding); then GB18030 and Big5 strictly,
    choosing between them by frequent-character share.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as error:
                if _truncated(error, len(data) - len(bom)):
                    raise InputError(name, _TRUNCATED) from None
                raise InputError(
                    name, f"cannot decode text (invalid {encoding} after its byte-order mark)"
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        if _truncated(error, len(data)) and error.reason == "unexpected end of data":
            raise InputError(name, _TRUNCATED) from None
    candidates: list[tuple[float, str, str]] = []
    truncated = False
    for encoding, share in (("gb18030", _common_gb_share), ("big5", _common_big5_share)):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            if _truncated(error, len(data)):
                try:
                    text = data[: error.start].decode(encoding)
                except UnicodeDecodeError:
                    continue
                if share(text) >= _MIN_COMMON_SHARE:
                    truncated = True
            continue
        candidates.append((share(text), encoding, text))
    candidates.sort(key=lambda item: item[0], reverse=True)
    if candidates and candidates[0][0] >= _MIN_COMMON_SHARE:
        return candidates[0][2], candidates[0][1]
    if truncated:
        raise InputError(name, _TRUNCATED)
    raise InputError(name, _UNDECODABLE)
