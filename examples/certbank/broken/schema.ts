// broken/: the certbank schema (src/db/schema.ts) with one change too many, marked `0003:`.
// `drizzle-kit generate` wrote it as broken/migrations/0003_*.sql; it is valid SQL, but three
// seeded users never gave a name, so the users rebuild fails on the live data halfway through.

import { relations, sql } from "drizzle-orm";
import { check, index, integer, real, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";

export const exams = sqliteTable(
  "exams",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    code: text("code").notNull(),
    name: text("name").notNull(),
    vendor: text("vendor").notNull(),
    passing_score: integer("passing_score").default(70).notNull(), // 0001: NOT NULL, every exam has one
    duration_minutes: integer("duration_minutes").notNull(),
    question_count: integer("question_count").notNull(),
    is_published: integer("is_published").default(0).notNull(),
    metadata: text("metadata"),
    created_at: text("created_at").default(sql`(CURRENT_TIMESTAMP)`).notNull(),
  },
  (t) => [
    unique().on(t.code),
  ],
);

export const objectives = sqliteTable(
  "objectives",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    exam_id: integer("exam_id").notNull().references(() => exams.id, { onDelete: "cascade" }),
    code: text("code").notNull(),
    title: text("title").notNull(),
    weight: real("weight").default(0).notNull(),
    sort_order: integer("sort_order").default(0).notNull(),
  },
  (t) => [
    unique().on(t.exam_id, t.code),
  ],
);

export const questions = sqliteTable(
  "questions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    exam_id: integer("exam_id").notNull().references(() => exams.id, { onDelete: "cascade" }),
    objective_id: integer("objective_id").references(() => objectives.id, { onDelete: "set null" }),
    stem: text("stem").notNull(),
    choices: text("choices").notNull(),
    correct_answer: text("correct_answer").notNull(), // 0001: a question without an answer key cannot be graded
    explanation: text("explanation"),
    difficulty: integer("difficulty").default(2).notNull(),
    ai_generated: integer("ai_generated").default(0).notNull(),
    is_active: integer("is_active").default(1).notNull(),
    created_at: integer("created_at").notNull(),
  },
  (t) => [
    index("idx_questions_exam").on(t.exam_id),
    index("idx_questions_objective").on(t.objective_id),
    // 0001: the app always meant 1..5
    check("questions_difficulty_range", sql`${t.difficulty} BETWEEN 1 AND 5`),
  ],
);

export const studySessions = sqliteTable(
  "study_sessions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    exam_id: integer("exam_id").notNull().references(() => exams.id),
    mode: text("mode").default("practice").notNull(),
    started_at: integer("started_at").notNull(),
    ended_at: integer("ended_at"),
    question_count: integer("question_count").default(0).notNull(),
    settings: text("settings"),
  },
  (t) => [
    index("idx_study_sessions_user").on(t.user_id, t.started_at),
  ],
);

export const testAttempts = sqliteTable(
  "test_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    exam_id: integer("exam_id").notNull().references(() => exams.id),
    status: text("status").default("in_progress").notNull(),
    started_at: text("started_at").notNull(),
    submitted_at: text("submitted_at"),
    score: real("score"),
    passed: integer("passed"),
  },
  (t) => [
    index("idx_test_attempts_user").on(t.user_id),
    // 0003: the exam dashboard lists attempts by exam and status
    index("idx_test_attempts_exam_status").on(t.exam_id, t.status),
  ],
);

export const userAnswers = sqliteTable(
  "user_answers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    user_id: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    question_id: integer("question_id")
      .notNull()
      .references(() => questions.id, { onDelete: "cascade" }),
    session_id: integer("session_id").references(() => studySessions.id, { onDelete: "cascade" }),
    attempt_id: integer("attempt_id").references(() => testAttempts.id, { onDelete: "cascade" }),
    selected: text("selected").notNull(),
    is_correct: integer("is_correct").default(0).notNull(), // 0001: graded on insert, never NULL
    time_spent_ms: integer("time_spent_ms"),
    answered_at: integer("answered_at").notNull(),
  },
  (t) => [
    index("idx_user_answers_question").on(t.question_id),
    index("idx_user_answers_session").on(t.session_id),
    // 0001: the progress page reads a user's answers newest first
    index("idx_user_answers_user_answered").on(t.user_id, t.answered_at),
  ],
);

export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    email: text("email").notNull(),
    display_name: text("display_name").notNull(), // 0003: required from now on
    role: text("role").default("learner").notNull(),
    is_active: integer("is_active").default(1).notNull(),
    preferences: text("preferences"),
    created_at: integer("created_at").notNull(),
    email_verified: integer("email_verified").default(0).notNull(), // 0002: new, existing users start unverified
    last_login_at: integer("last_login_at"), // 0002: new, epoch seconds
  },
  (t) => [
    unique().on(t.email),
  ],
);

export const examsRelations = relations(exams, ({ many }) => ({
  objectives: many(objectives),
  questions: many(questions),
  studySessions: many(studySessions),
  testAttempts: many(testAttempts),
}));

export const objectivesRelations = relations(objectives, ({ many, one }) => ({
  exams: one(exams, { fields: [objectives.exam_id], references: [exams.id] }),
  questions: many(questions),
}));

export const questionsRelations = relations(questions, ({ many, one }) => ({
  exams: one(exams, { fields: [questions.exam_id], references: [exams.id] }),
  objectives: one(objectives, { fields: [questions.objective_id], references: [objectives.id] }),
  userAnswers: many(userAnswers),
}));

export const studySessionsRelations = relations(studySessions, ({ many, one }) => ({
  exams: one(exams, { fields: [studySessions.exam_id], references: [exams.id] }),
  users: one(users, { fields: [studySessions.user_id], references: [users.id] }),
  userAnswers: many(userAnswers),
}));

export const testAttemptsRelations = relations(testAttempts, ({ many, one }) => ({
  exams: one(exams, { fields: [testAttempts.exam_id], references: [exams.id] }),
  users: one(users, { fields: [testAttempts.user_id], references: [users.id] }),
  userAnswers: many(userAnswers),
}));

export const userAnswersRelations = relations(userAnswers, ({ one }) => ({
  testAttempts: one(testAttempts, { fields: [userAnswers.attempt_id], references: [testAttempts.id] }),
  questions: one(questions, { fields: [userAnswers.question_id], references: [questions.id] }),
  studySessions: one(studySessions, { fields: [userAnswers.session_id], references: [studySessions.id] }),
  users: one(users, { fields: [userAnswers.user_id], references: [users.id] }),
}));

export const usersRelations = relations(users, ({ many }) => ({
  studySessions: many(studySessions),
  testAttempts: many(testAttempts),
  userAnswers: many(userAnswers),
}));
