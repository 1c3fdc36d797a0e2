"""Options shared by the CLI's commands."""

from __future__ import annotations

import click


def _json_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(dict)["json"] = True


json_option = click.option(
    "--json",
    "json_here",
    is_flag=True,
    expose_value=False,
    callback=_json_flag,
    help="Print JSON for scripts (same as `airspace --json ...`).",
)
"""``--json`` after a command, as well as before it."""
