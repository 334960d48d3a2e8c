"""The built-in demo LMS: a small LTI 1.3 *platform* (on PyPI ``lti1p3platform``) with one
course, "Onboarding at Example Org", whose learner, instructor and administrator can each open
LearnLoop in an iframe through the real OIDC login and signed id_token launch. Its admin page
(``/admin/tools``) registers tools by LTI Dynamic Registration (:mod:`.registration`), and the
course page can launch each of them.

``learnloop demo`` serves it next to LearnLoop (``lti_tool.demo.runner``); tests serve it on
loopback (``tests/support/demo.py``).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from lti_tool.demo import keys, links, tools
from lti_tool.demo.platform import EXTENSION


def create_demo_lms(
    tool_url: str, instance_path: str | Path, lms_url: str = "http://127.0.0.1:5001"
) -> Flask:
    """The demo LMS app. ``lms_url`` is its issuer; set ``DEMO_LMS_URL`` once the port is known."""
    app = Flask(__name__, static_url_path="/static")
    app.config.update(DEMO_LMS_URL=lms_url.rstrip("/"), DEMO_TOOL_URL=tool_url.rstrip("/"))
    app.extensions[EXTENSION] = keys.load_or_create(instance_path)
    app.extensions[tools.EXTENSION] = tools.ToolStore(Path(instance_path) / tools.TOOLS_FILE)
    app.extensions[links.EXTENSION] = links.LinkStore(Path(instance_path) / links.LINKS_FILE)

    from lti_tool.demo.admin import bp as admin_bp
    from lti_tool.demo.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    return app
