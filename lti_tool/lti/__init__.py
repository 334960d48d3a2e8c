"""LTI 1.3: registrations, deployments (= tenants), tool keys, OIDC login and launch.

Only this package reads LTI claims; it hands the rest of LearnLoop a plain ``Launch`` object
and the ``Viewer`` of the current request.
"""
