"""String formats that xAPI statements use, as plain predicates.

Each ``check_*`` function returns ``None`` when the string is well formed, or the reason it is
not, phrased to follow the property's path ("actor.mbox: must start with ...").  They know
nothing of marshmallow so that other code (GET parameters, the emitter) can reuse them.
Citations: xAPI 1.0.3 Data (``D…``), conformance requirements (``XAPI-nnnnn``).
"""

from __future__ import annotations

import re
from datetime import datetime

# RFC 3987 absolute IRI, best effort (D2.2.s4.b6 allows that): a scheme, a colon, then no
# characters that an IRI can never hold (spaces, controls, <>"{}|\^`) and well-formed escapes.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]+")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")

# D4.4: the standard string form 8-4-4-4-12; the CTS checks length and hex digits only.
_UUID = re.compile(r"[0-9A-Fa-f]{8}-(?:[0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}")
_SHA1 = re.compile(r"[0-9A-Fa-f]{40}")
# SHA-224, SHA-256, SHA-384 and SHA-512 hex digests (C1.5.2.s4.b4 recommends the last three).
_SHA2_LENGTHS = frozenset({56, 64, 96, 128})
_HEX = re.compile(r"[0-9A-Fa-f]+")
_MAILTO = re.compile(r"mailto:[^@\s]+@[^@\s]+")
_MEDIA_TYPE = re.compile(r"[\w!#$&^.+\-]+/[\w!#$&^.+\-]+(?:\s*;.*)?")

# RFC 5646 §2.1 ABNF for a well-formed tag (registry validity is not checked).
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language and extlang
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"  # variants
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z\d]{1,8})+)?"  # private use
)
_GRANDFATHERED = (
    r"en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo"
    r"|i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok"
    r"|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
_LANGUAGE_TAG = re.compile(rf"{_LANGTAG}|x(?:-[a-z\d]{{1,8}})+|{_GRANDFATHERED}", re.IGNORECASE)

# D4.5: ISO 8601 combined date and time, extended or basic format; RFC 3339 allows a space
# instead of "T" (the 2.0 CTS sends "2008-09-15 15:53:00.601+00:00").  Seconds may be left
# out (ISO 8601 reduced precision).  A missing zone is accepted: see docs in fields.Timestamp.
_TIMESTAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2}|\d{8})[Tt ]"
    r"(?P<time>\d{2}:\d{2}(?::\d{2})?|\d{4}(?:\d{2})?)(?:[.,]\d+)?"
    r"(?P<zone>[Zz]|[+\-]\d{2}(?::?\d{2})?)?"
)
_NEGATIVE_ZERO = re.compile(r"-00(?::?00)?")

# D4.6: ISO 8601:2004 §4.4.3.2 durations.  Weeks stand alone; the alternative format
# (P0003-06-04T12:30:05, §4.4.3.3) is not allowed (XAPI-00124).
_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"P(?!$)(?:(?P<Y>{_NUMBER})Y)?(?:(?P<Mo>{_NUMBER})M)?(?:(?P<D>{_NUMBER})D)?"
    rf"(?:T(?=\d)(?:(?P<H>{_NUMBER})H)?(?:(?P<Mi>{_NUMBER})M)?(?:(?P<S>{_NUMBER})S)?)?"
)
_WEEKS = re.compile(rf"P{_NUMBER}W")

_VERSION_1_0 = re.compile(r"1\.0(?:\.\d+)?")
_VERSION_1_OR_2 = re.compile(r"[12]\.0(?:\.\d+)?")

IRI_EXAMPLE = '"https://example.com/some/path"'


def check_iri(value: str) -> str | None:
    """An absolute IRI: a scheme such as ``http:``, ``https:`` or ``urn:`` (D2.2.s4.b1.b8)."""
    if not _IRI.fullmatch(value):
        return f"must be an absolute IRI with a scheme, such as {IRI_EXAMPLE}"
    if _BAD_ESCAPE.search(value):
        return 'must be an IRI: every "%" must start a two-digit hex escape such as "%20"'
    return None


def check_uuid(value: str) -> str | None:
    """A UUID in the standard 8-4-4-4-12 hex string form (D4.4, XAPI-00027–00030)."""
    if _UUID.fullmatch(value):
        return None
    return (
        'must be a UUID in the 8-4-4-4-12 hex form, such as "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"'
    )


def check_mailto(value: str) -> str | None:
    """An ``mbox``: a ``mailto:`` IRI holding an email address (D2.4.2.3, XAPI-00038)."""
    if not value.startswith("mailto:"):
        return 'must start with "mailto:"'
    if not _MAILTO.fullmatch(value):
        return 'must be "mailto:" followed by an email address, such as "mailto:ada@example.com"'
    return None


def check_sha1(value: str) -> str | None:
    """An ``mbox_sha1sum``: 40 hex characters (D2.4.2.3, XAPI-00039)."""
    if _SHA1.fullmatch(value):
        return None
    return 'must be the SHA-1 of the "mailto:" IRI as 40 hexadecimal characters'


def check_sha2(value: str) -> str | None:
    """An attachment ``sha2``: a hex SHA-2 digest of 224, 256, 384 or 512 bits (D2.4.11)."""
    if _HEX.fullmatch(value) and len(value) in _SHA2_LENGTHS:
        return None
    return "must be a SHA-2 digest in hexadecimal (56, 64, 96 or 128 characters)"


def check_media_type(value: str) -> str | None:
    """An attachment ``contentType``: an Internet media type such as ``text/plain`` (D2.4.11)."""
    if _MEDIA_TYPE.fullmatch(value):
        return None
    return 'must be an Internet media type, such as "application/pdf"'


def check_language_tag(value: str) -> str | None:
    """A well-formed RFC 5646 language tag (D2.2.s4.b2, XAPI-00013, XAPI-00121)."""
    if _LANGUAGE_TAG.fullmatch(value):
        return None
    return 'is not an RFC 5646 language tag, such as "en" or "en-US" (use "-", not "_")'


def check_timestamp(value: str) -> str | None:
    """An ISO 8601 date and time; the offset ``-00:00`` is refused (D4.5, XAPI-00122)."""
    match = _TIMESTAMP.fullmatch(value)
    if not match:
        return 'must be an ISO 8601 date and time, such as "2015-06-10T14:31:41.000Z"'
    zone = match["zone"] or ""
    if _NEGATIVE_ZERO.fullmatch(zone):
        return f'must not use the offset "{zone}" (negative zero); write "Z" or "+00:00"'
    if not _is_real_date_and_time(match["date"], match["time"], zone):
        return (
            "must be a date and time that exists (month, day, hour, minute or offset out of range)"
        )
    return None


def _is_real_date_and_time(date: str, time: str, zone: str) -> bool:
    digits = (date + time).replace("-", "").replace(":", "").ljust(14, "0")
    fields = (digits[0:4], digits[4:6], digits[6:8], digits[8:10], digits[10:12], digits[12:14])
    try:
        datetime(*(int(field) for field in fields))  # only range-checks the fields
    except ValueError:
        return False
    offset = zone.lstrip("+-Zz").replace(":", "")
    return not offset or (int(offset[:2]) < 24 and int(offset[2:] or 0) < 60)


def check_duration(value: str) -> str | None:
    """An ISO 8601:2004 §4.4.3.2 duration such as ``PT1H30M`` or ``P4W`` (D4.6, XAPI-00124)."""
    if _WEEKS.fullmatch(value):
        return None
    match = _DURATION.fullmatch(value)
    if not match or not _only_last_part_has_a_fraction(match):
        return (
            'must be an ISO 8601 duration such as "PT1H30M5.5S" or "P4W" '
            "(weeks stand alone; only the last part may have a fraction)"
        )
    return None


def _only_last_part_has_a_fraction(match: re.Match[str]) -> bool:
    parts = [part for part in match.groups() if part is not None]
    return not any(("." in part or "," in part) for part in parts[:-1])


def check_version_1_0(value: str) -> str | None:
    """A statement ``version`` under 1.0.3: ``1.0`` or ``1.0.x`` (D2.4.10, XAPI-00101)."""
    if _VERSION_1_0.fullmatch(value):
        return None
    return 'must be "1.0" or "1.0.x" under xAPI 1.0.x, such as "1.0.3"'


def check_version_2_0(value: str) -> str | None:
    """A statement ``version`` under 2.0: 1.0.x or 2.0.x (CTS v2_0 configs/version.js)."""
    if _VERSION_1_OR_2.fullmatch(value):
        return None
    return 'must be "1.0.x" or "2.0.x" under xAPI 2.0, such as "2.0.0"'
