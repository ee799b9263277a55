import { createDataFrame, type DataFrame, type DataLink, FieldType } from '@grafana/data';
import { SUMMARY_FRAME, type SummaryGroupBy, type SummaryRow } from '@osprey/model';

const F = SUMMARY_FRAME.fields;

/**
 * Data link from a summary row to the transactions dashboard (XLOG and its table) of its service,
 * narrowed to the row's instance or endpoint, and otherwise to what the query was narrowed to.
 */
export function summaryTransactionsLink(
  groupBy: SummaryGroupBy,
  filters: { instance?: string; endpoint?: string }
): DataLink {
  const vars = [`var-service=\${__data.fields.${F.service}}`];
  for (const name of ['instance', 'endpoint'] as const) {
    const value = filters[name];
    if (groupBy === name) {
      vars.push(`var-${name}=\${__data.fields.${F[name]}:percentencode}`);
    } else if (value !== undefined) {
      vars.push(`var-${name}=${encodeURIComponent(value)}`);
    }
  }
  return { title: 'Transactions (XLOG)', url: `/d/osprey-transactions?${vars.join('&')}&\${__url_time_range}` };
}

/** The summary table: one row per group, in the answer's order; the group's column links to its XLOG. */
export function summaryToFrame(
  refId: string,
  rows: readonly SummaryRow[],
  groupBy: SummaryGroupBy,
  filters: { instance?: string; endpoint?: string }
): DataFrame {
  const number = (key: keyof SummaryRow & keyof typeof F, unit?: string) => ({
    name: F[key],
    type: FieldType.number,
    values: rows.map((r) => r[key]),
    config: unit === undefined ? {} : { unit },
  });
  const link = { links: [summaryTransactionsLink(groupBy, filters)] };
  const group = groupBy === 'service' ? [] : [groupBy];
  return createDataFrame({
    refId,
    name: SUMMARY_FRAME.name,
    fields: [
      {
        name: F.service,
        type: FieldType.string,
        values: rows.map((r) => r.service),
        config: group.length === 0 ? link : {},
      },
      ...group.map((column) => ({
        name: F[column],
        type: FieldType.string,
        values: rows.map((r) => r[column] ?? ''),
        config: link,
      })),
      number('count'),
      number('errorRate', 'percentunit'),
      number('avgElapsed', 'ms'),
      number('p95', 'ms'),
      number('maxElapsed', 'ms'),
      number('avgSqlCount'),
      number('avgSqlTime', 'ms'),
      number('avgApiCallCount'),
      number('users'),
      { ...number('apdex'), config: { min: 0, max: 1, decimals: 2 } },
    ],
  });
}
