// Study sessions: start, answer, finish.
import { db, now } from '../utils/db';
import { getAnswerKey } from './questions';

export async function startSession(userId: number, examId: number, mode: 'practice' | 'review' | 'timed', settings: object) {
  const result = await db.execute({
    sql: 'INSERT INTO study_sessions (user_id, exam_id, mode, started_at, settings) VALUES (?, ?, ?, ?, ?) RETURNING id',
    args: [userId, examId, mode, now(), JSON.stringify(settings)],
  });
  return Number(result.rows[0].id);
}

export async function recordAnswer(userId: number, sessionId: number, questionId: number, selected: string[], timeSpentMs: number) {
  const key = await getAnswerKey(questionId);
  const isCorrect = [...selected].sort().join(',') === [...key.correct].sort().join(',');
  // Two statements, one round trip: the answer and the session's counter.
  await db.batch(
    [
      {
        sql: `INSERT INTO user_answers (user_id, question_id, session_id, selected, is_correct, time_spent_ms, answered_at)
              VALUES (?, ?, ?, ?, ?, ?, ?)`,
        args: [userId, questionId, sessionId, JSON.stringify(selected), isCorrect ? 1 : 0, timeSpentMs, now()],
      },
      { sql: 'UPDATE study_sessions SET question_count = question_count + 1 WHERE id = ?', args: [sessionId] },
    ],
    'write',
  );
  return { isCorrect, ...key };
}

export async function endSession(sessionId: number) {
  await db.execute({ sql: 'UPDATE study_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL', args: [now(), sessionId] });
}

export async function recentSessions(userId: number, limit = 5) {
  const result = await db.execute({
    sql: `SELECT s.id, s.mode, s.started_at, s.ended_at, s.question_count, e.code AS exam_code
            FROM study_sessions s JOIN exams e ON e.id = s.exam_id
           WHERE s.user_id = ? ORDER BY s.started_at DESC LIMIT ?`,
    args: [userId, limit],
  });
  return result.rows;
}
