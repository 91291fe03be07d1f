export const ROLES = ['admin', 'duty_manager', 'reception', 'insurer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: loaded from the session on every request and socket handshake. */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Reception: the incident and hotel it is bound to. */
  incidentId: string | null;
  hotelId: string | null;
  /** Insurers: the incidents they may read. */
  incidentIds: string[];
  spendLimitMinor: number | null;
}
