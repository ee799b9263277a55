/**
 * Literal SQL for ClickHouse 18.16, which rejects query parameters (`{name:Type}`): every value
 * that reaches a statement goes through one of these functions, so there is one place to get the
 * escaping right (and one table test proving injections stay inside their literal).
 */
import type { RawBodyColumn } from '../shared/capture-reads';
import { render, type Sql, type SqlReader } from '../shared/sql';
import type { ClickHouseConnection } from './connection';

/** Backslash escapes of the ClickHouse string literal grammar; everything else is taken verbatim. */
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
};

/** A quoted ClickHouse string literal holding exactly `value` (any Unicode, NUL and quotes included). */
export function str(value: string): string {
  return `'${value.replace(/[\\'\0\b\f\r\n\t]/g, (c) => ESCAPES[c])}'`;
}

/** A numeric literal; refuses NaN and ±Infinity, which would otherwise print as identifiers. */
export function num(value: number | bigint): string {
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (!Number.isFinite(value)) {
    throw new Error(`not a finite number: ${value}`);
  }
  // toFixed-free: String() prints the shortest form that reads back as the same double.
  return String(value);
}

/** `(a, b, …)` of string literals for `IN`; `('')`-free: an empty list is refused by the caller. */
export function strList(values: readonly string[]): string {
  if (values.length === 0) {
    throw new Error('empty IN list');
  }
  return `(${values.map(str).join(', ')})`;
}

/** A shared statement (store/shared/sql.ts) as ClickHouse text: every value a literal printed above. */
export function clickHouseSql(query: Sql): string {
  return render(query, (value) => (typeof value === 'string' ? str(value) : num(value)));
}

/** The shared reads' access to ClickHouse. */
export function clickHouseReader(connection: ClickHouseConnection): SqlReader {
  return { rows: (query) => connection.rows(clickHouseSql(query)) };
}

/** Raw uploads as base64 text (clickhouse/jvm.ts says why), read back as bytes. */
export const CLICKHOUSE_RAW_BODY: RawBodyColumn = {
  column: 'raw_base64',
  read: (value) => new Uint8Array(Buffer.from(String(value), 'base64')),
};
