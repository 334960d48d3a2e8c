"""LearnLoop configuration: defaults here, overridden by ``LEARNLOOP_*`` environment variables.

| variable                  | meaning                                                        |
|---------------------------|----------------------------------------------------------------|
| LEARNLOOP_DATABASE_URL    | SQLAlchemy URL; default a SQLite file in the instance folder   |
| LEARNLOOP_SECRET_KEY      | signs sessions and encrypts private keys at rest               |
| LEARNLOOP_BASE_URL        | the public URL the LMS reaches us at (launches must target it) |
| LEARNLOOP_REDIS_URL       | Celery broker/backend; unset = jobs run in-process (eager)     |
| LEARNLOOP_TRUSTED_PROXIES | reverse proxies that set X-Forwarded-* (default 0: none)       |
| LEARNLOOP_INSTANCE_PATH   | the instance folder (SQLite file, secret, demo LMS key)        |
| LEARNLOOP_XAPI_MAX_BODY   | largest xAPI request body in bytes (default 5 MiB; 413 above)  |

Every key of ``DEFAULTS`` can be set as ``LEARNLOOP_<KEY>``; the xAPI listener's are documented
next to their defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    "BASE_URL": "http://127.0.0.1:5000",
    "DATABASE_URL": None,  # None = sqlite:///<instance>/learnloop.sqlite3
    "REDIS_URL": None,
    # How many reverse proxies in front of us set X-Forwarded-*; 0 = trust none of those headers.
    "TRUSTED_PROXIES": 0,
    "SECRET_KEY": None,
    # LTI: accepted clock skew on iat/nbf/exp (1EdTech Security Framework §5.1.3 allows leeway).
    "LTI_CLOCK_LEEWAY": 60,
    # LTI Dynamic Registration (/lti/register): "open" = any platform that opens it with its
    # registration token may register; "off" = only the operator registers platforms (by hand).
    "DYNAMIC_REGISTRATION": "open",
    # How long an OIDC login (state + nonce) stays usable before the launch must arrive.
    "LTI_LOGIN_TTL": 600,
    # Session token carried by pages inside the LMS iframe (sliding; renewed on every page).
    "SESSION_TOKEN_MAX_AGE": 2 * 3600,
    # Retired signing keys stay in the JWKS this long, so tokens signed before a rotation verify.
    "KEY_RETIREMENT_GRACE_DAYS": 7,
    # xAPI listener: request bodies above this many bytes get 413 (1.0.3 Communication 3.2.s3.b11
    # asks for a configurable limit).
    "XAPI_MAX_BODY": 5 * 1024 * 1024,
    # GET /xapi/statements: statements per page when no limit is asked for, and at most.
    "XAPI_PAGE_SIZE": 100,
    "XAPI_MAX_PAGE_SIZE": 500,
    # A ``more`` link keeps working this long (the spec asks for at least 24 hours).
    "XAPI_MORE_TTL": 48 * 3600,
    # A verified credential is trusted this long in each process before argon2 runs again.
    "XAPI_CREDENTIAL_CACHE_SECONDS": 60,
    # The X-Experience-API-Version we answer with when a request sent none (the 1.0.3 and the
    # 2.0 test suites disagree; Moodle's logstore speaks 1.0.3).
    "XAPI_VERSION_WHEN_MISSING": "1.0.3",
    # Statements stored within this many seconds may still be committing in another worker:
    # X-Experience-API-Consistent-Through stays this far behind now.
    "XAPI_CONSISTENCY_MARGIN": 3,
    # 1 = a statement sent without an id but with a timestamp gets an id derived from its content
    # (UUIDv5), so that a sender re-delivering a batch it never saw answered (Moodle's logstore
    # sends no ids) stores each statement once. 0 = a random UUID every time.
    "XAPI_DERIVE_MISSING_IDS": 1,
    # LRS connections: seconds LearnLoop waits for an LRS to answer one request.
    "XAPI_HTTP_TIMEOUT": 30,
    # Pulling: statements asked for per page (``limit``), and pages per connection in one run
    # of the scheduled job (the cursor is kept; the next run goes on).
    "XAPI_PULL_PAGE_SIZE": 100,
    "XAPI_PULL_MAX_PAGES": 100,
    # How often one page is asked for while the LRS answers 429/5xx or cannot be reached
    # (waiting 1, 2, 4, … s between, or as long as Retry-After says, up to 2 minutes).
    "XAPI_PULL_ATTEMPTS": 5,
    # The largest page (bytes, attachment data included) a pull reads from an LRS; a larger one
    # fails the pull, saying so, rather than filling the worker's memory.
    "XAPI_PULL_MAX_PAGE_BYTES": 64 * 1024 * 1024,
    # Emitting: statements per POST to an LRS, and days a delivered statement stays in the outbox.
    "XAPI_DELIVERY_BATCH": 50,
    "XAPI_OUTBOX_KEEP_DAYS": 7,
    # LTI Advantage services (AGS, NRPS): seconds LearnLoop waits for the platform to answer.
    "LTI_SERVICE_HTTP_TIMEOUT": 20,
    # A course's roster (NRPS) is synced at a launch when its last sync is older than this many
    # seconds (0: only on an instructor's request); members per page asked for; pages at most.
    "LTI_ROSTER_MAX_AGE": 24 * 3600,
    "LTI_ROSTER_PAGE_SIZE": 100,
    "LTI_ROSTER_MAX_PAGES": 500,
    # Scores sent per claimed batch by the ``lti.deliver_scores`` job.
    "LTI_SCORE_BATCH": 100,
    "BABEL_DEFAULT_LOCALE": "en",
    "LANGUAGES": ("en", "nl"),
}

_ENV_PREFIX = "LEARNLOOP_"
_INT_KEYS = {
    "TRUSTED_PROXIES",
    "LTI_CLOCK_LEEWAY",
    "LTI_LOGIN_TTL",
    "SESSION_TOKEN_MAX_AGE",
    "KEY_RETIREMENT_GRACE_DAYS",
    "XAPI_MAX_BODY",
    "XAPI_PAGE_SIZE",
    "XAPI_MAX_PAGE_SIZE",
    "XAPI_MORE_TTL",
    "XAPI_CREDENTIAL_CACHE_SECONDS",
    "XAPI_CONSISTENCY_MARGIN",
    "XAPI_DERIVE_MISSING_IDS",
    "XAPI_HTTP_TIMEOUT",
    "XAPI_PULL_PAGE_SIZE",
    "XAPI_PULL_MAX_PAGES",
    "XAPI_PULL_ATTEMPTS",
    "XAPI_PULL_MAX_PAGE_BYTES",
    "XAPI_DELIVERY_BATCH",
    "XAPI_OUTBOX_KEEP_DAYS",
    "LTI_SERVICE_HTTP_TIMEOUT",
    "LTI_ROSTER_MAX_AGE",
    "LTI_ROSTER_PAGE_SIZE",
    "LTI_ROSTER_MAX_PAGES",
    "LTI_SCORE_BATCH",
}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The configuration as set by ``LEARNLOOP_*`` variables (only those that are set)."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for key in DEFAULTS:
        value = environ.get(_ENV_PREFIX + key)
        if value is None or value == "":
            continue
        found[key] = int(value) if key in _INT_KEYS else value
    return found


def build(test_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then environment, then ``test_config`` (the app factory's argument)."""
    config = dict(DEFAULTS)
    config.update(from_environment())
    config.update(test_config or {})
    config["BASE_URL"] = str(config["BASE_URL"]).rstrip("/")
    return config
