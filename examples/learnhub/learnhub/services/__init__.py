"""Service layer: course catalogue, enrollments, reports."""
