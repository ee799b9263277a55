export type Exposition = 'openmetrics' | 'prometheus';

/**
 * Which text format an `Accept` header asks for: OpenMetrics (the only one that carries exemplars)
 * when `application/openmetrics-text` has a higher quality than `text/plain`, or the same,
 * Prometheus text 0.0.4 otherwise (no header, a wildcard, or a client that knows only that).
 */
export function negotiateExposition(accept: string | undefined): Exposition {
  let openMetrics = 0;
  let plain = 0;
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q)) {
      continue;
    }
    if (type === 'application/openmetrics-text') {
      openMetrics = Math.max(openMetrics, q);
    } else if (type === 'text/plain') {
      plain = Math.max(plain, q);
    }
  }
  return openMetrics > 0 && openMetrics >= plain ? 'openmetrics' : 'prometheus';
}
