"""``cart-composer``: with no arguments it opens the window; sub-commands work headless.

    cart-composer                      open the window (same as ``cart-composer gui``)
    cart-composer validate CART...     check carts; exit 1 if any has errors
    cart-composer payload CART         print the exact JSON body Send would put on the wire
    cart-composer preview CART         print the exact request (secrets masked)
    cart-composer curl CART            print a cURL command for it
    cart-composer send CART            send it and print the answer
    cart-composer bronto ACTION ...    Bronto cart actions: update, get, search, abandon, ...
    cart-composer completion SHELL     print a tab-completion script (bash, zsh, fish, ...)
    cart-composer import FILE|-       make a cart file from a cURL command, HAR or Postman file
    cart-composer run SCENARIO         run a journey (.scenario.json) step by step
    cart-composer bulk N               send N sample carts (Drip in batches, Bronto one by one)
    cart-composer profiles ...         list, add, remove profiles; set their secrets
    cart-composer history ...          what was sent: list, show, export (HAR), clear
    cart-composer sandbox [--port N]   run the Drip/Bronto emulator on 127.0.0.1 until Ctrl-C

Only ``gui`` imports Qt. ``cart-composer-gui`` (a gui-script: no console window on Windows)
opens the window the same way.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from app import __version__
from app.cli.args import (
    Parser,
    add_seed,
    count,
    port,
    sandbox_mode,
    sandbox_mode_help,
    seconds_of_life,
    utf8_streams,
)
from app.cli.common import EXIT_INVALID, EXIT_OK, SANDBOX_PORT, CliError
from app.domain.errors import CartComposerError

__all__ = ["main"]


def _gui_arguments(gui: argparse.ArgumentParser) -> None:
    gui.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="save a picture of the window to PNG once it is shown, then quit",
    )
    gui.add_argument("--open", type=Path, metavar="FILE", help="open this cart file")
    gui.add_argument("--profile", metavar="NAME", help="select this profile")
    add_seed(gui)


def _parser() -> argparse.ArgumentParser:
    from app.cli import carts, completion, history, importing, profiles, scenarios
    from app.domain.rules import spoken_list
    from app.providers import providers

    titles = spoken_list(p.title for p in providers().values())
    parser = Parser(
        prog="cart-composer",
        description=f"Compose, preview and send shopping-cart events to {titles}.",
        epilog="Exit codes: 0 success, 1 HTTP error (validate: problems found), 2 invalid "
        "input, 3 network failure, 4 secrets missing or unavailable.",
    )
    parser.add_argument("--version", action="version", version=f"cart-composer {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    _gui_arguments(commands.add_parser("gui", help="open the window (the default)"))
    carts.add_arguments(commands)
    importing.add_arguments(commands)
    completion.add_arguments(commands)
    scenarios.add_arguments(commands)
    scenarios.add_bulk_arguments(commands)
    profiles.add_arguments(commands)
    history.add_arguments(commands)

    emulated = [p for p in providers().values() if p.has_emulator]
    sandbox = commands.add_parser(
        "sandbox",
        help=f"run the {spoken_list(p.title for p in emulated)} "
        f"emulator{'s' if len(emulated) > 1 else ''} on 127.0.0.1 (Ctrl-C stops it)",
    )
    sandbox.add_argument(
        "--port", type=port, default=SANDBOX_PORT, help="port to listen on; 0 = any free"
    )
    for provider in emulated:
        for option in provider.sandbox_options:
            sandbox.add_argument(
                option.flag,
                dest=f"sandbox_{provider.key}_{option.setting}",
                type=count(1, 10**9, "a number") if option.kind == "count" else seconds_of_life,
                default=int(option.default) if option.kind == "count" else option.default,
                metavar="N" if option.kind == "count" else "SECONDS",
                help=option.help,
            )
    sandbox.add_argument("--mode", type=sandbox_mode, metavar="MODE", help=sandbox_mode_help())
    return parser


def _sandbox(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import signal

    from app.providers import providers
    from app.sandbox import Sandbox, SandboxConfig, SandboxServer
    from app.secrets import secret_label

    settings = {
        provider.key: {
            option.setting: getattr(args, f"sandbox_{provider.key}_{option.setting}")
            for option in provider.sandbox_options
        }
        for provider in providers().values()
    }
    config = SandboxConfig(settings=settings)
    if args.mode is not None:
        config.mode = args.mode
    server = SandboxServer(Sandbox(config), port=args.port)
    try:
        url = server.start()
    except OSError as exc:
        print(f"The sandbox could not listen on 127.0.0.1:{args.port}: {exc.strerror}.", file=err)
        return EXIT_INVALID
    print(f"Cart Composer sandbox listening on {url}  (Ctrl-C stops it)", file=out)
    emulated = [p for p in providers().values() if p.has_emulator]
    # One column for what follows the labels, however long a provider's title ("Mailchimp:").
    width = max(len("Mode:"), *(len(p.title) + 1 for p in emulated)) + 1
    print(f"  {'Mode:':<{width}}{config.mode.label}", file=out)
    for provider in emulated:
        fields = provider.settings_model.model_fields
        urls = provider.setting_urls(provider.sandbox_settings(url))
        parts = [
            f"{(fields[name].title or name).lower()} {value}"
            for name, value in provider.sandbox_settings(url).items()
            if value not in urls
        ]
        parts += [f"{secret_label(n)} {v}" for n, v in provider.sandbox_secrets().items()]
        print(f"  {provider.title + ':':<{width}}{', '.join(parts)}", file=out)
    print(f"  Requests received: {url}/_sandbox/requests", file=out, flush=True)
    stopped = threading.Event()
    # Ctrl-C and SIGTERM both stop it cleanly. SIGINT is set explicitly because a shell starts
    # background jobs with SIGINT ignored, and Python would then never raise KeyboardInterrupt.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    while not stopped.wait(0.2):
        pass
    server.stop()
    print("Sandbox stopped.", file=out, flush=True)
    return EXIT_OK


def display_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """Why the window cannot be shown here, in words, or None. On Linux and the BSDs Qt needs
    an X or Wayland display (unless QT_QPA_PLATFORM names another platform, such as
    offscreen), and for X its xcb plugin's system libraries."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").strip().lower()
    if platform and not platform.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs…: the user chose
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "No display found: the window needs a desktop session. Set DISPLAY (X11) or "
            "WAYLAND_DISPLAY (Wayland), or use the command line: cart-composer --help."
        )
    if env.get("DISPLAY") and not platform.startswith("wayland") and not env.get("WAYLAND_DISPLAY"):
        return _xcb_problem()
    return None


def _xcb_problem() -> str | None:
    """Which system library Qt's X11 plugin cannot find, or None (found, or not checkable)."""
    import ctypes
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    folders = list(spec.submodule_search_locations or []) if spec else []
    plugin = next(
        (
            p
            for f in folders
            if (p := Path(f) / "Qt" / "plugins" / "platforms" / "libqxcb.so").exists()
        ),
        None,
    )
    if plugin is None:
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        missing = str(exc).split(":", 1)[0].strip()
        return (
            f"The window cannot be shown: Qt's X11 support needs {missing}, which is not "
            "installed. Install the system libraries listed in the README (Quick start, "
            "Linux), or use the command line: cart-composer --help."
        )
    return None


def _dispatch(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if getattr(args, "seed", None) is not None:
        from app.providers.samples import seed_samples

        seed_samples(args.seed)
    if args.command in (None, "gui"):
        problem = display_problem()
        if problem is not None:
            # Before Qt is asked: it would abort (SIGABRT) with a message about xcb-cursor0,
            # whatever is really missing.
            print(problem, file=err)
            return EXIT_INVALID
        # Qt is imported only here, so the headless commands never load it.
        from app.ui.application import run

        return run(
            screenshot=getattr(args, "screenshot", None),
            open_path=getattr(args, "open", None),
            profile=getattr(args, "profile", None),
            console=getattr(args, "console", True),
        )
    from app.cli import carts, history, profiles, scenarios

    if args.command == "validate":
        return carts.validate(args.carts, args.provider, out, err, as_json=args.json)
    if args.command == "payload":
        return carts.payload(args.cart, args.provider, out)
    if args.command == "preview":
        return carts.preview(args, out)
    if args.command == "curl":
        return carts.curl(args, out)
    if args.command == "postman":
        return carts.postman(args, out, err)
    if args.command == "schema":
        return carts.schema(args, out)
    if args.command == "completion":
        from app.cli import completion

        return completion.run(args, _parser(), out)
    if args.command == "send":
        return carts.send(args, out, err)
    if getattr(args, "action_provider", None) == args.command:
        return carts.act(args, out, err)
    if args.command == "run":
        return scenarios.run(args, out, err)
    if args.command == "import":
        from app.cli import importing

        return importing.run(args, out, err)
    if args.command == "bulk":
        return scenarios.bulk(args, out, err)
    if args.command == "profiles":
        return profiles.run(args, out, err)
    if args.command == "history":
        return history.run(args, out, err)
    if args.command == "sandbox":
        return _sandbox(args, out, err)
    raise AssertionError(f"unknown command {args.command}")


def gui_main() -> int:
    """``cart-composer-gui``: the window, for a start with no console (the Windows gui-script,
    the desktop file, the bundle's launcher). There, standard output and error may be absent
    (``pythonw`` gives None): they go to the null device so no message fails to be written, and
    a start that fails is said in a message box as well."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    arguments = sys.argv[1:]
    if arguments[:1] != ["gui"]:
        arguments = ["gui", *arguments]
    return main(arguments, console=False)


def main(argv: Sequence[str] | None = None, *, console: bool = True) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == ["--version"]:
        # Said before anything else loads: the full parser imports every provider (~0.4 s).
        print(f"cart-composer {__version__}")
        return EXIT_OK
    from app.logs import configure

    utf8_streams()
    try:
        configure()  # only when CART_COMPOSER_LOG is set
    except (ValueError, OSError) as exc:
        print(f"Cannot start the log: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if not arguments or arguments[0] == "gui":
        # The window's own parser: the headless commands' modules stay unloaded until needed,
        # so start-up does not pay for them.
        gui = Parser(prog="cart-composer gui", description="Open the window.")
        _gui_arguments(gui)
        args = gui.parse_args(arguments[1:])
        args.command = "gui"
        args.console = console
    else:
        args = _parser().parse_args(arguments)
    try:
        return _dispatch(args, sys.stdout, sys.stderr)
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except CartComposerError as exc:
        # Profiles file damaged, a bad target, a secret store refusal: said plainly, no trace.
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``… | head``): nothing more to say, and no traceback. Standard
        # output is pointed at /dev/null so the interpreter's own flush at exit stays quiet.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # as a shell reports a writer stopped by SIGPIPE
