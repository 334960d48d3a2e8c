"""The operator console (``/operator``): the person who runs this LearnLoop installation.

An *operator* is not an LTI user: they may act before any platform is registered, so no launch
can vouch for them. One operator password per installation, set on the command line
(``learnloop operator set-password``) and kept as an argon2id hash, lets them in. The console
registers platforms by hand and lists every registration: it is installation-wide by design, so
it is the one place that sees more than one tenant.
"""
