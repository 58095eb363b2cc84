"""CLI commands of the serve stage: ``serve``, ``token create|list|revoke`` and ``search``.

Registered on the main app by ``zhenxing.cli`` (``cli_serve.register(app)``).
Only typer and the shared options are imported here; FastAPI, uvicorn and the
ledger are imported inside the commands, so ``zhenxing --help`` stays fast.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Annotated

import typer

from zhenxing.cli import DbOption, _console, _error, _user_errors

token_app = typer.Typer(
    name="token",
    help="Write tokens for the web API and dashboard: create (printed once), list, revoke.",
    no_args_is_help=True,
)


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Not a loopback address: reads need a token too.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    private: Annotated[
        bool | None,
        typer.Option(
            "--private/--public-reads",
            help="Whether reading needs a token too. Default: only when --host is not a loopback address.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=16, help="Server processes (each keeps its own cache).")
    ] = 1,
    max_upload_mb: Annotated[
        float, typer.Option(min=0.01, max=1024, help="Largest upload request, in MB.")
    ] = 20.0,
    db: DbOption = None,
) -> None:
    """Serve the web dashboard and the REST API over the ledger (docs at /docs) until Ctrl-C."""
    from zhenxing.serve import run
    from zhenxing.serve.settings import MB, ServeSettings, is_loopback

    with _user_errors():
        settings = ServeSettings(
            read_requires_token=(not is_loopback(host)) if private is None else private,
            max_upload_bytes=int(max_upload_mb * MB),
        )
        if not settings.read_requires_token and not is_loopback(host):
            print(
                f"warning: {host} is reachable from other machines and reads need no token", file=sys.stderr
            )
        with contextlib.suppress(KeyboardInterrupt):
            run(db, host, port, workers=workers, settings=settings)


@token_app.command("create")
def token_create(
    name: Annotated[
        str | None,
        typer.Option(
            help="Who uses it: recorded as the actor of every change made with it. Default: your user name."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Create a write token and print it once (only a salted hash is stored)."""
    from zhenxing import api
    from zhenxing.serve.auth import create_token

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        info, token = create_token(ledger, name)
    print(token)
    print(
        f"token {info.public_id} for {info.name!r}: keep it now, it is not shown again "
        "(send it as 'Authorization: Bearer <token>', or sign in with it at /signin)",
        file=sys.stderr,
    )


@token_app.command("list")
def token_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    db: DbOption = None,
) -> None:
    """List tokens (never their secrets): id, name, created, revoked."""
    from zhenxing import api
    from zhenxing.serve.auth import list_tokens

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        tokens = list_tokens(ledger)
    if as_json:
        for info in tokens:
            print(json.dumps(info.to_record(), ensure_ascii=False))
        return
    if not tokens:
        print("no tokens (create one with `zhenxing token create`)", file=sys.stderr)
        return
    from rich.table import Table

    table = Table(title=f"{len(tokens)} tokens", title_justify="left")
    for column in ("id", "name", "created", "revoked"):
        table.add_column(column, no_wrap=column != "name")
    for info in tokens:
        table.add_row(info.public_id, info.name, info.created_at[:19], (info.revoked_at or "-")[:19])
    _console().print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[
        str, typer.Argument(help="The token's id (from `zhenxing token list`), or the token itself.")
    ],
    db: DbOption = None,
) -> None:
    """Revoke a token: it stops working at once, and browsers signed in with it are signed out."""
    from zhenxing import api
    from zhenxing.serve.auth import revoke_token

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        info = revoke_token(ledger, token_id)
    print(f"revoked token {info.public_id} ({info.name})", file=sys.stderr)


def search(
    query: Annotated[
        str | None, typer.Argument(help='Words, Chinese words (就业), "phrases", prefix*.')
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Rebuild the search index from the stored texts first.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=200, help="At most this many sentences.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    db: DbOption = None,
) -> None:
    """Full-text search of every sentence of every document, Chinese and English."""
    if query is None and not rebuild:
        _error("give a QUERY, or --rebuild")
        raise typer.Exit(2)
    from zhenxing import api
    from zhenxing.ledger import search as index

    with _user_errors(), api.open_ledger(db, create=False) as ledger:
        if rebuild:
            n = index.rebuild_index(ledger)
            with ledger.engine.connect() as conn:
                counts = index.index_counts(conn)
            print(f"search index rebuilt: {n} documents, {counts['sentences']} sentences", file=sys.stderr)
        if query is None:
            return
        index.sync_index(ledger)
        with ledger.engine.connect() as conn:
            found = index.search(conn, query, limit=limit)
    if as_json:
        for hit in found.hits:
            print(json.dumps(hit.to_record(), ensure_ascii=False))
        return
    if not found.hits:
        print(f"no sentence contains {query!r}", file=sys.stderr)
        return
    from rich.text import Text

    console = _console()
    for hit in found.hits:
        line = Text(f"{hit.doc}:{hit.start}  ", style="cyan")
        sentence = Text(hit.sentence)
        for start, end in hit.highlights:
            sentence.stylize("bold reverse", start, end)
        line.append_text(sentence)
        console.print(line)
    more = "+" if found.total_capped else ""
    print(f"{len(found.hits)} of {found.total}{more} sentences", file=sys.stderr)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command(name="serve")(serve)
    app.command(name="search")(search)
    app.add_typer(token_app, name="token")
