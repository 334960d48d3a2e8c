"""The Deep Linking picker: ``GET /lti/deep-linking`` shows it, ``POST`` returns the choice."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext

from lti_tool.core.db import db
from lti_tool.core.errors import UserError
from lti_tool.lti.deep_linking import catalogue, response
from lti_tool.lti.deep_linking import request as dl_request
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.viewer import Viewer, current_viewer

bp = Blueprint(
    "deep_linking", __name__, url_prefix="/lti/deep-linking", template_folder="templates"
)


def _designer() -> Viewer:
    viewer = current_viewer()
    if not viewer.is_designer:
        raise LaunchError("not_allowed", f"{viewer.landing} opened the deep linking picker")
    return viewer


@bp.get("")
def picker() -> str:
    viewer = _designer()
    wanted = dl_request.from_token(request.args.get("dl", ""), viewer.tenant_id)
    return render_template(
        "deep_linking/picker.html",
        viewer=viewer,
        wanted=wanted,
        token=request.args.get("dl", ""),
        groups=catalogue.grouped(viewer.tenant_id, viewer.context.id),
    )


@bp.post("")
def respond() -> str:
    viewer = _designer()
    wanted = dl_request.from_token(request.form.get("dl", ""), viewer.tenant_id)
    if "cancel" in request.form:
        chosen, message = [], gettext("Nothing was added from LearnLoop.")
    else:
        chosen = _chosen(viewer, request.form.getlist("item"), wanted.accept_multiple)
        message = None
    jwt = response.signed(
        wanted, viewer.registration, viewer.deployment.deployment_id, chosen, message
    )
    db.session.commit()  # a first signing key may just have been made: publish it
    return render_template(
        "deep_linking/return.html", viewer=viewer, return_url=wanted.return_url, jwt=jwt
    )


def _chosen(viewer: Viewer, keys: list[str], multiple: bool) -> list[Any]:
    if not keys:
        raise UserError(
            gettext("Choose at least one item to add, or cancel."), title=gettext("Nothing chosen")
        )
    if len(keys) > 1 and not multiple:
        raise UserError(
            gettext("This course accepts one item at a time: choose one."),
            title=gettext("Too many items"),
        )
    available = {
        item.key: item for item in catalogue.placeables(viewer.tenant_id, viewer.context.id)
    }
    missing = [key for key in keys if key not in available]
    if missing:
        raise UserError(
            gettext("An item you chose does not exist here (any more). Reload and choose again."),
            title=gettext("Item not found"),
            status=404,
            log_reason=f"tenant {viewer.tenant_id} has no placeable {missing!r}",
        )
    return [available[key] for key in dict.fromkeys(keys)]
