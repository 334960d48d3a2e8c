"""Moodle's "Configure a tool manually" form, field by field, for ``/lti/setup/moodle``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from lti_tool.lti.products.base import ToolSite


@dataclass(frozen=True)
class ManualSetting:
    """One field of Moodle's "Configure a tool manually" form and what to enter or choose."""

    field: Any  # the label as Moodle shows it (translatable)
    value: Any  # a URL to paste, or the option to choose (translatable)
    copyable: bool = True


def manual_settings(site: ToolSite) -> list[ManualSetting]:
    """Moodle 4.x/5.x *Site administration → Plugins → Activity modules → External tool →
    Manage tools → configure a tool manually*, field by field."""
    return [
        ManualSetting(_l("Tool name"), "LearnLoop"),
        ManualSetting(_l("Tool URL"), site.launch_url),
        ManualSetting(_l("LTI version"), "LTI 1.3", copyable=False),
        ManualSetting(_l("Public key type"), _l("Keyset URL"), copyable=False),
        ManualSetting(_l("Public keyset"), site.jwks_url),
        ManualSetting(_l("Initiate login URL"), site.login_url),
        ManualSetting(_l("Redirection URI(s)"), site.launch_url),
        ManualSetting(_l("Supports Deep Linking (Content-Item Message)"), _l("Yes"), False),
        ManualSetting(_l("Content Selection URL"), site.deep_linking_url),
        ManualSetting(_l("Default launch container"), _l("Embed, without blocks"), False),
        ManualSetting(
            _l("IMS LTI Assignment and Grade Services"),
            _l("Use this service for grade sync and column management"),
            False,
        ),
        ManualSetting(
            _l("IMS LTI Names and Role Provisioning"),
            _l("Use this service to retrieve members' information as per privacy settings"),
            False,
        ),
        ManualSetting(_l("Share launcher's name with tool"), _l("Always"), False),
        ManualSetting(_l("Share launcher's email with tool"), _l("Always"), False),
    ]
