CREATE TABLE "guest_statuses" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "guest_statuses_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"incident_id" uuid NOT NULL,
	"party_id" text NOT NULL,
	"guest_id" text,
	"status" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"event_seq" bigint
);
--> statement-breakpoint
CREATE TABLE "guests" (
	"incident_id" uuid NOT NULL,
	"id" text NOT NULL,
	"party_id" text NOT NULL,
	"name" text NOT NULL,
	"age" text NOT NULL,
	"needs" text[] DEFAULT '{}'::text[] NOT NULL,
	"checked_in_at" timestamp with time zone,
	"room_number" text,
	"position" integer NOT NULL,
	CONSTRAINT "guests_incident_id_id_pk" PRIMARY KEY("incident_id","id"),
	CONSTRAINT "guests_age" CHECK ("guests"."age" in ('adult', 'child', 'infant'))
);
--> statement-breakpoint
CREATE TABLE "hotels" (
	"incident_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"pets_allowed" boolean DEFAULT false NOT NULL,
	"perks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "hotels_incident_id_id_pk" PRIMARY KEY("incident_id","id"),
	CONSTRAINT "hotels_lat" CHECK ("hotels"."lat" between -90 and 90),
	CONSTRAINT "hotels_lng" CHECK ("hotels"."lng" between -180 and 180)
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"currency" text NOT NULL,
	"timezone" text NOT NULL,
	"staff_spend_limit_minor" integer NOT NULL,
	"policy" jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incidents_currency_iso" CHECK ("incidents"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "incidents_limit_nonneg" CHECK ("incidents"."staff_spend_limit_minor" >= 0),
	CONSTRAINT "incidents_status" CHECK ("incidents"."status" in ('active', 'closed'))
);
--> statement-breakpoint
CREATE TABLE "parties" (
	"incident_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"unit" text DEFAULT '' NOT NULL,
	"site_id" text NOT NULL,
	"needs" text[] DEFAULT '{}'::text[] NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"email" text DEFAULT '' NOT NULL,
	"language" text,
	"status" text DEFAULT 'waiting' NOT NULL,
	"pass_code" text NOT NULL,
	"status_token" text,
	"position" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "parties_incident_id_id_pk" PRIMARY KEY("incident_id","id"),
	CONSTRAINT "parties_status" CHECK ("parties"."status" in ('waiting', 'assigned', 'on_vehicle', 'arrived', 'checked_in', 'checked_out', 'no_show', 'self_evacuated', 'needs_help'))
);
--> statement-breakpoint
CREATE TABLE "room_types" (
	"incident_id" uuid NOT NULL,
	"hotel_id" text NOT NULL,
	"type" text NOT NULL,
	"sleeps" integer NOT NULL,
	"count" integer NOT NULL,
	"used" integer DEFAULT 0 NOT NULL,
	"accessible" boolean DEFAULT false NOT NULL,
	"rate_minor" integer NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "room_types_incident_id_hotel_id_type_pk" PRIMARY KEY("incident_id","hotel_id","type"),
	CONSTRAINT "room_types_sleeps" CHECK ("room_types"."sleeps" > 0),
	CONSTRAINT "room_types_count" CHECK ("room_types"."count" >= 0),
	CONSTRAINT "room_types_used" CHECK ("room_types"."used" >= 0 and "room_types"."used" <= "room_types"."count"),
	CONSTRAINT "room_types_rate" CHECK ("room_types"."rate_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"incident_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"lat" double precision NOT NULL,
	"lng" double precision NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "sites_incident_id_id_pk" PRIMARY KEY("incident_id","id"),
	CONSTRAINT "sites_kind" CHECK ("sites"."kind" in ('resort', 'muster', 'depot')),
	CONSTRAINT "sites_lat" CHECK ("sites"."lat" between -90 and 90),
	CONSTRAINT "sites_lng" CHECK ("sites"."lng" between -180 and 180)
);
--> statement-breakpoint
CREATE TABLE "user_incidents" (
	"user_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	CONSTRAINT "user_incidents_user_id_incident_id_pk" PRIMARY KEY("user_id","incident_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text NOT NULL,
	"incident_id" uuid,
	"hotel_id" text,
	"spend_limit_minor" integer,
	"disabled" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_role" CHECK ("users"."role" in ('admin', 'duty_manager', 'reception', 'insurer')),
	CONSTRAINT "users_reception_hotel" CHECK ("users"."role" <> 'reception' or ("users"."incident_id" is not null and "users"."hotel_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "vehicles" (
	"incident_id" uuid NOT NULL,
	"id" text NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"seats" integer NOT NULL,
	"wheelchair_spaces" integer DEFAULT 0 NOT NULL,
	"depot_site_id" text NOT NULL,
	"available_from" timestamp with time zone NOT NULL,
	"cost_per_trip_minor" integer DEFAULT 0 NOT NULL,
	"cost_per_km_minor" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'in_service' NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"position_at" timestamp with time zone,
	"position" integer NOT NULL,
	CONSTRAINT "vehicles_incident_id_id_pk" PRIMARY KEY("incident_id","id"),
	CONSTRAINT "vehicles_kind" CHECK ("vehicles"."kind" in ('coach', 'minibus', 'taxi', 'accessible_taxi')),
	CONSTRAINT "vehicles_seats" CHECK ("vehicles"."seats" > 0),
	CONSTRAINT "vehicles_wheelchair" CHECK ("vehicles"."wheelchair_spaces" >= 0),
	CONSTRAINT "vehicles_costs" CHECK ("vehicles"."cost_per_trip_minor" >= 0 and "vehicles"."cost_per_km_minor" >= 0),
	CONSTRAINT "vehicles_status" CHECK ("vehicles"."status" in ('in_service', 'out_of_service'))
);
--> statement-breakpoint
CREATE TABLE "events" (
	"incident_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" uuid,
	"actor_name" text DEFAULT 'system' NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	CONSTRAINT "events_incident_id_seq_pk" PRIMARY KEY("incident_id","seq"),
	CONSTRAINT "events_seq" CHECK ("events"."seq" > 0)
);
--> statement-breakpoint
CREATE TABLE "exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"format" text NOT NULL,
	"range" jsonb,
	"manifest" jsonb
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"seq" bigint NOT NULL,
	"category" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" uuid,
	"party_id" text,
	"guest_id" text,
	"hotel_id" text,
	"vehicle_id" text,
	"trip_id" uuid,
	"receipt_ref" text,
	"note" text DEFAULT '' NOT NULL,
	"reverses_entry_id" uuid,
	"status" text DEFAULT 'posted' NOT NULL,
	"approved_by" uuid,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "ledger_category" CHECK ("ledger_entries"."category" in ('lodging', 'transport', 'bar', 'meals', 'laundry', 'gifts', 'other')),
	CONSTRAINT "ledger_currency" CHECK ("ledger_entries"."currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "ledger_status" CHECK ("ledger_entries"."status" in ('posted', 'pending_approval', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"party_id" text NOT NULL,
	"channel" text NOT NULL,
	"template" text NOT NULL,
	"recipient" text NOT NULL,
	"body" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_status" CHECK ("outbox"."status" in ('pending', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"base_seq" bigint NOT NULL,
	"plan" jsonb NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"applied_at" timestamp with time zone,
	CONSTRAINT "plans_status" CHECK ("plans"."status" in ('proposed', 'applied', 'superseded'))
);
--> statement-breakpoint
CREATE TABLE "socket_io_attachments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"payload" "bytea"
);
--> statement-breakpoint
CREATE TABLE "stays" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"party_id" text NOT NULL,
	"hotel_id" text NOT NULL,
	"rooms" jsonb NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"room_numbers" jsonb,
	"pinned" boolean DEFAULT false NOT NULL,
	"plan_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_out_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	CONSTRAINT "stays_status" CHECK ("stays"."status" in ('planned', 'checked_in', 'checked_out', 'cancelled', 'no_show'))
);
--> statement-breakpoint
CREATE TABLE "trip_riders" (
	"trip_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"party_id" text NOT NULL,
	"hotel_id" text NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"boarded_at" timestamp with time zone,
	"dropped_at" timestamp with time zone,
	CONSTRAINT "trip_riders_trip_id_party_id_pk" PRIMARY KEY("trip_id","party_id"),
	CONSTRAINT "trip_riders_status" CHECK ("trip_riders"."status" in ('planned', 'boarded', 'dropped', 'no_show', 'cancelled'))
);
--> statement-breakpoint
CREATE TABLE "trips" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL,
	"vehicle_id" text NOT NULL,
	"from_site_id" text NOT NULL,
	"stops" text[] NOT NULL,
	"depart_at" timestamp with time zone NOT NULL,
	"arrivals" jsonb NOT NULL,
	"status" text DEFAULT 'planned' NOT NULL,
	"seats" integer NOT NULL,
	"wheelchair_spaces" integer NOT NULL,
	"seats_used" integer DEFAULT 0 NOT NULL,
	"wheelchair_used" integer DEFAULT 0 NOT NULL,
	"plan_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"departed_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "trips_status" CHECK ("trips"."status" in ('planned', 'boarding', 'departed', 'completed', 'cancelled')),
	CONSTRAINT "trips_seats" CHECK ("trips"."seats_used" >= 0 and "trips"."seats_used" <= "trips"."seats"),
	CONSTRAINT "trips_wheelchair" CHECK ("trips"."wheelchair_used" >= 0 and "trips"."wheelchair_used" <= "trips"."wheelchair_spaces")
);
--> statement-breakpoint
ALTER TABLE "guest_statuses" ADD CONSTRAINT "guest_statuses_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guest_statuses" ADD CONSTRAINT "guest_statuses_incident_id_party_id_parties_incident_id_id_fk" FOREIGN KEY ("incident_id","party_id") REFERENCES "public"."parties"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guests" ADD CONSTRAINT "guests_incident_id_party_id_parties_incident_id_id_fk" FOREIGN KEY ("incident_id","party_id") REFERENCES "public"."parties"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hotels" ADD CONSTRAINT "hotels_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parties" ADD CONSTRAINT "parties_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "parties" ADD CONSTRAINT "parties_incident_id_site_id_sites_incident_id_id_fk" FOREIGN KEY ("incident_id","site_id") REFERENCES "public"."sites"("incident_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_types" ADD CONSTRAINT "room_types_incident_id_hotel_id_hotels_incident_id_id_fk" FOREIGN KEY ("incident_id","hotel_id") REFERENCES "public"."hotels"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_incidents" ADD CONSTRAINT "user_incidents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_incidents" ADD CONSTRAINT "user_incidents_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_incident_id_hotel_id_hotels_incident_id_id_fk" FOREIGN KEY ("incident_id","hotel_id") REFERENCES "public"."hotels"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_incident_id_depot_site_id_sites_incident_id_id_fk" FOREIGN KEY ("incident_id","depot_site_id") REFERENCES "public"."sites"("incident_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exports" ADD CONSTRAINT "exports_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_incident_id_party_id_parties_incident_id_id_fk" FOREIGN KEY ("incident_id","party_id") REFERENCES "public"."parties"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stays" ADD CONSTRAINT "stays_incident_id_hotel_id_hotels_incident_id_id_fk" FOREIGN KEY ("incident_id","hotel_id") REFERENCES "public"."hotels"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trip_riders" ADD CONSTRAINT "trip_riders_trip_id_trips_id_fk" FOREIGN KEY ("trip_id") REFERENCES "public"."trips"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trip_riders" ADD CONSTRAINT "trip_riders_incident_id_party_id_parties_incident_id_id_fk" FOREIGN KEY ("incident_id","party_id") REFERENCES "public"."parties"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trips" ADD CONSTRAINT "trips_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trips" ADD CONSTRAINT "trips_incident_id_vehicle_id_vehicles_incident_id_id_fk" FOREIGN KEY ("incident_id","vehicle_id") REFERENCES "public"."vehicles"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trips" ADD CONSTRAINT "trips_incident_id_from_site_id_sites_incident_id_id_fk" FOREIGN KEY ("incident_id","from_site_id") REFERENCES "public"."sites"("incident_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "guest_statuses_party" ON "guest_statuses" USING btree ("incident_id","party_id","at");--> statement-breakpoint
CREATE INDEX "guests_party" ON "guests" USING btree ("incident_id","party_id");--> statement-breakpoint
CREATE UNIQUE INDEX "parties_pass_code" ON "parties" USING btree ("incident_id","pass_code");--> statement-breakpoint
CREATE UNIQUE INDEX "parties_status_token" ON "parties" USING btree ("status_token");--> statement-breakpoint
CREATE INDEX "sessions_user" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_seq" ON "ledger_entries" USING btree ("incident_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_dedupe" ON "outbox" USING btree ("incident_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "plans_incident" ON "plans" USING btree ("incident_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stays_one_active_per_party" ON "stays" USING btree ("incident_id","party_id") WHERE status in ('planned', 'checked_in');--> statement-breakpoint
CREATE INDEX "stays_hotel" ON "stays" USING btree ("incident_id","hotel_id");--> statement-breakpoint
CREATE UNIQUE INDEX "trip_riders_one_active_per_party" ON "trip_riders" USING btree ("incident_id","party_id") WHERE status in ('planned', 'boarded');--> statement-breakpoint
CREATE INDEX "trips_vehicle" ON "trips" USING btree ("incident_id","vehicle_id","depart_at");