/** Failed or odd backend answers → sentences an admin can act on, one per query. */
import { isFetchError } from '@grafana/runtime';

/** Thrown when a request gets no answer within the configured timeout. */
export class TimeoutError extends Error {}

/** Turns a failed backend call into a sentence an admin can act on. */
export function describeFetchError(err: unknown, what: string): string {
  if (isFetchError(err)) {
    const body = err.data as { message?: string } | string | undefined;
    const message = typeof body === 'object' && body !== null ? body.message : undefined;
    const detail = message ? `: ${message}` : '';
    if (err.status === 401) {
      return `${what} was refused (401): the token is missing or unknown to the Osprey backend${detail}`;
    }
    if (err.status === 403) {
      return `${what} was refused (403): the token lacks the read scope${detail}`;
    }
    if (err.status === 502 || err.status === 504 || err.status === 0 || err.status === undefined) {
      return `${what} failed: the Osprey backend is unreachable from Grafana (${err.status ?? 'no answer'}). Check the URL.`;
    }
    return `${what} failed with HTTP ${err.status}${detail}`;
  }
  return `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Checks that an answer is an object with `key`: Grafana hands non-JSON bodies over as text, so a
 * proxy error page or a truncated body would otherwise surface as "cannot read properties of undefined".
 */
export function expectShape<T>(data: unknown, key: string, path: string): T {
  if (typeof data !== 'object' || data === null || !(key in data)) {
    const preview = typeof data === 'string' ? `: ${JSON.stringify(data.slice(0, 80))}` : '';
    throw new Error(`the answer of ${path} is not the JSON Osprey sends (no "${key}")${preview}`);
  }
  return data as T;
}
