"""xAPI: how LearnLoop receives, stores, reads and sends Experience API statements.

A *statement* is one xAPI record of "actor verb object" (xAPI 1.0.3 Data 2.4, IEEE 9274.1.1
§4.2). This package knows nothing of the other LearnLoop domains (it imports ``lti_tool.core``
only); they react to the ``statements_recorded`` signal it sends (``lti_tool.core.signals``).

The listener, by layer: ``views`` (blueprint ``/xapi``) with ``http`` (headers, CORS, body size),
``auth`` and ``alternate`` (1.0.3's ``?method=`` request syntax); ``schemas`` (request body →
validated statements, via ``validation``), ``attachments`` (multipart parts, signatures, the
data kept) and ``params`` (GET parameters); the services ``store`` (write, with ``related``:
whom a statement involves), ``reading`` (read, answered by ``answers`` in a
``result_formats`` format), ``credentials`` and ``actors``; ``models``. Pure helpers: ``keys``
(actor keys), ``comparison`` (when two statements are the same), ``jsonbody`` (strict JSON),
``timestamps``. ``tasks`` and ``cli`` are the job and command-line doors.

With the tenant's LRS: ``connections`` (where it is, credentials encrypted); ``lrs_client``
(HTTP, retries with backoff); ``pulling`` (the pull connector, resumable) and ``importing``
(a file, via ``streaming``), both storing through ``intake`` (the listener's validation and
store, skipping and reporting what it cannot take); ``emitter`` (LearnLoop's own statements,
into the outbox) and ``delivery`` (the outbox to the LRS).
"""
