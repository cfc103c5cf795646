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
    from app.profiles import Profile

from app.cli.args import given, option_flag, provider_fields, seconds, url, url_of
from app.cli.common import EXIT_INVALID, EXIT_OK, EXIT_SECRETS, CliError
from app.domain import jsonfmt
from app.domain.errors import TargetError
from app.providers.registry import provider_keys

__all__ = ["add_arguments", "run"]


def _short(provider_key: str, secret: str) -> str:
    """A secret's name for ``--which``: its name without the provider's prefix, dashed
    (``drip_api_key`` → ``api-key``)."""
    return secret.removeprefix(f"{provider_key}_").replace("_", "-")


def _which_choices() -> list[str]:
    from app.providers.registry import providers

    names = {_short(p.key, s.name) for p in providers().values() for s in p.secrets}
    return sorted(names)


def add_arguments(commands: Commands) -> None:
    profiles = commands.add_parser("profiles", help="list, add, remove profiles; set secrets")
    actions = profiles.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="all profiles, and where secrets are kept")
    listing.add_argument(
        "--json",
        action="store_true",
        help="a JSON object: the profiles (each secret set, missing or from the environment) "
        "and the keyring",
    )

    add = actions.add_parser("add", help="add a profile (no secrets: see set-secret)")
    add.add_argument(
        "name", metavar="NAME", help="the profile's name: lower-case letters, digits, . _ -"
    )
    add.add_argument(
        "--provider", choices=provider_keys(), required=True, help="the API the profile sends to"
    )
    add.add_argument("--title", help="the name shown in the window")
    add.add_argument("--base-url", type=url, metavar="URL", help="default: the vendor's API")
    add_setting_arguments(add)
    add.add_argument("--timeout", type=seconds, metavar="S", help="seconds (default 30)")
    add.add_argument("--replace", action="store_true", help="overwrite a profile of that name")

    remove = actions.add_parser("remove", help="remove a profile and its stored secrets")
    remove.add_argument("name", metavar="NAME", help="the profile to remove, with its secrets")

    secret = actions.add_parser(
        "set-secret", help="store a profile's secrets in the keyring (prompted, or from stdin)"
    )
    secret.add_argument("name", metavar="NAME", help="the profile whose secrets to set")
    secret.add_argument(
        "--which",
        choices=_which_choices(),
        help="only this secret (default: all the profile needs)",
    )


def add_setting_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per provider setting (``Provider.settings_model``), for every provider, with
    the old spellings (``legacy_settings``) as aliases; each is stored as ``setting_<name>``."""
    from app.providers.base import setting_choices, setting_kind, setting_words
    from app.providers.registry import providers

    aliases: dict[str, list[str]] = {}
    for provider in providers().values():
        for old, new in provider.legacy_settings.items():
            if old != new:
                aliases.setdefault(new, []).append(old)
    for name, (info, owners) in provider_fields(lambda p: p.settings_model.model_fields).items():
        names = [option_flag(name), *(option_flag(old) for old in aliases.get(name, []))]
        about = f"{info.title or name} ({', '.join(owners)})"
        dest = f"setting_{name}"
        kind = setting_kind(info)
        if kind == "bool":
            parser.add_argument(*names, dest=dest, action="store_true", default=None, help=about)
        elif kind == "choice":
            choices = [value.replace("_", "-") for value, _ in setting_choices(info)]
            parser.add_argument(*names, dest=dest, choices=choices, help=about)
        else:
            kind_type = url_of(*setting_words(info, name)) if kind == "url" else str
            metavar = "URL" if kind == "url" else name.rsplit("_", 1)[-1].upper()
            parser.add_argument(*names, dest=dest, type=kind_type, metavar=metavar, help=about)


def settings_given(args: argparse.Namespace, provider_key: str) -> dict[str, object]:
    """The provider settings the options give; one the provider has not, or a required one
    left out, is a usage error naming the option."""
    from app.providers.base import setting_kind, setting_marks
    from app.providers.registry import get_provider

    provider = get_provider(provider_key)
    fields = provider.settings_model.model_fields
    settings: dict[str, object] = {}
    for name, value in given(args, "setting_").items():
        if name not in fields:
            own = ", ".join(option_flag(n) for n in fields) or "none"
            raise CliError(
                f"{option_flag(name)} is not a setting of {provider.title} profiles "
                f"(theirs: {own}).",
                EXIT_INVALID,
            )
        kind = setting_kind(fields[name])
        settings[name] = value.replace("-", "_") if kind == "choice" else value
    for name, info in fields.items():
        if setting_marks(info).get("required") and not settings.get(name):
            raise CliError(
                f"A {provider.title} profile needs {option_flag(name)} ({info.description}).",
                EXIT_INVALID,
            )
    return settings


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.action == "list":
        return _list(out, as_json=args.json)
    if args.action == "add":
        return _add(args, out, err)
    if args.action == "remove":
        return _remove(args.name, out)
    return _set_secret(args, out, err)


def _list(out: TextIO, *, as_json: bool = False) -> int:
    from app.profiles import ProfileStore
    from app.secrets import open_secret_store
    from app.secrets.store import secret_env, secret_label

    store = open_secret_store()
    rows = [("NAME", "PROVIDER", "BASE URL", "SETTINGS", "SECRETS")]
    listed: list[dict[str, object]] = []
    for profile in ProfileStore().all():
        if profile.sandbox:
            rows.append((profile.name, profile.provider, "(embedded sandbox)", "", "built in"))
            listed.append({"name": profile.name, "provider": profile.provider, "sandbox": True})
            continue
        states = []
        secrets: dict[str, str] = {}
        for name in profile.secret_names():
            label = secret_label(name).split(" ", 1)[1]
            if os.environ.get(secret_env(name)):
                states.append(f"{label}: from ${secret_env(name)}")
                secrets[name] = "environment"
            else:
                try:
                    stored = store.get(profile.name, name) is not None
                except Exception:  # a locked keyring: say so, do not stop listing
                    stored = False
                states.append(f"{label}: {'set' if stored else 'missing'}")
                secrets[name] = "set" if stored else "missing"
        listed.append(
            {
                "name": profile.name,
                "provider": profile.provider,
                "sandbox": False,
                "title": profile.title,
                "base_url": profile.base_url,
                "settings": dict(profile.settings),
                "secrets": secrets,
            }
        )
        rows.append(
            (
                profile.name,
                profile.provider,
                profile.base_url,
                _settings_shown(profile),
                ", ".join(states),
            )
        )
    if as_json:
        keyring = {"persistent": store.persistent, "backend": store.backend_name}
        out.write(jsonfmt.dumps({"profiles": listed, "keyring": keyring}) + "\n")
        return EXIT_OK
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        print("  ".join([*cells, row[4]]).rstrip(), file=out)
    print(f"\n{store.notice}", file=out)
    return EXIT_OK


def _settings_shown(profile: Profile) -> str:
    """A profile's settings that are not URLs nor their defaults, for a list:
    ``account_id=9999999``."""
    from app.providers.base import setting_kind
    from app.providers.registry import get_provider

    fields = get_provider(profile.provider).settings_model.model_fields
    return " ".join(
        f"{name}={value}"
        for name, value in profile.settings.items()
        if name in fields and setting_kind(fields[name]) != "url" and value != fields[name].default
    )


def _add(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.profiles import ProfileError, ProfileStore, new_profile

    settings = settings_given(args, args.provider)
    try:
        profile = new_profile(
            args.name,
            args.provider,
            title=args.title,
            base_url=args.base_url,
            timeout=args.timeout,
            **settings,
        )
    except ProfileError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    try:
        profile.check_urls()
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
    names = list(profile.secret_names())
    if args.which:
        from app.providers.registry import get_provider

        provider = get_provider(profile.provider)
        own = {_short(provider.key, s.name): s.name for s in provider.secrets}
        if args.which not in own:
            theirs = ", ".join(own) or "none"
            raise CliError(
                f"--which {args.which} is not a secret of {provider.title} profiles "
                f"(theirs: {theirs}).",
                EXIT_INVALID,
            )
        names = [own[args.which]]
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
