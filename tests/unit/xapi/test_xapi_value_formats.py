"""Value formats: IRI, UUID, mbox, mbox_sha1sum, language tags, timestamps, durations.

Each format is checked where a statement uses it, under both rule sets (the formats are the
same in 1.0.3 and 2.0; xAPI 1.0.3 Data 4.x, CTS v1_0_3 and v2_0 configs).
"""

from __future__ import annotations

from typing import Any

import pytest
from xapi_samples import VERSIONS, changed, errors, paths, statement

IRIS = [
    "http://example.com/activities/museum",
    "https://example.com/path?query=1#fragment",
    "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    "tag:example.com,2024:activities/1",
    "http://例え.テスト/パス",
    "http://example.com/a%20b",
]
NOT_IRIS = [
    "completed",
    "/relative/path",
    "#fragment",
    "http://exa mple.com",
    "http://example.com/%zz",
    "",
    5,
    ["http://example.com"],
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("iri", IRIS)
def test_an_absolute_iri_is_accepted_as_a_verb_id(version: str, iri: str) -> None:
    assert errors(changed(statement(), "verb.id", iri), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", NOT_IRIS)
def test_a_verb_id_that_is_not_an_absolute_iri_is_rejected(version: str, value: Any) -> None:
    assert paths(changed(statement(), "verb.id", value), version) == ["verb.id"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "path",
    [
        "object.id",
        "object.definition.type",
        "object.definition.moreInfo",
    ],
)
def test_activity_iris_are_checked(version: str, path: str) -> None:
    assert errors(changed(statement(), path, "http://example.com/x"), version) == []
    assert paths(changed(statement(), path, "not an iri"), version) == [path]


UUIDS = ["fd41c918-b88b-4b20-a0a5-a4c32391aaa0", "FD41C918-B88B-4B20-A0A5-A4C32391AAA0"]
NOT_UUIDS = [
    "AA97B177-9383-4934-8543-0F91A7A028368",  # too many digits (CTS uuids.js)
    "MA97B177-9383-4934-8543-0F91A7A02836",  # a letter past F
    "fd41c918b88b4b20a0a5a4c32391aaa0",
    "{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}",
    "",
    12345,
    {"key": "should fail"},
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", UUIDS)
@pytest.mark.parametrize("path", ["id", "context.registration", "context.statement.id"])
def test_a_uuid_in_standard_form_is_accepted(version: str, value: str, path: str) -> None:
    data = changed(statement(), path, value)
    if path == "context.statement.id":
        data = changed(data, "context.statement.objectType", "StatementRef")
    assert errors(data, version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", NOT_UUIDS)
@pytest.mark.parametrize("path", ["id", "context.registration"])
def test_a_malformed_uuid_is_rejected(version: str, value: Any, path: str) -> None:
    assert paths(changed(statement(), path, value), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("mbox", ["mailto:ada@example.com", "mailto:Ada.Lovelace@EXAMPLE.org"])
def test_a_mailto_mbox_is_accepted(version: str, mbox: str) -> None:
    assert errors(changed(statement(), "actor.mbox", mbox), version) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_an_mbox_without_the_mailto_scheme_is_rejected_with_the_rule_named(version: str) -> None:
    found = errors(changed(statement(), "actor.mbox", "ada@example.com"), version)
    assert found == [("actor.mbox", 'must start with "mailto:"')]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "mbox", ["mailto:", "mailto:ada", "mailto:ada@", "mailto:a b@example.com", 7]
)
def test_an_mbox_that_holds_no_email_address_is_rejected(version: str, mbox: Any) -> None:
    assert paths(changed(statement(), "actor.mbox", mbox), version) == ["actor.mbox"]


SHA1 = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", [SHA1, SHA1.upper()])
def test_a_40_hex_mbox_sha1sum_is_accepted(version: str, value: str) -> None:
    actor = {"mbox_sha1sum": value}
    assert errors(statement(actor=actor), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", [SHA1[:-1], SHA1 + "0", "g" * 40, "mailto:ada@example.com", 40])
def test_an_mbox_sha1sum_that_is_not_40_hex_characters_is_rejected(
    version: str, value: Any
) -> None:
    assert paths(statement(actor={"mbox_sha1sum": value}), version) == ["actor.mbox_sha1sum"]


LANGUAGE_TAGS = [
    "en",
    "en-US",
    "zh-Hant-TW",
    "es-419",
    "de-CH-1901",
    "sgn-BE-FR",
    "i-klingon",
    "x-private",
    "en-US-x-twain",
    "nl-NL-u-co-phonebk",
]
NOT_LANGUAGE_TAGS = ["en_US", "a12345", "en--US", "", "-en", "en-", "english-toolongsubtag", "e"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("tag", LANGUAGE_TAGS)
def test_a_well_formed_rfc_5646_tag_is_accepted_in_a_language_map_and_context(
    version: str, tag: str
) -> None:
    data = statement(verb={"id": "http://example.com/v", "display": {tag: "did"}})
    assert errors(changed(data, "context.language", tag), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("tag", NOT_LANGUAGE_TAGS)
def test_a_malformed_language_tag_is_rejected_as_a_map_key(version: str, tag: str) -> None:
    data = statement(verb={"id": "http://example.com/v", "display": {tag: "did"}})
    found = errors(data, version)
    assert len(found) == 1
    assert found[0][0].startswith("verb.display")
    assert "RFC 5646" in found[0][1]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("tag", [*NOT_LANGUAGE_TAGS, 5])
def test_a_malformed_context_language_is_rejected(version: str, tag: Any) -> None:
    assert paths(changed(statement(), "context.language", tag), version) == ["context.language"]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", [{}, {"en": ""}, {"en-US": "a", "nl": "b"}])
def test_a_language_map_may_be_empty_or_hold_several_languages(version: str, value: dict) -> None:
    assert errors(changed(statement(), "object.definition.name", value), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", ["should error", ["en"], {"en": 5}, {"en": None}, {"en": ["a"]}])
def test_a_language_map_with_non_string_values_or_of_the_wrong_type_is_rejected(
    version: str, value: Any
) -> None:
    found = paths(changed(statement(), "object.definition.description", value), version)
    assert len(found) == 1
    assert found[0].startswith("object.definition.description")


TIMESTAMPS = [
    "2015-06-10T14:31:41.000Z",
    "2008-09-15 15:53:00.601+00:00",  # RFC 3339 space separator (CTS v2_0 timestamps.js)
    "2008-09-15T15:53:00.601-05:00",
    "2008-09-15T15:53:00+0530",
    "2008-09-15T15:53:00.123456789Z",
    "2008-09-15T15:53Z",
    "20080915T155300Z",
    "2008-09-15T15:53:00",  # no zone: accepted, see fields.Timestamp
    "2999-01-01T00:00:00Z",  # the future is allowed (XAPI-00022)
    "2016-02-29T00:00:00Z",
]
NOT_TIMESTAMPS = [
    "should fail",
    "01/011/2015",
    "2008-09-15T15:53:00.601-00",
    "2008-09-15T15:53:00.601-0000",
    "2008-09-15T15:53:00.601-00:00",
    "2008-09-15",
    "2008-13-15T15:53:00Z",
    "2015-02-29T00:00:00Z",
    "2008-09-15T25:00:00Z",
    "2008-09-15T15:53:00+24:00",
    "2008-09-15T15:53:00Zulu",
    "",
    1442361180,
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", TIMESTAMPS)
@pytest.mark.parametrize("path", ["timestamp", "stored"])
def test_an_iso_8601_date_and_time_is_accepted(version: str, value: str, path: str) -> None:
    assert errors(changed(statement(), path, value), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", NOT_TIMESTAMPS)
@pytest.mark.parametrize("path", ["timestamp", "stored"])
def test_a_malformed_timestamp_is_rejected(version: str, value: Any, path: str) -> None:
    assert paths(changed(statement(), path, value), version) == [path]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_negative_zero_offset_is_rejected_with_the_reason(version: str) -> None:
    found = errors(statement(timestamp="2008-09-15T15:53:00.601-00:00"), version)
    assert "negative zero" in found[0][1]


DURATIONS = [
    "PT1H0M0.1S",
    "PT4H35M59.14S",
    "PT16559.14S",
    "P3Y1M29DT4H35M59.14S",
    "P3Y",
    "P4W",
    "PT0.12567S",  # finer than 0.01 s is accepted (2.0 CL:s24)
    "PT0S",
    "P1D",
    "PT1.5H",
    "PT0,5S",
]
NOT_DURATIONS = [
    "PA1H0M0S",
    "should fail",
    "P4W1D",
    "P",
    "PT",
    "P1DT",
    "P16559.14S",  # the 1.0.3 text's own example lacks the "T"
    "P0003-06-04T12:30:05",
    "P1.5DT1H",
    "PT1H30",
    "pt1h",
    "",
    12345,
    {"key": "invalid"},
]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", DURATIONS)
def test_an_iso_8601_duration_is_accepted(version: str, value: str) -> None:
    assert errors(changed(statement(), "result.duration", value), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("value", NOT_DURATIONS)
def test_a_malformed_duration_is_rejected(version: str, value: Any) -> None:
    assert paths(changed(statement(), "result.duration", value), version) == ["result.duration"]
