/**
 * A statement written once for both engines: its text and its values kept apart, so DuckDB binds
 * the values as parameters and ClickHouse 18.16 (no query parameters) prints them as literals
 * through its one escaping function. Fragments nest: a value that is itself an `Sql` is spliced in.
 */
export type SqlValue = string | number;

export interface Sql {
  /** The text between the values: `values.length + 1` pieces. */
  readonly text: readonly string[];
  readonly values: readonly SqlValue[];
}

/** Rows as either engine reads them back: snake_case columns, JSON text, NULL for absent. */
export type Row = Record<string, unknown>;

/** What the shared reads need of an engine: run a statement and answer its rows. */
export interface SqlReader {
  rows(query: Sql): Promise<Row[]>;
}

const isSql = (value: SqlValue | Sql): value is Sql => typeof value === 'object';

export function sql(strings: TemplateStringsArray, ...values: Array<SqlValue | Sql>): Sql {
  const text = [strings[0]];
  const flat: SqlValue[] = [];
  values.forEach((value, i) => {
    if (isSql(value)) {
      text[text.length - 1] += value.text[0];
      text.push(...value.text.slice(1));
      flat.push(...value.values);
    } else {
      flat.push(value);
      text.push('');
    }
    text[text.length - 1] += strings[i + 1];
  });
  return { text, values: flat };
}

/** `parts` joined by `separator` (`' AND '` for a WHERE clause); `empty` when there are none. */
export function joinSql(parts: readonly Sql[], separator: string, empty: Sql): Sql {
  if (parts.length === 0) {
    return empty;
  }
  return parts.slice(1).reduce((joined, part) => sql`${joined}${raw(separator)}${part}`, parts[0]);
}

/** Text that is part of the statement, not a value: only ever a constant of the caller's. */
export function raw(text: string): Sql {
  return { text: [text], values: [] };
}

/** The statement's text with each value printed by `placeholder` (its index and value). */
export function render(query: Sql, placeholder: (value: SqlValue, index: number) => string): string {
  return query.text.reduce((out, piece, i) =>
    i === 0 ? piece : out + placeholder(query.values[i - 1], i - 1) + piece
  );
}
