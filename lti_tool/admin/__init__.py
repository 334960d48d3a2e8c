"""Admin: what a tenant's administrators change from the Settings page (views only; the data
belongs to the domains: xAPI listener credentials live in ``xapi``).
"""
