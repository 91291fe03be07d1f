CREATE TABLE "driver_links" (
	"incident_id" uuid NOT NULL,
	"vehicle_id" text NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	CONSTRAINT "driver_links_incident_id_vehicle_id_pk" PRIMARY KEY("incident_id","vehicle_id"),
	CONSTRAINT "driver_links_generation" CHECK ("driver_links"."generation" >= 1)
);
--> statement-breakpoint
CREATE TABLE "rooming_sent" (
	"incident_id" uuid NOT NULL,
	"hotel_id" text NOT NULL,
	"version" integer NOT NULL,
	"digest" text NOT NULL,
	"rows" jsonb NOT NULL,
	"sent_seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rooming_sent_incident_id_hotel_id_pk" PRIMARY KEY("incident_id","hotel_id")
);
--> statement-breakpoint
CREATE TABLE "server_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "hotels" ADD COLUMN "email" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "applied_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "hotel_id" text;--> statement-breakpoint
ALTER TABLE "driver_links" ADD CONSTRAINT "driver_links_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "driver_links" ADD CONSTRAINT "driver_links_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooming_sent" ADD CONSTRAINT "rooming_sent_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created" ON "idempotency_keys" USING btree ("created_at");