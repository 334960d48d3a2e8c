"""The ``lti_message_hint``: the launch a person chose on the course page (who, which
language, with or without platform storage, which tool), carried through the tool's OIDC login and back
to the platform's ``/auth``.

It is opaque to the tool (LTI Core 1.3 §5.1.1). The demo LMS signs it and gives it a short
life, so ``/auth`` only issues id_tokens for launches its own course page started.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

_SALT = "learnloop-demo-lms-message-hint"
MAX_AGE = 600


class BadHint(ValueError):
    """The hint is forged, altered, expired or malformed."""


HAND_REGISTERED = "learnloop-demo"  # the client_id of LearnLoop as registered by hand


@dataclass(frozen=True)
class LaunchChoice:
    person: str
    locale: str = "en"
    storage: bool = False
    tool: str = HAND_REGISTERED  # the client_id of the tool to launch
    deep_link: bool = False  # a Deep Linking request (an instructor adding an item)
    link: str = ""  # the id of a link placed by Deep Linking ("": the course's own link)


def _serializer(private_pem: str) -> URLSafeTimedSerializer:
    secret = hashlib.sha256(b"demo-lms-hint-key\0" + private_pem.encode()).hexdigest()
    return URLSafeTimedSerializer(secret, salt=_SALT)


def issue(choice: LaunchChoice, private_pem: str) -> str:
    data = {
        "p": choice.person,
        "l": choice.locale,
        "s": int(choice.storage),
        "t": choice.tool,
        "d": int(choice.deep_link),
        "k": choice.link,
    }
    return _serializer(private_pem).dumps(data)


def read(token: str, private_pem: str, max_age: int = MAX_AGE) -> LaunchChoice:
    try:
        data = _serializer(private_pem).loads(token, max_age=max_age)
        return LaunchChoice(
            person=str(data["p"]),
            locale=str(data["l"]),
            storage=bool(data["s"]),
            tool=str(data["t"]),
            deep_link=bool(data.get("d", 0)),
            link=str(data.get("k", "")),
        )
    except (BadSignature, KeyError, TypeError) as exc:
        raise BadHint(f"lti_message_hint rejected: {exc}") from exc
