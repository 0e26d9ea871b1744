"""Nightly CSV export for the finance team. Raw sqlite3, written before the ORM existed."""

import csv
import sqlite3
import sys

from learnhub.db import DEFAULT_DB_PATH


def connect(path=DEFAULT_DB_PATH):
    conn = sqlite3.connect(str(path))
    conn.row_factory = sqlite3.Row
    return conn


def enrollments_since(conn, since):
    cursor = conn.cursor()
    cursor.execute(
        "SELECT e.id, u.email, c.slug, e.price_paid, e.enrolled_at "
        "FROM enrollments e JOIN users u ON u.id = e.user_id JOIN courses c ON c.id = e.course_id "
        "WHERE e.enrolled_at >= ? ORDER BY e.enrolled_at",
        (since,),
    )
    return cursor.fetchall()


def course_revenue(conn, course_slug):
    cursor = conn.cursor()
    cursor.execute(
        "SELECT COALESCE(SUM(e.price_paid), 0) FROM enrollments e JOIN courses c ON c.id = e.course_id WHERE c.slug = ?",
        (course_slug,),
    )
    return cursor.fetchone()[0]


def log_export(conn, rows):
    conn.execute(
        "INSERT INTO audit_log (action, entity, payload) VALUES (?, ?, json_object('rows', ?))",
        ("export.enrollments", "enrollments", rows),
    )
    conn.commit()


def write_csv(rows, out=sys.stdout):
    writer = csv.writer(out)
    writer.writerow(["id", "email", "course", "price_paid", "enrolled_at"])
    for row in rows:
        writer.writerow([row["id"], row["email"], row["slug"], row["price_paid"], row["enrolled_at"]])


if __name__ == "__main__":
    since = sys.argv[1] if len(sys.argv) > 1 else "1970-01-01"
    with connect() as conn:
        rows = enrollments_since(conn, since)
        write_csv(rows)
        log_export(conn, len(rows))
