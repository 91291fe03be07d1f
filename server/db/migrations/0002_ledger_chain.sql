CREATE TABLE "ledger_heads" (
	"incident_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "kind" text DEFAULT 'charge' NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "related_entry_id" uuid;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "night" text;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "source_key" text;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "description" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "flags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_heads" ADD CONSTRAINT "ledger_heads_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_source_key" ON "ledger_entries" USING btree ("incident_id","source_key") WHERE source_key is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_one_reversal" ON "ledger_entries" USING btree ("reverses_entry_id") WHERE reverses_entry_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_one_resolution" ON "ledger_entries" USING btree ("related_entry_id") WHERE kind in ('approval', 'rejection');--> statement-breakpoint
CREATE INDEX "ledger_party" ON "ledger_entries" USING btree ("incident_id","party_id");--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_kind" CHECK ("ledger_entries"."kind" in ('charge', 'reversal', 'approval', 'rejection'));--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_seq_positive" CHECK ("ledger_entries"."seq" > 0);