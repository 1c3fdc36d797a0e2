"""`airspace demo`: the whole story in one command, printed as a live log.

The service, the firm, the fleet, the bridge and the regulator all run in this process on
127.0.0.1 (see ``sitl.demo_story``); their modules load when the command runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import threading
import time
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from airspace.cli.options import json_option

if TYPE_CHECKING:
    from sitl.demo_log import Line
    from sitl.demo_regulator import Tally
    from sitl.demo_story import Story

console = Console(highlight=False, soft_wrap=True)
STYLES = {"info": "", "good": "green", "warn": "yellow", "alert": "bold red"}

EPILOG = """\b
Examples:
  airspace demo                     # about three minutes; Ctrl-C stops at any time
  airspace demo --fast --json       # about a minute and a half, one JSON object a line
  make demo
"""


class Log:
    """Prints lines as they come, from any thread: timestamped text, or JSON objects."""

    def __init__(self, as_json: bool) -> None:
        self._as_json = as_json
        self._start = time.monotonic()
        self._lock = threading.Lock()

    def tell(self, line: Line) -> None:
        now = time.time()
        elapsed = time.monotonic() - self._start
        with self._lock:
            if self._as_json:
                stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
                record = {
                    "time": f"{stamp}.{int(now % 1 * 1000):03d}Z",
                    "elapsed_s": round(elapsed, 3),
                    "source": line.source,
                    "level": line.level,
                    "text": line.text,
                    **line.data,
                }
                click.echo(json.dumps(record))
                return
            style = STYLES[line.level]
            text = f"[{style}]{escape(line.text)}[/]" if style else escape(line.text)
            console.print(
                f"[dim]{time.strftime('%H:%M:%S', time.gmtime(now))} {elapsed:6.1f}s[/] "
                f"[cyan]{line.source:<9}[/] {text}"
            )

    def summary(self, tally: Tally) -> None:
        if self._as_json:
            click.echo(json.dumps({"source": "summary", "summary": tally.as_dict()}))
            return
        table = Table("the story in figures", "", title_justify="left")
        alerts = ", ".join(f"{k} {n}" for k, n in sorted(tally.alerts.items())) or "none"
        pairs = ", ".join(f"{a} × {b}" for a, b in sorted(tally.conflict_pairs)) or "none"
        for name, value in (
            ("plans booked", str(tally.plans_booked)),
            ("flights flown (plans ended)", str(tally.flights_flown)),
            ("conformance alerts", alerts),
            ("conflicts", pairs),
            ("conflict reports", str(tally.conflict_reports)),
            ("of which losses of separation", str(tally.losses_of_separation)),
            ("resolution advisories", str(tally.advisories)),
            ("MAVLink messages sent", f"{tally.mavlink_messages:,}"),
            ("states the bridge forwarded", f"{tally.states_forwarded:,}"),
        ):
            table.add_row(name, value)
        console.print(table)


@click.command("demo", epilog=EPILOG)
@json_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Serve on this port, e.g. 50051 [default: a free one].",
)
@click.option(
    "--duration",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Stop after this many seconds, e.g. 60 [default: when every flight is over].",
)
@click.option(
    "--fast",
    is_flag=True,
    help="Shorter flights and an earlier start: the story takes about half the time.",
)
@click.pass_context
def demo(ctx: click.Context, port: int, duration: float | None, fast: bool) -> None:
    """Run the whole story on the embedded store, printed as a live log.

    A city with zones; a logistics firm plans deliveries and books them; a simulated fleet
    flies them over MAVLink (UDP) through the bridge into the service; one drone drifts off
    its plan and two drones fly head-on; the regulator's monitor shows the conformance
    alerts, the predicted conflict with its advisories, and the landings. Everything runs
    in this process on 127.0.0.1, on the wall clock. Ctrl-C stops cleanly.
    """
    from sitl.demo_scenario import FAST, STORY
    from sitl.demo_story import ServicePortError, Story

    log = Log(bool(ctx.obj and ctx.obj.get("json")))
    story = Story(FAST if fast else STORY, log.tell, port=port)
    try:
        asyncio.run(_run(story, duration))
    except ServicePortError as exc:
        raise click.BadParameter(str(exc), param_hint="--port") from exc
    except OSError as exc:
        raise click.ClickException(f"cannot run the demo: {exc}") from exc
    log.summary(story.tally)


async def _run(story: Story, duration: float | None) -> None:
    """Tell the story until it is over, ``duration`` has passed, or SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    telling = asyncio.create_task(story.run())
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({telling, stopping}, timeout=duration, return_when="FIRST_COMPLETED")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        stopping.cancel()
        if not telling.done():
            telling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await telling
    if not telling.cancelled():
        telling.result()  # the story's own error, if it failed
