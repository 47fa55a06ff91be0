"""docs/reference/cli.md documents the command line that `dynafed.cli.build_parser()` builds:
every command and subcommand has a heading, every option and positional argument is
described under it, no heading or option describes something that is gone, and the
documented defaults and required options are the parser's."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from functools import cache

import pytest

from dynafed.cli import build_parser
from tests.docs.markdown import code_spans, read, sections, table_rows

CommandPath = tuple[str, ...]
DOC = read("cli.md")
_OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def walk(
    parser: argparse.ArgumentParser, path: CommandPath = ("dynafed",)
) -> Iterator[tuple[CommandPath, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from walk(child, (*path, name))


def command_path(title: str) -> CommandPath | None:
    """`dynafed users add` from a heading such as "`dynafed users add`"."""
    spans = code_spans(title)
    if not spans or not spans[0].startswith("dynafed"):
        return None
    return tuple(word for word in spans[0].split() if word not in ("…", "..."))


@cache
def command_sections() -> dict[CommandPath, str]:
    """Each command heading's path → its text, up to the next command heading."""
    found: dict[CommandPath, str] = {}
    current: CommandPath | None = None
    for section in sections(DOC):
        path = command_path(section.title)
        if path is not None:
            current = path
            found[current] = section.body
        elif current is not None:
            found[current] += f"\n{section.title}\n{section.body}"
    return found


@cache
def commands() -> dict[CommandPath, argparse.ArgumentParser]:
    return dict(walk(build_parser()))


def lineage(path: CommandPath) -> list[CommandPath]:
    return [path[:length] for length in range(1, len(path) + 1)]


def options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        action
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction | argparse._HelpAction)
    ]


def test_every_command_has_a_heading() -> None:
    documented = set(command_sections())
    missing = [" ".join(p) for p in commands() if len(p) > 1 and p not in documented]
    assert not missing, f"commands without a heading in docs/reference/cli.md: {missing}"


def test_no_heading_names_a_command_that_does_not_exist() -> None:
    stale = [" ".join(p) for p in command_sections() if p not in commands()]
    assert not stale, f"docs/reference/cli.md documents commands that do not exist: {stale}"


@pytest.mark.parametrize("path", [p for p in commands() if len(p) > 1], ids=" ".join)
def test_every_option_and_argument_is_described_under_its_command(path: CommandPath) -> None:
    text = command_sections().get(path, "")
    undocumented = []
    for action in options(commands()[path]):
        if action.option_strings:
            undocumented += [o for o in action.option_strings if o not in _OPTION.findall(text)]
        elif not re.search(rf"\b{re.escape(action.dest.upper())}\b", text):
            undocumented.append(action.dest.upper())
    assert not undocumented, f"{' '.join(path)}: not described in cli.md: {undocumented}"


def invoked_command(line: str) -> CommandPath | None:
    """The command a `dynafed …` invocation on this line runs, following subcommand names
    past options and their values (`dynafed users --storage URL pools` → users pools)."""
    words = line.replace("`", " ").split()
    if "dynafed" not in words:
        return None
    parsers = commands()
    path: CommandPath = ("dynafed",)
    for word in words[words.index("dynafed") + 1 :]:
        if (*path, word) in parsers:
            path = (*path, word)
    return path


def known_options(path: CommandPath) -> set[str]:
    parsers = commands()
    known = {"-h", "--help"}
    for ancestor in lineage(path):
        if ancestor in parsers:
            known.update(o for a in parsers[ancestor]._actions for o in a.option_strings)
    return known


@pytest.mark.parametrize("path", list(command_sections()), ids=" ".join)
def test_no_option_under_a_command_heading_is_gone(path: CommandPath) -> None:
    """Options are checked against the command of the section, or of the `dynafed …`
    invocation on the same line (an example of a subcommand under its parent's heading)."""
    gone = set()
    for line in command_sections()[path].splitlines():
        known = known_options(invoked_command(line) or path)
        gone.update(o for o in _OPTION.findall(line) if o.startswith("--") and o not in known)
    assert not gone, f"{' '.join(path)}: cli.md describes options that do not exist: {sorted(gone)}"


def _documented_defaults(text: str) -> dict[str, str]:
    """`--option` → its row's Default cell, from the option tables of one section."""
    cells: dict[str, str] = {}
    for row in table_rows(text):
        spans = code_spans(row[0])
        if len(row) >= 3 and spans and spans[0].startswith("--"):
            cells[spans[0].split()[0]] = row[1]
    return cells


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.parametrize("path", [p for p in commands() if len(p) > 1], ids=" ".join)
def test_documented_defaults_and_required_options_are_the_parsers(
    path: CommandPath, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Defaults that come from the environment are documented as "env X, else Y": compare
    # with the parser built in an environment without those variables.
    for name in {s for s in code_spans(DOC) if re.fullmatch(r"[A-Z][A-Z0-9_]{3,}", s)}:
        monkeypatch.delenv(name, raising=False)
    parser = dict(walk(build_parser()))[path]
    cells = _documented_defaults(command_sections()[path])
    wrong = []
    for action in options(parser):
        cell = next((cells[o] for o in action.option_strings if o in cells), None)
        if cell is None:
            continue
        if action.required and "required" not in cell:
            wrong.append(f"{action.option_strings[0]} is required")
        default = action.default
        if default in (None, False, [], "") or action.required:
            continue
        if _shown(default) not in code_spans(cell):
            wrong.append(f"{action.option_strings[0]} defaults to {_shown(default)!r}")
    assert not wrong, f"{' '.join(path)}: cli.md's Default column is wrong: {wrong}"
