import type { ColorBy, TraceMapOptions } from './types';

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

/**
 * The rating scale of the Apdex Technical Specification (Apdex Alliance, v1.1, 2007; apdex.org):
 * Excellent 0.94–1.00, Good 0.85–0.93, Fair 0.70–0.84, Poor 0.50–0.69, Unacceptable below 0.50.
 * Best first; a score takes the first band whose `min` it reaches. Colours are theme colour names.
 */
export const APDEX_BANDS = [
  { rating: 'excellent', min: 0.94, color: 'green' },
  { rating: 'good', min: 0.85, color: 'yellow' },
  { rating: 'fair', min: 0.7, color: 'orange' },
  { rating: 'poor', min: 0.5, color: 'red' },
  { rating: 'unacceptable', min: 0, color: 'dark-red' },
] as const;

export type ApdexRating = (typeof APDEX_BANDS)[number]['rating'];

/** The band of an Apdex score (0..1); undefined without one (databases, externals, leaf groups). */
export function apdexBand(apdex: number | undefined): (typeof APDEX_BANDS)[number] | undefined {
  return apdex === undefined ? undefined : APDEX_BANDS.find((band) => apdex >= band.min);
}

export interface NodeTone {
  /** Theme colour name of the outline; undefined: nothing measured, drawn in the neutral border colour. */
  color?: string;
  health: Health;
  /** With colouring by Apdex: the node's rating, `unknown` without a score. */
  apdex?: ApdexRating | 'unknown';
}

/** A node's health and the colour it is drawn in under `options.colorBy`. */
export function nodeTone(
  node: { errorRatio?: number; p95?: number; apdex?: number },
  options: Thresholds & { colorBy: ColorBy }
): NodeTone {
  const health = healthOf(node.errorRatio, node.p95, options);
  if (options.colorBy === 'apdex') {
    const band = apdexBand(node.apdex);
    return { color: band?.color, health, apdex: band?.rating ?? 'unknown' };
  }
  return { color: health === 'unknown' ? undefined : HEALTH_COLORS[health], health };
}

/** The legend under the map: a swatch colour name and its meaning for each colour in use. */
export function legendEntries(options: Thresholds & { colorBy: ColorBy }): Array<{ color: string; label: string }> {
  if (options.colorBy === 'apdex') {
    return APDEX_BANDS.map((band, i) => ({
      color: band.color,
      label:
        i === APDEX_BANDS.length - 1 ? `< ${APDEX_BANDS[i - 1].min} ${band.rating}` : `≥ ${band.min} ${band.rating}`,
    }));
  }
  return [
    { color: HEALTH_COLORS.ok, label: `< ${options.errorWarnPercent}%` },
    { color: HEALTH_COLORS.warn, label: `≥ ${options.errorWarnPercent}%` },
    { color: HEALTH_COLORS.crit, label: `≥ ${options.errorCritPercent}% errors` },
  ];
}
