"""Any LTI 1.3 platform without a product module of its own: the spec's behaviour."""

from __future__ import annotations

from lti_tool.lti.products.base import Product


class GenericProduct(Product):
    family = "generic"
