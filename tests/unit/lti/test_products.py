"""Per-LMS products: the tool configuration each LMS gets by Dynamic Registration, and the
manual configurations (Canvas developer-key JSON, Moodle's manual fields)."""

from __future__ import annotations

from typing import Any

from lti_tool.lti import products
from lti_tool.lti.products.base import SCOPES, TOOL_CONFIGURATION, ToolSite
from lti_tool.lti.products.canvas import CanvasProduct
from lti_tool.lti.products.canvas.developer_key import developer_key_json
from lti_tool.lti.products.generic import GenericProduct
from lti_tool.lti.products.moodle import MoodleProduct
from lti_tool.lti.products.moodle.manual import manual_settings
from lti_tool.lti.registration.platform_config import PlatformConfiguration, parse
from tests.support import platform_configurations as samples

SITE = ToolSite("https://learnloop.example.org")
CANVAS = "https://canvas.instructure.com/lti/"


def configuration(raw: dict[str, Any]) -> PlatformConfiguration:
    return parse(raw, samples.configuration_url(raw))


def request_for(raw: dict[str, Any]) -> dict[str, Any]:
    platform = configuration(raw)
    return products.for_family(platform.product_family).registration_request(platform, SITE)


def test_the_product_follows_the_platforms_family_code_and_defaults_to_generic() -> None:
    assert isinstance(products.for_family("moodle"), MoodleProduct)
    assert isinstance(products.for_family(" Canvas "), CanvasProduct)
    assert isinstance(products.for_family("sakai"), GenericProduct)
    assert isinstance(products.for_family(None), GenericProduct)


def test_every_registration_is_a_web_client_with_private_key_jwt_and_our_urls() -> None:
    request = request_for(samples.moodle_4())
    assert request["application_type"] == "web"
    assert set(request["grant_types"]) == {"client_credentials", "implicit"}
    assert request["response_types"] == ["id_token"]
    assert request["token_endpoint_auth_method"] == "private_key_jwt"
    assert request["redirect_uris"] == ["https://learnloop.example.org/lti/launch"]
    assert request["initiate_login_uri"] == "https://learnloop.example.org/lti/login"
    assert request["jwks_uri"] == "https://learnloop.example.org/lti/jwks.json"
    tool = request[TOOL_CONFIGURATION]
    assert tool["domain"] == "learnloop.example.org"
    assert tool["target_link_uri"] == "https://learnloop.example.org/lti/launch"


def test_moodle_is_asked_for_names_and_email_so_that_it_sends_them() -> None:
    claims = request_for(samples.moodle_4())[TOOL_CONFIGURATION]["claims"]
    assert {"name", "given_name", "family_name", "email"} <= set(claims)


def test_moodle_gets_the_deep_linking_message_in_the_content_area() -> None:
    messages = request_for(samples.moodle_4())[TOOL_CONFIGURATION]["messages"]
    deep_linking = next(m for m in messages if m["type"] == "LtiDeepLinkingRequest")
    assert deep_linking["target_link_uri"] == "https://learnloop.example.org/lti/launch"
    assert deep_linking["placements"] == ["ContentArea"]


def test_moodle_3_11_offering_only_add_content_menu_gets_no_placement_it_does_not_list() -> None:
    messages = request_for(samples.moodle_3_11())[TOOL_CONFIGURATION]["messages"]
    assert all("placements" not in m for m in messages)


def test_scopes_are_those_we_use_that_the_platform_offers() -> None:
    scopes = request_for(samples.moodle_3_10())["scope"].split()
    assert scopes == [
        samples.AGS + "lineitem",
        samples.AGS + "result.readonly",
        samples.AGS + "score",
    ]
    assert request_for(samples.canvas())["scope"].split() == list(SCOPES)


def test_canvas_gets_public_privacy_its_placements_and_its_tool_id() -> None:
    tool = request_for(samples.canvas())[TOOL_CONFIGURATION]
    assert tool[CANVAS + "privacy_level"] == "public"
    assert tool[CANVAS + "tool_id"] == "learnloop"
    placements = {m["type"]: m.get("placements") for m in tool["messages"]}
    assert placements["LtiResourceLinkRequest"] == ["course_navigation"]
    assert placements["LtiDeepLinkingRequest"] == ["link_selection", "assignment_selection"]
    course_nav = next(m for m in tool["messages"] if m["type"] == "LtiResourceLinkRequest")
    assert course_nav[CANVAS + "course_navigation/default_enabled"] is False


def test_canvas_placements_it_does_not_list_are_left_out() -> None:
    raw = samples.canvas()
    raw[samples.LTI]["messages_supported"][1]["placements"] = [CANVAS + "link_selection"]
    tool = request_for(raw)[TOOL_CONFIGURATION]
    deep_linking = next(m for m in tool["messages"] if m["type"] == "LtiDeepLinkingRequest")
    assert deep_linking["placements"] == ["link_selection"]


def test_generic_platforms_get_no_vendor_extensions() -> None:
    raw = samples.moodle_4()
    raw[samples.LTI]["product_family_code"] = "sakai"
    tool = request_for(raw)[TOOL_CONFIGURATION]
    assert not [k for k in tool if k.startswith("https://")]


def test_the_deployment_id_is_read_from_the_tool_configuration_in_the_response() -> None:
    product = products.for_family("moodle")
    assert product.deployment_id({TOOL_CONFIGURATION: {"deployment_id": "12"}}) == "12"
    assert product.deployment_id({TOOL_CONFIGURATION: {"deployment_id": 12}}) == "12"
    assert product.deployment_id({TOOL_CONFIGURATION: {}}) is None
    assert product.deployment_id({"client_id": "x"}) is None
    assert product.deployment_id({TOOL_CONFIGURATION: {"deployment_id": ""}}) is None


def test_moodle_and_canvas_tell_the_administrator_what_is_left_to_do() -> None:
    assert "pending" in str(MoodleProduct().after_registration(False)[0])
    canvas_steps = [str(s) for s in CanvasProduct().after_registration(True)]
    assert "developer key" in canvas_steps[0]
    assert "first launch" in canvas_steps[1]
    assert GenericProduct().after_registration(False) == []


def test_the_domain_carries_a_port_only_when_it_is_not_the_default() -> None:
    assert ToolSite("http://127.0.0.1:5000").domain == "127.0.0.1:5000"
    assert ToolSite("https://learnloop.example.org:443").domain == "learnloop.example.org"
    assert ToolSite("http://[::1]:8080").domain == "[::1]:8080"


def test_the_canvas_developer_key_json_has_what_canvas_requires() -> None:
    config = developer_key_json(SITE)
    assert config["title"] == "LearnLoop"
    assert config["description"]
    assert config["oidc_initiation_url"] == "https://learnloop.example.org/lti/login"
    assert config["target_link_uri"] == "https://learnloop.example.org/lti/launch"
    assert config["public_jwk_url"] == "https://learnloop.example.org/lti/jwks.json"
    assert config["scopes"] == list(SCOPES)
    (extension,) = config["extensions"]
    assert extension["platform"] == "canvas.instructure.com"
    assert extension["privacy_level"] == "public"
    placements = {p["placement"]: p for p in extension["settings"]["placements"]}
    for name in ("link_selection", "assignment_selection"):
        assert placements[name]["message_type"] == "LtiDeepLinkingRequest"
        assert placements[name]["target_link_uri"] == "https://learnloop.example.org/lti/launch"
    assert placements["course_navigation"]["message_type"] == "LtiResourceLinkRequest"


def test_moodles_manual_values_include_every_url_and_the_privacy_choices() -> None:
    values = {str(s.field): str(s.value) for s in manual_settings(SITE)}
    assert values["Tool URL"] == "https://learnloop.example.org/lti/launch"
    assert values["Initiate login URL"] == "https://learnloop.example.org/lti/login"
    assert values["Redirection URI(s)"] == "https://learnloop.example.org/lti/launch"
    assert values["Public keyset"] == "https://learnloop.example.org/lti/jwks.json"
    assert values["Share launcher's email with tool"] == "Always"
