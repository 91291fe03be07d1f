CREATE TABLE "rollcall_links" (
	"incident_id" uuid NOT NULL,
	"site_id" text NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" uuid,
	CONSTRAINT "rollcall_links_incident_id_site_id_pk" PRIMARY KEY("incident_id","site_id"),
	CONSTRAINT "rollcall_links_generation" CHECK ("rollcall_links"."generation" >= 1)
);
--> statement-breakpoint
ALTER TABLE "rollcall_links" ADD CONSTRAINT "rollcall_links_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollcall_links" ADD CONSTRAINT "rollcall_links_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;