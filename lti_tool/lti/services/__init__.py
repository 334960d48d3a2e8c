"""LTI Advantage services LearnLoop calls on the platform (OAuth 2 client credentials):

- Assignment and Grade Services 2.0 (*AGS*): a **graded resource link** is a link whose launch
  carried the AGS endpoint claim; it has one **line item** (a gradebook column) in the
  platform. Domains post a **score** with :func:`grades.post_score`; the ``lti.deliver_scores``
  job delivers it (:mod:`.delivery`).
- Names and Role Provisioning Services 2.0 (*NRPS*): a course's **roster**, synced into
  ``Membership`` by the ``lti.sync_roster`` job (:mod:`.roster`).
- **Platform tokens** (:mod:`.tokens`): access tokens per registration and scope set, shared
  by all workers through the database.

LMS differences live in :mod:`lti_tool.lti.products.ags` and its per-LMS modules.
"""
