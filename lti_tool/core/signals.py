"""Signals between domains. Each signal's docstring names its sender and arguments."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

user_launched = _signals.signal("user-launched")
"""Sent after a genuine LTI launch has been recorded (before the request commits).

:sender: the ``lti_tool.lti.launch.Launch`` object (plain data: tenant id, user id,
    context id, membership id, roles, custom parameters)
"""
