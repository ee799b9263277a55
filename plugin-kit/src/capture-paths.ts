/** Paths and parameters of the thread-dump and heap-histogram calls (pure, so they are testable). */

/** A JVM and, optionally, the ids of one capture or of the two of a diff; blanks already dropped. */
export interface JvmTarget {
  service?: string;
  instance?: string;
  dumpId?: string;
  otherId?: string;
}

/** `service` and `instance` as query parameters, leaving out the blank ones. */
export function instanceParams(t: JvmTarget): Record<string, string> {
  const params: Record<string, string> = {};
  if (t.service) {
    params.service = t.service;
  }
  if (t.instance) {
    params.instance = t.instance;
  }
  return params;
}

/**
 * GET for one dump/histogram: by id, or `latest` for service + instance (which the backend needs, so
 * their absence is said here rather than as a 400).
 */
export function oneCapturePath(
  base: string,
  t: JvmTarget,
  what: string
): { path: string; params: Record<string, string> } {
  if (t.dumpId) {
    return { path: `${base}/${encodeURIComponent(t.dumpId)}`, params: {} };
  }
  if (!t.service || !t.instance) {
    throw new Error(`Choose a service and an instance, or give a ${what} id`);
  }
  return { path: `${base}/latest`, params: instanceParams(t) };
}

export function diffPath(base: string, older: string, newer: string): string {
  return `${base}/${encodeURIComponent(older)}/diff/${encodeURIComponent(newer)}`;
}
