import { css } from '@emotion/css';
import {
  dateTimeFormat,
  FieldType,
  getLinksSupplier,
  type DataFrame,
  type GrafanaTheme2,
  type InterpolateFunction,
  type LinkModel,
} from '@grafana/data';
import { InteractiveTable, useStyles2, type Column } from '@grafana/ui';
import { useMemo } from 'react';

import type { XlogColumns } from './points';
import { formatMs } from './scale';
import type { YField } from './types';

/** One transaction of a drag-selected box, as a table row. */
export interface SelectedRow {
  id: string;
  time: number;
  service: string;
  endpoint: string;
  elapsed: number;
  /** The y axis value when the axis is not elapsed (SQL, API or CPU time). */
  value: number;
  status: string;
  traceId: string;
  frame: DataFrame;
  row: number;
}

/** A string field's value, or an enum field's text (the datasource's dictionary columns). */
const stringAt = (frame: DataFrame, name: string, row: number): string => {
  const field = frame.fields.find((f) => f.name === name);
  const value = field?.values[row];
  if (value === null || value === undefined) {
    return '';
  }
  return field!.type === FieldType.enum ? (field!.config.type?.enum?.text?.[Number(value)] ?? '') : String(value);
};

/** Rows for the dots at `indexes` (in that order). */
export function selectedRows(cols: XlogColumns, indexes: Uint32Array, yField: YField): SelectedRow[] {
  const y = cols.y[yField] ?? cols.elapsed;
  return Array.from(indexes, (i) => {
    const frame = cols.frames[cols.frame[i]];
    const row = cols.row[i];
    return {
      id: `${cols.frame[i]}:${row}`,
      time: cols.x[i],
      service: cols.services[cols.service[i]],
      endpoint: stringAt(frame, 'endpoint', row),
      elapsed: cols.elapsed[i],
      value: y[i],
      status: cols.error[i] ? 'error' : stringAt(frame, 'status', row) || 'ok',
      traceId: stringAt(frame, 'traceId', row),
      frame,
      row,
    };
  });
}

/**
 * The traceId field's data links for one row: the ones Grafana attached when it applied the field
 * config, else built here from the field's config (frames the panel fetched itself).
 */
export function traceLinks(
  frame: DataFrame,
  row: number,
  replaceVariables: InterpolateFunction,
  timeZone: string
): Array<LinkModel<unknown>> {
  const field = frame.fields.find((f) => f.name === 'traceId');
  if (!field?.config.links?.length) {
    return [];
  }
  const supplier = field.getLinks ?? getLinksSupplier(frame, field, {}, replaceVariables, timeZone);
  return supplier({ valueRowIndex: row });
}

const getStyles = (theme: GrafanaTheme2) => ({
  link: css({ color: theme.colors.text.link, '&:hover': { textDecoration: 'underline' } }),
  error: css({ color: theme.colors.error.text }),
});

interface Props {
  rows: SelectedRow[];
  yField: YField;
  pageSize: number;
  timeZone: string;
  replaceVariables: InterpolateFunction;
}

function TraceCell({
  row,
  replaceVariables,
  timeZone,
}: { row: SelectedRow } & Omit<Props, 'rows' | 'yField' | 'pageSize'>) {
  const styles = useStyles2(getStyles);
  const link = traceLinks(row.frame, row.row, replaceVariables, timeZone)[0];
  if (!link) {
    return <span>{row.traceId}</span>;
  }
  return (
    <a
      className={styles.link}
      href={link.href}
      target={link.target}
      title={link.title}
      data-testid="osprey-xlog-trace-link"
      onClick={
        link.onClick
          ? (event) => {
              event.preventDefault();
              link.onClick!(event);
            }
          : undefined
      }
    >
      {row.traceId}
    </a>
  );
}

const Y_LABELS: Record<YField, string> = {
  elapsed: 'Elapsed',
  sqlTime: 'SQL time',
  apiCallTime: 'API time',
  cpuTime: 'CPU time',
};

/** The transactions of a box: sortable columns, paged, the trace id linking to Explore. */
export function SelectionTable({ rows, yField, pageSize, timeZone, replaceVariables }: Props) {
  const styles = useStyles2(getStyles);
  const columns = useMemo(() => {
    const list: Array<Column<SelectedRow>> = [
      {
        id: 'time',
        header: 'End time',
        sortType: 'number',
        cell: ({ row: { original } }) => dateTimeFormat(original.time, { timeZone, format: 'YYYY-MM-DD HH:mm:ss.SSS' }),
      },
      { id: 'service', header: 'Service', sortType: 'string' },
      { id: 'endpoint', header: 'Endpoint', sortType: 'string' },
      {
        id: 'elapsed',
        header: 'Elapsed',
        sortType: 'number',
        sortDescFirst: true,
        cell: ({ row: { original } }) => formatMs(original.elapsed),
      },
    ];
    if (yField !== 'elapsed') {
      list.push({
        id: 'value',
        header: Y_LABELS[yField],
        sortType: 'number',
        sortDescFirst: true,
        cell: ({ row: { original } }) => (Number.isNaN(original.value) ? '' : formatMs(original.value)),
      });
    }
    list.push(
      {
        id: 'status',
        header: 'Status',
        sortType: 'string',
        cell: ({ row: { original } }) => (
          <span className={original.status === 'error' ? styles.error : undefined}>{original.status}</span>
        ),
      },
      {
        id: 'traceId',
        header: 'Trace',
        cell: ({ row: { original } }) => (
          <TraceCell row={original} replaceVariables={replaceVariables} timeZone={timeZone} />
        ),
      }
    );
    return list;
  }, [yField, timeZone, replaceVariables, styles]);
  const initialSortBy = useMemo(() => [{ id: yField === 'elapsed' ? 'elapsed' : 'value', desc: true }], [yField]);
  return (
    <InteractiveTable
      columns={columns}
      data={rows}
      getRowId={(r: SelectedRow) => r.id}
      pageSize={pageSize}
      initialSortBy={initialSortBy}
    />
  );
}
