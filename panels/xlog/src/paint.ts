import type { XlogColumns } from './points';
import { formatMs } from './scale';
import type { ColorBy } from './types';

/**
 * Paint indexes: what colour each dot gets and which dot wins a shared pixel (the higher index).
 * 0 is reserved for "not drawn". Status colouring: ok < slow < error, so a hang's red dots are never
 * hidden under the blue crowd. Service colouring: one index per service, errors above them all.
 */
export interface Paint {
  /** Per dot. */
  index: Uint16Array;
  /** Legend entries in paint order (entry k is paint index k + 1). */
  entries: PaintEntry[];
}

export interface PaintEntry {
  key: string;
  label: string;
  /** Dots with this paint, among all dots of the columns. */
  count: number;
}

export const STATUS_PAINT = { ok: 1, slow: 2, error: 3 } as const;

/** Service colouring needs one index per service; beyond this many the rest share the last colour. */
export const MAX_SERVICE_COLORS = 1000;

export function paintDots(cols: XlogColumns, colorBy: ColorBy, slowThreshold: number): Paint {
  const { count, error, elapsed, service } = cols;
  const index = new Uint16Array(count);
  if (colorBy === 'service') {
    const shown = Math.min(cols.services.length, MAX_SERVICE_COLORS);
    const errorPaint = shown + 1;
    const counts = new Array<number>(shown + 1).fill(0);
    for (let i = 0; i < count; i++) {
      const p = error[i] ? errorPaint : Math.min(service[i], shown - 1) + 1;
      index[i] = p;
      counts[p - 1]++;
    }
    const entries = cols.services
      .slice(0, shown)
      .map((name, s) => ({ key: `service:${name}`, label: name || '(no service)', count: counts[s] }));
    entries.push({ key: 'error', label: 'error', count: counts[shown] });
    return { index, entries };
  }
  const counts = [0, 0, 0];
  const slow = slowThreshold > 0 ? slowThreshold : Infinity;
  for (let i = 0; i < count; i++) {
    const p = error[i] ? STATUS_PAINT.error : elapsed[i] >= slow ? STATUS_PAINT.slow : STATUS_PAINT.ok;
    index[i] = p;
    counts[p - 1]++;
  }
  const entries = [
    { key: 'ok', label: 'ok', count: counts[0] },
    { key: 'slow', label: slowThreshold > 0 ? `slow ≥ ${formatMs(slowThreshold)}` : 'slow', count: counts[1] },
    { key: 'error', label: 'error', count: counts[2] },
  ];
  return { index, entries };
}
