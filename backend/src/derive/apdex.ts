/**
 * Apdex (apdex.org): the share of requests that satisfied a user waiting at most T, tolerating
 * ones counted half: (satisfied + tolerating / 2) / count, with satisfied ≤ T < tolerating ≤ 4T.
 * By response time only, as the standard has it: a fast failure is not frustrated here, the
 * error rate beside it says that.
 */

/** The toleration limit of a threshold T: 4T. */
export const TOLERATING_FACTOR = 4;

/** Apdex of `count` requests; none scores 1 (nothing went wrong). */
export function apdexScore(satisfied: number, tolerating: number, count: number): number {
  return count === 0 ? 1 : (satisfied + tolerating / 2) / count;
}

/** How one request of `elapsed` ms counts at threshold `t`. */
export function apdexZone(elapsed: number, t: number): 'satisfied' | 'tolerating' | 'frustrated' {
  return elapsed <= t ? 'satisfied' : elapsed <= TOLERATING_FACTOR * t ? 'tolerating' : 'frustrated';
}
