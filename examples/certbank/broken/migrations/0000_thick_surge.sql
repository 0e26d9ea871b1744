-- Current sql file was generated after introspecting the database
-- If you want to run this migration please uncomment this code before executing migrations
/*
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`email` text NOT NULL,
	`display_name` text,
	`role` text DEFAULT 'learner' NOT NULL,
	`is_active` integer DEFAULT 1 NOT NULL,
	`preferences` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `exams` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`vendor` text NOT NULL,
	`passing_score` integer DEFAULT 70,
	`duration_minutes` integer NOT NULL,
	`question_count` integer NOT NULL,
	`is_published` integer DEFAULT 0 NOT NULL,
	`metadata` text,
	`created_at` text DEFAULT (CURRENT_TIMESTAMP) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `objectives` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`exam_id` integer NOT NULL,
	`code` text NOT NULL,
	`title` text NOT NULL,
	`weight` real DEFAULT 0 NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`exam_id` integer NOT NULL,
	`objective_id` integer,
	`stem` text NOT NULL,
	`choices` text NOT NULL,
	`correct_answer` text,
	`explanation` text,
	`difficulty` integer DEFAULT 2 NOT NULL,
	`ai_generated` integer DEFAULT 0 NOT NULL,
	`is_active` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`objective_id`) REFERENCES `objectives`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_questions_objective` ON `questions` (`objective_id`);--> statement-breakpoint
CREATE INDEX `idx_questions_exam` ON `questions` (`exam_id`);--> statement-breakpoint
CREATE TABLE `study_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`user_id` integer NOT NULL,
	`exam_id` integer NOT NULL,
	`mode` text DEFAULT 'practice' NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`question_count` integer DEFAULT 0 NOT NULL,
	`settings` text,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_study_sessions_user` ON `study_sessions` (`user_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `test_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`user_id` integer NOT NULL,
	`exam_id` integer NOT NULL,
	`status` text DEFAULT 'in_progress' NOT NULL,
	`started_at` text NOT NULL,
	`submitted_at` text,
	`score` real,
	`passed` integer,
	FOREIGN KEY (`exam_id`) REFERENCES `exams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_test_attempts_user` ON `test_attempts` (`user_id`);--> statement-breakpoint
CREATE TABLE `user_answers` (
	`id` integer PRIMARY KEY AUTOINCREMENT,
	`user_id` integer NOT NULL,
	`question_id` integer NOT NULL,
	`session_id` integer,
	`attempt_id` integer,
	`selected` text NOT NULL,
	`is_correct` integer,
	`time_spent_ms` integer,
	`answered_at` integer NOT NULL,
	FOREIGN KEY (`attempt_id`) REFERENCES `test_attempts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `study_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`question_id`) REFERENCES `questions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_user_answers_session` ON `user_answers` (`session_id`);--> statement-breakpoint
CREATE INDEX `idx_user_answers_question` ON `user_answers` (`question_id`);
*/