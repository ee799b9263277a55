import { bad, rejectUnknown, timeRange } from '../query/params';

type RawQuery = Record<string, unknown>;

/** Widest window one service-map request may cover: 90 days, the rollup tier's reach. */
export const MAX_SERVICE_MAP_WINDOW_MS = 90 * 24 * 3_600_000;

const KNOWN = new Set(['from', 'to']);

/** Validates the query string of `GET /api/v1/servicemap`; throws a 400 naming the bad parameter. */
export function parseServiceMapQuery(raw: RawQuery): { from: number; to: number } {
  rejectUnknown(raw, KNOWN);
  const { from, to } = timeRange(raw);
  if (to - from > MAX_SERVICE_MAP_WINDOW_MS) {
    throw bad('to', 'the window must not exceed 90 days');
  }
  return { from, to };
}
