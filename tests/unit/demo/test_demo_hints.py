"""The lti_message_hint: only launches the course page started are answered by /auth."""

from __future__ import annotations

import pytest

from lti_tool.demo import hints

KEY = "-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n"


def test_a_hint_reads_back_the_launch_that_was_chosen() -> None:
    choice = hints.LaunchChoice(person="admin", locale="nl", storage=True)
    assert hints.read(hints.issue(choice, KEY), KEY) == choice


def test_a_hint_altered_on_the_way_is_rejected() -> None:
    token = hints.issue(hints.LaunchChoice(person="learner"), KEY)
    with pytest.raises(hints.BadHint):
        hints.read(token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1], KEY)


def test_a_hint_signed_with_another_platform_key_is_rejected() -> None:
    token = hints.issue(hints.LaunchChoice(person="learner"), KEY)
    with pytest.raises(hints.BadHint):
        hints.read(token, KEY.replace("not-a-real", "another"))


def test_an_expired_hint_is_rejected() -> None:
    token = hints.issue(hints.LaunchChoice(person="learner"), KEY)
    with pytest.raises(hints.BadHint):
        hints.read(token, KEY, max_age=-1)
