"""Canonical text: NFC (not NFKC), LF, no BOM, same content -> same id."""

from __future__ import annotations

import unicodedata

from zhenxing.text.normalize import normalize_text, text_id


def test_full_width_punctuation_is_kept() -> None:
    text = "城镇和农村居民人均可支配收入分别增长２．２％和3.6%（全年）：好！"
    assert normalize_text(text) == text


def test_nfc_composes() -> None:
    decomposed = unicodedata.normalize("NFD", "Café résumé")
    assert normalize_text(decomposed) == "Café résumé"


def test_line_endings_bom_trailing_space_and_blank_runs() -> None:
    raw = "\ufeffTitle  \r\n\r\n\r\n\r\nFirst line.\t \rSecond line.\r\n\x00"
    assert normalize_text(raw) == "Title\n\nFirst line.\nSecond line."


def test_leading_indentation_is_kept_inside_the_text() -> None:
    assert normalize_text("Title\n\n  Indented paragraph.") == "Title\n\n  Indented paragraph."


def test_idempotent_and_id_stable() -> None:
    raw = "标题\r\n\r\n正文第一段。  \r\n"
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert text_id(once) == text_id(normalize_text(raw.replace("\r\n", "\n")))
    assert len(text_id(once)) == 64
