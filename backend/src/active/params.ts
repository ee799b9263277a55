import { bad, text } from '../query/params';

/** Query string of `GET /api/v1/active`: an optional `service`; anything else is a 400. */
export function parseActiveQuery(raw: Record<string, unknown>): { service?: string } {
  for (const param of Object.keys(raw)) {
    if (param !== 'service') {
      throw bad(param, 'unknown parameter');
    }
  }
  const service = text(raw, 'service');
  return service === undefined ? {} : { service };
}
