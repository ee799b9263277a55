import type { TraceMapOptions } from './types';

/** `unknown`: nothing measured (an external peer nobody reported failures for has no ratio either way). */
export type Health = 'ok' | 'warn' | 'crit' | 'unknown';

/** Theme colour names (`theme.visualization.getColorByName`) of each health. */
export const HEALTH_COLORS: Record<Exclude<Health, 'unknown'>, string> = {
  ok: 'green',
  warn: 'orange',
  crit: 'red',
};

type Thresholds = Pick<TraceMapOptions, 'errorWarnPercent' | 'errorCritPercent' | 'p95WarnMs'>;

/** Health from the error ratio (0..1) against the percent thresholds, then p95 against its own (0 = off). */
export function healthOf(errorRatio: number | undefined, p95: number | undefined, t: Thresholds): Health {
  if (errorRatio === undefined && p95 === undefined) {
    return 'unknown';
  }
  const percent = (errorRatio ?? 0) * 100;
  if (percent >= t.errorCritPercent) {
    return 'crit';
  }
  if (percent >= t.errorWarnPercent || (t.p95WarnMs > 0 && p95 !== undefined && p95 >= t.p95WarnMs)) {
    return 'warn';
  }
  return 'ok';
}
