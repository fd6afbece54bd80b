"""The ``hotline`` console script: one command over crawling, feeds, the daemon and fixtures.

Each sub-command lives in its own module and is imported only when used, so ``hotline --help`` stays
fast and a command's heavy imports (Scrapy, Twisted) load only for the commands that need them.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from crawler.config import ConfigError, load_config

# command name -> "module:function"
COMMANDS = {
    "run": "crawler.cli.daemon:run",
    "demo": "crawler.cli.daemon:demo",
    "crawl": "crawler.cli.crawl:crawl",
    "status": "crawler.cli.status:status",
    "export": "crawler.cli.crawl:export",
    "feed": "crawler.cli.publish:feed",
    "serve": "crawler.cli.publish:serve",
    "extract": "crawler.cli.extract:extract",
    "fixtures": "crawler.cli.fixtures:fixtures",
    "reextract": "crawler.cli.reextract:reextract",
    "archive": "crawler.cli.archive:archive",
    "sites": "crawler.cli.sites:sites",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, name = target.partition(":")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            return None


def get_config(ctx: click.Context) -> Any:
    """The loaded Config, read once per invocation; a config error becomes one clear line and exit 2."""
    root = ctx.find_root()
    root.ensure_object(dict)
    if "config" not in root.obj:
        try:
            root.obj["config"] = load_config(root.obj.get("config_path"))
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    return root.obj["config"]


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example: hotline --config my.toml crawl us-dod-releases",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="HOTLINE_CONFIG",
    help="TOML config file (default: $HOTLINE_CONFIG, else the bundled sources and a ./data folder).",
)
@click.version_option(package_name="hotline")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """hotline: watch the world's press for US–China military communications and publish a clean feed."""
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


def main() -> None:
    try:
        cli(obj={})
    except KeyboardInterrupt:
        sys.exit(130)
