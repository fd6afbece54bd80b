"""Every command's ``--help`` shows an example that works: sources that exist, lines that do not wrap.

Help is where a newcomer copies commands from. Run in-process through click's runner at 80 columns
(a plain terminal), over every command and subcommand the ``hotline`` group has.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from crawler.cli import cli as main
from crawler.config import load_config

WIDTH = 80


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


ALL = [(), *commands(main)]


def help_text(path: tuple[str, ...]) -> str:
    done = CliRunner().invoke(
        main, [*path, "--help"], obj={}, terminal_width=WIDTH, env={"COLUMNS": str(WIDTH)}
    )
    assert done.exit_code == 0, done.output
    return done.output


def example_lines(text: str) -> list[str]:
    """The lines after "Example(s):" that run hotline (a continued pipe joined to its line)."""
    _, _, tail = text.partition("Example")
    lines: list[str] = []
    for raw in tail.splitlines()[1:] if "\n" in tail.split(":", 1)[1][:2] else tail.split(":", 1)[1:]:
        line = raw.strip()
        if lines and lines[-1].endswith(("|", "\\")):
            lines[-1] = lines[-1].rstrip("\\ ") + " " + line
        elif line.startswith("hotline") or line.startswith("scrapy"):
            lines.append(line)
    return lines


def sources_named(line: str) -> list[str]:
    """Source names an example line gives: crawl's arguments, --source/-s values, source=NAME."""
    words = shlex.split(line.split(" | ")[0], comments=True)
    names = [w.split("=", 1)[1] for w in words if w.startswith("source=")]
    for i, word in enumerate(words):
        if word == "--source" and i + 1 < len(words):
            names.append(words[i + 1])
    if "crawl" in words and words[0] == "hotline":
        for word in words[words.index("crawl") + 1 :]:
            if word.startswith("-"):
                break
            names.append(word)
    return names


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "hotline")
def test_help_shows_a_working_example(path: tuple[str, ...]) -> None:
    text = help_text(path)
    examples = example_lines(text)
    assert examples, f"hotline {' '.join(path)} --help shows no example"
    bundled = {source.name for source in load_config(None).sources}
    for line in examples:
        for name in sources_named(line):
            assert name in bundled, f"{line!r}: no bundled source {name!r}"
    for line in text.splitlines():
        assert len(line) <= WIDTH, f"wider than {WIDTH} columns: {line!r}"
        if "jq " in line:
            assert line.count("'") % 2 == 0, f"a jq expression wrapped: {line!r}"


def test_the_example_parser_sees_source_names() -> None:
    assert sources_named("hotline --config my.toml crawl us-dod-releases usni-news --json") == [
        "us-dod-releases",
        "usni-news",
    ]
    assert sources_named("hotline reextract --source khmer-times | jq .") == ["khmer-times"]
    assert example_lines("Examples:\n\n  hotline status --json |\n    jq '.[]'\n") == [
        "hotline status --json | jq '.[]'"
    ]
    assert sources_named("hotline extract a.html --selector '#poll'  # a comment") == []
    assert example_lines("Examples:\n  hotline fixtures add --name x \\\n    https://a.example/\n") == [
        "hotline fixtures add --name x https://a.example/"
    ]
