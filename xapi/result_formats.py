"""The ``format`` of statements that ``GET statements`` returns (1.0.3 Communication 2.1.3;
2.0 §4.1.6.1):

- ``exact`` (the default): as received (what :mod:`xapi.reading` returns, untouched);
- ``ids``: Agents, Groups, Activities and Verbs reduced to what identifies them: the
  ``objectType`` (when sent) and the inverse functional identifier of an Agent or identified
  Group; an anonymous Group keeps its members, each reduced so; an Activity or Verb keeps its
  ``id``. Everywhere in the statement: actor, object, SubStatement, context, authority.
- ``canonical``: Activities and Verbs "populated with the canonical definition ... as
  determined by the LRS", with one language per language map, chosen by ``Accept-Language``
  "for each language map individually". LearnLoop keeps no Activity definitions apart from the
  statements (the spec allows, does not require it), so an Activity's canonical definition is
  the one its statement carries. Agents and Groups stay exact.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from xapi.jsonbody import dumps

FORMATS = ("exact", "ids", "canonical")
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
_INTERACTION_LISTS = ("choices", "scale", "source", "target", "steps")

Choose = Callable[[Sequence[str]], str]  # the one language kept from a map's language tags


def shaped(texts: list[str], format_: str, choose: Choose) -> list[str]:
    """Statements (JSON texts, as stored) in ``format_``."""
    if format_ == "exact":
        return texts
    if format_ == "ids":
        return [dumps(ids(json.loads(text))) for text in texts]
    return [dumps(canonical(json.loads(text), choose)) for text in texts]


def ids(statement: dict[str, Any]) -> dict[str, Any]:
    return _statement(statement, _agent_ids, _activity_ids, _verb_ids)


def canonical(statement: dict[str, Any], choose: Choose) -> dict[str, Any]:
    return _statement(
        statement,
        lambda agent: agent,
        lambda activity: _canonical_activity(activity, choose),
        lambda verb: _one_language(verb, "display", choose),
    )


Shape = Callable[[dict[str, Any]], dict[str, Any]]


def _statement(part: dict[str, Any], agent: Shape, activity: Shape, verb: Shape) -> dict[str, Any]:
    shaped = dict(part)
    shaped["actor"] = agent(part["actor"])
    shaped["verb"] = verb(part["verb"])
    shaped["object"] = _object(part["object"], agent, activity, verb)
    if "authority" in part:
        shaped["authority"] = agent(part["authority"])
    if "context" in part:
        shaped["context"] = _context(part["context"], agent, activity)
    return shaped


def _object(target: dict[str, Any], agent: Shape, activity: Shape, verb: Shape) -> dict[str, Any]:
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        return activity(target)
    if kind in ("Agent", "Group"):
        return agent(target)
    if kind == "SubStatement":
        return _statement(target, agent, activity, verb)
    return target  # a StatementRef: an id already


def _context(context: dict[str, Any], agent: Shape, activity: Shape) -> dict[str, Any]:
    shaped = dict(context)
    for name in ("instructor", "team"):
        if name in context:
            shaped[name] = agent(context[name])
    if "contextActivities" in context:
        shaped["contextActivities"] = {
            kind: [activity(a) for a in found] if isinstance(found, list) else activity(found)
            for kind, found in context["contextActivities"].items()
        }
    for name, inner in (("contextAgents", "agent"), ("contextGroups", "group")):
        if name in context:
            shaped[name] = [{**item, inner: agent(item[inner])} for item in context[name]]
    return shaped


def _agent_ids(agent: dict[str, Any]) -> dict[str, Any]:
    kept = {key: agent[key] for key in ("objectType", *IFIS) if key in agent}
    if "member" in agent and not any(ifi in agent for ifi in IFIS):
        kept["member"] = [_agent_ids(member) for member in agent["member"]]
    return kept


def _activity_ids(activity: dict[str, Any]) -> dict[str, Any]:
    return {key: activity[key] for key in ("objectType", "id") if key in activity}


def _verb_ids(verb: dict[str, Any]) -> dict[str, Any]:
    return {"id": verb["id"]}


def _canonical_activity(activity: dict[str, Any], choose: Choose) -> dict[str, Any]:
    if "definition" not in activity:
        return activity
    definition = dict(activity["definition"])
    for name in ("name", "description"):
        definition = _one_language(definition, name, choose)
    for name in _INTERACTION_LISTS:
        if name in definition:
            definition[name] = [_one_language(c, "description", choose) for c in definition[name]]
    return {**activity, "definition": definition}


def _one_language(holder: dict[str, Any], name: str, choose: Choose) -> dict[str, Any]:
    """``holder`` with its language map ``name`` down to one entry (an empty map stays empty)."""
    languages = holder.get(name)
    if not languages:
        return holder
    chosen = choose(list(languages))
    return {**holder, name: {chosen: languages[chosen]}}
