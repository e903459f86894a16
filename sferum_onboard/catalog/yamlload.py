"""Read one YAML file safely, keeping the line and column of every node.

PyYAML's C parser composes the node tree; we build plain Python values from
it ourselves so that we can refuse what a hand-edited catalog must never
hold (duplicate keys, arbitrary tags, alias bombs) and remember where each
value came from for located messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sferum_onboard.errors import Location, Problem
from sferum_onboard.messages import CATALOG, YAML_PROBLEM_FALLBACK, YAML_PROBLEMS
from sferum_onboard.reasons import os_reason

try:  # the C parser is much faster; the pure one is a fallback
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ALIASES = 100
MAX_NODES = 200_000

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
# Dates stay strings: the schemas check their format, the model parses them.
_AS_TEXT = {_STR, "tag:yaml.org,2002:timestamp"}
_SCALARS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}

Path_ = tuple  # a path into the document: ("steps", 3, "id")


@dataclass
class YamlDocument:
    """Plain data from one file plus where each value and key stands."""

    file: str
    data: object
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    spans: dict[Path_, tuple[int, int]] = field(default_factory=dict)  # a text value's [start, end) in `text`
    text: str = ""  # the file as read, for finding a place inside a long value
    problems: list[Problem] = field(default_factory=list)  # found while building, not fatal

    def where(self, path: Path_ = (), key: bool = False) -> Location:
        """The location of a value (or of its key), falling back to its parent."""
        table = self.keys if key else self.values
        path = tuple(path)
        while path and path not in table:
            path = path[:-1]
        line, column = table.get(path) or self.values.get(path, (0, 0))
        return Location(self.file, line, column)


class YamlProblem(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def _problem(file: str, code: str, line: int = 0, column: int = 0, **fields) -> YamlProblem:
    return YamlProblem(Problem(Location(file, line, column), code, CATALOG[code].format(**fields)))


def decode(raw: bytes, file: str) -> str:
    """Text of a catalog file: UTF-8 (a BOM is fine); anything else is refused with a reason."""
    if not raw.strip():
        raise _problem(file, "file-empty")
    if b"\0" in raw[:8192]:
        raise _problem(file, "file-binary")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        if _looks_like_cp1251(raw):
            raise _problem(file, "file-cp1251", line, column) from None
        raise _problem(file, "file-encoding", line, column, offset=error.start) from None


def _looks_like_cp1251(raw: bytes) -> bool:
    try:
        text = raw.decode("cp1251")
    except UnicodeDecodeError:
        return False
    letters = sum(1 for ch in text if "а" <= ch.lower() <= "я" or ch in "Ёё")
    return letters >= max(3, len([b for b in raw if b >= 0x80]) // 2)


def read_yaml(path: Path, file: str | None = None) -> YamlDocument:
    """Load one YAML file; raises YamlProblem with a located Russian message."""
    file = file or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _problem(file, "file-too-big", size=round(size / 2**20, 1), limit=MAX_FILE_BYTES // 2**20)
        raw = path.read_bytes()
    except OSError as error:
        raise _problem(file, "file-unreadable", reason=os_reason(error)) from None
    return parse_yaml(decode(raw, file), file)


def parse_yaml(text: str, file: str) -> YamlDocument:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.composer.ComposerError as error:
        if "single document" in f"{error.context} {error.problem}":
            mark = error.problem_mark
            raise _problem(file, "yaml-many-documents", mark.line + 1, mark.column + 1) from None
        raise _syntax(file, text, error) from None
    except yaml.YAMLError as error:
        raise _syntax(file, text, error) from None
    finally:
        loader.dispose()
    if root is None:
        raise _problem(file, "file-empty")
    document = YamlDocument(file, None, text=text)
    document.data = _Builder(document).build(root, ())
    return document


def _syntax(file: str, text: str, error: yaml.YAMLError) -> YamlProblem:
    """Translate a PyYAML error (English) into a located Russian message."""
    if isinstance(error, yaml.reader.ReaderError):
        position = error.position or 0
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        return _problem(file, "yaml-syntax", line, column, detail=YAML_PROBLEMS["control characters are not allowed"])
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    problem = str(getattr(error, "problem", "") or "")
    if mark and mark.index < len(text) and text[mark.index] == "\t":
        problem = "found a tab character that violates indentation"
    detail = next((message for key, message in YAML_PROBLEMS.items() if problem.startswith(key)), None)
    return _problem(file, "yaml-syntax", line, column, detail=detail or YAML_PROBLEM_FALLBACK)


class _Builder:
    """Turns a composed node tree into plain values, recording positions."""

    def __init__(self, document: YamlDocument):
        self.document = document
        self.file = document.file
        self.seen: set[int] = set()
        self.aliases = 0
        self.nodes = 0
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path_) -> object:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _problem(self.file, "yaml-too-large", *self._pos(node), limit=MAX_NODES)
        if not isinstance(node, yaml.ScalarNode):
            # A node met twice was reached through an alias.
            if id(node) in self.seen:
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise _problem(self.file, "yaml-alias-budget", *self._pos(node), limit=MAX_ALIASES)
            self.seen.add(id(node))
        self.document.values[path] = self._pos(node)
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag in _AS_TEXT:
                self.document.spans[path] = (node.start_mark.index, node.end_mark.index)
                return node.value
            if tag in _SCALARS:
                return self.scalars.yaml_constructors[tag](self.scalars, node)
        elif isinstance(node, yaml.SequenceNode) and tag == _SEQ:
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode) and tag == _MAP:
            return self._mapping(node, path)
        raise _problem(self.file, "yaml-tag", *self._pos(node), tag=tag.replace("tag:yaml.org,2002:", "!!"))

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        result: dict = {}
        first_line: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _problem(self.file, "yaml-tag", *self._pos(key_node), tag="<<")
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _AS_TEXT | _SCALARS:
                raise _problem(self.file, "yaml-key-type", *self._pos(key_node))
            key = key_node.value if key_node.tag in _AS_TEXT else str(self.build(key_node, path))
            line, column = self._pos(key_node)
            if key in result:  # an error, never "last wins"
                duplicate = _problem(self.file, "yaml-duplicate-key", line, column, key=key, first_line=first_line[key])
                self.document.problems.append(duplicate.problem)
                continue
            first_line[key] = line
            self.document.keys[path + (key,)] = (line, column)
            result[key] = self.build(value_node, path + (key,))
        return result

    @staticmethod
    def _pos(node: yaml.Node) -> tuple[int, int]:
        mark = node.start_mark
        return mark.line + 1, mark.column + 1
