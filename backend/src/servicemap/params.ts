import { bad, number } from '../query/params';

type RawQuery = Record<string, unknown>;

/** Widest window one service-map request may cover: 90 days, the rollup tier's reach. */
export const MAX_SERVICE_MAP_WINDOW_MS = 90 * 24 * 3_600_000;

/** Validates the query string of `GET /api/v1/servicemap`; throws a 400 naming the bad parameter. */
export function parseServiceMapQuery(raw: RawQuery): { from: number; to: number } {
  for (const param of Object.keys(raw)) {
    if (param !== 'from' && param !== 'to') {
      throw bad(param, 'unknown parameter');
    }
  }
  const from = number(raw, 'from');
  const to = number(raw, 'to');
  if (from === undefined) {
    throw bad('from', 'required (epoch milliseconds)');
  }
  if (to === undefined) {
    throw bad('to', 'required (epoch milliseconds)');
  }
  if (to < from) {
    throw bad('to', `must not be before from (${from})`);
  }
  if (to - from > MAX_SERVICE_MAP_WINDOW_MS) {
    throw bad('to', 'the window must not exceed 90 days');
  }
  return { from, to };
}
