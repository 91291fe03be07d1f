import type { UserView } from '../../shared/api.js';
import type { SessionUser } from './types.js';

export function presentUser(u: SessionUser): UserView {
  return { id: u.id, email: u.email, name: u.name, role: u.role, incidentId: u.incidentId, hotelId: u.hotelId };
}
