"""Home: the role-aware landing pages a launch leads to — "My learning" (learners), "Course
setup" (instructors and content developers) and "Settings" (administrators).
"""
