/**
 * The DuckDB store keeps a transaction's end as whole microseconds since the epoch (BIGINT, the
 * `end_us` column): bit-packed by delta it costs ~1.3 B a row where the epoch-ms DOUBLE cost ~7 B.
 * The API speaks epoch ms, so these convert at the SQL edge: rows come back as `end_us / 1000`.
 */

/** Window bounds beyond any stored end are clamped to this (within BIGINT, exact as a double). */
const BOUND_LIMIT_US = 2 ** 62;

/** Epoch ms → the whole microsecond stored (sub-microsecond digits are rounded off). */
export function msToMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/**
 * The smallest whole microsecond `u` with `u / 1000 >= ms`, so `end_us >= microsAtLeast(from)`
 * keeps exactly the rows whose end, as the API returns it, is at or after `from` — and
 * `end_us < microsAtLeast(to)` those before `to`. Compared as integers, zonemaps prune.
 */
export function microsAtLeast(ms: number): number {
  let u = Math.ceil(ms * 1000);
  if (!(Math.abs(u) < Number.MAX_SAFE_INTEGER)) {
    // Past 2^53 µs (year 2255) doubles are coarser than a microsecond and u ± 1 is u again; a
    // bound this far out only needs to stay inside BIGINT.
    return Math.max(-BOUND_LIMIT_US, Math.min(BOUND_LIMIT_US, u));
  }
  while ((u - 1) / 1000 >= ms) {
    u -= 1;
  }
  while (u / 1000 < ms) {
    u += 1;
  }
  return u;
}

/** The largest whole microsecond `u` with `u / 1000 <= ms`: `end_us <= microsAtMost(to)` keeps ends at or before `to`. */
export function microsAtMost(ms: number): number {
  const u = microsAtLeast(ms);
  return u / 1000 === ms ? u : u - 1;
}
