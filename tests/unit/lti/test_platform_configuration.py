"""Reading a platform's configuration (LTI Dynamic Registration 1.0 §3.4) in every shape that
Moodle and Canvas serve it (notes/lti-advantage.md §3)."""

from __future__ import annotations

from typing import Any

import pytest

from lti_tool.lti.registration.platform_config import (
    InvalidConfiguration,
    PlatformConfiguration,
    SupportedMessage,
    parse,
    supported_messages,
)
from tests.support import platform_configurations as samples

RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"


def parsed(raw: dict[str, Any]) -> PlatformConfiguration:
    return parse(raw, samples.configuration_url(raw))


def test_moodle_3_10_with_its_typo_in_the_lti_key_and_short_message_name_is_read() -> None:
    config = parsed(samples.moodle_3_10())
    assert config.product_family == "moodle"
    assert config.messages == (
        SupportedMessage(RESOURCE_LINK, ("AddContentMenu",)),
        SupportedMessage(DEEP_LINKING, ("AddContentMenu",)),
    )


def test_moodle_3_10_without_an_authorization_endpoint_gets_moodles_fixed_one() -> None:
    config = parsed(samples.moodle_3_10("https://lms.example.org/moodle"))
    assert config.authorization_endpoint == "https://lms.example.org/moodle/mod/lti/auth.php"


def test_moodle_3_11_strings_take_the_placements_listed_beside_them() -> None:
    config = parsed(samples.moodle_3_11())
    assert config.messages == (
        SupportedMessage(RESOURCE_LINK, ("AddContentMenu",)),
        SupportedMessage(DEEP_LINKING, ("AddContentMenu",)),
    )
    assert config.version == "3.11.14 (Build: 20230417)"


def test_moodle_4_and_later_objects_keep_their_own_placements() -> None:
    config = parsed(samples.moodle_4())
    assert config.messages == (
        SupportedMessage(RESOURCE_LINK, ()),
        SupportedMessage(DEEP_LINKING, ("ContentArea",)),
    )
    assert config.placements_for(DEEP_LINKING) == ("ContentArea",)
    assert config.authorization_endpoint == "https://moodle.example.org/mod/lti/auth.php"
    assert config.token_endpoint == "https://moodle.example.org/mod/lti/token.php"
    assert config.jwks_uri == "https://moodle.example.org/mod/lti/certs.php"
    assert config.registration_endpoint.endswith("/mod/lti/openid-registration.php")


def test_canvas_is_read_with_its_account_name_and_sso_endpoints() -> None:
    config = parsed(samples.canvas())
    assert config.product_family == "canvas"
    assert config.issuer == "https://canvas.instructure.com"
    assert config.authorization_endpoint.startswith("https://sso.canvaslms.com/")
    assert config.account_name == "Test University"
    assert "course_navigation" in config.placements_for(RESOURCE_LINK)
    assert "assignment_selection" in config.placements_for(DEEP_LINKING)
    assert samples.NRPS in config.scopes_supported


def test_a_configuration_survives_the_round_trip_through_the_signed_form() -> None:
    config = parsed(samples.canvas())
    assert PlatformConfiguration.from_dict(config.to_dict()) == config


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], ()),
        ("LtiResourceLinkRequest", ()),  # not a list: nothing can be read from it
        ([{"type": DEEP_LINKING, "placements": "ContentArea"}], ((DEEP_LINKING, ()),)),
        ([42, None, {"placements": ["x"]}, {"type": 7}], ()),
        ([" LtiDeepLinkingRequest ", DEEP_LINKING], ((DEEP_LINKING, ()),)),
        ([{"type": RESOURCE_LINK, "placements": ["a", "a", "", 3]}], ((RESOURCE_LINK, ("a",)),)),
    ],
)
def test_unreadable_or_repeated_message_entries_are_skipped(
    entries: Any, expected: tuple[tuple[str, tuple[str, ...]], ...]
) -> None:
    found = supported_messages({"messages_supported": entries})
    assert [(m.type, m.placements) for m in found] == list(expected)


def test_a_platform_that_lists_no_messages_is_assumed_to_take_both() -> None:
    raw = samples.moodle_4()
    del raw[samples.LTI]["messages_supported"]
    config = parsed(raw)
    assert config.supports(RESOURCE_LINK) and config.supports(DEEP_LINKING)


def test_lti_dr_3_5_1_an_issuer_on_another_site_than_the_configuration_is_refused() -> None:
    raw = samples.canvas()
    with pytest.raises(InvalidConfiguration) as refused:
        parse(raw, "https://evil.example.net/api/lti/security/openid-configuration")
    assert refused.value.code == "wrong_issuer"


@pytest.mark.parametrize(
    "configuration_url",
    [
        "http://canvas.instructure.com/api/lti/security/openid-configuration",  # other scheme
        "https://canvas.instructure.com:8443/api/lti/security/openid-configuration",  # port
        "https://sso.canvaslms.com/api/lti/security/openid-configuration",  # other host
    ],
)
def test_the_issuer_must_share_scheme_host_and_port_with_the_configuration_url(
    configuration_url: str,
) -> None:
    with pytest.raises(InvalidConfiguration, match="issuer"):
        parse(samples.canvas(), configuration_url)


def test_the_default_port_written_out_still_matches() -> None:
    config = parse(samples.canvas(), "https://canvas.instructure.com:443/api/lti/x")
    assert config.issuer == "https://canvas.instructure.com"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda raw: raw.pop("registration_endpoint"), "registration_endpoint is missing"),
        (lambda raw: raw.pop("jwks_uri"), "jwks_uri is missing"),
        (lambda raw: raw.update(token_endpoint="ftp://x/token"), "not an http"),
        (lambda raw: raw.pop(samples.LTI), "not an LTI platform"),
        (
            lambda raw: raw.update(token_endpoint_auth_methods_supported=["client_secret_basic"]),
            "private_key_jwt",
        ),
        (lambda raw: raw.update(id_token_signing_alg_values_supported=["HS256"]), "RSA"),
    ],
)
def test_a_configuration_missing_what_registration_needs_is_refused(
    change: Any, reason: str
) -> None:
    raw = samples.moodle_4()
    change(raw)
    with pytest.raises(InvalidConfiguration, match=reason) as refused:
        parsed(raw)
    assert refused.value.code == "not_a_configuration"


@pytest.mark.parametrize("raw", [[], "text", None, 3])
def test_json_that_is_not_an_object_is_not_a_configuration(raw: Any) -> None:
    with pytest.raises(InvalidConfiguration, match="not a JSON object"):
        parse(raw, "https://moodle.example.org/x")


def test_a_generic_platform_without_authorization_endpoint_is_refused() -> None:
    raw = samples.moodle_4()
    raw[samples.LTI]["product_family_code"] = "sakai"
    del raw["authorization_endpoint"]
    with pytest.raises(InvalidConfiguration, match="authorization_endpoint is missing"):
        parsed(raw)
