"""CLI commands of the closed loop; registered on the main app by ``zhenxing.cli``.

``add-result``, ``correct``, ``reject``, ``restore``, ``assign``, ``override``
and ``audit`` are thin shells over the ``Ledger`` methods of
``zhenxing.ledger.closed_loop``. Every option a person must give is checked
here or by the ledger, not by typer, so that a missing ``--reason`` or a bad
``--due`` is one ``error:`` line and exit status 1, like every other bad input.

This module is imported by ``zhenxing.cli`` after its shared options are
defined (import ``zhenxing.cli``, not this module, first). Like ``cli.py`` it
imports only typer at the top, so ``zhenxing --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from zhenxing.cli import DbOption, _console, _user_errors

if TYPE_CHECKING:  # pragma: no cover
    from zhenxing.ledger.store import Ledger
    from zhenxing.model import Fact


class AuditFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"


ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who makes the change (default: $ZHENXING_USER, else your user name).",
        show_default=False,
    ),
]
ReasonOption = Annotated[
    str | None, typer.Option("--reason", help="Why; kept in the audit trail.", show_default=False)
]
FactArgument = Annotated[
    str | None,
    typer.Argument(metavar="FACT", help="A fact id (or a prefix only one fact has).", show_default=False),
]
TargetArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="TARGET",
        help="A target key (from the tracking commands) or the id of a target fact.",
        show_default=False,
    ),
]


def _last_audit_id(ledger: Ledger) -> int:
    """The newest audit entry's id: a command wrote something exactly when it changes."""
    newest = ledger.audit(limit=1)
    return newest[0].id if newest else 0


def _need(value: str | None, message: str) -> str:
    from zhenxing.ledger.closed_loop import ClosedLoopError

    if value is None or not value.strip():
        raise ClosedLoopError(message)
    return value


def _figure(fact: Fact) -> str:
    from zhenxing.formats import format_value

    return format_value(fact.value, fact.unit, fact.comparator)


def _show(name: str, value: Any) -> str:
    from zhenxing.formats import plain_number

    if value is None:
        return "null"
    if name == "value":
        return str(plain_number(value))
    return str(value)


# -- commands -----------------------------------------------------------------------------


def add_result(
    indicator: Annotated[str | None, typer.Option(help="Indicator id of the taxonomy, e.g. gdp.")] = None,
    region: Annotated[str | None, typer.Option(help="Region, e.g. Liaoning or 辽宁.")] = None,
    period: Annotated[str | None, typer.Option(help="Period: 2022, 2022-H1, 2022-Q3, 2022-06 ...")] = None,
    value: Annotated[
        str | None,
        typer.Option(help="The figure in base units: 2.1 for 2.1%, 2758400000000 for 2.7584 trillion."),
    ] = None,
    unit: Annotated[
        str | None, typer.Option(help="Canonical unit: %, CNY, people, t ... (none for a bare number).")
    ] = None,
    change: Annotated[str, typer.Option(help="level, growth or delta.")] = "level",
    comparator: Annotated[str, typer.Option(help="=, >, >=, <, <= or ~.")] = "=",
    label: Annotated[str | None, typer.Option(help="The indicator as the source words it.")] = None,
    source: Annotated[
        str | None,
        typer.Option(help="Where the figure is stated: 'Liaoning Statistical Yearbook 2023, p. 12'."),
    ] = None,
    source_date: Annotated[
        str | None, typer.Option("--source-date", help="Date of the source: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    by: ByOption = None,
    reason: ReasonOption = None,
    db: DbOption = None,
) -> None:
    """Add a result by hand, with its source (stored as a one-sentence document that cites it)."""
    from zhenxing import api
    from zhenxing.ledger.closed_loop import manual_document, parse_field

    with _user_errors():
        number = parse_field("value", _need(value, "a result needs --value"))
        fields = dict(
            indicator=indicator,
            region=region,
            period=period,
            value=number,
            unit=unit,
            change=change,
            comparator=comparator,
            label=label,
            source=source,
            source_date=source_date,
        )
        doc, _ = manual_document(**fields)  # type: ignore[arg-type]
        with api.open_ledger(db) as ledger:
            existed = ledger.document_version(doc.id) is not None
            fact = ledger.add_manual_result(**fields, actor=by, reason=reason)  # type: ignore[arg-type]
    print(f"{'unchanged' if existed else 'added':<9}  {fact.id}  {fact.quote}")


def correct(
    fact_id: FactArgument = None,
    field: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            metavar="NAME=VALUE",
            help="A corrected field: value, unit, comparator, indicator, label, period, region, kind, change "
            "(null for none). Repeat for several.",
            show_default=False,
        ),
    ] = None,
    revert: Annotated[
        list[str] | None,
        typer.Option(
            "--revert",
            metavar="NAME",
            help="Drop the correction of this field (the extracted value applies again); 'all' for every field.",
            show_default=False,
        ),
    ] = None,
    reason: ReasonOption = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Correct fields of an extracted fact; the correction survives re-extraction."""
    from zhenxing import api
    from zhenxing.ledger.closed_loop import ClosedLoopError, parse_assignment

    with _user_errors():
        fid = _need(fact_id, "give the FACT to correct")
        if field and revert:
            raise ClosedLoopError("give --field or --revert, not both")
        if not field and not revert:
            raise ClosedLoopError("give at least one --field NAME=VALUE (or --revert NAME)")
        changes = dict(parse_assignment(item) for item in field or [])
        _need(reason, "a correction needs a reason (--reason)")
        names = [n.strip() for n in revert or []]
        every = names == ["all"]
        with api.open_ledger(db, create=False) as ledger:
            before = ledger.fact(fid, include_rejected=True)
            mark = _last_audit_id(ledger)
            if revert:
                if every:
                    names = list(getattr(before, "extracted", {}))
                after = ledger.revert_correction(
                    before.id, *([] if every else names), actor=by, reason=reason or ""
                )
            else:
                after = ledger.correct_fact(before.id, actor=by, reason=reason or "", **changes)
            wrote = _last_audit_id(ledger) != mark
    if not wrote:
        print(f"unchanged  {after.id}  (already so)")
        return
    extracted = getattr(after, "extracted", {})
    for name in names if revert else list(changes):
        old, new = getattr(before, name), getattr(after, name)
        if old == new and not revert:
            continue
        note = f"  (extracted: {_show(name, extracted[name])})" if name in extracted else "  (as extracted)"
        verb = "reverted" if revert else "corrected"
        print(f"{verb:<9}  {after.id}  {name}: {_show(name, old)} -> {_show(name, new)}{note}")


def reject(
    fact_id: FactArgument = None,
    reason: ReasonOption = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Reject a wrongly extracted fact: queries leave it out until it is restored."""
    _set_rejected(fact_id, reason, by, db, rejected=True)


def restore(
    fact_id: FactArgument = None,
    reason: ReasonOption = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Bring back a rejected fact."""
    _set_rejected(fact_id, reason, by, db, rejected=False)


def _set_rejected(
    fact_id: str | None, reason: str | None, by: str | None, db: str | None, *, rejected: bool
) -> None:
    from zhenxing import api

    verb = "reject" if rejected else "restore"
    with _user_errors():
        fid = _need(fact_id, f"give the FACT to {verb}")
        _need(reason, f"a {'rejection' if rejected else 'restore'} needs a reason (--reason)")
        with api.open_ledger(db, create=False) as ledger:
            fact = ledger.fact(fid, include_rejected=True)
            mark = _last_audit_id(ledger)
            method = ledger.reject_fact if rejected else ledger.restore_fact
            fact = method(fact.id, actor=by, reason=reason or "")
            wrote = _last_audit_id(ledger) != mark
    if wrote:
        print(
            f"{'rejected' if rejected else 'restored':<9}  {fact.id}  {_figure(fact)}  {fact.indicator or fact.label}  ({reason})"
        )
    else:
        print(f"unchanged  {fact.id}  (already {'rejected' if rejected else 'in the ledger'})")


def assign(
    target: TargetArgument = None,
    owner: Annotated[
        str | None, typer.Option(help="Who delivers it, e.g. 'Provincial Development and Reform Commission'.")
    ] = None,
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD.")] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Withdraw the current assignment (needs --reason).")
    ] = False,
    reason: ReasonOption = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Give a target an owner (a department) and a due date."""
    from zhenxing import api
    from zhenxing.ledger.closed_loop import ClosedLoopError

    with _user_errors():
        key = _need(target, "give the TARGET to assign (a target key or a target fact id)")
        if clear and (owner or due):
            raise ClosedLoopError("--clear takes no --owner or --due")
        if not clear:
            _need(owner, "an assignment needs --owner")
            _need(due, "an assignment needs --due YYYY-MM-DD")
        with api.open_ledger(db, create=False) as ledger:
            mark = _last_audit_id(ledger)
            if clear:
                ledger.unassign(key, actor=by, reason=reason or "")
            else:
                current = ledger.assign(key, owner=owner or "", due=due or "", actor=by, reason=reason)
            wrote = _last_audit_id(ledger) != mark
            entity = ledger.audit(limit=1)[0].entity_id if wrote else key
    if clear:
        print(f"unassigned  {entity}")
    elif wrote:
        print(f"assigned   {entity}  owner: {current['owner']}; due: {current['due']}")
    else:
        print(f"unchanged  {entity}  (already assigned to {current['owner']}, due {current['due']})")


def override(
    target: TargetArgument = None,
    status: Annotated[str | None, typer.Option(help="met, missed, pending or 'no result'.")] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Withdraw the override: the computed verdict applies again.")
    ] = False,
    reason: ReasonOption = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Set a target's verdict by hand, with the reason."""
    from zhenxing import api
    from zhenxing.ledger.closed_loop import ClosedLoopError

    with _user_errors():
        key = _need(target, "give the TARGET whose verdict to override")
        if clear and status:
            raise ClosedLoopError("--clear takes no --status")
        if not clear:
            _need(status, "an override needs --status (met, missed, pending or 'no result')")
        _need(reason, f"{'clearing an override' if clear else 'an override'} needs a reason (--reason)")
        with api.open_ledger(db, create=False) as ledger:
            mark = _last_audit_id(ledger)
            if clear:
                ledger.clear_override(key, actor=by, reason=reason or "")
            else:
                current = ledger.override(key, status=status or "", actor=by, reason=reason or "")
            wrote = _last_audit_id(ledger) != mark
            entity = ledger.audit(limit=1)[0].entity_id if wrote else key
    if clear:
        print(f"cleared    {entity}  (the computed verdict applies)")
    elif wrote:
        print(f"override   {entity}  {current['status']}  ({current['reason']})")
    else:
        print(f"unchanged  {entity}  (already {current['status']} for this reason)")


def audit(
    entity: Annotated[
        str | None, typer.Option("--entity", help="Only this fact id or target key.", show_default=False)
    ] = None,
    limit: Annotated[int | None, typer.Option(min=0, help="Only the newest N entries.")] = None,
    output_format: Annotated[
        AuditFormat, typer.Option("--format", "-f", help="Output format.")
    ] = AuditFormat.table,
    db: DbOption = None,
) -> None:
    """Show the audit trail: who changed what, when and why (oldest first)."""
    import json

    from zhenxing import api
    from zhenxing.ledger.closed_loop import FACT_ID

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        entries = ledger.audit(entity_id=entity, limit=limit)
        if entity and not entries and not FACT_ID.match(entity.strip()):
            try:  # a prefix of a fact id, as `show` takes
                entries = ledger.audit(entity_id=ledger.fact(entity, include_rejected=True).id, limit=limit)
            except Exception:  # not a fact either: nothing to show
                entries = []
    if output_format is AuditFormat.jsonl:
        for entry in entries:
            print(json.dumps(entry.to_record(), ensure_ascii=False))
        return
    if not entries:
        print("no audit entries", file=sys.stderr)
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(entries)} audit entr{'y' if len(entries) == 1 else 'ies'}")
    table.add_column("#", justify="right", style="dim")
    table.add_column("at (UTC)", no_wrap=True)
    table.add_column("by", max_width=20, overflow="fold")
    table.add_column("action", no_wrap=True)
    table.add_column("entity", overflow="fold", max_width=40)
    table.add_column("change", overflow="fold", max_width=60)
    table.add_column("reason", overflow="fold", max_width=40)
    for e in entries:
        table.add_row(
            Text(str(e.id)),
            Text(e.at[:19].replace("T", " ")),
            Text(e.actor),
            Text(e.action),
            Text(e.entity_id),
            Text(e.describe()),
            Text(e.reason or ""),
        )
    _console().print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(name="add-result")(add_result)
    app.command(name="correct")(correct)
    app.command(name="reject")(reject)
    app.command(name="restore")(restore)
    app.command(name="assign")(assign)
    app.command(name="override")(override)
    app.command(name="audit")(audit)
