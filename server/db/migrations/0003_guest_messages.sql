CREATE TABLE "feedback" (
	"incident_id" uuid NOT NULL,
	"party_id" text NOT NULL,
	"rating" integer NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"hotel_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_incident_id_party_id_pk" PRIMARY KEY("incident_id","party_id"),
	CONSTRAINT "feedback_rating" CHECK ("feedback"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "guest_replies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"party_id" text NOT NULL,
	"kind" text NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"guest_id" text,
	"client_key" text NOT NULL,
	"status_from" text NOT NULL,
	"status_to" text NOT NULL,
	"event_seq" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guest_replies_kind" CHECK ("guest_replies"."kind" in ('own_way', 'need_help', 'missing_member'))
);
--> statement-breakpoint
CREATE TABLE "message_cursors" (
	"incident_id" uuid PRIMARY KEY NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_settings" (
	"incident_id" uuid PRIMARY KEY NOT NULL,
	"helpline_phone" text DEFAULT '' NOT NULL,
	"departure_notice_minutes" integer DEFAULT 30 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_settings_minutes" CHECK ("message_settings"."departure_notice_minutes" between 1 and 720)
);
--> statement-breakpoint
CREATE TABLE "message_templates" (
	"incident_id" uuid NOT NULL,
	"key" text NOT NULL,
	"language" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "message_templates_incident_id_key_language_pk" PRIMARY KEY("incident_id","key","language")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "subject" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_incident_id_party_id_parties_incident_id_id_fk" FOREIGN KEY ("incident_id","party_id") REFERENCES "public"."parties"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guest_replies" ADD CONSTRAINT "guest_replies_incident_id_party_id_parties_incident_id_id_fk" FOREIGN KEY ("incident_id","party_id") REFERENCES "public"."parties"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_cursors" ADD CONSTRAINT "message_cursors_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_settings" ADD CONSTRAINT "message_settings_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_templates" ADD CONSTRAINT "message_templates_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_templates" ADD CONSTRAINT "message_templates_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "guest_replies_client_key" ON "guest_replies" USING btree ("incident_id","party_id","client_key");--> statement-breakpoint
CREATE INDEX "guest_replies_party" ON "guest_replies" USING btree ("incident_id","party_id","created_at");--> statement-breakpoint
CREATE INDEX "outbox_due" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "outbox_party" ON "outbox" USING btree ("incident_id","party_id","created_at");