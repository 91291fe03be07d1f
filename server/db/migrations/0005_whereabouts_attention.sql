CREATE TABLE "attention_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"party_id" text,
	"guest_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"place_kind" text,
	"place_id" text,
	"place_name" text,
	"trip_id" uuid,
	"summary" text NOT NULL,
	"suggestion" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_seq" bigint NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by" uuid,
	"resolved_by_name" text,
	"note" text,
	CONSTRAINT "attention_items_kind" CHECK ("attention_items"."kind" in ('partial_checkin', 'left_behind', 'transport_lost', 'unplaced', 'overdue', 'not_checked_in', 'need_help', 'missing'))
);
--> statement-breakpoint
ALTER TABLE "guests" ADD COLUMN "whereabouts" text DEFAULT 'waiting' NOT NULL;--> statement-breakpoint
ALTER TABLE "guests" ADD COLUMN "whereabouts_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "overdue_minutes" integer DEFAULT 15 NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "not_checked_in_minutes" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "attention_items" ADD CONSTRAINT "attention_items_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attention_items" ADD CONSTRAINT "attention_items_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attention_items_open" ON "attention_items" USING btree ("incident_id","dedupe_key") WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX "attention_items_incident" ON "attention_items" USING btree ("incident_id","created_at");--> statement-breakpoint
ALTER TABLE "guests" ADD CONSTRAINT "guests_whereabouts" CHECK ("guests"."whereabouts" in ('waiting', 'aboard', 'arrived', 'checked_in', 'checked_out', 'own_way', 'no_show', 'missing'));--> statement-breakpoint
UPDATE "guests" g SET "whereabouts" = CASE
  WHEN p."status" = 'on_vehicle' THEN 'aboard'
  WHEN p."status" = 'arrived' THEN 'arrived'
  WHEN p."status" = 'checked_in' AND g."checked_in_at" IS NOT NULL THEN 'checked_in'
  WHEN p."status" = 'checked_in' THEN 'arrived'
  WHEN p."status" = 'checked_out' THEN 'checked_out'
  WHEN p."status" = 'no_show' THEN 'no_show'
  WHEN p."status" = 'self_evacuated' THEN 'own_way'
  ELSE 'waiting' END
FROM "parties" p WHERE p."incident_id" = g."incident_id" AND p."id" = g."party_id";
