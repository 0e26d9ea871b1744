PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text DEFAULT 'learner' NOT NULL,
	`is_active` integer DEFAULT 1 NOT NULL,
	`preferences` text,
	`created_at` integer NOT NULL,
	`email_verified` integer DEFAULT 0 NOT NULL,
	`last_login_at` integer
);
--> statement-breakpoint
INSERT INTO `__new_users`("id", "email", "display_name", "role", "is_active", "preferences", "created_at", "email_verified", "last_login_at") SELECT "id", "email", "display_name", "role", "is_active", "preferences", "created_at", "email_verified", "last_login_at" FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
ALTER TABLE `__new_users` RENAME TO `users`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `idx_test_attempts_exam_status` ON `test_attempts` (`exam_id`,`status`);