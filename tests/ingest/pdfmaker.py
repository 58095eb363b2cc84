"""A tiny PDF writer for tests: real PDF files with a Helvetica text layer.

Why hand-built: reportlab is not a dependency and pypdf cannot lay out text;
a PDF with one font and a few text lines is ~40 lines of code.
"""

from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], *, with_text: bool = True, title: str | None = None) -> bytes:
    """A PDF with one page per item of ``pages``, each showing its lines (Latin-1 only).

    ``with_text=False`` draws a filled rectangle instead: a page without a text
    layer, like a scan.
    """
    objects: list[bytes] = []
    page_ids = [4 + 2 * index for index in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for page_id, lines in zip(page_ids, pages, strict=True):
        if with_text:
            body = (
                "BT /F1 11 Tf 14 TL 72 760 Td "
                + " ".join(f"({_escape(line)}) Tj T*" for line in lines)
                + " ET"
            )
        else:
            body = "0.2 0.2 0.2 rg 72 400 300 300 re f"
        stream = body.encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {page_id + 1} 0 R >>".encode()
        )
        objects.append(
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream"
        )
    info_id = None
    if title is not None:
        objects.append(
            f"<< /Title ({_escape(title)}) /CreationDate (D:20230118105200+08'00') >>".encode("latin-1")
        )
        info_id = len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if info_id is not None:
        trailer += f" /Info {info_id} 0 R"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
