import { clickHouseSql } from '../clickhouse/sql';
import { joinSql, raw, render, sql } from './sql';

const dollar = (_: unknown, i: number) => `$${i + 1}`;

describe('shared SQL', () => {
  it.each([
    ['no values', sql`SELECT 1`, 'SELECT 1', []],
    ['one value', sql`SELECT id FROM t WHERE id = ${'a'}`, 'SELECT id FROM t WHERE id = $1', ['a']],
    [
      'a nested fragment keeps the order of its values',
      sql`SELECT * FROM t WHERE ${sql`a = ${1} AND b = ${'x'}`} LIMIT ${5}`,
      'SELECT * FROM t WHERE a = $1 AND b = $2 LIMIT $3',
      [1, 'x', 5],
    ],
    ['raw text is text, not a value', sql`SELECT ${raw('id, host')} FROM ${raw('t')}`, 'SELECT id, host FROM t', []],
    ['a fragment first and last', sql`${sql`a = ${1}`}${raw(' OR ')}${sql`b = ${2}`}`, 'a = $1 OR b = $2', [1, 2]],
    [
      'joined conditions',
      joinSql([sql`a = ${1}`, sql`b = ${'y'}`, sql`c <= ${3}`], ' AND ', sql`1 = 1`),
      'a = $1 AND b = $2 AND c <= $3',
      [1, 'y', 3],
    ],
    ['no conditions: the empty case', joinSql([], ' AND ', sql`1 = 1`), '1 = 1', []],
  ])('%s', (_, query, text, values) => {
    expect(render(query, dollar)).toBe(text);
    expect(query.values).toEqual(values);
  });

  it('prints values as ClickHouse literals through its escaping, quotes and backslashes inside the literal', () => {
    const query = sql`SELECT id FROM t WHERE host = ${"x' OR 1=1 --\\"} AND taken_at >= ${1.5} LIMIT ${10}`;
    expect(clickHouseSql(query)).toBe(
      "SELECT id FROM t WHERE host = 'x\\' OR 1=1 --\\\\' AND taken_at >= 1.5 LIMIT 10"
    );
  });

  it('refuses a value that is not a finite number rather than print it as an identifier', () => {
    expect(() => clickHouseSql(sql`LIMIT ${Number.NaN}`)).toThrow('not a finite number');
  });
});
