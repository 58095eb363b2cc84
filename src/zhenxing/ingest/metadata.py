"""Metadata that comes from beside a document: ``NAME.meta.yaml`` and folder manifests.

Why both: a hand-curated document carries its facts (date, title, language,
translation_of) in a sidecar YAML, because the text itself often has no date;
a crawled corpus of thousands of pages has one CSV (``manifest.csv``) listing
each file with its date, title and source.  The sidecar wins over the
manifest: it is the more specific statement.
"""

from __future__ import annotations

import csv
import io
import os
import threading
from pathlib import Path
from typing import Any

import yaml

from zhenxing.errors import InputError
from zhenxing.ingest.markdown import SAFE_LOADER

META_SUFFIXES = (".meta.yaml", ".meta.yml")
MANIFEST_NAMES = ("manifest.csv", "manifest.tsv", "_manifest.csv")
# Column names accepted for the file's path, first match wins.
_PATH_COLUMNS = ("path", "file", "filename", "file_name", "name", "doc")
_MAX_META_BYTES = 1_000_000

_manifest_cache: dict[str, tuple[tuple[int, int] | None, dict[str, dict[str, Any]]]] = {}
_cache_lock = threading.Lock()


def is_metadata_file(path: Path) -> bool:
    """True for sidecars and manifests: inputs that describe documents, not documents."""
    name = path.name.lower()
    return (
        name.endswith(META_SUFFIXES)
        or name in MANIFEST_NAMES
        or (name.endswith((".csv", ".tsv")) and "manifest" in name)
    )


def sidecar_path(path: Path) -> Path | None:
    """The ``NAME.meta.yaml`` beside ``NAME.txt`` (or ``NAME.txt.meta.yaml``), if any."""
    for base in (path.with_suffix(""), path):
        for suffix in META_SUFFIXES:
            candidate = base.parent / (base.name + suffix)
            if candidate.is_file():
                return candidate
    return None


def read_sidecar(path: Path) -> dict[str, Any]:
    """Parse a ``.meta.yaml``; raise InputError naming it when it is not a YAML mapping."""
    try:
        if path.stat().st_size > _MAX_META_BYTES:
            raise InputError(str(path), "metadata file is too large")
        data = yaml.load(path.read_bytes().decode("utf-8-sig"), Loader=SAFE_LOADER)
    except InputError:
        raise
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problem = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(str(path), f"invalid metadata file ({problem})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(str(path), "invalid metadata file (not a mapping of keys to values)")
    return {str(key).strip().lower(): value for key, value in data.items()}


def find_manifest(folder: Path) -> Path | None:
    """The manifest file of ``folder``, if it has one."""
    for name in MANIFEST_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _resolve(folder: Path, value: str) -> str:
    candidate = Path(value.strip())
    if not candidate.is_absolute():
        candidate = folder / candidate
    return str(candidate.resolve())


def _parse_manifest(manifest: Path) -> dict[str, dict[str, Any]]:
    folder = manifest.parent.resolve()
    try:
        raw = manifest.read_bytes()
    except OSError as error:
        raise InputError(str(manifest), f"cannot read manifest ({error.strerror or error})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(str(manifest), "cannot decode manifest (not UTF-8 or GB18030)") from None
    delimiter = "\t" if manifest.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        return {}
    columns = {name.strip().lower(): name for name in reader.fieldnames if name}
    path_column = next((columns[name] for name in _PATH_COLUMNS if name in columns), None)
    if path_column is None:
        raise InputError(str(manifest), f"manifest has no path column (one of: {', '.join(_PATH_COLUMNS)})")
    rows: dict[str, dict[str, Any]] = {}
    try:
        for row in reader:
            value = (row.get(path_column) or "").strip()
            if not value:
                continue
            record = {
                key.strip().lower(): (cell.strip() if isinstance(cell, str) else cell)
                for key, cell in row.items()
                if key and cell not in (None, "")
            }
            rows[_resolve(folder, value)] = record
    except csv.Error as error:
        raise InputError(str(manifest), f"invalid manifest CSV ({error})") from None
    return rows


def read_manifest(folder: str | Path) -> dict[str, dict[str, Any]]:
    """Rows of ``folder``'s manifest keyed by the resolved path of each file (str).

    Empty when the folder has none.  Cached per folder and revalidated by the
    manifest's mtime and size, so a crawl of many files reads it once.  Keys
    are lower-cased column names (path, date, title, source, …).
    """
    folder = Path(folder)
    key = str(folder.resolve())
    manifest = find_manifest(folder)
    stamp = None
    if manifest is not None:
        info = os.stat(manifest)
        stamp = (info.st_mtime_ns, info.st_size)
    with _cache_lock:
        cached = _manifest_cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    rows = _parse_manifest(manifest) if manifest is not None else {}
    with _cache_lock:
        _manifest_cache[key] = (stamp, rows)
    return rows


def manifest_entry(path: Path) -> dict[str, Any] | None:
    """The manifest row for ``path`` in its folder's manifest, if any."""
    rows = read_manifest(path.parent)
    if not rows:
        return None
    return rows.get(str(path.resolve()))
