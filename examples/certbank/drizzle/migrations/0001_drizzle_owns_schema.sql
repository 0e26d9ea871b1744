PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`display_name` text,
	`role` text DEFAULT 'learner' NOT NULL,
	`is_active` integer DEFAULT 1 NOT NULL,
	`preferences` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "email", "display_name", "role", "is_active", "preferences", "created_at") SELECT "id", "email", "display_name", "role", "is_active", "preferences", "created_at" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `__new_exams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`vendor` text NOT NULL,
	`passing_score` integer DEFAULT 70 NOT NULL,
	`duration_minutes` integer NOT NULL,
	`question_count` integer NOT NULL,
	`is_published` integer DEFAULT 0 NOT NULL,
	`metadata` text,
	`created_at` text DEFAULT (CURRENT_TIMESTAMP) NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_exams`("id", "code", "name", "vendor", "passing_score", "duration_minutes", "question_count", "is_published", "metadata", "created_at") SELECT "id", "code", "name", "vendor", "passing_score", "duration_minutes", "question_count", "is_published", "metadata", "created_at" FROM `exams`;--> statement-breakpoint
DROP TABLE `exams`;--> statement-breakpoint
ALTER TABLE `__new_exams` RENAME TO `exams`;--> statement-breakpoint
CREATE UNIQUE INDEX `exams_code_unique` ON `exams` (`code`);--> statement-breakpoint
CREATE TABLE `__new_objectives` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exam_id` integer NOT NULL,
	`code` text NOT NULL,
	`title` text NOT NULL,
	`weight` real DEFAULT 0 NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_objectives`("id", "exam_id", "code", "title", "weight", "sort_order") SELECT "id", "exam_id", "code", "title", "weight", "sort_order" FROM `objectives`;--> statement-breakpoint
DROP TABLE `objectives`;--> statement-breakpoint
ALTER TABLE `__new_objectives` RENAME TO `objectives`;--> statement-breakpoint
CREATE UNIQUE INDEX `objectives_exam_id_code_unique` ON `objectives` (`exam_id`,`code`);--> statement-breakpoint
CREATE TABLE `__new_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exam_id` integer NOT NULL,
	`objective_id` integer,
	`stem` text NOT NULL,
	`choices` text NOT NULL,
	`correct_answer` text NOT NULL,
	`explanation` text,
	`difficulty` integer DEFAULT 2 NOT NULL,
	`ai_generated` integer DEFAULT 0 NOT NULL,
	`is_active` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`objective_id`) REFERENCES `objectives`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "questions_difficulty_range" CHECK("__new_questions"."difficulty" BETWEEN 1 AND 5)
);
--> statement-breakpoint
INSERT INTO `__new_questions`("id", "exam_id", "objective_id", "stem", "choices", "correct_answer", "explanation", "difficulty", "ai_generated", "is_active", "created_at") SELECT "id", "exam_id", "objective_id", "stem", "choices", "correct_answer", "explanation", "difficulty", "ai_generated", "is_active", "created_at" FROM `questions`;--> statement-breakpoint
DROP TABLE `questions`;--> statement-breakpoint
ALTER TABLE `__new_questions` RENAME TO `questions`;--> statement-breakpoint
CREATE INDEX `idx_questions_exam` ON `questions` (`exam_id`);--> statement-breakpoint
CREATE INDEX `idx_questions_objective` ON `questions` (`objective_id`);--> statement-breakpoint
CREATE TABLE `__new_study_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`exam_id` integer NOT NULL,
	`mode` text DEFAULT 'practice' NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`question_count` integer DEFAULT 0 NOT NULL,
	`settings` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_study_sessions`("id", "user_id", "exam_id", "mode", "started_at", "ended_at", "question_count", "settings") SELECT "id", "user_id", "exam_id", "mode", "started_at", "ended_at", "question_count", "settings" FROM `study_sessions`;--> statement-breakpoint
DROP TABLE `study_sessions`;--> statement-breakpoint
ALTER TABLE `__new_study_sessions` RENAME TO `study_sessions`;--> statement-breakpoint
CREATE INDEX `idx_study_sessions_user` ON `study_sessions` (`user_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `__new_test_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`exam_id` integer NOT NULL,
	`status` text DEFAULT 'in_progress' NOT NULL,
	`started_at` text NOT NULL,
	`submitted_at` text,
	`score` real,
	`passed` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_test_attempts`("id", "user_id", "exam_id", "status", "started_at", "submitted_at", "score", "passed") SELECT "id", "user_id", "exam_id", "status", "started_at", "submitted_at", "score", "passed" FROM `test_attempts`;--> statement-breakpoint
DROP TABLE `test_attempts`;--> statement-breakpoint
ALTER TABLE `__new_test_attempts` RENAME TO `test_attempts`;--> statement-breakpoint
CREATE INDEX `idx_test_attempts_user` ON `test_attempts` (`user_id`);--> statement-breakpoint
CREATE TABLE `__new_user_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`question_id` integer NOT NULL,
	`session_id` integer,
	`attempt_id` integer,
	`selected` text NOT NULL,
	`is_correct` integer DEFAULT 0 NOT NULL,
	`time_spent_ms` integer,
	`answered_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `study_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`attempt_id`) REFERENCES `test_attempts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_user_answers`("id", "user_id", "question_id", "session_id", "attempt_id", "selected", "is_correct", "time_spent_ms", "answered_at") SELECT "id", "user_id", "question_id", "session_id", "attempt_id", "selected", "is_correct", "time_spent_ms", "answered_at" FROM `user_answers`;--> statement-breakpoint
DROP TABLE `user_answers`;--> statement-breakpoint
ALTER TABLE `__new_user_answers` RENAME TO `user_answers`;--> statement-breakpoint
CREATE INDEX `idx_user_answers_question` ON `user_answers` (`question_id`);--> statement-breakpoint
CREATE INDEX `idx_user_answers_session` ON `user_answers` (`session_id`);--> statement-breakpoint
CREATE INDEX `idx_user_answers_user_answered` ON `user_answers` (`user_id`,`answered_at`);