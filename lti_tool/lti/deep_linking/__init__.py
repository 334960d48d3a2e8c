"""LTI Deep Linking 2.0: a designer picks what to place in the course, the LMS gets a resource
link, and a later launch of that link opens exactly that item.

- ``request``: the Deep Linking request a launch carried, kept signed between the picker's pages;
- ``catalogue``: what can be placed, collected from the domains (``placeables_wanted``);
- ``response``: the signed ``LtiDeepLinkingResponse`` (signed when the designer submits);
- ``views``: the picker.
"""
