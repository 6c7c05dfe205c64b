"""YAML loading that remembers where every value came from.

Content editors are not programmers: every complaint about their files must
name the file and the line. PyYAML's composer knows the line of every node;
this module keeps it by building plain dicts/lists whose mappings remember the
line of each key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a content file."""

    path: Path
    line: int  # 1-based; 0 when the whole file is meant
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.severity}: {self.message}"


class ContentError(Exception):
    """Content that cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class LineDict(dict[str, Any]):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    line: int
    item_lines: list[int]


# libyaml's parser, when PyYAML was built with it: ten languages of questions load in a
# fraction of the time (start-up), with the same nodes and line marks.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _build(node: yaml.Node, loader: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            # Keys like `no:` or `2026:` arrive as bool/int; content keys are strings.
            key = _key_text(key)
            result[key] = _build(value_node, loader)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LineList(_build(child, loader) for child in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [child.start_mark.line + 1 for child in node.value]
        return items
    return loader.construct_object(node, deep=True)


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        # YAML 1.1 reads the language code `no` (Norwegian) as False.
        return "no" if key is False else "yes"
    return str(key)


def load_yaml(path: Path) -> Any:
    """Load one YAML file, raising ContentError with file:line on bad syntax."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(path, 0, f"not UTF-8 text ({exc.reason})")]) from exc
    except OSError as exc:
        raise ContentError([Problem(path, 0, f"cannot read: {exc.strerror}")]) from exc
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _build(node, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        reason = exc.problem or str(exc)
        raise ContentError([Problem(path, line, f"YAML syntax: {reason}")]) from exc
    except yaml.YAMLError as exc:
        raise ContentError([Problem(path, 0, f"YAML: {exc}")]) from exc
    finally:
        loader.dispose()


def line_of(value: Any, default: int = 0) -> int:
    return int(getattr(value, "line", default))
