"""``cart-composer run SCENARIO`` (a journey's steps in order, with a timeline as they go) and
``cart-composer bulk N`` (many sample carts at once)."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from app.cli.args import Commands

from app.cli.args import add_sandbox_mode, add_seed, count, given, speed, url
from app.cli.carts import add_setting_overrides, target_overrides
from app.cli.common import (
    EXIT_HTTP,
    EXIT_INVALID,
    EXIT_NETWORK,
    EXIT_OK,
    EXIT_SECRETS,
    CliError,
    is_stdio,
    read_text,
)
from app.domain import jsonfmt
from app.domain.errors import CartComposerError
from app.providers.registry import get_provider, provider_keys

__all__ = ["add_arguments", "add_bulk_arguments", "bulk", "run"]


def add_arguments(commands: Commands) -> None:
    run_cmd = commands.add_parser(
        "run",
        help="run a .scenario.json journey (send, wait, cart actions) step by step",
        description="Run a scenario's steps in order; every send and cart action is recorded "
        "in the history. Without --profile each step goes to the profile it names, or its "
        "provider's sandbox. Ctrl-C stops between steps (or during a wait).",
    )
    run_cmd.add_argument(
        "scenario",
        type=Path,
        metavar="SCENARIO",
        help="a .scenario.json file (shipped: app/resources/scenarios), or - for standard input",
    )
    run_cmd.add_argument("--profile", metavar="NAME", help="send every step to this profile")
    run_cmd.add_argument(
        "--speed",
        type=speed,
        default=1.0,
        metavar="N",
        help="divide every wait by N (e.g. 60: a minute takes a second; inf: no waits)",
    )
    run_cmd.add_argument(
        "--base-url", type=url, metavar="URL", help="override the profiles' base URL"
    )
    add_setting_overrides(run_cmd)
    add_sandbox_mode(run_cmd)
    add_seed(run_cmd)
    run_cmd.add_argument(
        "--json", action="store_true", help="a JSON line per step as it ends, then the outcome"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.cli.history import open_history
    from app.cli.wiring import new_sender
    from app.profiles import ProfileStore
    from app.scenarios import ScenarioRunner, StepEvent, load_scenario

    if is_stdio(args.scenario):  # its carts are found from where the command runs
        from app.scenarios.model import SCENARIO_CAP, parse_scenario

        text = read_text("-", SCENARIO_CAP, "scenario file")
        try:
            raw = jsonfmt.loads(text)
        except jsonfmt.JsonSyntaxError as exc:
            raise CliError(
                f"The scenario on standard input is not valid JSON: {exc}.", EXIT_INVALID
            ) from None
        try:
            scenario = parse_scenario(raw, Path.cwd(), "the scenario on standard input")
        except CartComposerError as exc:
            raise CliError(str(exc), EXIT_INVALID) from None
    else:
        scenario = load_scenario(args.scenario)
    history = open_history(err)
    overrides = None
    if args.base_url or given(args, "setting_") or args.sandbox_mode:
        every = ProfileStore().get(args.profile) if args.profile else None
        overrides = target_overrides(args, every)

    def show(event: StepEvent) -> None:
        if event.state == "started":
            return  # the step's line comes when it is done (or failed)
        if args.json:
            if event.state != "waiting":
                line = {
                    "step": event.index + 1,
                    "kind": event.step.kind,
                    "what": event.step.describe(),
                    "state": event.state,
                    "status": event.status,
                    "at": round(event.at, 3),
                    "message": event.message,
                    "history_id": event.history_id,
                }
                print(jsonfmt.dumps(line, indent=None), file=out, flush=True)
            return
        stamp = f"{event.at:8.2f}s"
        status = f" {event.status}" if event.status is not None else ""
        words = {"started": "…", "waiting": "…", "done": "✔", "failed": "✖", "cancelled": "■"}
        text = event.step.describe() if event.state != "waiting" else event.message
        tail = f" — {event.message}" if event.message and event.state not in ("waiting",) else ""
        if event.step.kind == "note":
            tail = ""
        print(
            f"{stamp}  {event.index + 1:>2}. {words[event.state]}{status} {text}{tail}",
            file=out,
            flush=True,
        )

    runner = ScenarioRunner(
        scenario,
        new_sender(),
        ProfileStore(),
        history,
        speed=args.speed,
        profile=args.profile,
        overrides=overrides,
        on_event=show,
    )
    if not args.json:
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
        if history is not None:
            history.close()
    done = sum(1 for e in runner.events if e.state == "done")
    if args.json:
        outcome = {"scenario": scenario.name, "finished": ok, "done": done}
        print(jsonfmt.dumps({**outcome, "steps": len(scenario.steps)}, indent=None), file=out)
    else:
        print(
            f"{'Finished' if ok else 'Stopped'}: {done} of {len(scenario.steps)} steps done.",
            file=out,
        )
    if ok:
        return EXIT_OK
    last = runner.events[-1] if runner.events else None
    if last is not None and last.state == "failed" and last.status is None:
        return EXIT_NETWORK if runner.results else EXIT_INVALID
    return EXIT_HTTP


def add_bulk_arguments(commands: Commands) -> None:
    from app.providers.registry import providers

    batches = [p for p in providers().values() if p.batch_size]
    singles = [p for p in providers().values() if not p.batch_size]
    how = [f"{p.title} in batches" for p in batches] + [f"{p.title} one by one" for p in singles]
    ways = [
        f"to {p.title} through its batch endpoint in chunks of up to {p.batch_size:,} (stopping "
        f"before its {p.batch_limit} on batch requests)"
        for p in batches
    ] + [f"to {p.title} one by one with a few in flight" for p in singles]
    bulk_cmd = commands.add_parser(
        "bulk",
        help=f"send N sample carts (distinct ids and emails): {', '.join(how)}",
        description="Generate N sample carts from the catalog and send them: "
        + ", ".join(ways)
        + ". Every request is a history row.",
    )
    bulk_cmd.add_argument(
        "count",
        type=count(1, 100_000, "a number of carts"),
        metavar="N",
        help="how many carts (up to 100,000)",
    )
    bulk_cmd.add_argument(
        "--provider",
        choices=provider_keys(),
        default=provider_keys()[0],
        help=f"the API (default {provider_keys()[0]})",
    )
    bulk_cmd.add_argument("--profile", metavar="NAME", help="default: the provider's sandbox")
    bulk_cmd.add_argument(
        "--in-flight",
        type=count(1, 32, "a number of carts in flight"),
        default=4,
        metavar="K",
        help="one-by-one providers: carts in flight at once (default 4)",
    )
    bulk_cmd.add_argument(
        "--base-url", type=url, metavar="URL", help="override the profile's base URL"
    )
    add_setting_overrides(bulk_cmd)
    add_sandbox_mode(bulk_cmd)
    add_seed(bulk_cmd)
    bulk_cmd.add_argument(
        "--json", action="store_true", help="print the outcome as one JSON object, no progress"
    )


def bulk(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from app.cli.history import open_history
    from app.cli.wiring import new_sender
    from app.profiles import ProfileStore
    from app.secrets import SecretStoreError
    from app.service.bulk import BulkProgress, BulkRun, sample_carts

    profile = ProfileStore().get(args.profile or f"sandbox-{args.provider}")
    if profile.provider != args.provider:
        raise CliError(f"“{profile.name}” is a {profile.provider} profile.", EXIT_INVALID)
    overrides = None
    if args.base_url or given(args, "setting_") or args.sandbox_mode:
        overrides = target_overrides(args, profile)
    history = open_history(err)
    last = [0]

    def show(progress: BulkProgress) -> None:
        # A line per batch request, or per hundred carts sent one by one.
        step = get_provider(args.provider).batch_size or 100
        crossed = progress.sent // step > last[0] // step or progress.sent == progress.total
        if crossed and progress.sent != last[0] and not args.json:
            print(
                f"  {progress.sent:>7,} sent · {progress.accepted:,} accepted · "
                f"{progress.failed:,} failed",
                file=out,
                flush=True,
            )
            last[0] = progress.sent

    documents = sample_carts(args.provider, args.count)
    run = BulkRun(
        new_sender(),
        profile,
        documents,
        overrides=overrides,
        history=history,
        in_flight=args.in_flight,
        on_progress=show,
    )
    if not args.json:
        print(f"Sending {args.count:,} sample {args.provider} carts to {profile.name}…", file=out)
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, lambda *_: run.cancel())
    try:
        progress = run.run()
    except SecretStoreError as exc:  # missing, unusable, or the keyring unavailable
        print(str(exc), file=err)
        return EXIT_SECRETS
    except CartComposerError as exc:
        raise CliError(str(exc), EXIT_INVALID) from None
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, previous)
        if history is not None:
            history.close()
    if args.json:
        outcome = {
            "provider": args.provider,
            "profile": profile.name,
            "total": progress.total,
            "sent": progress.sent,
            "accepted": progress.accepted,
            "failed": progress.failed,
            "requests": progress.requests,
            "seconds": round(progress.elapsed, 3),
            "stopped": progress.stopped or None,
        }
        print(jsonfmt.dumps(outcome), file=out)
    else:
        print(progress.summary(), file=out)
    if progress.accepted == progress.total:
        return EXIT_OK
    return EXIT_HTTP if progress.requests else EXIT_NETWORK
