"""Platform configurations (LTI Dynamic Registration 1.0 §3.4) as real LMSs serve them.

Shapes from the LMSs' own code and documents (notes/lti-advantage.md §3):
- Moodle 3.10: mod/lti/openid-configuration.php as first merged (cengage/moodle): the LTI key
  with a trailing space, "LtiResourceLink", placements beside the messages, no
  authorization_endpoint;
- Moodle 3.11: strings, with "placements": ["AddContentMenu"];
- Moodle 4.0 and later (5.1: public/mod/lti/openid-configuration.php): objects;
- Canvas: doc/api/registration.md's example (account name, objects with placements).
"""

from __future__ import annotations

from typing import Any

LTI = "https://purl.imsglobal.org/spec/lti-platform-configuration"
AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


def _moodle_common(site: str) -> dict[str, Any]:
    return {
        "issuer": site,
        "token_endpoint": site + "/mod/lti/token.php",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "jwks_uri": site + "/mod/lti/certs.php",
        "registration_endpoint": site + "/mod/lti/openid-registration.php",
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
    }


def moodle_3_10(site: str = "https://moodle.example.org") -> dict[str, Any]:
    return {
        **_moodle_common(site),
        "scopes_supported": [
            "openid",
            "https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly",
            AGS + "lineitem",
            AGS + "result.readonly",
            AGS + "score",
            "https://purl.imsglobal.org/spec/lti-reg/scope/registration",
        ],
        LTI + " ": {
            "product_family_code": "moodle",
            "version": "3.10",
            "messages_supported": ["LtiResourceLink", "LtiDeepLinkingRequest"],
            "placements": ["AddContentMenu"],
            "variables": ["Moodle.Person.userGroupIds"],
        },
    }


def moodle_3_11(site: str = "https://moodle.example.org") -> dict[str, Any]:
    return {
        **_moodle_common(site),
        "authorization_endpoint": site + "/mod/lti/auth.php",
        "scopes_supported": [AGS + s for s in ("lineitem", "lineitem.readonly", "score")]
        + [NRPS, "openid"],
        LTI: {
            "product_family_code": "moodle",
            "version": "3.11.14 (Build: 20230417)",
            "messages_supported": ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"],
            "placements": ["AddContentMenu"],
            "variables": ["ResourceLink.id"],
        },
    }


def moodle_4(site: str = "https://moodle.example.org") -> dict[str, Any]:
    return {
        **_moodle_common(site),
        "authorization_endpoint": site + "/mod/lti/auth.php",
        "scopes_supported": [
            AGS + s for s in ("lineitem", "lineitem.readonly", "result.readonly", "score")
        ]
        + [NRPS, "openid"],
        LTI: {
            "product_family_code": "moodle",
            "version": "5.1 (Build: 20251006)",
            "messages_supported": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]},
            ],
            "variables": ["ResourceLink.id", "Moodle.Person.userGroupIds"],
        },
    }


def canvas(site: str = "https://canvas.instructure.com") -> dict[str, Any]:
    return {
        "issuer": site,
        "authorization_endpoint": "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "registration_endpoint": site + "/api/lti/registrations",
        "jwks_uri": "https://sso.canvaslms.com/api/lti/security/jwks",
        "token_endpoint": "https://sso.canvaslms.com/login/oauth2/token",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "scopes_supported": [
            AGS + "lineitem",
            AGS + "lineitem.readonly",
            AGS + "result.readonly",
            AGS + "score",
            NRPS,
            "https://canvas.instructure.com/lti/public_jwk/scope/update",
            "https://canvas.instructure.com/lti/account_lookup/scope/show",
            "https://canvas.instructure.com/lti-ags/progress/scope/show",
        ],
        "response_types_supported": ["id_token"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "picture", "email", "name", "given_name", "locale"],
        "subject_types_supported": ["public"],
        "authorization_server": "canvas.instructure.com",
        LTI: {
            "product_family_code": "canvas",
            "version": "vCloud",
            "messages_supported": [
                {
                    "type": "LtiResourceLinkRequest",
                    "placements": ["account_navigation", "course_navigation", "link_selection"],
                },
                {
                    "type": "LtiDeepLinkingRequest",
                    "placements": [
                        "assignment_selection",
                        "editor_button",
                        "link_selection",
                        "submission_type_selection",
                    ],
                },
            ],
            "notice_types_supported": ["LtiHelloWorldNotice"],
            "variables": ["ResourceLink.id", "Canvas.environment.test"],
            "https://canvas.instructure.com/lti/account_name": "Test University",
            "https://canvas.instructure.com/lti/account_lti_guid": "pNu5F9EoIATW6XqZ33C5:canvas-lms",
        },
    }


def configuration_url(raw: dict[str, Any]) -> str:
    """Where each LMS serves its configuration (on the issuer's site)."""
    issuer = raw["issuer"]
    if "instructure" in issuer:
        return issuer + "/api/lti/security/openid-configuration"
    return issuer + "/mod/lti/openid-configuration.php"
