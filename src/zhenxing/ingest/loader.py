"""Public entry of the ingest stage: a path in, a ``Document`` out.

Why one function that owns every failure: the CLI processes folders of
crawled files, and one bad file must become one clear line ("PATH: problem")
rather than a traceback that stops the batch.  Every expected problem raises
``InputError`` with a short message; anything unexpected on bad input is still
wrapped into one.

Metadata precedence (most specific first): ``NAME.meta.yaml`` > folder
manifest > front matter > the page's own metadata (HTML meta tags, PDF info;
titles also from ``<title>``) > the text itself (dateline near the top, first
line as title).
"""

from __future__ import annotations

import datetime as _dt
import glob
import os
from pathlib import Path
from typing import Any

from zhenxing.errors import InputError
from zhenxing.ingest.boilerplate import strip_boilerplate
from zhenxing.ingest.dates import find_text_date, parse_date
from zhenxing.ingest.decode import binary_kind, decode_bytes, is_pdf, read_bytes
from zhenxing.ingest.formats import Converted, FormatProblem, convert_text
from zhenxing.ingest.metadata import is_metadata_file, read_manifest, read_sidecar, sidecar_path
from zhenxing.ingest.pdf import PdfProblem, extract_pdf
from zhenxing.model import Document
from zhenxing.text.language import detect_language
from zhenxing.text.normalize import normalize_text, text_id

DEFAULT_MAX_BYTES = 50_000_000
TITLE_MAX_CHARS = 300
_LANGUAGES = {
    "zh": "zh", "zh-cn": "zh", "zh-hans": "zh", "zh-tw": "zh", "zh-hant": "zh", "cn": "zh",
    "chinese": "zh", "中文": "zh", "en": "en", "en-us": "en", "en-gb": "en", "english": "en",
    "mixed": "mixed",
}  # fmt: skip
_KNOWN_KEYS = frozenset({"date", "title", "source", "author", "language", "lang", "translation_of", "path"})
_GLOB_CHARS = frozenset("*?[")


def _clean(value: Any) -> Any:
    """JSON-safe copy of a YAML/CSV value (dates become ISO strings)."""
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _text_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value if item is not None)
    text = " ".join(str(value).split())
    return text or None


def _language(value: Any) -> str | None:
    text = _text_value(value)
    return _LANGUAGES.get(text.lower()) if text else None


def _first_line_title(text: str) -> str | None:
    """The first non-empty line, when it is short enough to be a title."""
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= TITLE_MAX_CHARS else None
    return None


def _convert(data: bytes, path: Path, name: str) -> tuple[Converted, dict[str, Any]]:
    """Bytes to text in the right format; raises InputError on bad content."""
    info: dict[str, Any] = {"bytes": len(data)}
    if is_pdf(data):
        try:
            pdf = extract_pdf(data)
        except PdfProblem as problem:
            raise InputError(name, str(problem)) from None
        info["pages"] = pdf.pages
        return Converted(text=pdf.text, format="pdf", title=pdf.title, date=pdf.date, author=pdf.author), info
    if path.suffix.lower() == ".pdf" and (b"endobj" in data[:65536] or b"%%EOF" in data[-1024:]):
        raise InputError(name, "corrupt PDF: no %PDF header")
    kind = binary_kind(data)
    if kind is not None:
        raise InputError(name, f"not a text document ({kind})")
    raw, encoding = decode_bytes(data, name)
    info["encoding"] = encoding
    try:
        return convert_text(raw, path.suffix), info
    except FormatProblem as problem:
        raise InputError(name, str(problem)) from None


def _manifest_row(path: Path, manifest: dict | None) -> dict[str, Any]:
    resolved = str(path.resolve())
    rows = manifest if manifest is not None else read_manifest(path.parent)
    row = rows.get(resolved)
    if row is None and manifest is not None:
        row = rows.get(str(path)) or rows.get(path.name)
    return dict(row) if row else {}


def _load(path: Path, name: str, max_bytes: int, manifest: dict | None) -> Document:
    data = read_bytes(path, max_bytes)
    converted, info = _convert(data, path, name)
    stripped = strip_boilerplate(normalize_text(converted.text))
    text = stripped.text.strip()
    if not text:
        problem = (
            "file has no text" if converted.format == "text" else f"no text in this {converted.format} file"
        )
        raise InputError(name, problem)

    meta_file = sidecar_path(path)
    sidecar = read_sidecar(meta_file) if meta_file else {}
    row = _manifest_row(path, manifest)
    front = converted.front_matter or {}

    title = date = date_source = None
    for source_name, values in (("meta", sidecar), ("manifest", row), ("front-matter", front)):
        title = title or _text_value(values.get("title"))
        if date is None:
            date = parse_date(values.get("date"))
            date_source = source_name if date else None
    title = title or converted.title or _first_line_title(text)
    if date is None and converted.date and converted.format == "html":
        date, date_source = converted.date, "html"
    date_evidence = None
    if date is None:
        found = find_text_date(text)
        if found:
            (date, date_evidence), date_source = found, "text"
    if date is None and converted.date:
        date, date_source = converted.date, converted.format

    def first(key: str, *fallbacks: Any) -> str | None:
        for values in (sidecar, row, front):
            value = _text_value(values.get(key))
            if value:
                return value
        return next((_text_value(item) for item in fallbacks if _text_value(item)), None)

    language = (
        _language(sidecar.get("language") or sidecar.get("lang"))
        or _language(row.get("language") or row.get("lang"))
        or _language(front.get("language") or front.get("lang"))
        or detect_language(text)
    )
    meta: dict[str, Any] = dict(info)
    meta.update(converted.notes)
    if stripped.removed:
        meta["boilerplate"] = {"removed_chars": stripped.removed_chars, "removed": stripped.removed}
    if meta_file:
        meta["meta_file"] = str(meta_file)
        meta.update({key: _clean(value) for key, value in sidecar.items() if key not in _KNOWN_KEYS})
    if row:
        meta["manifest"] = {key: _clean(value) for key, value in row.items() if key not in _KNOWN_KEYS}
    if front:
        meta["front_matter"] = {key: _clean(value) for key, value in front.items() if key not in _KNOWN_KEYS}
    if date_evidence:
        meta["date_evidence"] = date_evidence
    return Document(
        id=text_id(text),
        name=path.name,
        text=text,
        path=str(path),
        title=title,
        date=date,
        date_source=date_source,
        source=first("source", front.get("url"), front.get("link"), converted.source),
        author=first("author", converted.author),
        language=language,
        translation_of=first("translation_of"),
        format=converted.format,
        meta=meta,
    )


def load_document(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, manifest: dict | None = None
) -> Document:
    """Read one document file into a ``Document``; raise ``InputError`` for any bad input.

    ``manifest`` is a mapping as returned by ``read_manifest`` (resolved path
    -> row); when None, the manifest of the file's folder is used if present.
    """
    name = str(path)
    try:
        return _load(Path(path), name, max_bytes, manifest)
    except InputError:
        raise
    except MemoryError:
        raise InputError(name, "out of memory while reading (file too complex)") from None
    except RecursionError:
        raise InputError(name, "document structure nested too deeply") from None
    except (OSError, ValueError, UnicodeError, LookupError) as error:
        message = " ".join(str(error).split())[:160] or type(error).__name__
        raise InputError(name, f"cannot read document ({message})") from None


def _walk(folder: Path) -> list[Path]:
    """Document files under ``folder``: recursive, sorted, no hidden or metadata files."""
    found: list[Path] = []
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        for file_name in sorted(files):
            if file_name.startswith("."):
                continue
            candidate = Path(root) / file_name
            if not is_metadata_file(candidate) and not _is_folder_notes(candidate) and candidate.is_file():
                found.append(candidate)
    return sorted(found, key=lambda item: item.relative_to(folder).as_posix())


_FOLDER_NOTES = ("readme", "sources", "license", "licence", "changelog")


def _is_folder_notes(path: Path) -> bool:
    """A corpus folder's own notes (README.md, SOURCES.md): about the documents, not one of them.

    Named on the command line, such a file is ingested like any other.
    """
    return path.stem.lower() in _FOLDER_NOTES and path.suffix.lower() in (".md", ".txt", ".rst", "")


def expand_paths(paths: list[str]) -> tuple[list[Path], list[InputError]]:
    """Expand files, folders and glob patterns into document files, in a deterministic order.

    Folders are walked recursively (sorted, skipping hidden files and folders,
    ``*.meta.yaml`` sidecars, manifest CSVs and README/SOURCES notes); a pattern is expanded with
    ``**`` support; the same file named twice is kept once.  A path that does
    not exist, a pattern that matches nothing or a folder without documents
    becomes an ``InputError`` in the second list instead of stopping the rest.
    """
    files: list[Path] = []
    errors: list[InputError] = []
    seen: set[str] = set()

    def add(candidate: Path) -> None:
        key = str(candidate.resolve())
        if key not in seen:
            seen.add(key)
            files.append(candidate)

    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            found = _walk(path)
            if not found:
                errors.append(InputError(entry, "folder has no documents"))
            for candidate in found:
                add(candidate)
        elif path.is_file():
            if not is_metadata_file(path):
                add(path)
        elif path.exists():
            errors.append(InputError(entry, "not a regular file"))
        elif _GLOB_CHARS & set(entry):
            matches = sorted(glob.glob(entry, recursive=True))
            documents: list[Path] = []
            for match in matches:
                candidate = Path(match)
                if candidate.is_dir():
                    documents.extend(_walk(candidate))
                elif _is_folder_notes(candidate):
                    continue
                elif (
                    candidate.is_file()
                    and not is_metadata_file(candidate)
                    and not candidate.name.startswith(".")
                ):
                    documents.append(candidate)
            if not documents:
                errors.append(InputError(entry, "no files match this pattern"))
            for candidate in documents:
                add(candidate)
        else:
            errors.append(InputError(entry, "no such file or folder"))
    return files, errors
