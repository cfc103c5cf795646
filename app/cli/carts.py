"""The cart commands: validate, payload, preview, curl, send. No Qt."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app.cli.args import (
    add_sandbox_mode,
    given,
    option_flag,
    output_file,
    provider_fields,
    seconds,
    url,
    url_of,
)
from app.cli.common import (
    EXIT_HTTP,
    EXIT_INVALID,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_SECRETS,
    STANDALONE_SANDBOX,
    CliError,
    is_stdio,
    write_output,
)
from app.domain import jsonfmt
from app.domain.errors import CartComposerError, CartFileError
from app.domain.rules import spoken_list
from app.providers import (
    CartDocument,
    LoadedCart,
    OutgoingRequest,
    Provider,
    get_provider,
    loads_cart,
    providers,
)
from app.providers.document import is_cart_document
from app.providers.registry import provider_keys

if TYPE_CHECKING:
    from app.cli.args import Commands
    from app.domain.validation import Validation
    from app.profiles import Profile
    from app.service.sender import Overrides, Sender
    from app.transport.result import SendResult

__all__ = [
    "act",
    "add_arguments",
    "curl",
    "load_input",
    "payload",
    "preview",
    "send",
    "validate",
]


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("cart", type=Path, metavar="CART", help=".cart.json file or bare payload")
    parser.add_argument(
        "--provider", choices=provider_keys(), help="the API of a bare payload file"
    )
    parser.add_argument("--profile", metavar="NAME", help="default: the provider's sandbox")
    parser.add_argument(
        "--base-url", type=url, metavar="URL", help="override the profile's base URL"
    )
    add_setting_overrides(parser)
    add_option_flags(parser)
    parser.add_argument(
        "--timeout", type=seconds, metavar="S", help="seconds to wait for an answer (at most 600)"
    )
    add_sandbox_mode(parser)


def add_setting_overrides(parser: argparse.ArgumentParser) -> None:
    """``--auth-url`` and ``--account-id``: the profile settings a send may override (a URL
    setting, and an id a path names), for every provider that has them."""
    from app.providers.base import setting_kind, setting_words

    for name, (info, owners) in provider_fields(lambda p: p.settings_model.model_fields).items():
        if name not in _OVERRIDABLE:
            continue
        flag, metavar = _OVERRIDABLE[name]
        parser.add_argument(
            flag,
            dest=f"setting_{name}",
            type=url_of(*setting_words(info, name)) if setting_kind(info) == "url" else str,
            metavar=metavar,
            help=f"override the profile's {setting_words(info, name)[0]} ({spoken_list(owners)})",
        )


# The settings a command line may override, by the options users know them by.
_OVERRIDABLE = {"token_url": ("--auth-url", "URL"), "account_id": ("--account-id", "ID")}


def add_option_flags(parser: argparse.ArgumentParser) -> None:
    """A flag for every true/false request option of every provider (``--create-contact``);
    a flag the cart's provider has not is ignored."""
    options = provider_fields(lambda p: p.options_model.model_fields if p.options_model else {})
    for name, (info, owners) in options.items():
        if info.annotation is not bool:
            continue
        parser.add_argument(
            option_flag(name),
            dest=f"option_{name}",
            action="store_true",
            help=f"{info.title or name} ({' and '.join(owners)}: {name}=true)",
        )


def options_given(args: argparse.Namespace, provider: Provider) -> dict[str, bool]:
    """The request options the flags set that ``provider`` has."""
    fields = provider.options_model.model_fields if provider.options_model else {}
    return {name: True for name, on in given(args, "option_").items() if on and name in fields}


def target_overrides(
    args: argparse.Namespace, profile: Profile | None, options: dict[str, bool] | None = None
) -> Overrides:
    """What the command line sets on top of a profile (``--base-url``, ``--auth-url``,
    ``--account-id``, ``--timeout``, ``--sandbox``). ``--sandbox`` says how the built-in sandbox
    answers: refused with anything else as the target (a user profile, a ``--base-url``)."""
    from app.service.sender import Overrides

    overrides = Overrides(
        base_url=args.base_url,
        settings=given(args, "setting_"),
        timeout=getattr(args, "timeout", None),
        options=options or {},
        sandbox_mode=args.sandbox_mode,
    )
    elsewhere = overrides.base_url or (profile is not None and not profile.sandbox)
    if overrides.sandbox_mode is not None and elsewhere:
        raise CliError(
            f"--sandbox {overrides.sandbox_mode.label} applies only to the built-in sandbox "
            "(a sandbox profile, without --base-url).",
            EXIT_INVALID,
        )
    return overrides


def add_arguments(commands: Commands) -> None:
    validate_cmd = commands.add_parser("validate", help="check cart files against the API rules")
    validate_cmd.add_argument(
        "carts",
        nargs="+",
        type=Path,
        metavar="CART",
        help=".cart.json files or bare payloads (-: stdin)",
    )
    validate_cmd.add_argument(
        "--provider", choices=provider_keys(), help="the API of bare payload files"
    )
    validate_cmd.add_argument(
        "--json", action="store_true", help="a JSON list: each cart's problems, warnings, notes"
    )

    payload_cmd = commands.add_parser("payload", help="print the exact JSON body of a cart")
    payload_cmd.add_argument(
        "cart", type=Path, metavar="CART", help=".cart.json file or bare payload (-: stdin)"
    )
    payload_cmd.add_argument(
        "--provider", choices=provider_keys(), help="the API of a bare payload file"
    )

    preview_cmd = commands.add_parser(
        "preview", help="print the exact request Send would make (secrets masked)"
    )
    add_target_arguments(preview_cmd)

    curl_cmd = commands.add_parser("curl", help="print a cURL command for the request")
    add_target_arguments(curl_cmd)
    curl_cmd.add_argument(
        "--reveal-secrets", action="store_true", help="write the secrets into the command"
    )
    curl_cmd.add_argument(
        "--powershell",
        action="store_true",
        help="a PowerShell script (Invoke-RestMethod) instead of a POSIX shell's curl",
    )

    schema_cmd = commands.add_parser(
        "schema",
        help="print the JSON Schema of a provider's payload (what the app accepts)",
        description="A JSON Schema (2020-12) generated from the provider's models: money as "
        "numbers, optional fields absent rather than null. Rules between fields are validate's.",
    )
    schema_cmd.add_argument(
        "provider", choices=provider_keys(), metavar="PROVIDER", help=", ".join(provider_keys())
    )
    schema_cmd.add_argument(
        "-o", "--output", type=output_file, metavar="FILE", help="write here (default: stdout)"
    )

    postman_cmd = commands.add_parser(
        "postman",
        help="write a Postman collection (v2.1) of carts, secrets as {{variables}}",
    )
    postman_cmd.add_argument(
        "carts", nargs="+", type=Path, metavar="CART", help=".cart.json files (- : standard input)"
    )
    postman_cmd.add_argument(
        "--provider", choices=provider_keys(), help="the API of bare payload files"
    )
    postman_cmd.add_argument("--profile", metavar="NAME", help="default: each cart's sandbox")
    postman_cmd.add_argument(
        "-o", "--output", type=output_file, metavar="FILE", help="write here (default: stdout)"
    )
    postman_cmd.add_argument("--name", default="Cart Composer carts", help="the collection's name")

    send_cmd = commands.add_parser("send", help="send a cart and print the answer")
    add_target_arguments(send_cmd)
    send_cmd.add_argument(
        "--retry", action="store_true", help="retry 429/503 (honouring Retry-After) and refusals"
    )
    send_cmd.add_argument("--json", action="store_true", help="print the full result as JSON")
    send_cmd.add_argument(
        "--no-validate",
        action="store_true",
        help="send even if the cart breaks the API's rules (to see the server's own errors)",
    )

    for provider in providers().values():
        if provider.actions:
            add_action_command(commands, provider)


def add_action_command(commands: Commands, provider: Provider) -> None:
    """``cart-composer <provider> ACTION``: the provider's cart actions (providers/actions.py)
    on a cart it already has, one command per provider that declares any."""
    name = provider.action_id_name
    keys = [action.key for action in provider.actions]
    keyed = {field: action for action in provider.actions for field in action.query.values()}
    sends = [a.key for a in provider.actions if a.sends_cart]
    parts = [f"Act on a cart {provider.title} already has."]
    parts.append(
        f"Actions keyed by the {name} ({provider.send_title}'s answer, shown by `send`) take "
        f"--cart-id; {', '.join(sends) or 'none'} send CART"
    )
    if keyed:
        parts[-1] += "; " + ", ".join(
            f"{a.key} looks up CART's {field} (or {option_flag(field)})"
            for field, a in keyed.items()
        )
    parts[-1] += "."
    parts.append(
        "The sandbox profile's embedded sandbox lives only as long as one command: to act on a "
        "cart across commands, run `cart-composer sandbox` and pass --base-url "
        "http://127.0.0.1:8765 (its settings follow)."
    )
    command = commands.add_parser(
        provider.key,
        help=f"{provider.title} cart actions after {provider.send_title}: {', '.join(keys)}",
        description=" ".join(parts),
    )
    command.set_defaults(action_provider=provider.key)
    command.add_argument("action", choices=keys, help=", ".join(keys))
    command.add_argument(
        "cart", nargs="?", type=Path, metavar="CART", help=".cart.json (sent, or searched by)"
    )
    command.add_argument("--cart-id", default="", metavar="ID", help=f"{provider.title}'s {name}")
    for field in keyed:
        command.add_argument(
            option_flag(field),
            dest=f"field_{field}",
            default="",
            metavar="ID",
            help=f"{keyed[field].key}: the cart's {field}",
        )
    command.add_argument(
        "--profile",
        default=f"sandbox-{provider.key}",
        metavar="NAME",
        help=f"default: sandbox-{provider.key}",
    )
    command.add_argument(
        "--base-url", type=url, metavar="URL", help="override the profile's base URL"
    )
    add_setting_overrides(command)
    add_option_flags(command)
    command.add_argument(
        "--timeout", type=seconds, metavar="S", help="seconds to wait for an answer (at most 600)"
    )
    add_sandbox_mode(command)
    command.add_argument("--json", action="store_true", help="print the full result as JSON")
    command.add_argument(
        "--no-validate",
        action="store_true",
        help="an action that sends the cart: send it even if it breaks the action's rules",
    )


# --- loading ----------------------------------------------------------------------------------


def load_input(path: Path, provider: str | None) -> LoadedCart:
    """A ``.cart.json`` document, or a bare payload when ``provider`` says which API."""
    from app.files import FileReadError, read_bounded
    from app.providers.document import CART_CAP

    if is_stdio(path):
        from app.cli.common import read_text

        data = read_text("-", CART_CAP, "cart file").encode("utf-8")
    else:
        try:
            data = read_bounded(path, CART_CAP, "cart file")
        except FileReadError as exc:
            raise CliError(str(exc), EXIT_INVALID) from None
    try:
        raw = jsonfmt.loads(data)
    except jsonfmt.JsonSyntaxError as exc:
        raise CliError(f"{path}: The cart file is not valid JSON: {exc}.", EXIT_INVALID) from None
    try:
        if is_cart_document(raw):
            loaded = loads_cart(data)
            if provider and provider != loaded.document.provider:
                raise CliError(
                    f"{path} is a {loaded.document.provider} cart, not {provider}.", EXIT_INVALID
                )
            return loaded
        if provider is None:
            raise CliError(
                f"{path} holds a bare payload; say which API it is for with "
                + " or ".join(f"--provider {key}" for key in provider_keys())
                + ".",
                EXIT_INVALID,
            )
        document = {"provider": provider, "payload": raw}
        return loads_cart(jsonfmt.dumps(document))
    except CartFileError as exc:
        raise CliError(f"{path}: {exc}", EXIT_INVALID) from None


# --- validate, payload --------------------------------------------------------------------------


def _checked(
    paths: Sequence[Path], provider: str | None
) -> Iterator[tuple[Path, LoadedCart | CliError, Validation | None]]:
    """Each cart as loaded and checked, or the error that kept it from being loaded."""
    for path in paths:
        try:
            loaded = load_input(path, provider)
        except CliError as exc:
            yield path, exc, None
            continue
        yield path, loaded, get_provider(loaded.document.provider).validate(loaded.document.payload)


def validate(
    paths: Sequence[Path], provider: str | None, out: TextIO, err: TextIO, *, as_json: bool = False
) -> int:
    """Every problem of each cart, in words (or ``--json``: one object a cart, in order; a
    file that cannot be read is one too, ``"error"``, so a script sees every outcome in one
    parse). Exit 1 when a cart has problems, 2 when one could not be read."""
    status = EXIT_OK
    report: list[dict[str, object]] = []
    for path, loaded, result in _checked(paths, provider):
        if isinstance(loaded, CliError) or result is None:
            status = EXIT_INVALID
            if as_json:
                report.append({"cart": str(path), "valid": False, "error": str(loaded)})
            else:
                print(loaded, file=err)
            continue
        if not result.ok:
            status = max(status, 1)
        if as_json:
            report.append(
                {
                    "cart": str(path),
                    "provider": loaded.document.provider,
                    "valid": result.ok,
                    "problems": [{"path": p, "message": m} for p, m in result.errors.items()],
                    "warnings": [{"path": p, "message": m} for p, m in result.warnings.items()],
                    "notes": [{"path": n.path, "message": n.message} for n in loaded.notes],
                }
            )
            continue
        for note in loaded.notes:
            print(f"{path}: note: {note.path}: {note.message}", file=out)
        for where, message in result.warnings.items():
            print(f"{path}: warning: {where}: {message}", file=out)
        if result.ok:
            print(f"{path}: valid", file=out)
            continue
        count = len(result.errors)
        print(f"{path}: {count} problem{'s' if count != 1 else ''}", file=out)
        for where, message in result.errors.items():
            print(f"  {where or '(cart)'}: {message}", file=out)
    if as_json:
        out.write(jsonfmt.dumps(report) + "\n")
    return status


def payload(path: Path, provider: str | None, out: TextIO) -> int:
    """The body, byte for byte as the wire gets it (UTF-8, whatever the console's encoding)."""
    document = load_input(path, provider).document
    body = get_provider(document.provider).body(document.payload) + b"\n"
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a text stream of the caller's (tests): the same text
        out.write(body.decode("utf-8"))
        return EXIT_OK
    out.flush()
    buffer.write(body)
    buffer.flush()
    return EXIT_OK


# --- preview, curl, send ------------------------------------------------------------------------


def _setup(args: argparse.Namespace) -> tuple[CartDocument, Profile, Overrides, Sender]:
    from app.cli.wiring import new_sender
    from app.profiles import ProfileStore

    loaded = load_input(args.cart, args.provider)
    document = loaded.document
    name = args.profile or f"sandbox-{document.provider}"
    profile = ProfileStore().get(name)
    options = options_given(args, get_provider(document.provider))
    return document, profile, target_overrides(args, profile, options), new_sender()


def _print_request(request: OutgoingRequest, out: TextIO) -> None:
    print(f"{request.method} {request.url}", file=out)
    for name, value in request.headers:
        print(f"{name}: {value}", file=out)
    print("", file=out)
    print(request.body_text, file=out)


def preview(args: argparse.Namespace, out: TextIO) -> int:
    document, profile, overrides, sender = _setup(args)
    if profile.sandbox and not overrides.base_url:
        # A preview starts nothing: show the standalone sandbox's address.
        overrides = replace(overrides, base_url=STANDALONE_SANDBOX)
    _print_request(sender.preview(document, profile, overrides), out)
    return EXIT_OK


def curl(args: argparse.Namespace, out: TextIO) -> int:
    from urllib.parse import urlsplit

    from app.domain.urls import is_loopback
    from app.secrets.store import secret_env
    from app.transport.curl import curl_command

    document, profile, overrides, sender = _setup(args)
    if profile.sandbox and not overrides.base_url:
        overrides = replace(overrides, base_url=STANDALONE_SANDBOX)
        print("# For the sandbox: run `cart-composer sandbox` first.", file=out)
    destination = sender.destination(profile, overrides)
    request = sender.preview(document, profile, overrides)
    secrets = sender.secrets(profile, destination) if args.reveal_secrets else None
    if secrets is None:
        needed = profile.secret_names()
        names = " ".join(secret_env(n) for n in needed)
        print(f"# Needs these variables set: {names}", file=out)
        local = is_loopback(urlsplit(destination.target.base_url).hostname)
        if profile.sandbox and local:  # the public values go to a sandbox only
            values = sender.secrets(profile)
            exports = " ".join(f"{secret_env(n)}={values[n]}" for n in needed)
            print(f"# The sandbox's public values: export {exports}", file=out)
    auth = sender.auth_spec(profile, destination)
    if args.powershell:
        from app.transport.powershell import powershell_command

        out.write(powershell_command(request, auth, secrets=secrets))
    else:
        out.write(curl_command(request, auth, secrets=secrets))
    return EXIT_OK


def schema(args: argparse.Namespace, out: TextIO) -> int:
    from app.providers.json_schema import provider_schema

    write_output(args.output, jsonfmt.dumps(provider_schema(args.provider)) + "\n", out)
    return EXIT_OK


def postman(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.cli.wiring import new_sender
    from app.profiles import ProfileError, ProfileStore
    from app.service.exports import postman_for_carts
    from app.service.sender import Overrides

    profiles = ProfileStore()
    sender = new_sender()
    carts: list[tuple[CartDocument, Profile, Overrides | None]] = []
    for path in args.carts:
        document = load_input(path, args.provider).document
        try:
            profile = profiles.get(args.profile or f"sandbox-{document.provider}")
        except ProfileError as exc:
            raise CliError(str(exc), EXIT_INVALID) from None
        if profile.provider != document.provider:
            raise CliError(
                f"{path} is a {document.provider} cart; {profile.name} is a {profile.provider} "
                "profile.",
                EXIT_INVALID,
            )
        overrides = Overrides(base_url=STANDALONE_SANDBOX) if profile.sandbox else None
        carts.append((document, profile, overrides))
    try:
        made = postman_for_carts(sender, carts, args.name)
    except CartComposerError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    write_output(args.output, jsonfmt.dumps(made) + "\n", out)
    if args.output is not None and str(args.output) != "-":
        print(
            f"Wrote {len(carts)} request(s) to {args.output} (Postman collection v2.1).", file=err
        )
    return EXIT_OK


def send(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.secrets import SecretStoreError

    document, profile, overrides, sender = _setup(args)
    if not args.no_validate and _refused(
        args.cart, get_provider(document.provider).validate(document.payload), err
    ):
        return EXIT_INVALID
    from app.cli.history import open_history
    from app.service import recording

    try:
        # Missing secrets stop us before anything is recorded or sent.
        sender.secrets(profile, sender.destination(profile, overrides))
        sender.check_pair(document, profile)
        sender.preview(document, profile, overrides)  # one that cannot be built: exit 2 here
    except SecretStoreError as exc:  # missing, unusable, or the keyring unavailable
        print(str(exc), file=err)
        return EXIT_SECRETS
    except CartComposerError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    history = open_history(err)
    try:
        # As the window and `bronto` do: the row is written before the request leaves, and a
        # history that cannot be written is a notice, never a reason not to send — or to
        # report the answer as anything but what the server said.
        sent = recording.send_recorded(
            sender,
            history,
            document,
            profile,
            overrides,
            "cli",
            retry=args.retry,
            on_problem=lambda message: print(message, file=err),
        )
    except CartComposerError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    finally:
        if history is not None:
            history.close()
    if args.json:
        out.write(jsonfmt.dumps(sent.to_json()) + "\n")
    else:
        _print_result(sent, profile.name, out, err)
    return _exit_code(sent)


def act(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """One of a provider's cart actions on a cart it has; recorded in the history like a
    send."""
    from app.cli.history import open_history
    from app.cli.wiring import new_sender
    from app.profiles import ProfileStore
    from app.secrets import SecretStoreError
    from app.service import recording

    provider = get_provider(args.action_provider)
    action = provider.action(args.action)
    document = CartDocument(provider=provider.key)
    if args.cart is not None:
        document = load_input(args.cart, provider.key).document
        if document.provider != provider.key:
            raise CliError(f"{args.cart} is a {document.provider} cart.", EXIT_INVALID)
    typed = {name: value for name, value in given(args, "field_").items() if value}
    if typed:
        document = document.model_copy(update={"payload": {**document.payload, **typed}})
    if action.sends_cart and args.cart is None:
        raise CliError(f"{action.key} sends a cart: give the CART file.", EXIT_INVALID)
    # The action's own rules (Bronto's Update: nothing is required).
    checked = provider.validate_action(action, document.payload) if action.sends_cart else None
    if checked is not None and not args.no_validate and _refused(args.cart, checked, err):
        return EXIT_INVALID
    profile = ProfileStore().get(args.profile)
    overrides = target_overrides(args, profile, options_given(args, provider))
    sender = new_sender()
    history = open_history(err)
    try:
        # Like a send: the history row is written before the request leaves.
        result = recording.operate_recorded(
            sender,
            history,
            action.key,
            profile,
            "cli",
            cart_id=args.cart_id,
            document=document,
            overrides=overrides,
            on_problem=lambda message: print(message, file=err),
        )
    except SecretStoreError as exc:  # missing, unusable, or the keyring unavailable
        print(str(exc), file=err)
        return EXIT_SECRETS
    except CartComposerError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    finally:
        if history is not None:
            history.close()
    if args.json:
        out.write(jsonfmt.dumps(result.to_json()) + "\n")
        return _exit_code(result)
    _print_result(result, profile.name, out, err)
    if result.status is not None:
        meaning = action.meanings.get(result.status)
        if meaning:
            print(meaning, file=out)
        described = provider.cart_state(result.status, result.body, action).describe()
        if described:
            print(f"Cart: {described}", file=out)
    return _exit_code(result)


def _refused(path: Path, checked: Validation, err: TextIO) -> bool:
    """Whether the cart breaks the rules it was checked with; if so, each problem on stderr."""
    if checked.ok:
        return False
    print(f"{path}: not sent: {len(checked.errors)} problem(s)", file=err)
    for where, message in checked.errors.items():
        print(f"  {where or '(cart)'}: {message}", file=err)
    print("  (use --no-validate to send it anyway)", file=err)
    return True


def _print_result(result: SendResult, profile: str, out: TextIO, err: TextIO) -> None:
    # The transport (and httpx) load only for the commands that send: validate, payload,
    # schema and the like never need them (~100-170 ms of their start).
    from app.transport.result import ErrorKind

    print(f"{result.request.method} {result.request.url}  (profile {profile})", file=out)
    for note in result.notes:
        print(f"  note: {note}", file=out)
    elapsed = f"{result.elapsed * 1000:.0f} ms"
    if result.route and result.route != "direct":  # a proxy, or certificates of the user's
        elapsed += f" ({result.route})"
    if result.status is None or result.error_kind not in (None, ErrorKind.HTTP_STATUS):
        print(f"Failed ({result.error_kind}) after {elapsed}: {result.message}", file=err)
        return
    head = f"{result.status} {result.reason} in {elapsed}"
    if result.ok:
        ident = f" · {result.provider_id}" if result.provider_id else ""
        print(head + ident, file=out)
    else:
        print(head, file=out)
        for attribute, message in result.problems:
            print(f"  {attribute + ': ' if attribute else ''}{message}", file=out)
    for note in result.sandbox_notes:
        print(f"  {note}", file=out)


def _exit_code(result: SendResult) -> int:
    from app.transport.result import ErrorKind

    if result.ok:
        return EXIT_OK
    if result.error_kind in (ErrorKind.HTTP_STATUS, ErrorKind.AUTH):
        return EXIT_HTTP
    return EXIT_NETWORK
