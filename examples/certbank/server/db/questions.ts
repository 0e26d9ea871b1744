// Question bank reads for the study pages.
import { bool, db } from '../utils/db';

export interface Choice { key: string; text: string }
export interface Question {
  id: number;
  examId: number;
  objectiveId: number | null;
  stem: string;
  choices: Choice[];
  difficulty: number;
  aiGenerated: boolean;
}

function toQuestion(row: Record<string, unknown>): Question {
  return {
    id: Number(row.id),
    examId: Number(row.exam_id),
    objectiveId: row.objective_id == null ? null : Number(row.objective_id),
    stem: String(row.stem),
    choices: JSON.parse(String(row.choices)) as Choice[],
    difficulty: Number(row.difficulty),
    aiGenerated: bool(row.ai_generated),
  };
}

export async function listExams() {
  const result = await db.execute(
    'SELECT id, code, name, vendor, passing_score, duration_minutes, question_count FROM exams WHERE is_published = 1 ORDER BY code',
  );
  return result.rows;
}

export async function getStudyQuestions(examId: number, objectiveId: number | null, limit = 10): Promise<Question[]> {
  // Unanswered-first would need the user; random is what the MVP shipped.
  const result = await db.execute({
    sql: `SELECT id, exam_id, objective_id, stem, choices, difficulty, ai_generated
            FROM questions
           WHERE exam_id = ? AND is_active = 1 AND (? IS NULL OR objective_id = ?)
           ORDER BY random() LIMIT ?`,
    args: [examId, objectiveId, objectiveId, limit],
  });
  return result.rows.map(toQuestion);
}

export async function getAnswerKey(questionId: number): Promise<{ correct: string[]; explanation: string | null }> {
  const result = await db.execute({
    sql: 'SELECT correct_answer, explanation FROM questions WHERE id = ?',
    args: [questionId],
  });
  const row = result.rows[0];
  if (!row) throw new Error(`question ${questionId} not found`);
  // correct_answer is nullable in schema.sql; an empty key grades every answer wrong.
  return { correct: JSON.parse(String(row.correct_answer ?? '[]')), explanation: (row.explanation as string) ?? null };
}
