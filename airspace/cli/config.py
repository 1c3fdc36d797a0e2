"""The ``airspace`` command's settings file: defaults for any option of any command.

Flags win over environment variables, which win over the file. The file is TOML; top-level
keys set the global options, a table per command (``[monitor]``, ``[plans.submit]``) that
command's options, named as their long flag without dashes::

    target = "utm.example.org:443"
    token = "s3cret"
    timeout = 20
    json = false

    [monitor]
    area = "22.545,114.065,3000"

    [plan.deliveries]
    time_limit = 5
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import click

ENV_VAR = "AIRSPACE_CONFIG"


def default_path() -> Path:
    """``$XDG_CONFIG_HOME/airspace/config.toml``, else ``~/.config/airspace/config.toml``."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "airspace" / "config.toml"


def load(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Eager callback of ``--config``: read the file into the context's default map, so that
    every option below finds its default there (after its flag and its variable)."""
    path = Path(value) if value else default_path()
    if not path.is_file():
        if value:
            raise click.BadParameter(f"{path} does not exist", ctx, param)
        return value
    try:
        settings = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise click.BadParameter(f"{path}: {exc}", ctx, param) from exc
    ctx.default_map = {**(ctx.default_map or {}), **_defaults(ctx, ctx.command, settings, path)}
    return value


def _defaults(
    ctx: click.Context,
    command: click.Command,
    settings: dict[str, Any],
    path: Path,
    where: str = "",
) -> dict[str, Any]:
    """The file's settings keyed as click looks them up (an option's parameter name), with
    each command's table nested under its name. A key that names no option or command is
    refused: a typo would otherwise be silently ignored."""
    names = {}
    for param in command.params:
        if isinstance(param, click.Option) and param.name and param.name != "config":
            names[param.name] = param.name
            for flag in param.opts:
                names[flag.lstrip("-").replace("-", "_")] = param.name
    children = command.commands if isinstance(command, click.Group) else {}
    defaults: dict[str, Any] = {}
    for key, value in settings.items():
        if key in children and isinstance(value, dict):
            defaults[key] = _defaults(ctx, children[key], value, path, f"{where}{key}.")
        elif key.replace("-", "_") in names:
            defaults[names[key.replace("-", "_")]] = value
        else:
            raise click.UsageError(f"{path}: no setting named {where}{key}", ctx)
    return defaults
