/**
 * InfluxDB 1.x line protocol (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/):
 * `measurement,tag=value field=value timestamp`. Pure formatting, so every escaping rule is table-tested.
 */

/** Integers are written with the `i` suffix so InfluxDB stores them as int64, not float. */
export type FieldValue = { int: number } | number | string | boolean;

export interface Point {
  measurement: string;
  /** Empty values are left out: InfluxDB 1.x refuses `tag=` ("missing tag value"). */
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** In the precision the write uses (Osprey writes `precision=ms`). */
  timestamp: number;
}

/**
 * What the 1.x parser cannot carry in a name or tag: a line break ends the line, and a backslash
 * before a separator or at the end reads as an escape (there is no `\\` in tags), so such a
 * backslash becomes `/` and a line break a space.
 */
function representable(text: string): string {
  return text.replace(/[\r\n]/g, ' ').replace(/\\(?=[,= ]|$)/g, '/');
}

/** Measurement names: commas and spaces are escaped. */
export function escapeMeasurement(name: string): string {
  return representable(name).replace(/[, ]/g, (c) => `\\${c}`);
}

/** Tag keys, tag values and field keys: commas, equals signs and spaces are escaped. */
export function escapeKey(text: string): string {
  return representable(text).replace(/[,= ]/g, (c) => `\\${c}`);
}

/** A field value: `12i`, `0.5`, `true`, or a double-quoted string with `"` and `\` escaped. */
export function formatFieldValue(value: FieldValue): string {
  if (typeof value === 'object') {
    if (!Number.isSafeInteger(value.int)) {
      throw new RangeError(`integer field value must be a safe integer, got ${value.int}`);
    }
    return `${value.int}i`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(`float field value must be finite, got ${value}`);
    }
    return String(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** One line (no trailing newline). Tags are sorted by key, as InfluxDB recommends for write speed. */
export function formatPoint(point: Point): string {
  const fieldEntries = Object.entries(point.fields);
  if (fieldEntries.length === 0) {
    throw new RangeError(`point of ${point.measurement} has no fields`);
  }
  if (!Number.isSafeInteger(point.timestamp)) {
    throw new RangeError(`timestamp must be a safe integer, got ${point.timestamp}`);
  }
  const tags = Object.entries(point.tags)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `,${escapeKey(key)}=${escapeKey(value)}`)
    .join('');
  const fields = fieldEntries.map(([key, value]) => `${escapeKey(key)}=${formatFieldValue(value)}`).join(',');
  return `${escapeMeasurement(point.measurement)}${tags} ${fields} ${point.timestamp}`;
}
