"""``cart-composer import``: a cURL command, a HAR file or a Postman collection as a cart file.
The secrets the import finds go to a profile's keyring entry (``--profile``), never into the
cart; what was left out is said on stderr (or in ``--json``). No Qt."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.args import count
from app.cli.common import EXIT_INVALID, EXIT_OK, EXIT_SECRETS, CliError, read_text
from app.domain import jsonfmt
from app.providers.registry import provider_keys

if TYPE_CHECKING:
    from app.cli.args import Commands
    from app.service.importing import ImportedCart

__all__ = ["add_arguments", "run"]


def add_arguments(commands: Commands) -> None:
    parser = commands.add_parser(
        "import",
        help="make a cart file from a cURL command, a HAR file or a Postman collection",
        description="Read a cURL command (as a browser's Copy as cURL or a vendor's docs write "
        "it), a HAR file or a Postman collection (v2.1) and write the cart request in it as a "
        ".cart.json. Secrets in it are never written to the cart: --profile stores them in a "
        "profile's keyring entry.",
    )
    parser.add_argument("source", metavar="FILE", help="the file to read, or - for standard input")
    parser.add_argument(
        "--provider", choices=provider_keys(), help="the API, when the URL does not say it"
    )
    parser.add_argument(
        "--entry",
        type=count(1, 1_000_000, "a request number"),
        metavar="N",
        help="which request of a HAR file, collection or snippet (1 = the first)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="CART",
        help="write the cart here (- or nothing: standard output)",
    )
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="store the secrets found in this profile's keyring entry (made from the "
        "request's URL and settings if there is none)",
    )
    parser.add_argument(
        "--json", action="store_true", help="report as JSON on standard output (see README)"
    )


def _read_body_file(name: str) -> bytes:
    from app.files import FileReadError, read_bounded
    from app.providers.document import CART_CAP

    try:
        return read_bounded(Path(name), CART_CAP, "body file")
    except FileReadError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.providers.document import dumps_cart, save_cart
    from app.service.importing import CartImportError, import_text
    from app.transport.captured import MAX_IMPORT_BYTES

    text = read_text(args.source, MAX_IMPORT_BYTES, "request file")
    try:
        imported = import_text(
            text, provider=args.provider, entry=args.entry, read_file=_read_body_file
        )
    except CartImportError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    to_stdout = args.output in (None, "-")
    if not to_stdout:
        target = Path(args.output)
        if target.exists() and not args.force:
            raise CliError(f"{target} exists; add --force to replace it.", EXIT_INVALID)
    stored: str | None = None
    code = EXIT_OK
    if args.profile:
        stored, code = _store(imported, args.profile, err)
    report = imported.summary()
    report["profile"] = stored
    if to_stdout:
        if args.json:
            report["cart"] = jsonfmt.loads(dumps_cart(imported.document))
        else:
            out.write(dumps_cart(imported.document))
    else:
        try:
            written = save_cart(imported.document, args.output)
        except (OSError, ValueError) as exc:
            raise CliError(f"The cart could not be written: {exc}", EXIT_INVALID) from None
        report["output"] = str(written)
    if args.json:
        out.write(jsonfmt.dumps(report) + "\n")
        return code
    title = imported.provider.title
    where = f" to {report['output']}" if "output" in report else ""
    print(f"Imported a {title} cart from {imported.source.label}{where}.", file=err)
    if imported.base_url:
        settings = ", ".join(f"{k} {v}" for k, v in imported.settings.items())
        print(f"Its URL: {imported.base_url}" + (f" ({settings})" if settings else ""), file=err)
    for note in imported.notes:
        print(f"Note: {note.path}: {note.message}", file=err)
    for word in imported.left_out:
        print(f"Left out: {word}", file=err)
    if imported.secrets and not args.profile:
        print(
            "The secrets were not kept; to keep them, import again with --profile NAME.", file=err
        )
    return code


def _store(imported: ImportedCart, name: str, err: TextIO) -> tuple[str | None, int]:
    """Store the import's secrets in ``name``'s keyring entry (``service.importing.keep_secrets``):
    the profile's name, or None and the exit code when they could not be kept."""
    from app.profiles import ProfileStore
    from app.secrets import SecretStoreError, open_secret_store
    from app.service.importing import CartImportError, keep_secrets

    store = open_secret_store()
    if imported.secrets and not store.persistent:
        print(f"{store.notice}\nThe secrets found were not stored.", file=err)
        return None, EXIT_SECRETS
    try:
        profile, made, stored = keep_secrets(imported, name, ProfileStore(), store)
    except CartImportError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    except SecretStoreError as exc:
        print(str(exc), file=err)
        return None, EXIT_SECRETS
    if made:
        print(f"Added profile {name} ({profile.provider}, {profile.base_url}).", file=err)
    for label in stored:
        print(f"Stored the {label} for {profile.name} ({store.backend_name}).", file=err)
    return profile.name, EXIT_OK
