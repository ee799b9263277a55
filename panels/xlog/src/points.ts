import type { DataFrame, Field } from '@grafana/data';

export type YField = 'elapsed' | 'sqlTime' | 'apiCallTime';

/** Dots as parallel typed arrays: drawing reads them straight, with no object per dot. */
export interface XlogPoints {
  x: Float64Array;
  y: Float64Array;
  error: Uint8Array;
  count: number;
  errorCount: number;
}

const fieldByName = (frame: DataFrame, name: string): Field | undefined => frame.fields.find((f) => f.name === name);

/**
 * Reads the XLOG columns of a frame (contract 3). Returns undefined when the frame lacks them, so the
 * panel can say why nothing is drawn. Rows with a missing time or y value are skipped.
 */
export function framePoints(frame: DataFrame | undefined, yField: YField): XlogPoints | undefined {
  if (!frame) {
    return undefined;
  }
  const time = fieldByName(frame, 'endTime');
  const value = fieldByName(frame, yField);
  if (!time || !value) {
    return undefined;
  }
  const status = fieldByName(frame, 'status');
  const n = frame.length ?? time.values.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const error = new Uint8Array(n);
  let count = 0;
  let errorCount = 0;
  for (let i = 0; i < n; i++) {
    const t = time.values[i];
    const v = value.values[i];
    if (t === null || t === undefined || v === null || v === undefined) {
      continue;
    }
    x[count] = Number(t);
    y[count] = Number(v);
    if (status?.values[i] === 'error') {
      error[count] = 1;
      errorCount++;
    }
    count++;
  }
  return { x, y, error, count, errorCount };
}
