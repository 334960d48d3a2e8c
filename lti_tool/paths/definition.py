"""A path's definition: the JSON that designers edit, import and export, and its rules.

``SCHEMA`` (JSON Schema 2020-12) is published at ``GET /paths/schema.json`` so organisations can
share good paths. ``parse`` checks a definition against it, then checks what a schema cannot
say (unique keys, known skills, dependencies that exist and form no cycle, IRIs, at most five
priority skills), and answers a ``PathDefinition`` — or raises ``DefinitionInvalid`` listing
every problem with the field it concerns (``stages[1].steps[0].evidence.activity``), so that an
editor can show each next to its field and nothing is half-saved.

Texts are either one string or a map of language tag to string (``{"en": …, "nl": …}``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from xapi.validation.formats import check_iri

SCHEMA_ID = "https://learnloop.org/schemas/path-definition/v1.json"
STAGES = ("core", "advanced", "leadership", "specialist")
BRANCHES = ("leadership", "specialist")  # the learner chooses one for the third stage
STEP_KINDS = ("card", "activity", "slot_attend", "slot_teach", "apply", "checkin")
MAX_PRIORITY_SKILLS = 5
_KEY = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"}
_TEXT = {
    "oneOf": [
        {"type": "string", "minLength": 1, "maxLength": 2000},
        {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
            "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 2000},
        },
    ]
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "LearnLoop role path",
    "type": "object",
    "required": ["role", "skills", "priority_skills", "stages"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"const": SCHEMA_ID},
        "role": {
            "type": "object",
            "required": ["key", "name"],
            "additionalProperties": False,
            "properties": {"key": _KEY, "name": _TEXT, "description": _TEXT},
        },
        "title": _TEXT,
        "skills": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "name"],
                "additionalProperties": False,
                "properties": {"key": _KEY, "name": _TEXT, "description": _TEXT},
            },
        },
        "priority_skills": {"type": "array", "items": _KEY, "uniqueItems": True},
        "graded": {"type": "boolean"},
        "stages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["key", "steps"],
                "additionalProperties": False,
                "properties": {
                    "key": {"enum": list(STAGES)},
                    "title": _TEXT,
                    "reflection_questions": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["key", "text"],
                            "additionalProperties": False,
                            "properties": {"key": _KEY, "text": _TEXT},
                        },
                    },
                    "steps": {"type": "array", "items": {"$ref": "#/$defs/step"}},
                },
            },
        },
    },
    "$defs": {
        "step": {
            "type": "object",
            "required": ["key", "kind", "title"],
            "additionalProperties": False,
            "properties": {
                "key": _KEY,
                "kind": {"enum": list(STEP_KINDS)},
                "title": _TEXT,
                "description": _TEXT,
                "minutes": {"type": "integer", "minimum": 1, "maximum": 480},
                "skills": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["skill"],
                        "additionalProperties": False,
                        "properties": {
                            "skill": _KEY,
                            "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 10},
                        },
                    },
                },
                "depends_on": {"type": "array", "items": _KEY, "uniqueItems": True},
                "evidence": {"$ref": "#/$defs/evidence"},
                "needs_confirmation": {"type": "boolean"},
            },
        },
        "evidence": {
            "type": "object",
            "required": ["verbs", "activity"],
            "additionalProperties": False,
            "properties": {
                "verbs": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string", "minLength": 1, "maxLength": 255},
                },
                "activity": {"type": "string", "minLength": 1, "maxLength": 255},
                "match": {"enum": ["exact", "prefix"]},
                "success": {"type": "boolean"},
                "min_scaled": {"type": "number", "minimum": -1, "maximum": 1},
            },
        },
    },
}
_VALIDATOR = Draft202012Validator(SCHEMA)


@dataclass(frozen=True)
class FieldError:
    field: str  # where, e.g. "stages[1].steps[0].evidence.activity"; "" for the whole
    message: str


class DefinitionInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field or 'definition'}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class EvidenceRule:
    verbs: frozenset[str]
    activity: str
    prefix: bool
    success: bool | None
    min_scaled: float | None

    def matches(
        self, verb: str, activity: str | None, success: bool | None, scaled: float | None
    ) -> bool:
        if verb not in self.verbs or activity is None:
            return False
        if not (activity.startswith(self.activity) if self.prefix else activity == self.activity):
            return False
        if self.success is not None and success is not self.success:
            return False
        return self.min_scaled is None or (scaled is not None and scaled >= self.min_scaled)


@dataclass(frozen=True)
class Step:
    key: str
    kind: str
    stage: str
    title: dict[str, str]
    description: dict[str, str]
    minutes: int | None
    skills: dict[str, float]  # skill key → weight
    depends_on: tuple[str, ...]
    evidence: EvidenceRule | None
    needs_confirmation: bool


@dataclass(frozen=True)
class Stage:
    key: str
    title: dict[str, str]
    questions: tuple[tuple[str, dict[str, str]], ...]  # (key, text)
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class PathDefinition:
    role_key: str
    role_name: dict[str, str]
    role_description: dict[str, str]
    title: dict[str, str]
    skills: dict[str, dict[str, str]]  # key → name
    skill_descriptions: dict[str, dict[str, str]]
    priority_skills: tuple[str, ...]
    graded: bool
    stages: tuple[Stage, ...]
    raw: dict[str, Any] = field(compare=False, repr=False)

    def steps(self, branch: str | None = None) -> Iterator[Step]:
        """Steps in path order; with ``branch``, only that one of the branch stages."""
        for stage in self.stages:
            if branch is not None and stage.key in BRANCHES and stage.key != branch:
                continue
            yield from stage.steps

    @property
    def branches(self) -> tuple[str, ...]:
        return tuple(stage.key for stage in self.stages if stage.key in BRANCHES)


def text(value: Any) -> dict[str, str]:
    """A definition text as a language map (a plain string is English)."""
    if value is None:
        return {}
    return dict(value) if isinstance(value, Mapping) else {"en": str(value)}


def parse(data: Any) -> PathDefinition:
    errors = [
        FieldError(_where(error.absolute_path), error.message)
        for error in sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(e.absolute_path))
    ]
    if errors:
        raise DefinitionInvalid(errors)
    errors = list(_rule_errors(data))
    if errors:
        raise DefinitionInvalid(errors)
    return _build(data)


def _where(path: Any) -> str:
    where = ""
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    return where


def _rule_errors(data: dict[str, Any]) -> Iterator[FieldError]:
    skills = [skill["key"] for skill in data["skills"]]
    yield from _duplicates(skills, "skills", "skill")
    known = set(skills)
    priorities = data["priority_skills"]
    if len(priorities) > MAX_PRIORITY_SKILLS:
        yield FieldError(
            "priority_skills",
            f"a role has at most {MAX_PRIORITY_SKILLS} priority skills ({len(priorities)} given):"
            " track the others without a priority",
        )
    for n, key in enumerate(priorities):
        if key not in known:
            yield FieldError(f"priority_skills[{n}]", f"skill {key!r} is not in skills")
    yield from _stage_errors(data["stages"], known)


def _stage_errors(stages: list[dict[str, Any]], known_skills: set[str]) -> Iterator[FieldError]:
    yield from _duplicates([stage["key"] for stage in stages], "stages", "stage")
    present = [stage["key"] for stage in stages]
    for required in ("core", "advanced"):
        if required not in present:
            yield FieldError("stages", f"the path needs a {required!r} stage")
    if present != sorted(present, key=STAGES.index):
        yield FieldError("stages", "stages go in the order core, advanced, leadership, specialist")
    steps = [
        (s, m, step) for s, stage in enumerate(stages) for m, step in enumerate(stage["steps"])
    ]
    yield from _duplicates([step["key"] for *_, step in steps], "stages", "step")
    questions = [q["key"] for stage in stages for q in stage.get("reflection_questions", [])]
    yield from _duplicates(questions, "stages", "reflection question")
    for s, stage in enumerate(stages):
        if not stage["steps"]:
            yield FieldError(f"stages[{s}].steps", "a stage needs at least one step")
    step_keys = {step["key"] for *_, step in steps}
    for s, m, step in steps:
        yield from _step_errors(f"stages[{s}].steps[{m}]", step, known_skills, step_keys)
    yield from _cycles({step["key"]: step.get("depends_on", []) for *_, step in steps})


def _step_errors(
    where: str, step: dict[str, Any], known_skills: set[str], step_keys: set[str]
) -> Iterator[FieldError]:
    for n, link in enumerate(step.get("skills", [])):
        if link["skill"] not in known_skills:
            yield FieldError(
                f"{where}.skills[{n}].skill", f"skill {link['skill']!r} is not in skills"
            )
    for n, other in enumerate(step.get("depends_on", [])):
        if other == step["key"]:
            yield FieldError(f"{where}.depends_on[{n}]", "a step cannot depend on itself")
        elif other not in step_keys:
            yield FieldError(f"{where}.depends_on[{n}]", f"there is no step {other!r}")
    evidence = step.get("evidence")
    if evidence is None:
        if step["kind"] in ("card", "activity"):
            yield FieldError(f"{where}.evidence", f"a {step['kind']} step needs an evidence rule")
        return
    for n, verb in enumerate(evidence["verbs"]):
        if problem := check_iri(verb):
            yield FieldError(f"{where}.evidence.verbs[{n}]", f"{problem}")
    if problem := check_iri(evidence["activity"]):
        yield FieldError(f"{where}.evidence.activity", f"{problem}")


def _duplicates(keys: list[str], where: str, what: str) -> Iterator[FieldError]:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            yield FieldError(where, f"{what} key {key!r} is used twice")
        seen.add(key)


def _cycles(depends: dict[str, list[str]]) -> Iterator[FieldError]:
    """Dependencies must form no cycle (a step depending on itself is reported per step)."""
    state: dict[str, int] = {}  # 1: being visited, 2: done

    def visit(key: str, trail: list[str]) -> list[str] | None:
        state[key] = 1
        for other in depends.get(key, []):
            if other == key or other not in depends:
                continue
            if state.get(other) == 1:
                return [*trail, key, other]
            if state.get(other) is None and (cycle := visit(other, [*trail, key])):
                return cycle
        state[key] = 2
        return None

    for key in depends:
        if state.get(key) is None and (cycle := visit(key, [])):
            start = cycle.index(cycle[-1])
            yield FieldError(
                "stages", "steps depend on each other in a circle: " + " → ".join(cycle[start:])
            )
            return


def _build(data: dict[str, Any]) -> PathDefinition:
    stages = tuple(
        Stage(
            key=stage["key"],
            title=text(stage.get("title")),
            questions=tuple(
                (q["key"], text(q["text"])) for q in stage.get("reflection_questions", [])
            ),
            steps=tuple(_step(stage["key"], step) for step in stage["steps"]),
        )
        for stage in data["stages"]
    )
    return PathDefinition(
        role_key=data["role"]["key"],
        role_name=text(data["role"]["name"]),
        role_description=text(data["role"].get("description")),
        title=text(data.get("title") or data["role"]["name"]),
        skills={skill["key"]: text(skill["name"]) for skill in data["skills"]},
        skill_descriptions={s["key"]: text(s.get("description")) for s in data["skills"]},
        priority_skills=tuple(data["priority_skills"]),
        graded=bool(data.get("graded", False)),
        stages=stages,
        raw=data,
    )


def _step(stage: str, step: dict[str, Any]) -> Step:
    evidence = step.get("evidence")
    return Step(
        key=step["key"],
        kind=step["kind"],
        stage=stage,
        title=text(step["title"]),
        description=text(step.get("description")),
        minutes=step.get("minutes"),
        skills={link["skill"]: float(link.get("weight", 1.0)) for link in step.get("skills", [])},
        depends_on=tuple(step.get("depends_on", [])),
        evidence=None
        if evidence is None
        else EvidenceRule(
            verbs=frozenset(evidence["verbs"]),
            activity=evidence["activity"],
            prefix=evidence.get("match", "exact") == "prefix",
            success=evidence.get("success"),
            min_scaled=evidence.get("min_scaled"),
        ),
        needs_confirmation=bool(step.get("needs_confirmation", False)),
    )
