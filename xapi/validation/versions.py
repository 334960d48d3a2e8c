"""Which xAPI rule set a request follows, from its X-Experience-API-Version header.

A *rule set* is named by the spec version whose rules apply: ``"1.0.3"`` or ``"2.0.0"``.
Every 1.0.x header gets the 1.0.3 rules, the last 1.0 patch (1.0.3 Communication 3.3.s3).
The 2.0 rules accept more (``context.contextAgents``/``contextGroups``, a 2.0.x ``version``).
"""

from __future__ import annotations

from xapi.validation.errors import UnsupportedVersion

RULES_1_0_3 = "1.0.3"
RULES_2_0_0 = "2.0.0"

# "1.0" is the shorthand the 1.0.3 text allows (Communication 3.3.s3.b6).
HEADER_VALUES: dict[str, str] = {
    "1.0": RULES_1_0_3,
    "1.0.0": RULES_1_0_3,
    "1.0.1": RULES_1_0_3,
    "1.0.2": RULES_1_0_3,
    "1.0.3": RULES_1_0_3,
    "2.0.0": RULES_2_0_0,
}


def rules_for(version: object) -> str:
    """The rule set for a header value, or :class:`UnsupportedVersion`."""
    if not isinstance(version, str) or version not in HEADER_VALUES:
        raise UnsupportedVersion(version, HEADER_VALUES)
    return HEADER_VALUES[version]
