"""JSON Schemas of the catalog files: one compiled validator per schema, Russian errors."""

from __future__ import annotations

import copy
import difflib
import functools
import json
from importlib import resources

import jsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from sferum_onboard.catalog.yamlload import YamlDocument
from sferum_onboard.errors import Problem
from sferum_onboard.messages import CATALOG, PATTERN_RULES, PYTHON_TYPES, SCHEMA_TYPES

SCHEMA_NAMES = ("checklist", "step", "shared", "roles", "school-steps", "roadmap", "site")


@functools.cache
def raw_schema(name: str) -> dict:
    text = resources.files("sferum_onboard.schemas").joinpath(f"{name}.json").read_text("utf-8")
    return json.loads(text)


@functools.cache
def _registry() -> Registry:
    return Registry().with_resources(
        (f"{name}.json", Resource.from_contents(raw_schema(name))) for name in SCHEMA_NAMES
    )


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """The compiled validator of a schema, built once per process."""
    return Draft202012Validator(
        raw_schema(name), registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def bundled_schema(name: str) -> dict:
    """A self-contained schema: referenced schemas are copied into `$defs`."""
    schema = copy.deepcopy(raw_schema(name))
    refs: dict[str, str] = {}

    def rewrite(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.endswith(".json"):
                target = ref[: -len(".json")]
                refs[target] = ref
                node["$ref"] = f"#/$defs/{target}"
            for value in node.values():
                rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(schema)
    for target in list(refs):
        definition = copy.deepcopy(raw_schema(target))
        definition.pop("$schema", None)
        rewrite(definition)
        schema.setdefault("$defs", {})[target] = definition
    return schema


def check(document: YamlDocument, name: str) -> list[Problem]:
    """Every schema problem of a document, located and in Russian."""
    problems = []
    for error in validator(name).iter_errors(document.data):
        for leaf in _leaves(error):
            problems.append(_translate(document, leaf))
    return problems


def _leaves(error: jsonschema.ValidationError):
    """For a failed oneOf over step items, explain the branch the author meant."""
    if error.validator == "oneOf" and error.context:
        instance = error.instance
        branch = 1 if isinstance(instance, dict) else 0
        chosen = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == branch]
        if isinstance(instance, (dict, str)) and chosen:
            yield from chosen
            return
    yield error


def _where(path) -> str:
    parts = [str(p) if isinstance(p, str) else f"[{p + 1}]" for p in path]
    text = ".".join(parts).replace(".[", "[")
    return f"поле «{text}»" if text else "значение"


def _translate(document: YamlDocument, error: jsonschema.ValidationError) -> Problem:
    path = tuple(error.absolute_path)
    where = _where(path)
    kind = error.validator
    location = document.where(path)
    if kind == "required":
        field = error.message.split("'")[1]
        code, fields = "schema-required", {"field": field}
    elif kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        field = extra[0] if extra else "?"
        close = difflib.get_close_matches(field, allowed, n=1)
        hint = f"; может быть, «{close[0]}»?" if close else f"; допустимы: {', '.join(allowed)}"
        code, fields = "schema-unknown-field", {"field": field, "hint": hint}
        location = document.where(path + (field,), key=True)
    elif kind == "type":
        expected = error.validator_value
        expected = " или ".join(SCHEMA_TYPES[t] for t in ([expected] if isinstance(expected, str) else expected))
        actual = PYTHON_TYPES.get(type(error.instance), type(error.instance).__name__)
        code, fields = "schema-type", {"where": where.capitalize(), "expected": expected, "actual": actual}
    elif kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        code, fields = "schema-enum", {"where": where, "value": error.instance, "allowed": allowed}
    elif kind == "pattern":
        rule = PATTERN_RULES.get(error.validator_value, f"не подходит под шаблон {error.validator_value}")
        code, fields = "schema-pattern", {"where": where, "value": error.instance, "rule": rule}
    elif kind in ("minItems", "minProperties"):
        code, fields = "schema-min-items", {"where": where}
    elif kind == "uniqueItems":
        code, fields = "schema-unique", {"where": where}
    elif kind == "minLength":
        code, fields = "schema-min-length", {"where": where}
    elif kind == "maxLength":
        code, fields = "schema-max-length", {"where": where, "limit": error.validator_value}
    elif kind in ("minimum", "maximum"):
        code = f"schema-{kind}"
        fields = {"where": where, "value": error.instance, "limit": error.validator_value}
    elif kind == "format" and error.validator_value == "date":
        code, fields = "schema-format-date", {"where": where, "value": error.instance}
    elif kind == "oneOf":
        code, fields = "schema-step-item", {"where": where}
    else:
        code, fields = "schema-other", {"where": where, "rule": kind}
    message = CATALOG[code].format(**fields)
    return Problem(location, code, message)
