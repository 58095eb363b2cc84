"""The closed loop on a real SQLite ledger: manual results, corrections, rejections, assignments, overrides, audit.

Facts are the hand-made records of ``samples.py`` (real sentences of
``examples/``) or, where re-extraction is the point, the real loader and
extractor run on sentences of ``corpus.py`` through ``zhenxing.api``.
"""

from __future__ import annotations

import getpass
import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from tests.ledger.corpus import write_corpus
from tests.ledger.samples import DOC_003, DOC_GWR, sample_003, sample_gwr
from zhenxing import api, model
from zhenxing.ledger.closed_loop import (
    MANUAL_FORMAT,
    MANUAL_VERSION,
    ClosedLoopError,
    ReviewedFact,
    manual_document,
    parse_assignment,
    resolve_actor,
)
from zhenxing.ledger.models import SCHEMA_REVISION, AuditRow, FactCorrectionRow, FactRow
from zhenxing.ledger.store import MIGRATIONS_DIR, AmbiguousError, Ledger, NotFoundError, RejectedError
from zhenxing.model import Fact

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$")

YEARBOOK = dict(
    indicator="gdp",
    region="辽宁",
    period="2022",
    value=2.1,
    unit="%",
    change="growth",
    source="Liaoning Statistical Yearbook 2023, p. 12.",
    source_date="2023-10",
)


@pytest.fixture
def filled(ledger: Ledger) -> Ledger:
    for doc, facts in (sample_003(), sample_gwr()):
        ledger.add_document(doc, facts)
    return ledger


@pytest.fixture(autouse=True)
def _user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHENXING_USER", "tester")


def _gwr_gdp(ledger: Ledger) -> Fact:
    (fact,) = ledger.facts(doc=DOC_GWR, indicator="gdp")
    return fact


def _target_5_5(ledger: Ledger) -> Fact:
    (fact,) = ledger.facts(doc=DOC_003, indicator="gdp", kind="target")
    return fact


def _rows(ledger: Ledger, table: type) -> int:
    with ledger.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table)) or 0


# -- schema ---------------------------------------------------------------------------------


def test_new_tables_and_indexes(ledger: Ledger) -> None:
    insp = inspect(ledger.engine)
    tables = set(insp.get_table_names())
    assert {"fact_corrections", "target_assignments", "verdict_overrides", "audit_log"} <= tables
    assert ledger.schema_revision() == SCHEMA_REVISION >= "0002"
    assert {ix["name"] for ix in insp.get_indexes("fact_corrections")} == {
        "ix_fact_corrections_span",
        "ix_fact_corrections_fact_id",
    }
    assert {ix["name"] for ix in insp.get_indexes("audit_log")} == {
        "ix_audit_log_entity_id",
        "ix_audit_log_at",
    }
    # No foreign keys: corrections outlive the fact rows that re-extraction replaces.
    for table in ("fact_corrections", "target_assignments", "verdict_overrides", "audit_log"):
        assert insp.get_foreign_keys(table) == []


def test_a_0001_ledger_is_upgraded_with_its_data(db_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    Ledger(db_path, migrate=False).close()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    with Ledger(db_path, migrate=False) as old:
        with old.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "0001")
        assert old.schema_revision() == "0001"
        doc, facts = sample_gwr()
        old.add_document(doc, facts)  # what a 0001 release wrote
    with Ledger(db_path) as ledger:
        assert ledger.schema_revision() == SCHEMA_REVISION >= "0002"
        assert ledger.facts() == facts
        ledger.correct_fact(facts[0].id, value=2.2, reason="upgraded ledgers take corrections")
        assert ledger.fact(facts[0].id).value == 2.2


def test_migration_renders_for_postgresql(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from alembic import command
    from alembic.config import Config

    monkeypatch.delenv("ZHENXING_DB", raising=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("sqlalchemy.url", "postgresql+psycopg://user@localhost/zhenxing")
    command.upgrade(config, "0001:0002", sql=True)
    ddl = capsys.readouterr().out
    for table in ("fact_corrections", "target_assignments", "verdict_overrides", "audit_log"):
        assert f"CREATE TABLE {table}" in ddl
    assert "SERIAL NOT NULL" in ddl and "JSON" in ddl and "BOOLEAN" in ddl
    assert 'CREATE INDEX ix_fact_corrections_span ON fact_corrections (doc_id, start, "end")' in ddl
    assert "UPDATE alembic_version SET version_num='0002'" in ddl


# -- who ----------------------------------------------------------------------------------------


def test_actor_is_given_else_env_else_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_actor("  Li  Wei ") == "Li Wei"
    assert resolve_actor() == "tester"
    monkeypatch.delenv("ZHENXING_USER")
    assert resolve_actor() == getpass.getuser()
    with pytest.raises(ClosedLoopError, match="--by"):
        resolve_actor("   ")


# -- manual results ------------------------------------------------------------------------------


def test_manual_result_is_a_grounded_document(ledger: Ledger) -> None:
    fact = ledger.add_manual_result(**YEARBOOK, actor="alice", reason="the yearbook is out")
    assert (fact.indicator, fact.region, fact.period, fact.value, fact.unit) == (
        "gdp",
        "Liaoning",
        "2022",
        2.1,
        "%",
    )
    assert (fact.kind, fact.change, fact.comparator, fact.label) == ("result", "growth", "=", "gdp")
    doc = ledger.document(fact.doc_id)
    assert doc.text == (
        "Liaoning: gdp (growth), 2022: 2.1% — source: Liaoning Statistical Yearbook 2023, p. 12 (2023-10)."
    )
    assert doc.text[fact.start : fact.end] == fact.text == "2.1%"
    assert doc.text[fact.sentence_start : fact.sentence_end] == fact.quote == doc.text
    assert (doc.format, doc.source, doc.date, doc.date_source) == (
        MANUAL_FORMAT,
        "Liaoning Statistical Yearbook 2023, p. 12.",
        "2023-10",
        "manual",
    )
    assert fact.doc == doc.name == f"manual-{doc.id[:12]}"
    assert ledger.document_version(doc.id) == MANUAL_VERSION == fact.extractor_version
    (entry,) = ledger.audit()
    assert (entry.actor, entry.action, entry.entity_type, entry.entity_id) == (
        "alice",
        "add_result",
        "fact",
        fact.id,
    )
    assert entry.before is None and entry.after is not None
    assert entry.after["source"] == doc.source and entry.after["value"] == 2.1
    assert entry.reason == "the yearbook is out" and ISO_UTC.match(entry.at)


def test_manual_result_is_idempotent(ledger: Ledger) -> None:
    first = ledger.add_manual_result(**YEARBOOK, actor="alice")
    again = ledger.add_manual_result(**YEARBOOK, actor="bob", reason="entered twice")
    assert again == first
    assert ledger.counts() == {"documents": 1, "facts": 1}
    assert len(ledger.audit()) == 1  # nothing was written the second time
    other = ledger.add_manual_result(**{**YEARBOOK, "source": "Liaoning Statistical Communiqué 2022"})
    assert other.id != first.id and ledger.counts()["documents"] == 2


def test_manual_result_wording(ledger: Ledger) -> None:
    fact = ledger.add_manual_result(
        indicator="urban_jobs",
        region="Shenyang",
        period="2022",
        value=450000,
        unit="people",
        comparator=">",
        label="新增城镇就业",
        source="沈阳市统计公报",
    )
    assert (
        fact.quote
        == "Shenyang: 新增城镇就业 (level), 2022: more than 450000 people — source: 沈阳市统计公报."
    )
    assert fact.text == "450000 people" and fact.language == "mixed" and fact.label == "新增城镇就业"
    assert ledger.document(fact.doc_id).date is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"indicator": "gpd"}, "did you mean gdp"),
        ({"region": "Atlantis"}, "gazetteer"),
        ({"period": "22"}, "period '22'"),
        ({"unit": "percent"}, "canonical unit"),
        ({"change": "up"}, "change 'up'"),
        ({"comparator": "=>"}, "comparator"),
        ({"value": float("nan")}, "finite"),
        ({"value": "2.1"}, "must be a number"),
        ({"source": "  "}, "source"),
        ({"source_date": "Oct 2023"}, "source date"),
        ({"source_date": "2023-02-30"}, "calendar day"),
        ({"indicator": None}, "needs an indicator"),
    ],
)
def test_manual_result_refuses_bad_input(ledger: Ledger, change: dict[str, object], message: str) -> None:
    with pytest.raises(ClosedLoopError, match=message):
        ledger.add_manual_result(**{**YEARBOOK, **change})  # type: ignore[arg-type]
    assert ledger.counts() == {"documents": 0, "facts": 0} and ledger.audit() == []


def test_manual_results_are_never_reprocessed(ledger: Ledger) -> None:
    ledger.add_manual_result(**YEARBOOK)
    doc, facts = sample_gwr(version="0.0.1")
    ledger.add_document(doc, facts, extractor_version="0.0.1")
    assert [d.name for d in ledger.stale_documents("9.9.9")] == [DOC_GWR]


def test_manual_document_is_deterministic() -> None:
    a = manual_document(**YEARBOOK)  # type: ignore[arg-type]
    b = manual_document(**{**YEARBOOK, "region": "Liaoning Province"})  # type: ignore[arg-type]
    assert a == b


# -- corrections -------------------------------------------------------------------------------------


def test_correction_overlays_and_keeps_the_extracted_value(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    corrected = filled.correct_fact(fact.id, value=2.3, actor="bob", reason="typo; the yearbook says 2.3")
    assert isinstance(corrected, ReviewedFact) and isinstance(corrected, Fact)
    assert corrected.id == fact.id and corrected.value == 2.3
    assert corrected.extracted == {"value": 2.1} and corrected.corrected == ("value",)
    assert (corrected.reviewed_by, corrected.review_reason) == ("bob", "typo; the yearbook says 2.3")
    assert filled.fact(fact.id) == corrected
    assert _gwr_gdp(filled) == corrected
    with filled.engine.connect() as conn:  # the extracted row is untouched
        assert conn.scalar(select(FactRow.value).where(FactRow.id == fact.id)) == 2.1
    # Other facts are plain records still.
    assert all(type(f) is Fact for f in filled.facts() if f.id != fact.id)


def test_filters_and_counts_see_corrected_values(filled: Ledger) -> None:
    target = _target_5_5(filled)
    before = filled.count_facts("indicator", "kind")
    filled.correct_fact(target.id, kind="result", period="2023", reason="read as a result")
    assert target.id not in {f.id for f in filled.facts(kind="target")}
    assert target.id in {f.id for f in filled.facts(kind="result", period="2023", indicator="gdp")}
    assert filled.facts(kind="result", period="2022", doc=DOC_003) == []
    after = filled.count_facts("indicator", "kind")
    assert after.get(("gdp", "target"), 0) == before[("gdp", "target")] - 1
    assert after[("gdp", "result")] == before[("gdp", "result")] + 1
    assert sum(after.values()) == sum(before.values())
    # Limits and ordering include corrected facts in their place.
    everything = filled.facts()
    assert [(f.doc, f.start) for f in everything] == sorted((f.doc, f.start) for f in everything)
    for n in range(len(everything) + 1):
        assert filled.facts(limit=n) == everything[:n]


def test_indicator_and_region_corrections_are_checked_and_canonical(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    moved = filled.correct_fact(fact.id, region="沈阳市", indicator="gdp_per_capita", reason="city figure")
    assert (moved.region, moved.indicator) == ("Shenyang", "gdp_per_capita")
    assert filled.facts(region="Shenyang") == [moved]
    nulled = filled.correct_fact(fact.id, unit=None, region=None, reason="firm's figure")
    assert (nulled.unit, nulled.region) == (None, None)
    assert nulled.extracted == {"unit": "%", "indicator": "gdp", "region": "Liaoning"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"valu": 2.3}, "'valu' is not a field"),
        ({"doc_id": "x"}, "not a field"),
        ({"unit": "yuan"}, "canonical unit"),
        ({"comparator": "about"}, "comparator"),
        ({"kind": "goal"}, "kind 'goal'"),
        ({"change": "rise"}, "change 'rise'"),
        ({"indicator": "gross_product"}, "taxonomy"),
        ({"region": "Narnia"}, "gazetteer"),
        ({"period": "last year"}, "period"),
        ({"value": True}, "number"),
        ({"label": None}, "cannot be null"),
        ({}, "nothing to correct"),
    ],
)
def test_bad_corrections_are_refused(filled: Ledger, fields: dict[str, object], message: str) -> None:
    fact = _gwr_gdp(filled)
    with pytest.raises(ClosedLoopError, match=message):
        filled.correct_fact(fact.id, reason="r", **fields)
    assert filled.audit() == [] and _rows(filled, FactCorrectionRow) == 0


def test_a_correction_needs_a_reason_and_a_known_fact(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    for reason in ("", "   ", None):
        with pytest.raises(ClosedLoopError, match="reason"):
            filled.correct_fact(fact.id, value=1.0, reason=reason)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        filled.correct_fact("000000000000-1-2", value=1.0, reason="r")
    with pytest.raises(AmbiguousError):
        filled.correct_fact(fact.doc_id[:6], value=1.0, reason="r")


def test_a_correction_that_changes_nothing_writes_nothing(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    assert filled.correct_fact(fact.id, value=2.1, unit="%", reason="check") == fact
    filled.correct_fact(fact.id, value=2.3, reason="fix")
    filled.correct_fact(fact.id, value=2.3, reason="fix again")
    assert len(filled.audit()) == 1


def test_history_and_append_only_rows(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    filled.correct_fact(fact.id, value=2.3, actor="bob", reason="yearbook")
    filled.correct_fact(fact.id, unit="percentage_point", change="delta", actor="bob", reason="it is a delta")
    filled.reject_fact(fact.id, actor="carol", reason="duplicate")
    filled.restore_fact(fact.id, actor="dan", reason="not a duplicate")
    filled.revert_correction(fact.id, "unit", "change", actor="bob", reason="it was growth after all")
    history = filled.fact_history(fact.id)
    assert history.extracted == fact
    assert history.current.value == 2.3 and history.current.unit == "%"
    assert [c.action for c in history.corrections] == ["correct", "correct", "reject", "restore", "revert"]
    assert [c.fields for c in history.corrections] == [
        {"value": 2.3},
        {"value": 2.3, "unit": "percentage_point", "change": "delta"},
        {"value": 2.3, "unit": "percentage_point", "change": "delta"},
        {"value": 2.3, "unit": "percentage_point", "change": "delta"},
        {"value": 2.3},
    ]
    assert [c.rejected for c in history.corrections] == [False, False, True, False, False]
    assert [(e.actor, e.action) for e in history.audit] == [
        ("bob", "correct"),
        ("bob", "correct"),
        ("carol", "reject"),
        ("dan", "restore"),
        ("bob", "revert"),
    ]
    assert history.audit[1].before == {"unit": "%", "change": "growth"}
    assert history.audit[1].after == {"unit": "percentage_point", "change": "delta"}
    assert history.audit[4].before == {"unit": "percentage_point", "change": "delta"}
    assert history.audit[4].after == {"unit": "%", "change": "growth"}
    assert _rows(filled, FactCorrectionRow) == 5 and _rows(filled, AuditRow) == 5
    assert [e.at for e in history.audit] == sorted(e.at for e in history.audit)


def test_revert_all_makes_the_fact_plain_again(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    filled.correct_fact(fact.id, value=2.3, label="GDP", reason="r")
    assert filled.revert_correction(fact.id, reason="back") == fact
    assert type(filled.fact(fact.id)) is Fact
    with pytest.raises(ClosedLoopError, match="nothing to revert"):
        filled.revert_correction(fact.id, "value", reason="again")


def test_reject_and_restore(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    total = filled.counts()["facts"]
    filled.correct_fact(fact.id, value=2.3, reason="fix")
    rejected = filled.reject_fact(fact.id, actor="carol", reason="duplicate of the yearbook figure")
    assert isinstance(rejected, ReviewedFact) and rejected.rejected and rejected.value == 2.3
    assert fact.id not in {f.id for f in filled.facts()}
    assert filled.facts(indicator="gdp", doc=DOC_GWR) == []
    marked = filled.facts(indicator="gdp", doc=DOC_GWR, include_rejected=True)
    assert marked == [rejected]
    with pytest.raises(RejectedError, match="rejected by carol on .*: duplicate of the yearbook figure"):
        filled.fact(fact.id)
    assert filled.fact(fact.id, include_rejected=True) == rejected
    assert filled.counts()["facts"] == total - 1
    assert filled.document_info(DOC_GWR).fact_count == 3
    assert {d.name: d.fact_count for d in filled.documents()}[DOC_GWR] == 3
    assert ("gdp", "result") in filled.count_facts("indicator", "kind")
    assert filled.count_facts("doc")[DOC_GWR] == 3
    # Rejecting twice writes nothing; restoring brings the earlier correction back.
    filled.reject_fact(fact.id, reason="again")
    restored = filled.restore_fact(fact.id, reason="not a duplicate")
    assert not restored.rejected and restored.value == 2.3
    assert filled.counts()["facts"] == total
    assert [e.action for e in filled.audit()] == ["correct", "reject", "restore"]


def test_corrections_survive_reprocessing_and_reingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-extraction by a newer extractor, and a re-ingest after clearing, recreate facts with the same spans."""
    folder = tmp_path / "docs"
    paths = write_corpus(folder)
    db = tmp_path / "l.db"
    with Ledger(db) as ledger:
        assert {r.status for r in api.ingest_paths([str(folder)], ledger=ledger)} == {"added"}
        gdp = next(f for f in ledger.facts(doc="a.txt") if f.text == "5.8%")
        jobs = next(f for f in ledger.facts(doc="c.txt") if f.text == "46.2万人")
        ledger.correct_fact(gdp.id, value=5.9, reason="revised in the communiqué")
        ledger.reject_fact(jobs.id, reason="counted elsewhere")
        manual = ledger.add_manual_result(**YEARBOOK)

        monkeypatch.setattr(model, "EXTRACTOR_VERSION", "99.0.0")
        results = api.ingest_paths([], ledger=ledger, reprocess=True)
        assert sorted((Path(r.path).name, r.status) for r in results) == [
            ("a.txt", "reprocessed"),
            ("b.txt", "reprocessed"),
            ("c.txt", "reprocessed"),
        ]
        again = ledger.fact(gdp.id)
        assert ledger.document_version(again.doc_id) == "99.0.0"
        assert again.value == 5.9 and again.extracted == {"value": 5.8}
        with pytest.raises(RejectedError):
            ledger.fact(jobs.id)
        assert ledger.fact(manual.id) == manual  # the manual result was not re-extracted

        # Clearing and ingesting the files anew: same document ids, same spans.
        ledger.clear()
        api.ingest_paths([str(p) for p in paths], ledger=ledger)
        assert ledger.fact(gdp.id).value == 5.9
        assert jobs.id not in {f.id for f in ledger.facts()}
        assert ledger.orphaned_corrections() == []


def test_corrections_of_vanished_figures_are_listed(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    filled.correct_fact(fact.id, value=2.3, reason="fix")
    doc, facts = sample_gwr()
    filled.replace_facts(doc.id, [f for f in facts if f.id != fact.id], extractor_version="0.2.0")
    (orphan,) = filled.orphaned_corrections()
    assert (orphan.fact_id, orphan.fields) == (fact.id, {"value": 2.3})
    filled.replace_facts(doc.id, facts, extractor_version="0.3.0")
    assert filled.orphaned_corrections() == [] and filled.fact(fact.id).value == 2.3


def test_parse_assignment() -> None:
    assert parse_assignment("value=2,758.4") == ("value", 2758.4)
    assert parse_assignment("region=null") == ("region", None)
    assert parse_assignment("label=") == ("label", "")
    assert parse_assignment(" unit =%") == ("unit", "%")
    for bad, message in (("value", "NAME=VALUE"), ("value=abc", "number"), ("colour=red", "not a field")):
        with pytest.raises(ClosedLoopError, match=message):
            parse_assignment(bad)


# -- targets ----------------------------------------------------------------------------------------


def test_assignments_latest_wins_history_in_the_trail(filled: Ledger) -> None:
    target = _target_5_5(filled)
    filled.assign(
        target.id, owner="Provincial Development and Reform Commission", due="2022-12-31", actor="ann"
    )
    filled.assign(
        target.id, owner="Provincial Development and Reform Commission", due="2022-12-31", actor="ann"
    )
    current = filled.assign("obs:gdp:Liaoning:2023", owner="Department of Finance", due="2023-12-31")
    filled.assign(
        target.id, owner="Provincial Statistics Bureau", due="2023-03-31", actor="ben", reason="moved"
    )
    assigned = filled.assignments()
    assert list(assigned) == sorted(assigned)
    assert assigned[target.id]["owner"] == "Provincial Statistics Bureau"
    assert set(assigned[target.id]) == {"owner", "due", "actor", "at"}
    assert assigned["obs:gdp:Liaoning:2023"] == current
    trail = filled.audit(entity_id=target.id)
    assert [(e.action, e.before, e.after) for e in trail] == [
        ("assign", None, {"owner": "Provincial Development and Reform Commission", "due": "2022-12-31"}),
        (
            "assign",
            {"owner": "Provincial Development and Reform Commission", "due": "2022-12-31"},
            {"owner": "Provincial Statistics Bureau", "due": "2023-03-31"},
        ),
    ]
    filled.unassign(target.id, reason="target dropped")
    assert target.id not in filled.assignments()
    with pytest.raises(ClosedLoopError, match="not assigned"):
        filled.unassign(target.id, reason="again")


def test_overrides_latest_wins_and_clear(filled: Ledger) -> None:
    target = _target_5_5(filled)
    filled.override(target.id, status="missed", reason="2.1% against more than 5.5%", actor="ann")
    filled.override(target.id, status="no-result", reason="final figure not published", actor="ben")
    assert filled.overrides() == {
        target.id: {
            "status": "no result",
            "reason": "final figure not published",
            "actor": "ben",
            "at": filled.audit(limit=1)[0].at,
        }
    }
    filled.override(target.id, status="no result", reason="final figure not published")  # no change
    filled.clear_override(target.id, reason="the yearbook is out", actor="ann")
    assert filled.overrides() == {}
    assert [e.action for e in filled.audit(entity_id=target.id)] == ["override", "override", "clear_override"]
    with pytest.raises(ClosedLoopError, match="no override"):
        filled.clear_override(target.id, reason="again")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda led, t: led.assign(t, owner="NDRC", due="2022-12-32"), "calendar day"),
        (lambda led, t: led.assign(t, owner="NDRC", due="31/12/2022"), "YYYY-MM-DD"),
        (lambda led, t: led.assign(t, owner="NDRC", due="20221231"), "YYYY-MM-DD"),
        (lambda led, t: led.assign(t, owner=" ", due="2022-12-31"), "owner"),
        (lambda led, t: led.assign(" ", owner="NDRC", due="2022-12-31"), "no target"),
        (lambda led, t: led.override(t, status="done", reason="r"), "not one of met, missed"),
        (lambda led, t: led.override(t, status="met", reason=" "), "reason"),
        (lambda led, t: led.clear_override(t, reason=""), "reason"),
    ],
)
def test_bad_target_changes_are_refused(filled: Ledger, call: object, message: str) -> None:
    with pytest.raises(ClosedLoopError, match=message):
        call(filled, _target_5_5(filled).id)  # type: ignore[operator]
    assert filled.audit() == []


def test_fact_ids_as_targets_must_be_stored_targets(filled: Ledger) -> None:
    result = _gwr_gdp(filled)
    with pytest.raises(ClosedLoopError, match="is a result, not a target"):
        filled.assign(result.id, owner="NDRC", due="2022-12-31")
    with pytest.raises(NotFoundError):
        filled.override("0123456789ab-1-5", status="met", reason="r")
    target = _target_5_5(filled)
    filled.reject_fact(target.id, reason="not a target")
    with pytest.raises(ClosedLoopError, match="rejected"):
        filled.override(target.id, status="met", reason="r")
    filled.restore_fact(target.id, reason="it is one")
    filled.override(target.id.upper(), status="met", reason="r")  # ids are case-insensitive
    assert list(filled.overrides()) == [target.id]


def test_evaluate_reads_overrides_and_assignments(filled: Ledger) -> None:
    """The tracking stage's ``evaluate`` picks up what the closed loop recorded, by target fact id."""
    verdicts = pytest.importorskip("zhenxing.ledger.verdicts")
    target = _target_5_5(filled)
    filled.assign(target.id, owner="Provincial Development and Reform Commission", due="2022-12-31")
    filled.override(target.id, status="met", reason="the revised figure meets it", actor="ann")
    (verdict,) = [
        v
        for v in verdicts.evaluate(filled, indicator="gdp")
        if target.id in {s.fact_id for s in v.target.sources}
    ]
    assert verdict.status == "met" and verdict.override["actor"] == "ann"
    assert verdict.assignment["owner"] == "Provincial Development and Reform Commission"


# -- the trail -------------------------------------------------------------------------------------------


def test_audit_order_limit_and_filter(filled: Ledger) -> None:
    fact = _gwr_gdp(filled)
    target = _target_5_5(filled)
    filled.correct_fact(fact.id, value=2.3, reason="one")
    filled.assign(target.id, owner="NDRC", due="2022-12-31")
    filled.reject_fact(fact.id, reason="three")
    everything = filled.audit()
    assert [e.id for e in everything] == sorted(e.id for e in everything)
    assert [e.action for e in everything] == ["correct", "assign", "reject"]
    assert filled.audit(limit=2) == everything[1:]
    assert filled.audit(limit=0) == []
    assert [e.action for e in filled.audit(entity_id=fact.id)] == ["correct", "reject"]
    assert filled.audit(entity_id="nothing") == []
    assert all(ISO_UTC.match(e.at) and e.actor == "tester" for e in everything)
    assert everything[0].describe() == "value: 2.1 -> 2.3"
    assert everything[1].describe() == "owner: NDRC; due: 2022-12-31"
    record = everything[0].to_record()
    assert list(record) == [
        "id",
        "at",
        "actor",
        "action",
        "entity_type",
        "entity_id",
        "before",
        "after",
        "reason",
    ]


def test_a_failed_change_leaves_no_trace(db_path: Path, filled: Ledger) -> None:
    """The audit entry is written in the change's transaction: a change that fails writes neither."""
    fact = _gwr_gdp(filled)
    conn = sqlite3.connect(db_path)  # a trigger that makes the audit insert fail
    try:
        conn.execute(
            "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit is full'); END"
        )
        conn.commit()
    finally:
        conn.close()
    with pytest.raises(Exception, match="audit is full"):
        filled.correct_fact(fact.id, value=9.9, reason="r")
    assert _rows(filled, FactCorrectionRow) == 0 and filled.fact(fact.id) == fact
    with pytest.raises(Exception, match="audit is full"):
        filled.add_manual_result(**YEARBOOK)
    assert filled.counts()["documents"] == 2
