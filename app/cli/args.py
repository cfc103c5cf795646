"""Argument types: every value the command line takes is checked by argparse, before anything
is read, written or sent, and a bad one is one line on stderr and exit 2 — never a traceback,
never a history row for a request that could not leave."""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

__all__ = [
    "MAX_SECONDS",
    "Parser",
    "add_sandbox_mode",
    "count",
    "days",
    "given",
    "option_flag",
    "output_file",
    "port",
    "provider_fields",
    "row_id",
    "sandbox_mode",
    "sandbox_mode_help",
    "seconds",
    "seconds_of_life",
    "speed",
    "url",
    "utf8_streams",
]

MAX_SECONDS = 600.0  # the longest a profile may wait, too
_MAX_ROW = 2**63 - 1  # SQLite's largest integer


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are one line: ``cart-composer send: --timeout: …``."""

    def error(self, message: str) -> NoReturn:
        said = message.removeprefix("argument ")
        self.exit(2, f"{self.prog}: {said} (see {self.prog} --help)\n")


if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from app.domain.sandbox_marks import SandboxMode
    from app.providers.base import Provider

    Commands = argparse._SubParsersAction[Parser]  # the sub-command table add_parser is on


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    return value


def seconds(text: str) -> float:
    """A timeout: more than 0, at most ``MAX_SECONDS``, a real number (not nan or inf)."""
    value = _number(text)
    if not math.isfinite(value) or not 0 < value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds more than 0 and at most {MAX_SECONDS:g} (got {text})"
        )
    return value


def seconds_of_life(text: str) -> float:
    """A sandbox token's lifetime: more than 0, at most a year."""
    value = _number(text)
    if not math.isfinite(value) or not 0 < value <= 365 * 86400:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds more than 0 and at most a year (got {text})"
        )
    return value


def speed(text: str) -> float:
    """How much faster than real time: more than 0; ``inf`` skips the waits."""
    value = _number(text)
    if math.isnan(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be more than 0: 1 is real time, 60 makes a minute a second, inf skips the "
            f"waits (got {text})"
        )
    return value


def count(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    """An integer from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be {what} from {low:,} to {high:,} (got {text[:40]})"
            )
        return value

    parse.__name__ = what  # argparse names the type in its messages
    return parse


row_id = count(1, _MAX_ROW, "a history entry number")
days = count(0, 36500, "a number of days")
port = count(0, 65535, "a port number (0 = any free one)")


def sandbox_mode(text: str) -> SandboxMode:
    """``real``, ``explain``, ``strict`` or ``explain+strict``: how the built-in sandbox
    answers."""
    from app.domain.sandbox_marks import SandboxMode

    try:
        return SandboxMode.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def option_flag(name: str) -> str:
    """A model field's name as an option: ``createContact`` → ``--create-contact``,
    ``account_id`` → ``--account-id``."""
    return "--" + re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name).replace("_", "-").lower()


def given(args: argparse.Namespace, prefix: str) -> dict[str, Any]:
    """The options stored under ``<prefix><name>`` that were given (not None), by name."""
    return {
        dest.removeprefix(prefix): value
        for dest, value in vars(args).items()
        if dest.startswith(prefix) and value is not None
    }


def provider_fields(
    fields_of: Callable[[Provider], Mapping[str, FieldInfo]],
) -> dict[str, tuple[FieldInfo, list[str]]]:
    """Every field ``fields_of`` finds in any provider (its settings, its options), by name:
    the first provider's declaration of it and the titles of all that have it — one option
    serves them all."""
    from app.providers.registry import providers

    found: dict[str, tuple[FieldInfo, list[str]]] = {}
    for provider in providers().values():
        for name, info in fields_of(provider).items():
            found.setdefault(name, (info, []))[1].append(provider.title)
    return found


def sandbox_mode_help() -> str:
    """``--sandbox``'s help, from what each emulated provider says of its modes."""
    from app.providers.registry import sandbox_mode_notes

    real = "; ".join(f"{title}: {note}" for title, note in sandbox_mode_notes("real"))
    strict = [title for title, _ in sandbox_mode_notes("strict")]
    stricter = f" ({', '.join(strict)})" if strict else ""
    return (
        "how the built-in sandbox answers: real (default: as the services most likely do — "
        f"{real}), explain (refusals field by field, in the sandbox's words), strict (refuse "
        f"what the service most likely lets through{stricter}), or explain+strict"
    )


def add_seed(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seed",
        type=count(0, 2**63 - 1, "a seed"),
        metavar="N",
        help="sample carts from this seed: the same N gives the same ids, emails and items",
    )


def add_sandbox_mode(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sandbox",
        type=sandbox_mode,
        dest="sandbox_mode",
        metavar="MODE",
        help=sandbox_mode_help(),
    )


def url_of(what: str = "base URL", example: str = "") -> Callable[[str], str]:
    """A check of an absolute http(s) URL with a host a lookup can take and a port in range (no
    query or fragment): the one every base URL gets (``Target.checked_base``), made before
    anything happens; ``what`` and ``example`` are its words ("token URL")."""

    def check(text: str) -> str:
        from app.domain.errors import TargetError
        from app.providers.base import Target

        try:
            Target(text).checked_base(example, what)
        except TargetError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text.strip()

    return check


url = url_of()


def output_file(text: str) -> Path:
    """A file to write: its folder exists and can be written, and it is not a folder itself.
    Checked before anything is written (or read from the history). ``-`` is standard output."""
    if text == "-":
        return Path("-")
    path = Path(text).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a folder; give a file name in it")
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"the folder {folder} does not exist")
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        raise argparse.ArgumentTypeError(f"{target} cannot be written (permission denied)")
    if path.exists() and not path.is_file():
        raise argparse.ArgumentTypeError(f"{text} is not a regular file")
    return path


def utf8_streams() -> None:
    """Standard output and error in UTF-8 whatever the console's encoding (a Windows
    redirect, PYTHONIOENCODING=cp1252): the command's text must not fail halfway through a
    journey that is already sending."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if reconfigure is not None and encoding != "utf8":
            reconfigure(encoding="utf-8", errors="replace")
