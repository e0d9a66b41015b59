CREATE TABLE `access_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vault_id` text NOT NULL,
	`actor_account_id` text NOT NULL,
	`action` text NOT NULL,
	`document_id` text NOT NULL,
	`version` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`vault_id`) REFERENCES `vaults`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `access_events_vault` ON `access_events` (`vault_id`,`id`);--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`key_salt` blob NOT NULL,
	`auth_key_hash` blob NOT NULL,
	`recovery_auth_key_hash` blob NOT NULL,
	`kdf_algorithm` text NOT NULL,
	`kdf_memory_kib` integer NOT NULL,
	`kdf_iterations` integer NOT NULL,
	`kdf_parallelism` integer NOT NULL,
	`kdf_salt` blob NOT NULL,
	`public_bundle` blob NOT NULL,
	`wrapped_private_bundle` blob NOT NULL,
	`recovery_wrapped_private_bundle` blob NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `document_versions` (
	`vault_id` text NOT NULL,
	`document_id` text NOT NULL,
	`version` integer NOT NULL,
	`blob_id` text NOT NULL,
	`payload_size` integer NOT NULL,
	`author_account_id` text NOT NULL,
	`metadata` blob NOT NULL,
	`manifest` blob NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`vault_id`, `document_id`, `version`),
	FOREIGN KEY (`vault_id`,`document_id`) REFERENCES `documents`(`vault_id`,`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `document_versions_blob_id_unique` ON `document_versions` (`blob_id`);--> statement-breakpoint
CREATE TABLE `documents` (
	`vault_id` text NOT NULL,
	`id` text NOT NULL,
	`current_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`vault_id`, `id`),
	FOREIGN KEY (`vault_id`) REFERENCES `vaults`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `envelopes` (
	`vault_id` text NOT NULL,
	`document_id` text NOT NULL,
	`version` integer NOT NULL,
	`position` integer NOT NULL,
	`envelope` blob NOT NULL,
	PRIMARY KEY(`vault_id`, `document_id`, `version`, `position`),
	FOREIGN KEY (`vault_id`,`document_id`,`version`) REFERENCES `document_versions`(`vault_id`,`document_id`,`version`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `login_throttles` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`window_start` integer NOT NULL,
	`locked_until` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pending_blob_deletions` (
	`blob_id` text PRIMARY KEY NOT NULL,
	`queued_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` blob PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_account` ON `sessions` (`account_id`);--> statement-breakpoint
CREATE TABLE `uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`vault_id` text NOT NULL,
	`account_id` text NOT NULL,
	`blob_id` text NOT NULL,
	`size` integer NOT NULL,
	`received` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`vault_id`) REFERENCES `vaults`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uploads_blob_id_unique` ON `uploads` (`blob_id`);--> statement-breakpoint
CREATE INDEX `uploads_vault` ON `uploads` (`vault_id`);--> statement-breakpoint
CREATE INDEX `uploads_expiry` ON `uploads` (`expires_at`);--> statement-breakpoint
CREATE TABLE `vaults` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_account_id` text NOT NULL,
	`manifest_sequence` integer DEFAULT 0 NOT NULL,
	`manifest` blob,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vaults_owner` ON `vaults` (`owner_account_id`);