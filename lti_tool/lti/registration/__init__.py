"""Registering LearnLoop with a platform.

- *Dynamic Registration* (LTI Dynamic Registration 1.0): the platform opens
  ``/lti/register?openid_configuration=…&registration_token=…`` in an iframe; LearnLoop reads the
  platform's *configuration* (:mod:`.platform_config`), shows the administrator the *proposal*
  (what it will register, built by the platform's product module), and on their confirmation
  posts the tool configuration to the platform and stores the registration it gets back
  (:mod:`.dynamic`).
- *Manual* paths for platforms without it: ``learnloop register``, the operator console's form
  (:mod:`.manual`), ``/lti/canvas.json`` and the Moodle values page (:mod:`.views`).
"""
