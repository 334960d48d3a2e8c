"""The demo LMS keeps one signing key in the instance folder."""

from __future__ import annotations

import stat
from pathlib import Path

from lti_tool.demo.keys import KEY_FILE, load_or_create


def test_the_platform_key_is_created_once_and_reused_after_a_restart(tmp_path: Path) -> None:
    first = load_or_create(tmp_path)
    again = load_or_create(tmp_path)
    assert again == first
    assert first.public_jwk["kid"] == first.kid and first.public_jwk["alg"] == "RS256"


def test_the_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    load_or_create(tmp_path)
    mode = stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode)
    assert mode == 0o600


def test_the_published_jwk_holds_no_private_parts(tmp_path: Path) -> None:
    jwk = load_or_create(tmp_path).public_jwk
    assert not {"d", "p", "q", "dp", "dq", "qi"} & jwk.keys()
