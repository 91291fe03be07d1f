ALTER TABLE "attention_items" ADD COLUMN "reports" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "attention_items" ADD COLUMN "repeated_at" timestamp with time zone;