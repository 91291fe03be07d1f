/**
 * Who may see which incident, in one place. Anything a user may not see answers "not found",
 * so ids of other incidents cannot be probed.
 */
import type { SessionUser } from '../auth/types.js';
import { AppError } from '../http/errors.js';

export function canSeeIncident(user: SessionUser, incidentId: string): boolean {
  switch (user.role) {
    case 'admin':
    case 'duty_manager':
      return true;
    case 'reception':
      return user.incidentId === incidentId;
    case 'insurer':
      return user.incidentIds.includes(incidentId);
  }
}

export function assertIncidentVisible(user: SessionUser | undefined, incidentId: string): SessionUser {
  if (!user) throw new AppError('unauthenticated', 'Please sign in.');
  if (!canSeeIncident(user, incidentId)) throw new AppError('not_found', 'No such incident.');
  return user;
}
