"""The README's commands are true: where to run them, commands and sources that exist, the extras named."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import click

from crawler.cli import cli
from crawler.config import load_config

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_first_commands_say_where_to_run_them() -> None:
    before, _, rest = README.partition("```sh\n")
    block = rest.split("```", 1)[0]
    assert "root of the clone" in before.splitlines()[-2]
    assert "pip install -e . && hotline run" in block and "sh scripts/test.sh" in block
    assert (ROOT / "scripts/test.sh").is_file() and (ROOT / "pyproject.toml").is_file()
    assert "pip install -e /path/to/hotline" in README  # the way from any other folder


def test_every_hotline_command_and_source_named_exists() -> None:
    context = click.Context(cli)
    commands = set(cli.list_commands(context))
    named = set(re.findall(r"`hotline (?:--config \S+ )?([a-z]+)", README.replace("--config FILE`", "`")))
    assert named and named <= commands, named - commands
    bundled = {source.name for source in load_config(None).sources}
    for sources in re.findall(r"source=([a-z0-9-]+)", README):
        assert sources in bundled, sources
    for line in re.findall(r"`(hotline crawl [^`]*)`", README):
        words = shlex.split(line)[2:]
        for word in words:
            if word.startswith("-"):
                break
            assert word in bundled or word.isupper() or word.startswith("["), word


def test_the_postgres_extra_and_where_results_go_are_documented() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert "postgres" in extras and "hotline[postgres]" in README
    assert "-O items.jsonl" in README and "./data` of the current" in README
    assert "--since 2021-01-01" in README and "older than 30 days skipped" in README
