CREATE INDEX "stays_party" ON "stays" USING btree ("incident_id","party_id");--> statement-breakpoint
CREATE INDEX "trip_riders_party" ON "trip_riders" USING btree ("incident_id","party_id");