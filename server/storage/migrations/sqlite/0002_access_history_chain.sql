ALTER TABLE `access_events` ADD `sequence` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `access_events` ADD `chain_hash` blob DEFAULT x'' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `access_events_sequence` ON `access_events` (`vault_id`,`sequence`) WHERE sequence > 0;--> statement-breakpoint
ALTER TABLE `vaults` ADD `history_checkpoint` blob;--> statement-breakpoint
ALTER TABLE `vaults` ADD `history_checkpoint_sequence` integer DEFAULT 0 NOT NULL;