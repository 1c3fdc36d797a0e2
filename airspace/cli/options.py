"""Options and connections shared by the CLI's commands."""

from __future__ import annotations

import click

from airspace.sdk import AirspaceClient


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


def connect(ctx: click.Context) -> AirspaceClient:
    """A client with the command's connection settings (target, token, deadline, TLS)."""
    obj = ctx.obj
    return AirspaceClient(obj["target"], obj["token"], timeout_s=obj["timeout_s"], tls=obj["tls"])
