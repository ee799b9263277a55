/** Pure helpers turning a panel query into backend query strings. */
import type { AdHocVariableFilter } from '@grafana/data';
import { ADHOC_FIELDS, DEFAULT_TRANSACTION_LIMIT, type AdhocField } from '@osprey/model';

import type { OspreyQuery } from './types';

/** Joins the values of a multi-value variable so they can be split again after interpolation. */
export const MULTI_SEPARATOR = '\u241e';

/** What an "All" selection interpolates to when the variable has a custom all value. */
const ALL_MARKERS = new Set(['$__all', '*', '.*', 'All']);

/**
 * Interpolated filter text → the values to filter by, or undefined for no filter (empty, or "All").
 * Several values mean one backend request per value.
 */
export function filterValues(interpolated: string | undefined): string[] | undefined {
  const values = (interpolated ?? '')
    .split(MULTI_SEPARATOR)
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (values.length === 0 || values.some((v) => ALL_MARKERS.has(v))) {
    return undefined;
  }
  return [...new Set(values)];
}

/** The backend takes one value per filter; a multi-value selection fans out to at most this many requests. */
export const MAX_FAN_OUT = 25;

/** Every combination of the filters' values (a filter without values is left out of all of them). */
export function combinations(filters: Record<string, string[] | undefined>): Array<Record<string, string>> {
  let out: Array<Record<string, string>> = [{}];
  for (const [key, values] of Object.entries(filters)) {
    if (values) {
      out = out.flatMap((partial) => values.map((v) => ({ ...partial, [key]: v })));
    }
  }
  if (out.length > MAX_FAN_OUT) {
    throw new Error(
      `The selected variable values make ${out.length} filter combinations; Osprey queries at most ${MAX_FAN_OUT} at once. Narrow the selection.`
    );
  }
  return out;
}

/** The query's ad hoc fields (model's ADHOC_FIELDS), and `status`, which no query field holds. */
export type AdhocFilters = Partial<Record<AdhocField, string>> & { status?: 'ok' | 'error' };

export const ADHOC_KEYS = [...ADHOC_FIELDS, 'status'] as const;

/** Dashboard ad hoc filters → Osprey filters; only equality on the four known keys is meaningful to the backend. */
export function adhocFilters(filters: AdHocVariableFilter[] | undefined): AdhocFilters {
  const out: AdhocFilters = {};
  for (const f of filters ?? []) {
    if (!(ADHOC_KEYS as readonly string[]).includes(f.key)) {
      throw new Error(`Ad hoc filter "${f.key}" is unknown to Osprey; use one of ${ADHOC_KEYS.join(', ')}`);
    }
    if (f.operator !== '=') {
      throw new Error(`Ad hoc filter ${f.key} ${f.operator} ${f.value}: Osprey filters support only "="`);
    }
    if (f.key === 'status') {
      if (f.value !== 'ok' && f.value !== 'error') {
        throw new Error(`Ad hoc filter status = ${f.value}: status is "ok" or "error"`);
      }
      out.status = f.value;
    } else {
      out[f.key as AdhocField] = f.value;
    }
  }
  return out;
}

/**
 * Fixed part (without service/instance/endpoint, which fan out) of GET /api/v1/transactions, from a
 * query with its variables applied (template.ts).
 */
export function transactionParams(query: OspreyQuery, from: number, to: number): Record<string, string> {
  const params: Record<string, string> = { from: String(Math.floor(from)), to: String(Math.ceil(to)) };
  if (query.minElapsed !== undefined && query.minElapsed > 0) {
    params.minElapsed = String(query.minElapsed);
  }
  if (query.maxElapsed !== undefined && Number.isFinite(query.maxElapsed)) {
    params.maxElapsed = String(query.maxElapsed);
  }
  if (query.errorsOnly) {
    params.errorsOnly = 'true';
  }
  const traceId = query.traceId?.trim() ?? '';
  if (traceId) {
    params.traceId = traceId;
  }
  const userId = query.userId?.trim() ?? '';
  if (userId) {
    params.userId = userId;
  }
  // `rows` is the backend's default; leaving it out keeps plain row queries valid on older backends.
  if (query.mode && query.mode !== 'rows' && !query.live) {
    params.mode = query.mode;
  }
  params.limit = String(query.limit && query.limit > 0 ? query.limit : DEFAULT_TRANSACTION_LIMIT);
  return params;
}

/** Grafana never asks for steps below a second for APM rates; the backend may widen further. */
export const MIN_STEP_MS = 1000;

/**
 * RED step from the panel: Grafana's interval, widened so no more than `maxDataPoints` steps fit the
 * range, rounded up to whole seconds.
 */
export function redStep(from: number, to: number, intervalMs?: number, maxDataPoints?: number): number {
  const byInterval = intervalMs && intervalMs > 0 ? intervalMs : MIN_STEP_MS;
  const byPoints = maxDataPoints && maxDataPoints > 0 ? (to - from) / maxDataPoints : 0;
  return Math.max(MIN_STEP_MS, Math.ceil(Math.max(byInterval, byPoints) / 1000) * 1000);
}
