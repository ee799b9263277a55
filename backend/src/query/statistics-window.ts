import { bad, checkTimeRange } from './params';

/** Widest window one statistics request over raw transactions may cover: 90 days, as SQL statistics. */
export const MAX_STATISTICS_WINDOW_MS = 90 * 24 * 3_600_000;

/** `to` not before `from`, and the window at most MAX_STATISTICS_WINDOW_MS. */
export function checkStatisticsWindow(query: { from: number; to: number }): void {
  checkTimeRange(query);
  if (query.to - query.from > MAX_STATISTICS_WINDOW_MS) {
    throw bad('to', 'the window must not exceed 90 days');
  }
}
