"""Just enough Markdown for the doc tests: headings, sections, pipe tables, code spans.

Fenced code blocks are skipped when looking for headings, so a `# comment` in a shell or
TOML example is never taken for a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
REFERENCE = DOCS / "reference"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True, slots=True)
class Section:
    level: int
    title: str
    body: str
    """The text under the heading, up to the next heading of any level."""


def read(name: str) -> str:
    return (REFERENCE / name).read_text(encoding="utf-8")


def sections(text: str) -> list[Section]:
    """Every heading with the text below it (up to the next heading); the text before the
    first heading is a level-0 section with an empty title."""
    found: list[Section] = []
    level, title, lines = 0, "", []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading is None:
            lines.append(line)
            continue
        found.append(Section(level, title, "\n".join(lines)))
        level, title, lines = len(heading.group(1)), heading.group(2), []
    found.append(Section(level, title, "\n".join(lines)))
    return found


def chapters(text: str, level: int = 2) -> dict[str, str]:
    """Title of each heading of `level` → everything under it, deeper headings included."""
    result: dict[str, str] = {}
    current: str | None = None
    for section in sections(text):
        if section.level == level:
            current = section.title
            result[current] = section.body
        elif current is not None and section.level > level:
            result[current] += f"\n{'#' * section.level} {section.title}\n{section.body}"
        elif section.level and section.level < level:
            current = None
    return result


def code_spans(text: str) -> list[str]:
    return _CODE_SPAN.findall(text)


def table_rows(text: str) -> list[list[str]]:
    """The body rows of every pipe table in `text`, as stripped cells (`\\|` kept as `|`).
    Header rows (the row above a `|---|` line) are left out."""
    rows: list[list[str]] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not line.lstrip().startswith("|"):
            continue
        if re.fullmatch(r"\s*\|[\s:|-]+\|\s*", line):
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if re.fullmatch(r"\s*\|[\s:|-]+\|\s*", following):
            continue  # a header row
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([cell.replace("\\|", "|").strip() for cell in cells])
    return rows


def first_column_names(text: str) -> list[str]:
    """The first code span of the first cell of every table row in `text`."""
    names = []
    for row in table_rows(text):
        spans = code_spans(row[0])
        if spans:
            names.append(spans[0])
    return names
