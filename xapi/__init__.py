"""xAPI: how LearnLoop receives, stores, reads and sends Experience API statements.

A *statement* is one xAPI record of "actor verb object" (xAPI 1.0.3 Data 2.4, IEEE 9274.1.1
§4.2). This package knows nothing of the other LearnLoop domains; they react to what it
records.
"""
