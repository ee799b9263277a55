/** The Incidents page's calls: the backend's incident API through the app's plugin route. */
import { INCIDENT_API_PATH, type Incident, type IncidentCreate } from '@osprey/model';
import { lastValueFrom } from 'rxjs';

import { DEFAULT_TIMEOUT_SECONDS, describeFetchError, OspreyClient } from '@osprey/plugin-kit';
import { BACKEND_ROUTE } from './settings';

const client = () => new OspreyClient(BACKEND_ROUTE, DEFAULT_TIMEOUT_SECONDS * 1000);

export async function listIncidents(): Promise<Incident[]> {
  try {
    return (await lastValueFrom(client().incidents())).incidents;
  } catch (err) {
    throw new Error(describeFetchError(err, 'Reading the incidents'));
  }
}

export async function createIncident(body: IncidentCreate): Promise<Incident> {
  try {
    return await lastValueFrom(client().createIncident(body));
  } catch (err) {
    throw new Error(describeFetchError(err, 'Asking for the incident bundle'));
  }
}

/** The download: a plain link through the plugin route, which adds the token server side. */
export const bundleHref = (id: string) => `${BACKEND_ROUTE}${INCIDENT_API_PATH}/${id}/bundle`;

/** One line per capture: what it is and how it stands (its error when it did not come in). */
export function captureSummary(incident: Incident): string {
  return incident.captures
    .map((c) => `${c.kind} ${c.status === 'done' ? 'done' : c.error ? `${c.status}: ${c.error}` : c.status}`)
    .join('; ');
}
