"""Core: configuration, database, jobs, i18n, errors and security helpers.

``core`` imports no domain package; domains import ``core``.
"""
