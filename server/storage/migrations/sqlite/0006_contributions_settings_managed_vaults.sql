CREATE TABLE `vault_invites` (
	`id` text PRIMARY KEY NOT NULL,
	`vault_id` text NOT NULL,
	`inviter_account_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`invitee_account_id` text,
	`invitee_bundle` blob,
	`proof` blob,
	FOREIGN KEY (`vault_id`) REFERENCES `vaults`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inviter_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invitee_account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vault_invites_vault` ON `vault_invites` (`vault_id`);--> statement-breakpoint
CREATE TABLE `vault_managers` (
	`vault_id` text NOT NULL,
	`account_id` text NOT NULL,
	`envelope` blob NOT NULL,
	`starts_at` integer,
	`ends_at` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`vault_id`, `account_id`),
	FOREIGN KEY (`vault_id`) REFERENCES `vaults`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vault_managers_account` ON `vault_managers` (`account_id`);--> statement-breakpoint
ALTER TABLE `documents` ADD `pending` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `grants` ADD `role` text DEFAULT 'reader' NOT NULL;--> statement-breakpoint
ALTER TABLE `vaults` ADD `settings` blob;--> statement-breakpoint
ALTER TABLE `vaults` ADD `settings_sequence` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `vaults` ADD `public_bundle` blob;--> statement-breakpoint
ALTER TABLE `vaults` ADD `label` blob;