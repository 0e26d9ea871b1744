// Nightly CSV export for the content team, run against a local copy of the database
// (`turso db shell certbank .dump | sqlite3 certbank.db`): better-sqlite3, synchronous.
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';

const db = new Database(process.argv[2] ?? 'certbank.db', { readonly: true });

const rows = db
  .prepare(
    `SELECT q.id AS question_id, e.code AS exam, count(*) AS answers,
            avg(a.is_correct) AS accuracy, avg(a.time_spent_ms) AS avg_ms
       FROM user_answers a
       JOIN questions q ON q.id = a.question_id
       JOIN exams e ON e.id = q.exam_id
      WHERE a.answered_at >= ?
      GROUP BY q.id ORDER BY accuracy`,
  )
  .all(Math.floor(Date.now() / 1000) - 30 * 86400) as Array<Record<string, number | string>>;

const flagged = db.prepare('SELECT id FROM questions WHERE correct_answer IS NULL AND is_active = 1').all();

writeFileSync(
  'answers.csv',
  ['question_id,exam,answers,accuracy,avg_ms', ...rows.map((r) => [r.question_id, r.exam, r.answers, r.accuracy, r.avg_ms].join(','))].join('\n'),
);
console.log(`${rows.length} questions exported, ${flagged.length} active without an answer key`);
db.close();
