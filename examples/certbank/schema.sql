-- certbank: the schema as the raw-SQL app created it (initSchema() in server/utils/db.ts
-- runs this file with executeMultiple on an empty database). Written by hand before
-- Drizzle: keep it as it is, looseness included; drizzle/migrations/ is where it is fixed.

PRAGMA foreign_keys = ON;

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT,                         -- optional at sign-up, some rows never got one
  role TEXT NOT NULL DEFAULT 'learner',      -- 'learner' | 'author' | 'admin'
  is_active INTEGER NOT NULL DEFAULT 1,      -- 0/1
  preferences TEXT,                          -- JSON: {"theme": ..., "daily_goal": ...}
  created_at INTEGER NOT NULL                -- epoch seconds
);

CREATE TABLE exams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL UNIQUE,                 -- 'AWS-SAA-C03'
  name TEXT NOT NULL,
  vendor TEXT NOT NULL,
  passing_score INTEGER DEFAULT 70,          -- percent; should have been NOT NULL
  duration_minutes INTEGER NOT NULL,
  question_count INTEGER NOT NULL,
  is_published INTEGER NOT NULL DEFAULT 0,   -- 0/1
  metadata TEXT,                             -- JSON
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP  -- ISO text, UTC
);

CREATE TABLE objectives (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  exam_id INTEGER NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
  code TEXT NOT NULL,                        -- '1.2'
  title TEXT NOT NULL,
  weight REAL NOT NULL DEFAULT 0,            -- share of the exam, 0..1
  sort_order INTEGER NOT NULL DEFAULT 0,
  UNIQUE (exam_id, code)
);

CREATE TABLE questions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  exam_id INTEGER NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
  objective_id INTEGER REFERENCES objectives(id) ON DELETE SET NULL,
  stem TEXT NOT NULL,
  choices TEXT NOT NULL,                     -- JSON array of {"key": "A", "text": ...}
  correct_answer TEXT,                       -- JSON array of keys; should have been NOT NULL
  explanation TEXT,
  difficulty INTEGER NOT NULL DEFAULT 2,     -- 1 (easy) .. 5 (hard), unchecked
  ai_generated INTEGER NOT NULL DEFAULT 0,   -- 0/1
  is_active INTEGER NOT NULL DEFAULT 1,      -- 0/1
  created_at INTEGER NOT NULL                -- epoch seconds
);
CREATE INDEX idx_questions_exam ON questions(exam_id);
CREATE INDEX idx_questions_objective ON questions(objective_id);

CREATE TABLE study_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  exam_id INTEGER NOT NULL REFERENCES exams(id),
  mode TEXT NOT NULL DEFAULT 'practice',     -- 'practice' | 'review' | 'timed'
  started_at INTEGER NOT NULL,               -- epoch seconds
  ended_at INTEGER,
  question_count INTEGER NOT NULL DEFAULT 0,
  settings TEXT                              -- JSON
);
CREATE INDEX idx_study_sessions_user ON study_sessions(user_id, started_at);

CREATE TABLE test_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  exam_id INTEGER NOT NULL REFERENCES exams(id),
  status TEXT NOT NULL DEFAULT 'in_progress', -- 'in_progress' | 'submitted' | 'abandoned'
  started_at TEXT NOT NULL,                  -- ISO text, UTC
  submitted_at TEXT,
  score REAL,                                -- percent, NULL until submitted
  passed INTEGER                             -- 0/1, NULL until submitted
);
CREATE INDEX idx_test_attempts_user ON test_attempts(user_id);

CREATE TABLE user_answers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
  session_id INTEGER REFERENCES study_sessions(id) ON DELETE CASCADE,
  attempt_id INTEGER REFERENCES test_attempts(id) ON DELETE CASCADE,
  selected TEXT NOT NULL,                    -- JSON array of keys
  is_correct INTEGER,                        -- 0/1; should have been NOT NULL
  time_spent_ms INTEGER,
  answered_at INTEGER NOT NULL               -- epoch seconds
);
CREATE INDEX idx_user_answers_question ON user_answers(question_id);
CREATE INDEX idx_user_answers_session ON user_answers(session_id);
