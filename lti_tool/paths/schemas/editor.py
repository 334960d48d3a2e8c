"""The path editor's form ↔ a path definition (the JSON of :mod:`lti_tool.paths.definition`).

The form holds what a path says (title, stages, steps, rules, questions); the role, its skills
and its priorities come from the catalogue (``Base``), so a designer edits those in one place.
A step or question left without a key gets one from its title; rows left blank (a skill, a
question) are dropped. Buttons other than *Save* change the form only (add or remove a step or
a stage, preview a rule) and answer with the page again, nothing saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from lti_tool.paths.definition import STAGES, DefinitionInvalid, EvidenceRule, FieldError
from lti_tool.paths.schemas import form as f
from lti_tool.paths.schemas.messages import explain
from xapi.validation.formats import check_iri

ACTIONS = re.compile(
    r"(save)|(preview|remove-step|add-step|remove-stage|move-up|move-down)"
    r":(\d{1,3})(?::(\d{1,3}))?|(add-stage):(leadership|specialist|advanced|core)"
)


@dataclass(frozen=True)
class Action:
    name: str  # save | preview | add-step | remove-step | add-stage | remove-stage | move-…
    stage: int | None = None
    step: int | None = None
    stage_key: str | None = None


@dataclass(frozen=True)
class Base:
    """What the catalogue contributes to a definition: the role, its skills, its priorities."""

    role: dict[str, Any]
    skills: list[dict[str, Any]]  # every catalogue skill, in catalogue order
    tracked: list[str]  # skill keys the role tracks (priorities first)
    priority_skills: list[str]


def action(form: MultiDict[str, str]) -> Action | None:
    match = ACTIONS.fullmatch(form.get("action", "save"))
    if match is None:
        return None
    if match[1]:
        return Action("save")
    if match[5]:
        return Action("add-stage", stage_key=match[6])
    return Action(match[2], int(match[3]), int(match[4]) if match[4] else None)


def definition_from_form(form: MultiDict[str, str], base: Base) -> dict[str, Any]:
    tree = f.unflatten(form)
    nodes = f.rows(tree.get("stages"))
    taken = {f.value(step, "key") for node in nodes for step in f.rows(node.get("steps"))}
    data: dict[str, Any] = {}
    if title := f.text(tree, "title"):
        data["title"] = title
    data["graded"] = bool(f.values(tree, "graded"))
    data["stages"] = [_stage(node, taken) for node in nodes]
    return with_catalogue(data, base)


def with_catalogue(data: dict[str, Any], base: Base) -> dict[str, Any]:
    """``data`` with the role, skills and priorities as the catalogue has them now: the role's
    tracked skills and any skill a step uses."""
    used = {
        link.get("skill")
        for stage in data.get("stages", [])
        for step in stage.get("steps", [])
        for link in step.get("skills", [])
    }
    skills = [s for s in base.skills if s["key"] in base.tracked or s["key"] in used]
    return {
        **data,
        "role": base.role,
        "skills": skills,
        "priority_skills": list(base.priority_skills),
    }


def _stage(node: f.Tree, taken_steps: set[str]) -> dict[str, Any]:
    stage: dict[str, Any] = {"key": f.value(node, "key")}
    if title := f.text(node, "title"):
        stage["title"] = title
    questions = []
    taken = {f.value(row, "key") for row in f.rows(node.get("reflection_questions"))}
    for row in f.rows(node.get("reflection_questions")):
        question_text = f.text(row, "text")
        if not question_text:
            continue  # the blank row the editor offers, or a question whose texts were cleared
        key = f.value(row, "key")
        if not key:
            key = f.slug(next(iter(question_text.values())), taken)
            taken.add(key)
        questions.append({"key": key, "text": question_text})
    if questions:
        stage["reflection_questions"] = questions
    stage["steps"] = [_step(row, taken_steps) for row in f.rows(node.get("steps"))]
    return stage


def _step(node: f.Tree, taken: set[str]) -> dict[str, Any]:
    title = f.text(node, "title")
    key = f.value(node, "key")
    if not key and title:
        key = f.slug(title.get("en") or next(iter(title.values())), taken)
        taken.add(key)
    step: dict[str, Any] = {"key": key, "kind": f.value(node, "kind")}
    if title:
        step["title"] = title
    if description := f.text(node, "description"):
        step["description"] = description
    if (minutes := f.integer(f.value(node, "minutes"))) is not None:
        step["minutes"] = minutes
    links = []
    for row in f.rows(node.get("skills")):
        if skill := f.value(row, "skill"):
            link: dict[str, Any] = {"skill": skill}
            if (weight := f.number(f.value(row, "weight"))) is not None:
                link["weight"] = weight
            links.append(link)
    if links:
        step["skills"] = links
    if depends := f.keys(f.value(node, "depends_on")):
        step["depends_on"] = depends
    if (evidence := evidence_from(node.get("evidence"))) is not None:
        step["evidence"] = evidence
    if f.values(node, "needs_confirmation"):
        step["needs_confirmation"] = True
    return step


def evidence_from(node: Any) -> dict[str, Any] | None:
    """A step's rule: verbs (ticked and typed, one per line) and activity; ``None`` if blank."""
    verbs = f.keys(" ".join(f.values(node, "verbs")).replace(",", " "))
    activity = f.value(node, "activity")
    success = {"true": True, "false": False}.get(f.value(node, "success"))
    min_scaled = f.number(f.value(node, "min_scaled"))
    if not verbs and not activity and success is None and min_scaled is None:
        return None
    evidence: dict[str, Any] = {"verbs": verbs, "activity": activity}
    if f.value(node, "match") == "prefix":
        evidence["match"] = "prefix"
    if success is not None:
        evidence["success"] = success
    if min_scaled is not None:
        evidence["min_scaled"] = min_scaled
    return evidence


def blank_step() -> dict[str, Any]:
    return {"key": "", "kind": "activity"}


def blank_stage(key: str) -> dict[str, Any]:
    return {"key": key, "steps": [blank_step()]}


def starter(base: Base) -> dict[str, Any]:
    """What a role without a path starts from: a core and an advanced stage, one step each."""
    return {
        "role": base.role,
        "skills": [s for s in base.skills if s["key"] in base.tracked],
        "priority_skills": list(base.priority_skills),
        "stages": [blank_stage("core"), blank_stage("advanced")],
    }


def apply(data: dict[str, Any], act: Action) -> bool:
    """Change the form as a non-save button asks; ``False`` if the button names nothing here."""
    stages: list[dict[str, Any]] = data["stages"]
    if act.name == "add-stage":
        if any(stage.get("key") == act.stage_key for stage in stages):
            return False
        stages.append(blank_stage(act.stage_key or "core"))
        stages.sort(key=lambda s: STAGES.index(s["key"]) if s.get("key") in STAGES else 99)
        return True
    if act.stage is None or act.stage >= len(stages):
        return False
    steps: list[dict[str, Any]] = stages[act.stage]["steps"]
    if act.name == "add-step":
        steps.append(blank_step())
    elif act.name == "remove-stage":
        del stages[act.stage]
    elif act.step is None or act.step >= len(steps):
        return False
    elif act.name == "remove-step":
        del steps[act.step]
    elif act.name in ("move-up", "move-down"):
        other = act.step + (-1 if act.name == "move-up" else 1)
        if not 0 <= other < len(steps):
            return False
        steps[act.step], steps[other] = steps[other], steps[act.step]
    return True


def stages_missing(data: dict[str, Any]) -> list[str]:
    """The stages the path does not have yet, offered as "add a stage"."""
    present = {stage.get("key") for stage in data.get("stages", [])}
    return [key for key in STAGES if key not in present]


def rule_for_preview(data: dict[str, Any], act: Action) -> tuple[str, EvidenceRule]:
    """The rule of the step the *Preview* button belongs to, and where that step is.

    Raises ``DefinitionInvalid`` (translated, at the rule's fields) when the rule is incomplete.
    """
    where = f"stages[{act.stage}].steps[{act.step}]"
    try:
        step = data["stages"][act.stage or 0]["steps"][act.step or 0]
    except (IndexError, TypeError):
        raise DefinitionInvalid([FieldError("stages", _("There is no such step."))]) from None
    evidence = step.get("evidence")
    errors = []
    if evidence is None:
        errors.append(FieldError(f"{where}.evidence.activity", _("Enter a rule to preview.")))
    else:
        errors += [
            FieldError(f"{where}.evidence.verbs[{n}]", _RULE_IRI)
            for n, verb in enumerate(evidence["verbs"])
            if check_iri(verb)
        ]
        if not evidence["verbs"]:
            errors.append(FieldError(f"{where}.evidence.verbs", _("Choose at least one verb.")))
        if check_iri(evidence["activity"]):
            errors.append(FieldError(f"{where}.evidence.activity", _RULE_IRI))
        scaled = evidence.get("min_scaled")
        if scaled is not None and not (isinstance(scaled, int | float) and -1 <= scaled <= 1):
            errors.append(
                FieldError(f"{where}.evidence.min_scaled", _("Enter a number from -1 to 1."))
            )
    if errors or evidence is None:
        raise DefinitionInvalid([explain(error) for error in errors])
    return where, EvidenceRule(
        verbs=frozenset(evidence["verbs"]),
        activity=evidence["activity"],
        prefix=evidence.get("match") == "prefix",
        success=evidence.get("success"),
        min_scaled=evidence.get("min_scaled"),
    )


_RULE_IRI = "must be an absolute IRI"  # explained by messages.explain, like the definition's
