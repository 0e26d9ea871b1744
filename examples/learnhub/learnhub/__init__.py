"""LearnHub: a small course platform (courses, lessons, enrollments, graded submissions)."""
