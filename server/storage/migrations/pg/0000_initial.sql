CREATE TABLE "access_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"vault_id" text NOT NULL,
	"actor_account_id" text NOT NULL,
	"action" text NOT NULL,
	"document_id" text NOT NULL,
	"version" integer NOT NULL,
	"at" bigint NOT NULL,
	"sequence" bigint DEFAULT 0 NOT NULL,
	"chain_hash" "bytea" DEFAULT '\x'::bytea NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"key_salt" "bytea" NOT NULL,
	"auth_key_hash" "bytea" NOT NULL,
	"recovery_auth_key_hash" "bytea" NOT NULL,
	"kdf_algorithm" text NOT NULL,
	"kdf_memory_kib" integer NOT NULL,
	"kdf_iterations" integer NOT NULL,
	"kdf_parallelism" integer NOT NULL,
	"kdf_salt" "bytea" NOT NULL,
	"public_bundle" "bytea" NOT NULL,
	"wrapped_private_bundle" "bytea" NOT NULL,
	"recovery_wrapped_private_bundle" "bytea" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_versions" (
	"vault_id" text NOT NULL,
	"document_id" text NOT NULL,
	"version" integer NOT NULL,
	"blob_id" text NOT NULL,
	"payload_size" bigint NOT NULL,
	"author_account_id" text NOT NULL,
	"metadata" "bytea" NOT NULL,
	"manifest" "bytea" NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "document_versions_vault_id_document_id_version_pk" PRIMARY KEY("vault_id","document_id","version"),
	CONSTRAINT "document_versions_blob_id_unique" UNIQUE("blob_id")
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"vault_id" text NOT NULL,
	"id" text NOT NULL,
	"current_version" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"pending" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "documents_vault_id_id_pk" PRIMARY KEY("vault_id","id")
);
--> statement-breakpoint
CREATE TABLE "envelopes" (
	"vault_id" text NOT NULL,
	"document_id" text NOT NULL,
	"version" integer NOT NULL,
	"position" integer NOT NULL,
	"envelope" "bytea" NOT NULL,
	CONSTRAINT "envelopes_vault_id_document_id_version_position_pk" PRIMARY KEY("vault_id","document_id","version","position")
);
--> statement-breakpoint
CREATE TABLE "grant_wraps" (
	"vault_id" text NOT NULL,
	"grant_id" text NOT NULL,
	"document_id" text NOT NULL,
	"version" integer NOT NULL,
	"wrap" "bytea" NOT NULL,
	CONSTRAINT "grant_wraps_vault_id_grant_id_document_id_version_pk" PRIMARY KEY("vault_id","grant_id","document_id","version")
);
--> statement-breakpoint
CREATE TABLE "grants" (
	"vault_id" text NOT NULL,
	"id" text NOT NULL,
	"recipient_account_id" text NOT NULL,
	"role" text DEFAULT 'reader' NOT NULL,
	"created_at" bigint NOT NULL,
	"ends_at" bigint,
	"recipient_envelope" "bytea" NOT NULL,
	"owner_envelope" "bytea" NOT NULL,
	"scope" "bytea" NOT NULL,
	"list" "bytea" NOT NULL,
	"list_sequence" bigint NOT NULL,
	CONSTRAINT "grants_vault_id_id_pk" PRIMARY KEY("vault_id","id")
);
--> statement-breakpoint
CREATE TABLE "login_throttles" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"window_start" bigint NOT NULL,
	"locked_until" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pending_blob_deletions" (
	"blob_id" text PRIMARY KEY NOT NULL,
	"queued_at" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practitioner_profiles" (
	"account_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"profession" text NOT NULL,
	"specialty" text NOT NULL,
	"rpps" text NOT NULL,
	"place" text NOT NULL,
	"city" text NOT NULL,
	"search_text" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "practitioner_profiles_rpps_unique" UNIQUE("rpps")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" "bytea" PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"vault_id" text NOT NULL,
	"account_id" text NOT NULL,
	"blob_id" text NOT NULL,
	"size" bigint NOT NULL,
	"received" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "uploads_blob_id_unique" UNIQUE("blob_id")
);
--> statement-breakpoint
CREATE TABLE "vault_invites" (
	"id" text PRIMARY KEY NOT NULL,
	"vault_id" text NOT NULL,
	"inviter_account_id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"purpose" text DEFAULT 'manager' NOT NULL,
	"invitee_account_id" text,
	"invitee_bundle" "bytea",
	"proof" "bytea"
);
--> statement-breakpoint
CREATE TABLE "vault_managers" (
	"vault_id" text NOT NULL,
	"account_id" text NOT NULL,
	"envelope" "bytea" NOT NULL,
	"starts_at" bigint,
	"ends_at" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "vault_managers_vault_id_account_id_pk" PRIMARY KEY("vault_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "vaults" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_account_id" text NOT NULL,
	"manifest_sequence" bigint DEFAULT 0 NOT NULL,
	"manifest" "bytea",
	"history_checkpoint" "bytea",
	"history_checkpoint_sequence" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"settings" "bytea",
	"settings_sequence" bigint DEFAULT 0 NOT NULL,
	"public_bundle" "bytea",
	"label" "bytea"
);
--> statement-breakpoint
ALTER TABLE "access_events" ADD CONSTRAINT "access_events_vault_id_vaults_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."vaults"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_versions" ADD CONSTRAINT "document_versions_vault_id_document_id_documents_vault_id_id_fk" FOREIGN KEY ("vault_id","document_id") REFERENCES "public"."documents"("vault_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_vault_id_vaults_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."vaults"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "envelopes" ADD CONSTRAINT "envelopes_vault_id_document_id_version_document_versions_vault_id_document_id_version_fk" FOREIGN KEY ("vault_id","document_id","version") REFERENCES "public"."document_versions"("vault_id","document_id","version") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_wraps" ADD CONSTRAINT "grant_wraps_vault_id_grant_id_grants_vault_id_id_fk" FOREIGN KEY ("vault_id","grant_id") REFERENCES "public"."grants"("vault_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grant_wraps" ADD CONSTRAINT "grant_wraps_vault_id_document_id_version_document_versions_vault_id_document_id_version_fk" FOREIGN KEY ("vault_id","document_id","version") REFERENCES "public"."document_versions"("vault_id","document_id","version") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_vault_id_vaults_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."vaults"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "grants" ADD CONSTRAINT "grants_recipient_account_id_accounts_id_fk" FOREIGN KEY ("recipient_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practitioner_profiles" ADD CONSTRAINT "practitioner_profiles_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_vault_id_vaults_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."vaults"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_invites" ADD CONSTRAINT "vault_invites_vault_id_vaults_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."vaults"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_invites" ADD CONSTRAINT "vault_invites_inviter_account_id_accounts_id_fk" FOREIGN KEY ("inviter_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_invites" ADD CONSTRAINT "vault_invites_invitee_account_id_accounts_id_fk" FOREIGN KEY ("invitee_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_managers" ADD CONSTRAINT "vault_managers_vault_id_vaults_id_fk" FOREIGN KEY ("vault_id") REFERENCES "public"."vaults"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vault_managers" ADD CONSTRAINT "vault_managers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vaults" ADD CONSTRAINT "vaults_owner_account_id_accounts_id_fk" FOREIGN KEY ("owner_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_events_vault" ON "access_events" USING btree ("vault_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "access_events_sequence" ON "access_events" USING btree ("vault_id","sequence") WHERE sequence > 0;--> statement-breakpoint
CREATE INDEX "access_events_unchained" ON "access_events" USING btree ("id") WHERE sequence = 0;--> statement-breakpoint
CREATE INDEX "grant_wraps_version" ON "grant_wraps" USING btree ("vault_id","document_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "grants_vault_recipient" ON "grants" USING btree ("vault_id","recipient_account_id");--> statement-breakpoint
CREATE INDEX "grants_recipient" ON "grants" USING btree ("recipient_account_id");--> statement-breakpoint
CREATE INDEX "sessions_account" ON "sessions" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "uploads_vault" ON "uploads" USING btree ("vault_id");--> statement-breakpoint
CREATE INDEX "uploads_expiry" ON "uploads" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "vault_invites_vault" ON "vault_invites" USING btree ("vault_id");--> statement-breakpoint
CREATE INDEX "vault_managers_account" ON "vault_managers" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "vaults_owner" ON "vaults" USING btree ("owner_account_id");