"""Encodings are detected from the bytes; bad bytes give one clear InputError."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from tests.ingest.conftest import example_text
from zhenxing.errors import InputError
from zhenxing.ingest.decode import binary_kind, decode_bytes
from zhenxing.ingest.loader import load_document

ZH = example_text("liaoning-gwr-2023-zh.txt")
EN = example_text("002_058e5ec80f9b05e6.txt")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_chinese_text_in_each_encoding_gives_the_same_document(tmp_path: Path, encoding: str) -> None:
    reference = load_document(_write(tmp_path, "ref.txt", ZH.encode("utf-8")))
    document = load_document(_write(tmp_path, f"doc-{encoding}.txt", ZH.encode(encoding)))
    assert document.text == reference.text
    assert document.id == reference.id
    assert "全年地区生产总值增长2.1%" in document.text
    assert document.language == "zh"


def test_big5_traditional_text_is_decoded(tmp_path: Path) -> None:
    # Traditional characters of a real corpus sentence: the Big5 reading must win over GB18030.
    traditional = "全年地區生產總值增長2.1%，固定資產投資增長3.6%，進出口總額增長2.4%，城鎮新增就業46.2萬人。"
    text = ("遼寧省政府工作報告\n\n" + traditional + "\n") * 3
    path = _write(tmp_path, "big5.txt", text.encode("big5"))
    document = load_document(path)
    assert document.meta["encoding"] == "big5"
    assert traditional in document.text


def test_gb18030_is_chosen_over_big5_for_simplified_text() -> None:
    text, encoding = decode_bytes(ZH.encode("gb18030"), "x.txt")
    assert encoding == "gb18030"
    assert text == ZH


def test_bom_and_crlf_do_not_change_text_or_id(tmp_path: Path) -> None:
    plain = load_document(_write(tmp_path, "plain.txt", EN.encode("utf-8")))
    crlf = EN.replace("\n", "\r\n")
    with_bom = load_document(_write(tmp_path, "bom.txt", codecs.BOM_UTF8 + crlf.encode("utf-8")))
    gb_crlf = load_document(_write(tmp_path, "gb.txt", crlf.encode("gb18030")))
    assert with_bom.text == plain.text == gb_crlf.text
    assert with_bom.id == plain.id == gb_crlf.id
    assert "\r" not in with_bom.text and "\ufeff" not in with_bom.text


def test_truncated_utf8_is_reported_as_truncated(tmp_path: Path) -> None:
    data = ZH.strip().encode("utf-8")  # ends with "。", three bytes
    cut = data[:-1]
    assert cut[-2:] == b"\xe3\x80"
    with pytest.raises(InputError, match="truncated") as caught:
        load_document(_write(tmp_path, "cut.txt", cut))
    assert caught.value.path.endswith("cut.txt")


def test_truncated_gb18030_is_reported_as_truncated(tmp_path: Path) -> None:
    data = ZH.strip().encode("gb18030")
    with pytest.raises(InputError, match="truncated"):
        load_document(_write(tmp_path, "cut-gb.txt", data[:-1]))


def test_undecodable_bytes(tmp_path: Path) -> None:
    # Latin-1 text with accents followed by spaces: neither UTF-8, GB18030 nor Big5.
    data = "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u00e0 la fran\u00e7aise. " * 20
    with pytest.raises(InputError, match=r"cannot decode text \(not UTF-8, GB18030 or Big5\)"):
        load_document(_write(tmp_path, "latin1.txt", data.encode("latin-1")))


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"PK\x03\x04" + bytes(200), "ZIP archive"),
        (bytes(range(256)) * 16, "binary data"),
    ],
)
def test_binary_files_are_refused(tmp_path: Path, data: bytes, kind: str) -> None:
    with pytest.raises(InputError, match="not a text document") as caught:
        load_document(_write(tmp_path, "image.txt", data))
    assert kind in caught.value.problem
    assert str(tmp_path / "image.txt") in str(caught.value)


def test_text_is_not_binary() -> None:
    assert binary_kind(ZH.encode("gb18030")) is None
    assert binary_kind(EN.encode("utf-8")) is None
    assert binary_kind(ZH.encode("utf-16")) is None
