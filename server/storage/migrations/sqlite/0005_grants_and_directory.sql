CREATE TABLE `grant_wraps` (
	`vault_id` text NOT NULL,
	`grant_id` text NOT NULL,
	`document_id` text NOT NULL,
	`version` integer NOT NULL,
	`wrap` blob NOT NULL,
	PRIMARY KEY(`vault_id`, `grant_id`, `document_id`, `version`),
	FOREIGN KEY (`vault_id`,`grant_id`) REFERENCES `grants`(`vault_id`,`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`vault_id`,`document_id`,`version`) REFERENCES `document_versions`(`vault_id`,`document_id`,`version`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `grant_wraps_version` ON `grant_wraps` (`vault_id`,`document_id`,`version`);--> statement-breakpoint
CREATE TABLE `grants` (
	`vault_id` text NOT NULL,
	`id` text NOT NULL,
	`recipient_account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`ends_at` integer,
	`recipient_envelope` blob NOT NULL,
	`owner_envelope` blob NOT NULL,
	`scope` blob NOT NULL,
	`list` blob NOT NULL,
	`list_sequence` integer NOT NULL,
	PRIMARY KEY(`vault_id`, `id`),
	FOREIGN KEY (`vault_id`) REFERENCES `vaults`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`recipient_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `grants_vault_recipient` ON `grants` (`vault_id`,`recipient_account_id`);--> statement-breakpoint
CREATE INDEX `grants_recipient` ON `grants` (`recipient_account_id`);--> statement-breakpoint
CREATE TABLE `practitioner_profiles` (
	`account_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`profession` text NOT NULL,
	`specialty` text NOT NULL,
	`rpps` text NOT NULL,
	`place` text NOT NULL,
	`city` text NOT NULL,
	`search_text` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `practitioner_profiles_rpps_unique` ON `practitioner_profiles` (`rpps`);