"""The evidence rules of a tenant's published paths, indexed for matching many statements.

Per path (its current version), the steps with an evidence rule are indexed by the rule's exact
activity id, and prefix rules by prefix length then prefix: a statement costs one dict lookup
plus one per distinct prefix length, not one per step. The index is built once per process for
each set of current versions (one query per batch checks which those are) and rebuilt only when
a path gets a new version.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from lti_tool.core.cache import app_cache
from lti_tool.core.db import db
from lti_tool.paths.definition import EvidenceRule, PathDefinition
from lti_tool.paths.models import Path, PathVersion
from lti_tool.paths.services.path_versions import cached_definition

Rules = tuple[tuple[str, EvidenceRule], ...]  # (step key, rule)


@dataclass(frozen=True)
class PathRules:
    path_id: int
    version_id: int
    graded: bool
    definition: PathDefinition
    verbs: frozenset[str]
    exact: Mapping[str, Rules]
    prefixes: Mapping[int, Mapping[str, Rules]]  # prefix length → prefix → rules

    def steps_for(
        self, verb: str, activity: str | None, success: bool | None, scaled: float | None
    ) -> list[str]:
        """The keys of the steps this statement is evidence for."""
        if activity is None or verb not in self.verbs:
            return []
        candidates = list(self.exact.get(activity, ()))
        for length, by_prefix in self.prefixes.items():
            candidates += by_prefix.get(activity[:length], ())
        return [key for key, rule in candidates if rule.matches(verb, activity, success, scaled)]


def index(path_id: int, version_id: int, graded: bool, definition: PathDefinition) -> PathRules:
    exact: dict[str, list[tuple[str, EvidenceRule]]] = defaultdict(list)
    prefixes: dict[int, dict[str, list[tuple[str, EvidenceRule]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    verbs: set[str] = set()
    for step in definition.steps():
        rule = step.evidence
        if rule is None:
            continue
        verbs |= rule.verbs
        if rule.prefix:
            prefixes[len(rule.activity)][rule.activity].append((step.key, rule))
        else:
            exact[rule.activity].append((step.key, rule))
    return PathRules(
        path_id=path_id,
        version_id=version_id,
        graded=graded,
        definition=definition,
        verbs=frozenset(verbs),
        exact={activity: tuple(rules) for activity, rules in exact.items()},
        prefixes={
            length: {prefix: tuple(rules) for prefix, rules in by_prefix.items()}
            for length, by_prefix in sorted(prefixes.items())
        },
    )


def tenant_rules(tenant_id: int) -> dict[int, PathRules]:
    """Path id → its indexed rules, for every published path of the tenant. One query when the
    current versions are the ones indexed last time in this process."""
    rows = db.session.execute(
        select(Path.id, Path.graded, PathVersion.id, PathVersion.created_at)
        .join(
            PathVersion,
            (PathVersion.path_id == Path.id) & (PathVersion.number == Path.current_version),
        )
        .where(Path.tenant_id == tenant_id)
        .order_by(Path.id)
    ).all()
    stamp = tuple((row[0], row[1], row[2], row[3]) for row in rows)
    cache = app_cache("paths.rule_index", float("inf"))
    found = cache.get(tenant_id, lambda: None)
    if found is not None and found[0] == stamp:
        return found[1]
    built = {
        path_id: index(path_id, version_id, graded, _definition(version_id, created_at))
        for path_id, graded, version_id, created_at in stamp
    }
    cache.discard(tenant_id)
    cache.get(tenant_id, lambda: (stamp, built))
    return built


def _definition(version_id: int, created_at: dt.datetime) -> PathDefinition:
    def load() -> str:
        text = db.session.scalar(select(PathVersion.definition).where(PathVersion.id == version_id))
        assert text is not None
        return text

    return cached_definition(version_id, created_at, load)
