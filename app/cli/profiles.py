"""``cart-composer profiles list|add|remove|set-secret``. Secrets are read from a prompt that
does not echo, or from standard input, never from the command line. No Qt."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from app.cli.args import Commands

from app.cli.args import seconds, url
from app.cli.common import EXIT_INVALID, EXIT_OK, EXIT_SECRETS, CliError
from app.domain.errors import TargetError
from app.providers.registry import provider_keys

__all__ = ["add_arguments", "run"]

_WHICH = {
    "api-key": "drip_api_key",
    "access-token": "drip_access_token",
    "client-id": "bronto_client_id",
    "client-secret": "bronto_client_secret",
}


def add_arguments(commands: Commands) -> None:
    profiles = commands.add_parser("profiles", help="list, add, remove profiles; set secrets")
    actions = profiles.add_subparsers(dest="action", metavar="ACTION", required=True)

    actions.add_parser("list", help="all profiles, and where secrets are kept")

    add = actions.add_parser("add", help="add a profile (no secrets: see set-secret)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--provider", choices=provider_keys(), required=True)
    add.add_argument("--title", help="the name shown in the window")
    add.add_argument("--base-url", type=url, metavar="URL", help="default: the vendor's API")
    add.add_argument("--token-url", type=url, metavar="URL", help="Bronto's OAuth2 token URL")
    add.add_argument("--account-id", metavar="ID", help="Drip account id (required for Drip)")
    add.add_argument("--drip-auth", choices=("api-key", "oauth"), default="api-key")
    add.add_argument("--create-contact", action="store_true", help="Bronto default")
    add.add_argument("--ignore-invalid-tid", action="store_true", help="Bronto default")
    add.add_argument("--timeout", type=seconds, metavar="S", help="seconds (default 30)")
    add.add_argument("--replace", action="store_true", help="overwrite a profile of that name")

    remove = actions.add_parser("remove", help="remove a profile and its stored secrets")
    remove.add_argument("name", metavar="NAME")

    secret = actions.add_parser(
        "set-secret", help="store a profile's secrets in the keyring (prompted, or from stdin)"
    )
    secret.add_argument("name", metavar="NAME")
    secret.add_argument(
        "--which", choices=sorted(_WHICH), help="only this secret (default: all the profile needs)"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.action == "list":
        return _list(out)
    if args.action == "add":
        return _add(args, out, err)
    if args.action == "remove":
        return _remove(args.name, out)
    return _set_secret(args, out, err)


def _list(out: TextIO) -> int:
    from app.profiles import ProfileStore
    from app.secrets import open_secret_store
    from app.secrets.store import secret_env, secret_label

    store = open_secret_store()
    rows = [("NAME", "PROVIDER", "BASE URL", "ACCOUNT", "SECRETS")]
    for profile in ProfileStore().all():
        if profile.sandbox:
            rows.append((profile.name, profile.provider, "(embedded sandbox)", "", "built in"))
            continue
        states = []
        for name in profile.secret_names():
            label = secret_label(name).split(" ", 1)[1]
            if os.environ.get(secret_env(name)):
                states.append(f"{label}: from ${secret_env(name)}")
            else:
                try:
                    stored = store.get(profile.name, name) is not None
                except Exception:  # a locked keyring: say so, do not stop listing
                    stored = False
                states.append(f"{label}: {'set' if stored else 'missing'}")
        rows.append(
            (
                profile.name,
                profile.provider,
                profile.base_url,
                profile.account_id,
                ", ".join(states),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        print("  ".join([*cells, row[4]]).rstrip(), file=out)
    print(f"\n{store.notice}", file=out)
    return EXIT_OK


def _add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.profiles import ProfileError, ProfileStore, new_profile
    from app.providers import Target

    if args.provider == "drip" and not args.account_id:
        raise CliError(
            "A Drip profile needs --account-id (the number in Drip's URLs).", EXIT_INVALID
        )
    try:
        profile = new_profile(
            args.name,
            args.provider,
            title=args.title,
            base_url=args.base_url,
            token_url=args.token_url,
            account_id=args.account_id,
            drip_auth=args.drip_auth.replace("-", "_"),
            create_contact=args.create_contact or None,
            ignore_invalid_tid=args.ignore_invalid_tid or None,
            timeout=args.timeout,
        )
    except ProfileError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    try:
        Target(profile.base_url, profile.account_id or "0").checked_base()
        if profile.provider == "bronto":
            Target(profile.token_url).checked_base()
    except TargetError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    try:
        ProfileStore().add(profile, replace=args.replace)
    except ProfileError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    print(f"Added profile {profile.name} ({profile.provider}, {profile.base_url}).", file=out)
    for warning in profile.cleartext_warnings():
        print(f"Warning: {warning}", file=err)
    needed = " and ".join(n.replace("_", " ") for n in profile.secret_names())
    print(
        f"Next: cart-composer profiles set-secret {profile.name}   (asks for the {needed})",
        file=out,
    )
    return EXIT_OK


def _remove(name: str, out: TextIO) -> int:
    from app.profiles import ProfileError, ProfileStore
    from app.secrets import SecretStoreError, open_secret_store

    try:
        ProfileStore().remove(name)
    except ProfileError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    try:
        open_secret_store().delete_profile(name)
    except SecretStoreError as exc:
        print(f"Removed profile {name}; its secrets could not be deleted: {exc}", file=out)
        return EXIT_SECRETS
    print(f"Removed profile {name} and its stored secrets.", file=out)
    return EXIT_OK


def _read_secret(label: str, profile: str) -> str:
    if sys.stdin.isatty():
        value = getpass.getpass(f"{label} for {profile} (not shown): ")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    return value.strip()


def _set_secret(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.profiles import ProfileError, ProfileStore
    from app.secrets import SecretStoreError, open_secret_store
    from app.secrets.store import secret_env, secret_label

    try:
        profile = ProfileStore().get(args.name)
    except ProfileError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    if profile.sandbox:
        raise CliError(
            f"{profile.name} uses the sandbox's fixed credentials; it needs no secrets.",
            EXIT_INVALID,
        )
    names = [_WHICH[args.which]] if args.which else list(profile.secret_names())
    store = open_secret_store()
    if not store.persistent:
        variables = " ".join(secret_env(n) for n in names)
        print(
            f"{store.notice}\nA secret stored now would be gone when this command ends; "
            f"set {variables} in the environment instead.",
            file=err,
        )
        return EXIT_SECRETS
    for name in names:
        value = _read_secret(secret_label(name), profile.name)
        if not value:
            raise CliError(f"No {secret_label(name)} was given; nothing stored.", EXIT_INVALID)
        try:
            store.set(profile.name, name, value)
        except SecretStoreError as exc:
            print(str(exc), file=err)
            return EXIT_SECRETS
        print(
            f"Stored the {secret_label(name)} for {profile.name} ({store.backend_name}).", file=out
        )
    return EXIT_OK
