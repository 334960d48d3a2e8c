"""Which steps count for a learner, and how far along they are: the arithmetic the learner page,
the export and the AGS score share.

A learner's path is its core and advanced stages plus *their* branch (leadership or specialist).
Until they choose, only a path with a single branch stage counts it; otherwise the branch stages
wait for the choice. Evidence is kept for every step (so switching branch loses nothing); only
what counts changes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from lti_tool.paths.definition import BRANCHES, PathDefinition, Step


def effective_branch(definition: PathDefinition, chosen: str | None) -> str | None:
    branches = definition.branches
    if chosen in branches:
        return chosen
    return branches[0] if len(branches) == 1 else None


def counted_stages(definition: PathDefinition, chosen: str | None) -> set[str]:
    branch = effective_branch(definition, chosen)
    return {s.key for s in definition.stages if s.key not in BRANCHES or s.key == branch}


def counted_steps(definition: PathDefinition, chosen: str | None) -> list[Step]:
    stages = counted_stages(definition, chosen)
    return [step for stage in definition.stages if stage.key in stages for step in stage.steps]


def percent(done: Collection[str], steps: Iterable[Step]) -> int:
    """Share of ``steps`` done, 0–100, rounded down (100 only when all are done)."""
    keys = [step.key for step in steps]
    return (100 * sum(key in done for key in keys)) // len(keys) if keys else 0


def skill_percent(done: Collection[str], steps: Iterable[Step], skill: str) -> int:
    """Weighted share of the steps training ``skill`` that are done, 0–100."""
    weights = [(step.key, step.skills[skill]) for step in steps if skill in step.skills]
    total = sum(weight for _, weight in weights)
    if not total:
        return 0
    return int(100 * sum(weight for key, weight in weights if key in done) / total)
