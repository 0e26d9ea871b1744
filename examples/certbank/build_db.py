"""Build examples/certbank/certbank.db from scratch: schema.sql, then deterministic seed data.

    .venv/bin/python examples/certbank/build_db.py [-o PATH]

The database is built in a temporary file beside the target and renamed over it only
when everything succeeded, so a failure never leaves a half-built database behind.
Running it again rebuilds the same file from nothing (the seed is fixed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "certbank.db"
SCHEMA = HERE / "schema.sql"

# Everything happens in the first quarter of 2025, UTC.
EPOCH = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)

EXAMS = [
    # code, name, vendor, passing score, minutes, questions on the real exam, objectives
    ("AWS-SAA-C03", "AWS Solutions Architect Associate", "Amazon", 72, 130, 65,
     ["Secure architectures", "Resilient architectures", "High-performing architectures", "Cost-optimized architectures"]),
    ("AZ-104", "Azure Administrator", "Microsoft", 70, 100, 50,
     ["Identities and governance", "Storage", "Compute resources", "Virtual networking", "Monitoring"]),
    ("CKA", "Certified Kubernetes Administrator", "CNCF", 66, 120, 17,
     ["Cluster architecture", "Workloads and scheduling", "Services and networking", "Storage", "Troubleshooting"]),
    ("SEC-PLUS", "Security+ SY0-701", "CompTIA", 75, 90, 90,
     ["General security concepts", "Threats and vulnerabilities", "Security architecture", "Security operations",
      "Program management"]),
]
QUESTIONS_PER_EXAM = 30
USERS = 24
ROLES = ["learner"] * 20 + ["author"] * 3 + ["admin"]
FIRST = ["Ada", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea",
         "Mo", "Nia", "Oren", "Pia", "Quinn", "Ravi", "Sol", "Tess", "Uma", "Vik", "Wen", "Xan"]


def ts(dt: datetime) -> int:
    return int(dt.timestamp())


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def seed(conn: sqlite3.Connection) -> dict[str, int]:
    rng = random.Random(17)
    cur = conn.cursor()

    for i in range(USERS):
        # Every eighth user skipped the name at sign-up: display_name stays NULL (broken/ trips on it).
        name = None if i % 8 == 5 else f"{FIRST[i]} {chr(65 + (i * 7) % 26)}."
        prefs = json.dumps({"theme": rng.choice(["light", "dark"]), "daily_goal": rng.choice([10, 20, 30])}) if i % 3 else None
        cur.execute(
            "INSERT INTO users (email, display_name, role, is_active, preferences, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (f"{FIRST[i].lower()}@certbank.test", name, ROLES[i], 0 if i == 22 else 1, prefs,
             ts(EPOCH + timedelta(days=i, hours=i % 5))),
        )

    questions_by_exam: dict[int, list[tuple[int, list[str]]]] = {}
    for e, (code, name, vendor, passing, minutes, count, objectives) in enumerate(EXAMS, start=1):
        cur.execute(
            "INSERT INTO exams (code, name, vendor, passing_score, duration_minutes, question_count, is_published,"
            " metadata, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (code, name, vendor, passing, minutes, count, 0 if code == "SEC-PLUS" else 1,
             json.dumps({"version": f"{2023 + e % 2}.{e}", "languages": ["en", "ja"] if e % 2 else ["en"]}),
             iso(EPOCH - timedelta(days=40 - e))),
        )
        exam_id = cur.lastrowid
        objective_ids = []
        for o, title in enumerate(objectives, start=1):
            cur.execute(
                "INSERT INTO objectives (exam_id, code, title, weight, sort_order) VALUES (?, ?, ?, ?, ?)",
                (exam_id, f"{o}.0", title, round(1 / len(objectives), 4), o),
            )
            objective_ids.append(cur.lastrowid)
        questions_by_exam[exam_id] = []
        for q in range(QUESTIONS_PER_EXAM):
            keys = ["A", "B", "C", "D"] if q % 5 else ["A", "B", "C", "D", "E"]
            correct = sorted(rng.sample(keys, 2 if len(keys) == 5 else 1))
            choices = [{"key": k, "text": f"{code} q{q + 1} option {k}"} for k in keys]
            cur.execute(
                "INSERT INTO questions (exam_id, objective_id, stem, choices, correct_answer, explanation, difficulty,"
                " ai_generated, is_active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (exam_id, None if q == 29 else objective_ids[q % len(objective_ids)],
                 f"{code} practice question {q + 1}: which option fits the scenario?",
                 json.dumps(choices), json.dumps(correct),
                 None if q % 4 == 3 else f"Option {'/'.join(correct)} is right because of objective {q % len(objective_ids) + 1}.",
                 1 + (q * 3) % 5, 1 if q % 6 == 0 else 0, 0 if q == 13 else 1,
                 ts(EPOCH - timedelta(days=30 - q))),
            )
            questions_by_exam[exam_id].append((cur.lastrowid, correct))

    learners = list(range(1, 21))
    for s in range(60):
        user_id = learners[s % len(learners)]
        exam_id = 1 + (s * 7) % len(EXAMS)
        started = EPOCH + timedelta(days=s // 2 + 30, hours=(s * 5) % 12)
        picked = rng.sample(questions_by_exam[exam_id], 6)
        finished = s % 10 != 9  # the last session of every ten was left open
        cur.execute(
            "INSERT INTO study_sessions (user_id, exam_id, mode, started_at, ended_at, question_count, settings)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, exam_id, ["practice", "review", "timed"][s % 3], ts(started),
             ts(started + timedelta(minutes=12)) if finished else None, len(picked),
             json.dumps({"shuffle": bool(s % 2), "show_explanations": s % 3 != 2})),
        )
        session_id = cur.lastrowid
        for n, (question_id, correct) in enumerate(picked):
            right = rng.random() < 0.65
            selected = correct if right else ["A" if correct != ["A"] else "B"]
            cur.execute(
                "INSERT INTO user_answers (user_id, question_id, session_id, attempt_id, selected, is_correct,"
                " time_spent_ms, answered_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?)",
                (user_id, question_id, session_id, json.dumps(selected), int(selected == correct),
                 None if n == 5 and s % 4 == 0 else rng.randint(8_000, 95_000),
                 ts(started + timedelta(minutes=2 * n + 1))),
            )

    for a in range(30):
        user_id = learners[(a * 3) % len(learners)]
        exam_id = 1 + a % len(EXAMS)
        started = EPOCH + timedelta(days=a + 45, hours=9)
        picked = rng.sample(questions_by_exam[exam_id], 10)
        status = "abandoned" if a % 11 == 10 else "in_progress" if a >= 28 else "submitted"
        cur.execute(
            "INSERT INTO test_attempts (user_id, exam_id, status, started_at) VALUES (?, ?, ?, ?)",
            (user_id, exam_id, status, iso(started)),
        )
        attempt_id = cur.lastrowid
        answered = picked if status == "submitted" else picked[:4]
        right = 0
        for n, (question_id, correct) in enumerate(answered):
            ok = rng.random() < 0.7
            right += ok
            cur.execute(
                "INSERT INTO user_answers (user_id, question_id, session_id, attempt_id, selected, is_correct,"
                " time_spent_ms, answered_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
                (user_id, question_id, attempt_id, json.dumps(correct if ok else ["Z"]), int(ok),
                 rng.randint(20_000, 120_000), ts(started + timedelta(minutes=3 * n + 2))),
            )
        if status == "submitted":
            score = round(100 * right / len(answered), 1)
            passing = EXAMS[exam_id - 1][3]
            cur.execute(
                "UPDATE test_attempts SET submitted_at = ?, score = ?, passed = ? WHERE id = ?",
                (iso(started + timedelta(minutes=35)), score, int(score >= passing), attempt_id),
            )

    tables = [r[0] for r in cur.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
    return {t: cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def build(output: Path) -> tuple[Path, dict[str, int]]:
    """Build the database at output; returns (path, row count per table)."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(SCHEMA.read_text(encoding="utf-8"))
            with conn:
                counts = seed(conn)
        finally:
            conn.close()
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return output, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", "-o", type=Path, default=DEFAULT_OUTPUT, help=f"database file (default {DEFAULT_OUTPUT})")
    args = parser.parse_args(argv)
    path, counts = build(args.output)
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    print(f"built {shown} ({len(counts)} tables, {sum(counts.values())} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
