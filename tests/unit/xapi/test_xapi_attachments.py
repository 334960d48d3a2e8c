"""Attachment descriptions in a statement (xAPI 1.0.3 Data 2.4.11, XAPI-00102–00107;
CTS attachments.js).  Whether the bytes arrived is the listener's check, not this one."""

from __future__ import annotations

from typing import Any

import pytest
from xapi_samples import (
    ATTACHMENT,
    DELETE,
    SHA256,
    VERSIONS,
    errors,
    paths,
    statement,
    substatement,
)

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"


def _attachment(**changes: Any) -> dict:
    merged = {**ATTACHMENT, **changes}
    return {key: value for key, value in merged.items() if value is not DELETE}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    "attachment",
    [
        ATTACHMENT,
        _attachment(fileUrl=DELETE),  # the bytes travel in a multipart part
        _attachment(description={"en-US": "more words"}),
        _attachment(display={}),
        _attachment(length=0),
        _attachment(sha2=SHA256.upper()),
        _attachment(sha2="a" * 128),
        _attachment(contentType="application/pdf"),
        _attachment(usageType=SIGNATURE, contentType="application/octet-stream"),
    ],
)
def test_a_well_formed_attachment_is_accepted(version: str, attachment: dict) -> None:
    assert errors(statement(attachments=[attachment]), version) == []
    assert errors(statement(object=substatement(attachments=[attachment])), version) == []


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("key", ["usageType", "display", "contentType", "length", "sha2"])
def test_an_attachment_without_a_required_property_is_rejected(version: str, key: str) -> None:
    data = statement(attachments=[_attachment(**{key: DELETE})])
    assert errors(data, version) == [(f"attachments[0].{key}", "is required")]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"usageType": "signature"}, "usageType"),
        ({"display": "A test attachment"}, "display"),
        ({"display": {"en_US": "x"}}, "display.en_US"),
        ({"description": "words"}, "description"),
        ({"contentType": "text"}, "contentType"),
        ({"contentType": 5}, "contentType"),
        ({"length": -1}, "length"),
        ({"length": "27"}, "length"),
        ({"length": 27.5}, "length"),
        ({"length": True}, "length"),
        ({"sha2": "not hex"}, "sha2"),
        ({"sha2": SHA256[:-1]}, "sha2"),
        ({"fileUrl": "file.txt"}, "fileUrl"),
        ({"fileURL": "http://over.there.com/file.txt"}, "fileURL"),
        ({"usageType": SIGNATURE}, "contentType"),
    ],
)
def test_an_attachment_with_a_bad_property_is_rejected(
    version: str, changes: dict, key: str
) -> None:
    assert paths(statement(attachments=[_attachment(**changes)]), version) == [
        f"attachments[0].{key}"
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("attachments", "path"), [(ATTACHMENT, "attachments"), ([ATTACHMENT, "x"], "attachments[1]")]
)
def test_attachments_must_be_an_array_of_objects(version: str, attachments: Any, path: str) -> None:
    assert paths(statement(attachments=attachments), version) == [path]
