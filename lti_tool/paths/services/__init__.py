"""The role paths services: what the views, jobs and other domains call.

Every function takes the tenant (``lti_deployment.id``) first and looks only at its rows: an id
of another tenant is "not found" (:class:`NotFound`, a 404 at the view). Bad input raises
:class:`FieldErrors` (or :class:`~lti_tool.paths.definition.DefinitionInvalid` for a whole path
definition) with a message per field, before anything is written. Services flush; the request or
job that called them commits.

- :mod:`.catalogue`: job roles, skills, a role's ranked priority skills;
- :mod:`.path_versions`: saving, reading and exporting path definitions (versioned);
- :mod:`.enrolment`: who is on which path, their branch and weekly goal (and the launch receiver);
- :mod:`.progress`: a learner's progress, rule previews, LearnLoop's own evidence;
- :mod:`.reflections`: answers to coaching questions and confirmed work-problem write-ups;
- :mod:`.confirmation`: asking a colleague to confirm a write-up, and their answer;
- :mod:`.time`: protected learning time;
- :mod:`.export`: the learner's own record for a development conversation.
"""

from lti_tool.paths.services.errors import FieldErrors, NotAllowed, NotFound

__all__ = ["FieldErrors", "NotAllowed", "NotFound"]
