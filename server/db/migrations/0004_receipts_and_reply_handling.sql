CREATE TABLE "ledger_receipts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"content_type" text NOT NULL,
	"bytes" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"uploaded_by" uuid,
	"hotel_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_receipts_type" CHECK ("ledger_receipts"."content_type" in ('image/jpeg', 'image/png', 'image/webp'))
);
--> statement-breakpoint
ALTER TABLE "guest_replies" ADD COLUMN "handled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "guest_replies" ADD COLUMN "handled_by" uuid;--> statement-breakpoint
ALTER TABLE "guest_replies" ADD COLUMN "handled_note" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "ledger_receipts" ADD CONSTRAINT "ledger_receipts_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_receipts" ADD CONSTRAINT "ledger_receipts_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_receipts_sha" ON "ledger_receipts" USING btree ("incident_id","sha256");--> statement-breakpoint
ALTER TABLE "guest_replies" ADD CONSTRAINT "guest_replies_handled_by_users_id_fk" FOREIGN KEY ("handled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "guest_replies_open" ON "guest_replies" USING btree ("incident_id","created_at") WHERE handled_at is null;