"""``cart-composer history``: list, show, export and clear what was sent. No Qt."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from app.cli.args import count, days, output_file, row_id
from app.cli.common import EXIT_INVALID, EXIT_OK, CliError, is_stdio, write_output
from app.domain import jsonfmt
from app.providers.registry import provider_keys

if TYPE_CHECKING:
    from app.cli.args import Commands
    from app.history import HistoryStore

__all__ = ["add_arguments", "open_history", "run"]


def _filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--limit",
        type=count(1, 100_000, "a number of rows"),
        default=50,
        metavar="N",
        help="at most N rows (up to 100,000)",
    )
    parser.add_argument("--provider", choices=provider_keys(), help="only this API's entries")
    parser.add_argument("--profile", metavar="NAME", help="only this profile's entries")
    outcomes = ("pending", "succeeded", "http_error", "network_error", "cancelled", "interrupted")
    parser.add_argument(
        "--outcome", choices=outcomes, help="only entries that ended so: " + ", ".join(outcomes)
    )
    parser.add_argument("--search", metavar="TEXT", help="email, cart id, request id or body text")


def add_arguments(commands: Commands) -> None:
    history = commands.add_parser("history", help="what was sent, newest first")
    _filters(history)
    history.add_argument("--json", action="store_true", help="JSON lines instead of a table")
    actions = history.add_subparsers(dest="history_action", metavar="ACTION")
    show = actions.add_parser("show", help="one entry: request and response in full")
    show.add_argument("id", type=row_id, metavar="ID", help="the entry's number (history lists it)")
    show.add_argument(
        "--json", action="store_true", dest="show_json", help="the entry as one JSON object"
    )
    export = actions.add_parser(
        "export", help="export entries as HAR 1.2, JSON lines or a Postman collection"
    )
    target = export.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--har", type=output_file, metavar="FILE", help="HAR 1.2, oldest first (- : stdout)"
    )
    target.add_argument(
        "--jsonl", type=output_file, metavar="FILE", help="one JSON object a line (- : stdout)"
    )
    target.add_argument(
        "--postman",
        type=output_file,
        metavar="FILE",
        help="a Postman collection v2.1, secrets as {{variables}} (- : stdout)",
    )
    _filters(export)
    clear = actions.add_parser("clear", help="delete the history (or only old entries)")
    clear.add_argument("--older-than", type=days, metavar="DAYS", help="only entries older than")


def open_history(err: TextIO) -> HistoryStore | None:
    """The history store for writing, or None (said on stderr) when it cannot be opened. A
    damaged file moved aside is said too, with where it went."""
    from app.history import HistoryError, HistoryStore

    try:
        store = HistoryStore()
    except HistoryError as exc:
        print(f"The history is unavailable, so this is not recorded: {exc}", file=err)
        return None
    said_moved(store, err)
    return store


def said_moved(store: HistoryStore, err: TextIO) -> None:
    if store.recovered_from is not None:
        print(
            f"The history file was damaged; it was moved to {store.recovered_from} and a new "
            "one was started.",
            file=err,
        )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.history import HistoryError, HistoryStore

    action = args.history_action
    try:
        # Reading never writes (a read-only history reads fine); only clear opens to write.
        store = HistoryStore(read_only=action != "clear")
    except HistoryError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    said_moved(store, err)
    try:
        return _run(store, action, args, out, err)
    finally:
        store.close()


def _run(
    store: HistoryStore, action: str | None, args: argparse.Namespace, out: TextIO, err: TextIO
) -> int:
    from app.history import HistoryFilter

    if action == "show":
        entry = store.get(args.id)
        if entry is None:
            raise CliError(f"There is no history entry {args.id}.", EXIT_INVALID)
        if args.show_json:
            out.write(jsonfmt.dumps(entry.to_json()) + "\n")
        else:
            _show(entry, out)
        return EXIT_OK
    if action == "clear":
        if args.older_than is not None:
            moment = datetime.now(UTC) - timedelta(days=args.older_than)
            count = store.delete_older_than(moment.strftime("%Y-%m-%dT%H:%M:%S"))
        else:
            count = store.clear()
        print(f"Deleted {count} history entr{'y' if count == 1 else 'ies'}.", file=out)
        return EXIT_OK
    filters = HistoryFilter(
        provider=args.provider, profile=args.profile, outcome=args.outcome, text=args.search
    )
    if action == "export":
        from app.history.export import har_text, jsonl_text

        ids = [e.id for e in store.query(filters, limit=args.limit)]
        entries = [entry for entry in (store.get(i) for i in ids) if entry is not None]
        if args.postman:
            from app.cli.wiring import new_sender
            from app.profiles import ProfileStore
            from app.service.exports import postman_for_entries

            made = postman_for_entries(
                new_sender(), ProfileStore(), entries, "Cart Composer history"
            )
            text, kind, target = jsonfmt.dumps(made) + "\n", "Postman collection v2.1", args.postman
        elif args.har:
            text, kind, target = har_text(entries), "HAR 1.2", args.har
        else:
            text, kind, target = jsonl_text(entries), "JSON lines", args.jsonl
        write_output(target, text, out)
        # On standard output the export is the output: the count goes to stderr.
        said = err if is_stdio(target) else out
        where = "standard output" if is_stdio(target) else target
        print(f"Wrote {len(entries)} entries to {where} ({kind}).", file=said)
        return EXIT_OK
    rows = store.query(filters, limit=args.limit)
    if args.json:
        for entry in rows:
            out.write(jsonfmt.dumps(entry.to_json(), indent=None) + "\n")
        return EXIT_OK
    table = [("ID", "SENT (UTC)", "PROVIDER", "PROFILE", "OUTCOME", "STATUS", "EMAIL", "CART ID")]
    for entry in rows:
        table.append(
            (
                str(entry.id),
                entry.sent_at[:19].replace("T", " "),
                entry.provider,
                entry.profile,
                entry.state,
                str(entry.status or entry.error_kind or ""),
                entry.email or "",
                entry.cart_id or "",
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
    if len(table) == 1:
        # An empty answer to a search is not an empty history: say which it is.
        total = store.count() if filters != HistoryFilter() else 0
        if total == 1:
            print("(the one entry in the history does not match)", file=out)
        elif total:
            print(f"(none of the {total:,} entries in the history match)", file=out)
        else:
            print("(nothing sent yet)", file=out)
    return EXIT_OK


def _show(entry: object, out: TextIO) -> None:
    from app.history import HistoryEntry

    assert isinstance(entry, HistoryEntry)
    print(
        f"#{entry.id}  {entry.sent_at}  {entry.provider} · {entry.profile} · {entry.state}",
        file=out,
    )
    if entry.error_message:
        print(f"{entry.error_kind}: {entry.error_message}", file=out)
    print(f"\n{entry.method} {entry.url}", file=out)
    for name, value in entry.request_headers:
        print(f"{name}: {value}", file=out)
    print("", file=out)
    print(entry.request_body.decode("utf-8", errors="replace"), file=out)
    if entry.request_cut:
        print(
            f"… the first {len(entry.request_body):,} of {entry.request_size:,} bytes (the "
            "history keeps up to 2 MB of a body)",
            file=out,
        )
    if entry.status is not None:
        elapsed = f" in {entry.elapsed_ms:.0f} ms" if entry.elapsed_ms is not None else ""
        print(f"\n{entry.status} {entry.reason or ''}{elapsed}", file=out)
        for name, value in entry.response_headers:
            print(f"{name}: {value}", file=out)
        print("", file=out)
        print(entry.response_body.decode("utf-8", errors="replace"), file=out)
        size = entry.response_size or 0
        if size > len(entry.response_body):
            print(
                f"… the first {len(entry.response_body):,} of {size:,} bytes (the history "
                "keeps up to 2 MB of a body)",
                file=out,
            )
