import { bad, checkTimeRange } from '../query/params';

/** Widest window one service-map request may cover: 90 days, the rollup tier's reach. */
export const MAX_SERVICE_MAP_WINDOW_MS = 90 * 24 * 3_600_000;

/** `GET /api/v1/servicemap`: past its schema, `to` not before `from` and at most 90 days after it. */
export function checkServiceMapWindow(query: { from: number; to: number }): void {
  checkTimeRange(query);
  if (query.to - query.from > MAX_SERVICE_MAP_WINDOW_MS) {
    throw bad('to', 'the window must not exceed 90 days');
  }
}
