"""``cart-composer run SCENARIO``: a journey's steps in order, with a timeline as they go."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import TextIO

from app.cli.common import EXIT_HTTP, EXIT_INVALID, EXIT_NETWORK, EXIT_OK, CliError
from app.domain.errors import CartComposerError

__all__ = ["add_arguments", "run"]


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    run_cmd = commands.add_parser(
        "run",
        help="run a .scenario.json journey (send, wait, Bronto cart actions) step by step",
        description="Run a scenario's steps in order; every send and cart action is recorded "
        "in the history. Without --profile each step goes to the profile it names, or its "
        "provider's sandbox. Ctrl-C stops between steps (or during a wait).",
    )
    run_cmd.add_argument("scenario", type=Path, metavar="SCENARIO",
                         help="a .scenario.json file (see resources/scenarios)")  # fmt: skip
    run_cmd.add_argument("--profile", metavar="NAME", help="send every step to this profile")
    run_cmd.add_argument(
        "--speed", type=float, default=1.0, metavar="N",
        help="divide every wait by N (e.g. 60: a minute takes a second), for rehearsals",
    )  # fmt: skip
    run_cmd.add_argument("--base-url", metavar="URL", help="override the profiles' base URL")
    run_cmd.add_argument("--auth-url", metavar="URL", help="override Bronto's token URL")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.cli.history import open_history
    from app.history import HistoryStore
    from app.profiles import ProfileStore
    from app.scenarios import ScenarioRunner, StepEvent, load_scenario
    from app.transport import Overrides, Sender

    scenario = load_scenario(args.scenario)
    if args.speed <= 0:
        raise CliError("--speed must be more than 0 (1 = real time).", EXIT_INVALID)
    history = open_history(err)
    overrides = None
    if args.base_url or args.auth_url:
        overrides = Overrides(base_url=args.base_url, token_url=args.auth_url)

    def show(event: StepEvent) -> None:
        if event.state == "started":
            return  # the step's line comes when it is done (or failed)
        stamp = f"{event.at:8.2f}s"
        status = f" {event.status}" if event.status is not None else ""
        words = {"started": "…", "waiting": "…", "done": "✔", "failed": "✖", "cancelled": "■"}
        text = event.step.describe() if event.state != "waiting" else event.message
        tail = f" — {event.message}" if event.message and event.state not in ("waiting",) else ""
        if event.step.kind == "note":
            tail = ""
        print(f"{stamp}  {event.index + 1:>2}. {words[event.state]}{status} {text}{tail}",
              file=out, flush=True)  # fmt: skip

    runner = ScenarioRunner(
        scenario, Sender(), ProfileStore(),
        history if isinstance(history, HistoryStore) else None,
        speed=args.speed, profile=args.profile, overrides=overrides, on_event=show,
    )  # fmt: skip
    print(f"{scenario.name} ({len(scenario.steps)} steps, speed x{args.speed:g})", file=out)
    # Ctrl-C (and SIGTERM) cancel between steps or during a wait, and the timeline says so.
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    if threading.current_thread() is threading.main_thread():
        for sig in previous:
            signal.signal(sig, lambda *_: runner.cancel())
    try:
        ok = runner.run()
    except CartComposerError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    finally:
        if threading.current_thread() is threading.main_thread():
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    done = sum(1 for e in runner.events if e.state == "done")
    print(f"{'Finished' if ok else 'Stopped'}: {done} of {len(scenario.steps)} steps done.",
          file=out)  # fmt: skip
    if ok:
        return EXIT_OK
    last = runner.events[-1] if runner.events else None
    if last is not None and last.state == "failed" and last.status is None:
        return EXIT_NETWORK if runner.results else EXIT_INVALID
    return EXIT_HTTP
