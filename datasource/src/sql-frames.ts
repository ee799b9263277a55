import { type DataFrame, type DataLink, FieldType } from '@grafana/data';
import { SQL_STATISTICS_FRAME, type SqlStatement } from '@osprey/model';

const F = SQL_STATISTICS_FRAME.fields;

/**
 * Data link from a statement to the transactions dashboard (XLOG and its table) of the service
 * that ran it, narrowed to the instance and endpoint the query was narrowed to, in the same range.
 */
export function statementTransactionsLink(filters: { instance?: string; endpoint?: string }): DataLink {
  const vars = [`var-service=\${__data.fields.${F.service}}`];
  for (const name of ['instance', 'endpoint'] as const) {
    const value = filters[name];
    if (value !== undefined) {
      vars.push(`var-${name}=${encodeURIComponent(value)}`);
    }
  }
  return {
    title: 'Transactions of this service',
    url: `/d/osprey-transactions?${vars.join('&')}&\${__url_time_range}`,
  };
}

/** The SQL-statistics table: one row per statement, in the answer's order. */
export function sqlStatisticsToFrame(
  refId: string,
  statements: readonly SqlStatement[],
  filters: { instance?: string; endpoint?: string }
): DataFrame {
  const column = <K extends keyof SqlStatement>(key: K) => statements.map((s) => s[key]);
  const ms = { unit: 'ms' };
  return {
    refId,
    name: SQL_STATISTICS_FRAME.name,
    length: statements.length,
    fields: [
      {
        name: F.statement,
        type: FieldType.string,
        values: column('statement'),
        config: { links: [statementTransactionsLink(filters)] },
      },
      { name: F.service, type: FieldType.string, values: column('service'), config: {} },
      { name: F.dbSystem, type: FieldType.string, values: column('dbSystem'), config: {} },
      { name: F.dbName, type: FieldType.string, values: column('dbName'), config: {} },
      { name: F.count, type: FieldType.number, values: column('count'), config: {} },
      { name: F.errors, type: FieldType.number, values: column('errors'), config: {} },
      { name: F.totalTime, type: FieldType.number, values: column('totalTime'), config: ms },
      { name: F.avgTime, type: FieldType.number, values: column('avgTime'), config: ms },
      { name: F.p95, type: FieldType.number, values: column('p95'), config: ms },
      { name: F.maxTime, type: FieldType.number, values: column('maxTime'), config: ms },
      { name: F.rows, type: FieldType.number, values: statements.map((s) => s.rows ?? null), config: {} },
      { name: F.key, type: FieldType.string, values: column('key'), config: {} },
    ],
  };
}
