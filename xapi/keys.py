"""Actor keys: one string per person or identified group, the way statements are filtered and
mapped to LearnLoop users.

An *actor key* is an inverse functional identifier (IFI, 1.0.3 Data 2.4.2.3) written as
``<ifi>:<value>`` after normalising what the spec says compares case-insensitively:

- ``mbox:mailto:ada@example.org``: the e-mail domain lower-cased (D2.3.1.b7); the local part
  is kept, since the spec leaves it case-sensitive;
- ``mbox_sha1sum:<40 lower-case hex>``;
- ``openid:<uri>``;
- ``account:<homePage>|<name>`` (an IRL never holds a raw ``|``, so the split is unambiguous).

A key (or any indexed IRI) longer than :data:`MAX_INDEXED` characters, or holding control
characters, is stored as ``sha256:<hex>`` of itself instead: database indexes have a size limit
and PostgreSQL text cannot hold NUL. The same function applied to a query value finds it again.

Also here: the *target* of a statement whose object is a StatementRef
(:func:`statement_ref_target`), stored with it so that ``GET statements`` can follow the
reference (:mod:`xapi.reading`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

MAX_INDEXED = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def indexed(value: str) -> str:
    """``value`` as stored in an indexed column: itself, or a digest when too long to index."""
    if len(value) <= MAX_INDEXED and not _CONTROL.search(value):
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def actor_key(agent: Any) -> str | None:
    """The key of an Agent or identified Group (already validated); ``None`` without an IFI."""
    if not isinstance(agent, dict):
        return None
    if "mbox" in agent:
        return indexed("mbox:" + normal_mbox(agent["mbox"]))
    if "mbox_sha1sum" in agent:
        return indexed("mbox_sha1sum:" + agent["mbox_sha1sum"].lower())
    if "openid" in agent:
        return indexed("openid:" + agent["openid"])
    account = agent.get("account")
    if isinstance(account, dict):
        return account_key(account["homePage"], account["name"])
    return None


def account_key(home_page: str, name: str) -> str:
    return indexed(f"account:{home_page}|{name}")


def mbox_key(email: str) -> str:
    return indexed("mbox:" + normal_mbox("mailto:" + email))


def mbox_sha1sum_key(email: str) -> str:
    digest = hashlib.sha1(("mailto:" + email).encode(), usedforsecurity=False).hexdigest()
    return indexed("mbox_sha1sum:" + digest)


def normal_mbox(mbox: str) -> str:
    """``mailto:Ada@Example.ORG`` → ``mailto:Ada@example.org`` (domains ignore case)."""
    local, at, domain = mbox.rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else mbox


def parse(key: str) -> tuple[str, str, str]:
    """``(ifi, value, account name)`` of a key; the name is ``""`` except for accounts.

    A digest key parses as ``("sha256", hex, "")``: it can only be mapped explicitly.
    """
    ifi, _, value = key.partition(":")
    if ifi == "account":
        home_page, _, name = value.partition("|")
        return ifi, home_page, name
    return ifi, value, ""


def statement_ref_target(statement: dict[str, Any]) -> str | None:
    """The id (lower case) a valid statement's object targets when it is a StatementRef.

    A StatementRef in ``context.statement`` is not one: it does not affect filtering
    (1.0.3 Communication 2.1.3, "Filter Conditions for StatementRefs").
    """
    target = statement["object"]
    return target["id"].lower() if target.get("objectType") == "StatementRef" else None
