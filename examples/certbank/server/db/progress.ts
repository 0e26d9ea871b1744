// The progress page: accuracy per objective and the attempt history.
import { bool, db } from '../utils/db';

export async function objectiveAccuracy(userId: number, examId: number) {
  const result = await db.execute({
    sql: `SELECT o.code, o.title, o.weight,
                 count(a.id) AS answered,
                 coalesce(sum(a.is_correct), 0) AS correct
            FROM objectives o
            LEFT JOIN questions q ON q.objective_id = o.id
            LEFT JOIN user_answers a ON a.question_id = q.id AND a.user_id = ?
           WHERE o.exam_id = ?
           GROUP BY o.id ORDER BY o.sort_order`,
    args: [userId, examId],
  });
  return result.rows.map((row) => ({
    code: String(row.code),
    title: String(row.title),
    weight: Number(row.weight),
    answered: Number(row.answered),
    accuracy: Number(row.answered) ? Number(row.correct) / Number(row.answered) : null,
  }));
}

export async function attemptHistory(userId: number) {
  const result = await db.execute({
    sql: `SELECT a.id, e.code, a.status, a.started_at, a.submitted_at, a.score, a.passed
            FROM test_attempts a JOIN exams e ON e.id = a.exam_id
           WHERE a.user_id = ? ORDER BY a.started_at DESC`,
    args: [userId],
  });
  return result.rows.map((row) => ({ ...row, passed: row.passed == null ? null : bool(row.passed) }));
}
