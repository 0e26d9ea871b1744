// Timed practice exams: an attempt is graded in one write transaction.
import { db } from '../utils/db';

export async function startAttempt(userId: number, examId: number) {
  const result = await db.execute({
    sql: "INSERT INTO test_attempts (user_id, exam_id, status, started_at) VALUES (?, ?, 'in_progress', datetime('now')) RETURNING id",
    args: [userId, examId],
  });
  return Number(result.rows[0].id);
}

export async function submitAttempt(attemptId: number) {
  const tx = await db.transaction('write');
  try {
    const totals = await tx.execute({
      sql: 'SELECT count(*) AS answered, coalesce(sum(is_correct), 0) AS correct FROM user_answers WHERE attempt_id = ?',
      args: [attemptId],
    });
    const exam = await tx.execute({
      sql: 'SELECT e.passing_score FROM test_attempts a JOIN exams e ON e.id = a.exam_id WHERE a.id = ?',
      args: [attemptId],
    });
    const answered = Number(totals.rows[0].answered);
    const score = answered ? Math.round((1000 * Number(totals.rows[0].correct)) / answered) / 10 : 0;
    // passing_score may be NULL (schema.sql forgot NOT NULL): 70 was the default.
    const passed = score >= Number(exam.rows[0]?.passing_score ?? 70);
    await tx.execute({
      sql: "UPDATE test_attempts SET status = 'submitted', submitted_at = datetime('now'), score = ?, passed = ? WHERE id = ?",
      args: [score, passed ? 1 : 0, attemptId],
    });
    await tx.commit();
    return { score, passed };
  } finally {
    tx.close();
  }
}
