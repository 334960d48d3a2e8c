"""Role paths: per job role, its priority skills and a path of steps, and each learner's
progress on it, moved by evidence (xAPI statements and LearnLoop's own events).

Terms this domain owns:

- **job role** (``JobRole``): what a person does at work ("Customer support agent"), per tenant;
  not an LTI role. A launch names it with the custom parameter ``role`` (its ``key``).
- **skill** (``Skill``): an entry of the tenant's skills catalogue. A role tracks skills
  (``RoleSkill``); three to five of them are its ranked **priority skills**.
- **path** (``Path``): the role's way through its skills, in **stages** core → advanced →
  leadership *or* specialist (the learner picks the branch for the third stage). Its content is
  a versioned JSON **definition** (``PathVersion``; :mod:`.definition` validates it against the
  published schema), so editing a path never loses what learners completed: progress is kept
  per step *key*, which versions share.
- **step**: one thing to do (read a card, an external activity, attend or teach a peer slot,
  apply it to a real work problem, a check-in conversation), mapped to skills with weights and
  completed by **evidence** matching its rule (verbs + activity id or prefix, optionally
  ``result.success`` or a minimum scaled score).
- **enrolment** (``Enrolment``): a learner on a path, with their branch and weekly goal of
  **protected learning time** (``TimeEntry`` rows count towards it).
"""
