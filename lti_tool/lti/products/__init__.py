"""Per-LMS behaviour (*products*): ``for_family(code)`` returns the one for a platform's
``product_family_code``; unknown codes get the spec's behaviour (``generic``)."""

from __future__ import annotations

from lti_tool.lti.products.base import Product, ToolSite
from lti_tool.lti.products.canvas import CanvasProduct
from lti_tool.lti.products.generic import GenericProduct
from lti_tool.lti.products.moodle import MoodleProduct

__all__ = ["Product", "ToolSite", "for_family"]

_PRODUCTS: dict[str, Product] = {
    product.family: product for product in (MoodleProduct(), CanvasProduct(), GenericProduct())
}


def for_family(code: str | None) -> Product:
    return _PRODUCTS.get((code or "").strip().lower(), _PRODUCTS["generic"])
