"""``POST /api/documents``: upload documents into the ledger through the real loader and extractor.

Uploaded bytes are untrusted, and so is everything about them:

* The size is limited before any of it is parsed (``BodyLimitMiddleware`` in
  ``app.py``: the whole request, default 20 MB) and the number of files per
  request too.
* The type is decided by the content, never by the name or the declared
  content type: a PDF by its ``%PDF-`` header, anything with binary bytes is
  refused (415), the rest must decode as text (UTF-8, GB18030, Big5); HTML is
  recognised by its tags. Only the name's extension can choose Markdown over
  plain text.
* The client's file name never reaches the file system: the bytes go to a
  fixed name (``upload.txt``, ``upload.pdf`` ...) in a fresh private temporary
  folder, which also keeps the loader from picking up a stray
  ``manifest.csv`` or ``.meta.yaml`` beside it. The name is only a label,
  cleaned to one line and stored as the document's name.
* Each upload is recorded in the audit trail with the uploader's token name.

Each file gets its own result (added, unchanged, reprocessed, or error with
one line saying why); one bad file does not stop the others.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from zhenxing.serve import api_models as m
from zhenxing.serve.api import WRITE_ERRORS, expire_after_write, state
from zhenxing.serve.auth import Writer, require_reader, require_writer

router = APIRouter(prefix="/api", dependencies=[Depends(require_reader)])

_HTML_RE = re.compile(r"<(?:!doctype\s+html|html|head|body|article|p|div|table)\b", re.IGNORECASE)
_MARKDOWN_EXTENSIONS = (".md", ".markdown")
_HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
_FORM_FIELDS = ("date", "title", "source")


class UploadRefused(Exception):
    """One file is refused; ``unsupported`` when for its type (HTTP 415 when every file is)."""

    def __init__(self, message: str, *, unsupported: bool = False) -> None:
        super().__init__(message)
        self.unsupported = unsupported


def display_name(raw: str | None) -> str:
    """The client's file name as a label: last path part, one line, no control characters, at most 200."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    return name[:200] or "upload"


def sniff_suffix(data: bytes, name: str) -> str:
    """The suffix the loader should see, from the content: ``.pdf``, ``.html``, ``.md`` or ``.txt``."""
    from zhenxing.errors import InputError
    from zhenxing.ingest.decode import binary_kind, decode_bytes, is_pdf

    if not data.strip():
        raise UploadRefused(f"{name}: the file is empty")
    if is_pdf(data):
        return ".pdf"
    kind = binary_kind(data)
    if kind is not None:
        raise UploadRefused(f"{name}: not a text, HTML, Markdown or PDF document ({kind})", unsupported=True)
    try:
        text, _ = decode_bytes(data, name)
    except InputError as exc:
        raise UploadRefused(f"{name}: {exc.problem}", unsupported=True) from None
    lowered = name.lower()
    if lowered.endswith(_HTML_EXTENSIONS) or _HTML_RE.search(text[:4096]):
        return ".html"
    if lowered.endswith(_MARKDOWN_EXTENSIONS):
        return ".md"
    return ".txt"


def ingest_upload(
    data: bytes, raw_name: str | None, *, writer: Writer, fields: dict[str, str], request: Request
) -> dict[str, Any]:
    """Load, extract and store one uploaded file; its result record (errors included, never raised)."""
    from zhenxing import api, model
    from zhenxing.errors import InputError, ZhenxingError
    from zhenxing.ingest.loader import load_document
    from zhenxing.ledger.closed_loop import _audit, now_iso, validate_source_date

    name = display_name(raw_name)
    st = state(request)
    if len(data) > st.settings.max_upload_bytes:
        return {"file": name, "status": "error", "error": f"{name}: larger than the upload limit"}
    folder = tempfile.mkdtemp(prefix="zhenxing-upload-")  # private (0700), removed below
    try:
        suffix = sniff_suffix(data, name)
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            doc = load_document(path, max_bytes=st.settings.max_upload_bytes, manifest={})
        except InputError as exc:
            raise UploadRefused(f"{name}: {exc.problem}") from None
        meta = {k: v for k, v in (doc.meta or {}).items() if k != "meta_file"}
        meta["upload"] = {"file": name, "by": writer.name}
        changes: dict[str, Any] = {"name": name, "path": None, "meta": meta}
        if fields.get("date"):
            try:
                changes.update(date=validate_source_date(fields["date"]), date_source="upload")
            except ZhenxingError as exc:
                raise UploadRefused(f"{name}: {exc}") from None
        if fields.get("title"):
            changes["title"] = " ".join(fields["title"].split())[:500]
        if fields.get("source"):
            changes["source"] = " ".join(fields["source"].split())[:1000]
        doc = replace(doc, **changes)
        version = model.EXTRACTOR_VERSION
        ledger = st.ledger
        if ledger.document_version(doc.id) == version:
            stored = ledger.document_info(doc.id)
            return {
                "file": name,
                "status": "unchanged",
                "doc_id": doc.id,
                "name": stored.name,
                "facts": stored.fact_count,
            }
        facts = api.extract_document(doc)
        facts = [replace(f, doc=name) for f in facts]
        count = len({f.id for f in facts})

        def record(session: Any) -> None:
            _audit(
                session,
                at=now_iso(),
                actor=writer.name,
                action="upload",
                entity_type="document",
                entity_id=doc.id,
                before=None,
                after={"name": name, "title": doc.title, "date": doc.date, "facts": count},
                reason=None,
            )

        status = ledger._write(doc, facts, version, force=False, on_write=record)
        st.cache.expire()
        return {"file": name, "status": status, "doc_id": doc.id, "name": name, "facts": count}
    except UploadRefused as exc:
        return {"file": name, "status": "error", "error": str(exc), "unsupported": exc.unsupported}
    except Exception as exc:  # an extractor bug or a failed write: this file fails, the others go on
        return {"file": name, "status": "error", "error": api.describe_error(name, exc)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


MULTIPART_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "One or more documents: text, Markdown, HTML or PDF.",
                        },
                        "date": {
                            "type": "string",
                            "description": "Document date (YYYY-MM-DD) for all files.",
                        },
                        "title": {"type": "string"},
                        "source": {"type": "string"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/documents",
    response_model=m.UploadOut,
    responses={
        **WRITE_ERRORS,
        413: {"model": m.ErrorOut, "description": "The upload is larger than the limit."},
        415: {"model": m.ErrorOut, "description": "No file is a text, HTML, Markdown or PDF document."},
    },
    openapi_extra=MULTIPART_BODY,
    dependencies=[Depends(expire_after_write)],
    summary="Upload documents (multipart field 'file', repeated)",
)
async def upload_documents(request: Request, writer: Annotated[Writer, Depends(require_writer)]) -> Any:
    settings = state(request).settings
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise HTTPException(415, "send documents as multipart/form-data, in the field 'file'")
    form = await request.form(max_files=settings.max_upload_files, max_fields=20)
    uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
    if not uploads:
        raise HTTPException(400, "no file in the upload: send each document in the form field 'file'")
    if len(uploads) > settings.max_upload_files:
        raise HTTPException(400, f"at most {settings.max_upload_files} files in one upload")
    fields = {k: v for k, v in form.multi_items() if k in _FORM_FIELDS and isinstance(v, str)}
    results = []
    for upload in uploads:
        data = await upload.read(settings.max_upload_bytes + 1)
        results.append(
            await run_in_threadpool(
                ingest_upload, data, upload.filename, writer=writer, fields=fields, request=request
            )
        )
        await upload.close()
    failed = [r for r in results if r["status"] == "error"]
    unsupported = bool(failed) and all(r.get("unsupported") for r in failed)
    for r in results:
        r.pop("unsupported", None)
    if failed and len(failed) == len(results):
        message = (
            failed[0]["error"] if len(failed) == 1 else f"none of the {len(failed)} files could be stored"
        )
        return JSONResponse({"error": message, "results": results}, status_code=415 if unsupported else 422)
    return {"results": results}
