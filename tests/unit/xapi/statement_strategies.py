"""Hypothesis strategies for statements that are nearly right: every part is drawn from values
that pass and values that break one rule (a wrong format, a wrong type, a missing or unknown
key), so that generated statements land on both sides of the line, and near it."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

UUIDS = ["fd41c918-b88b-4b20-a0a5-a4c32391aaa0", "FD41C918-B88B-4B20-A0A5-A4C32391AAA0"]
BAD_UUIDS = ["fd41c918-b88b-4b20-a0a5", "not-a-uuid", "fd41c918b88b4b20a0a5a4c32391aaa0"]
IRIS = ["http://example.com/a", "https://moodle.example.edu/mod/quiz/view.php?id=7", "urn:x:1"]
BAD_IRIS = ["example.com/a", "http://exa mple.com", "http://example.com/%zz", "", "1http://x"]
TAGS = ["en", "en-US", "nl-NL", "zh-Hant-TW", "x-private", "i-klingon"]
BAD_TAGS = ["en_US", "", "english-language-tag", "123"]
TIMESTAMPS = ["2015-06-10T14:31:41.000Z", "2015-06-10T14:31:41+02:00", "2015-06-10 14:31"]
BAD_TIMESTAMPS = ["2015-13-10T14:31:41Z", "2015-06-10", "2015-06-10T14:31:41-00:00", "yesterday"]
DURATIONS = ["PT4M12S", "P1DT2H", "P4W", "PT0.5S"]
BAD_DURATIONS = ["4 minutes", "P1.5DT2H", "P1W2D", "P"]
VERBS = ["http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/voided"]

# Any JSON value: what a sender may put where it does not belong.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)


def usually(good: list[Any], bad: list[Any]) -> st.SearchStrategy[Any]:
    """A value from ``good`` nine times in ten; else one from ``bad``, or any JSON value."""
    return st.sampled_from([0] * 18 + [1, 2]).flatmap(
        lambda pick: (st.sampled_from(good), st.sampled_from(bad), json_values)[pick]
    )


def keys(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """An object key: from ``good`` nine times in ten; else from ``bad``, or any short text."""
    return st.sampled_from([0] * 18 + [1, 2]).flatmap(
        lambda pick: (st.sampled_from(good), st.sampled_from(bad), st.text(max_size=4))[pick]
    )


def obj(
    required: dict[str, st.SearchStrategy[Any]], optional: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """An object with these keys; now and then one required key goes, or an unknown one comes."""
    base = st.fixed_dictionaries(required, optional=optional)

    def spoil(value: dict[str, Any], how: int, key: str) -> dict[str, Any]:
        if how == 1 and value:
            value.pop(sorted(value)[0])
        elif how == 2:
            value[key] = 1
        return value

    return st.builds(
        spoil, base, st.sampled_from([0] * 38 + [1, 2]), st.sampled_from(["unknown", "Id"])
    )


iris = usually(IRIS, BAD_IRIS)
language_maps = st.dictionaries(keys(TAGS, BAD_TAGS), usually(["done", ""], [None, 1]), max_size=2)
extensions = st.dictionaries(keys(IRIS, BAD_IRIS), json_values, max_size=2)
mboxes = usually(
    ["mailto:ada@example.com", "mailto:Ada@Example.ORG"], ["ada@example.com", "mailto:"]
)
sha1s = usually(["a" * 40, "0123456789ABCDEF0123456789abcdef01234567"], ["a" * 39, "g" * 40])
accounts = obj({"homePage": iris, "name": usually(["7", "ada"], [7, None])}, {})
IFIS = {"mbox": mboxes, "mbox_sha1sum": sha1s, "openid": iris, "account": accounts}


@st.composite
def agents(draw: st.DrawFn, kind: str = "Agent") -> dict[str, Any]:
    """An Agent, mostly with one identifier (sometimes none, sometimes two)."""
    chosen = [draw(st.sampled_from(sorted(IFIS)))]
    if not draw(st.integers(0, 19)):  # now and then none, or two
        chosen = draw(st.lists(st.sampled_from(sorted(IFIS)), max_size=2, unique=True))
    agent = {name: draw(IFIS[name]) for name in chosen}
    if draw(st.booleans()):
        agent["name"] = draw(usually(["Ada"], [1]))
    if draw(st.booleans()):
        agent["objectType"] = draw(usually([kind], ["agent", "Group"]))
    return agent


@st.composite
def groups(draw: st.DrawFn) -> dict[str, Any]:
    group = {"objectType": draw(usually(["Group"], ["group", "Agent"]))}
    if draw(st.booleans()):
        group.update(draw(agents()))
        group["objectType"] = "Group"
    if draw(st.booleans()) or len(group) == 1:
        group["member"] = draw(st.lists(agents(), max_size=3))
    return group


actors = st.one_of(agents(), agents(), groups())
verbs = obj({"id": usually(VERBS, BAD_IRIS)}, {"display": language_maps})
components = st.lists(
    obj({"id": usually(["a", "b"], [1])}, {"description": language_maps}), max_size=3
)
definitions = obj(
    {},
    {
        "name": language_maps,
        "description": language_maps,
        "type": iris,
        "moreInfo": iris,
        "extensions": extensions,
        "interactionType": usually(["choice", "likert", "other"], ["Choice", "essay"]),
        "correctResponsesPattern": st.lists(usually(["a"], [1]), max_size=2),
        "choices": components,
        "scale": components,
    },
)
activities = obj(
    {"id": iris},
    {"objectType": usually(["Activity"], ["activity"]), "definition": definitions},
)
statement_refs = obj({"objectType": st.just("StatementRef"), "id": usually(UUIDS, BAD_UUIDS)}, {})
scores = obj(
    {},
    {
        name: usually([0, 1, 0.5, -1, 10], [2, "1", True, -5])
        for name in ("scaled", "raw", "min", "max")
    },
)
results = obj(
    {},
    {
        "score": scores,
        "success": usually([True, False], ["true", 1]),
        "completion": usually([True], [None]),
        "response": usually(["yes"], [1]),
        "duration": usually(DURATIONS, BAD_DURATIONS),
        "extensions": extensions,
    },
)
activity_lists = st.one_of(activities, st.lists(activities, max_size=2))
contexts = obj(
    {},
    {
        "registration": usually(UUIDS, BAD_UUIDS),
        "instructor": actors,
        "team": groups(),
        "contextActivities": obj(
            {}, {name: activity_lists for name in ("parent", "grouping", "category", "other")}
        ),
        "revision": usually(["1"], [1]),
        "platform": usually(["Moodle"], [None]),
        "language": usually(TAGS, BAD_TAGS),
        "statement": statement_refs,
        "extensions": extensions,
        "contextAgents": st.lists(
            obj(
                {"objectType": usually(["contextAgent"], ["agent"]), "agent": agents()},
                {"relevantTypes": st.lists(iris, max_size=2)},
            ),
            max_size=2,
        ),
    },
)
attachments = obj(
    {
        "usageType": iris,
        "display": language_maps,
        "contentType": usually(["text/plain", "application/pdf"], ["text", ""]),
        "length": usually([0, 27], [-1, 1.5]),
        "sha2": usually(["a" * 64], ["a" * 63]),
    },
    {"fileUrl": iris, "description": language_maps},
)


def parts(objects: st.SearchStrategy[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a Statement and a SubStatement share: (required, optional) properties."""
    required = {"actor": actors, "verb": verbs, "object": objects}
    optional = {
        "result": results,
        "context": contexts,
        "timestamp": usually(TIMESTAMPS, BAD_TIMESTAMPS),
        "attachments": st.lists(attachments, max_size=1),
    }
    return required, optional


simple_objects = st.one_of(activities, activities, agents(), groups(), statement_refs)
_inner_required, _inner_optional = parts(simple_objects)
substatements = obj(
    {"objectType": st.just("SubStatement"), **_inner_required},
    {**_inner_optional, "id": st.just(UUIDS[0])},  # never allowed in a SubStatement
)
_required, _optional = parts(st.one_of(simple_objects, substatements))
statements = obj(
    _required,
    {
        **_optional,
        "id": usually(UUIDS, BAD_UUIDS),
        "stored": usually(TIMESTAMPS, BAD_TIMESTAMPS),
        "authority": actors,
        "version": usually(["1.0.3", "1.0", "2.0.0"], ["3.0", "1"]),
    },
)
