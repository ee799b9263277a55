import { createDataFrame, FieldType, type DataFrame, type Field, type FieldConfig } from '@grafana/data';
import { WINDOW_METADATA, type TransactionColumn } from '@osprey/model';
import { DataType, tableFromIPC, type Vector } from 'apache-arrow';

import { joinEnums } from './concat-frames';
import { FRAME_NAMES, traceLink, type DatasourceRef } from './frames';
import { transactionLogsLink } from './otel-frames';

/** What the frame of a window answer says about it, beside its fields. */
export interface WindowMeta {
  /** Transactions that matched; more than the frame's rows when `truncated`. */
  matched: number;
  truncated: boolean;
}

const MS_FIELDS = new Set<TransactionColumn>(['elapsed', 'sqlTime', 'apiCallTime', 'cpuTime']);

type Values = Field['values'];

/**
 * A dictionary column as Grafana's enum field: the codes as they arrived (one typed array; a
 * multi-batch answer's codes joined once) and the distinct values as `config.type.enum.text`, so
 * a million statuses cost a byte each instead of a string reference each. Undefined when the
 * column has nulls (an enum field has no null code).
 */
function enumField(vector: Vector): { values: Values; text: string[] } | undefined {
  if (vector.nullCount > 0) {
    return undefined;
  }
  const parts = vector.data.map((d) => ({
    // The buffer may run past the batch (IPC pads to 8 bytes): the batch's own rows only.
    codes: (d.values as Int8Array).subarray(d.offset, d.offset + d.length),
    text: (d.dictionary?.toArray() ?? []) as string[],
  }));
  if (parts.length === 0) {
    return { values: [] as Values, text: [] };
  }
  const { codes, text } = joinEnums(parts, vector.length);
  return { values: codes as unknown as Values, text };
}

/**
 * Numbers as one typed array (`toArray()` hands back the batch's own buffer when there is one
 * batch); a column with nulls as a plain array so the nulls stay null.
 */
function fieldValues(vector: Vector): Values {
  return (vector.nullCount > 0 ? Array.from(vector) : vector.toArray()) as Values;
}

/**
 * The Arrow window answer → the XLOG frame: one field per column, named as the Transaction field.
 * Times and numbers stay typed arrays over the answer's buffers (Grafana reads `values` by index,
 * as it does for the Arrow frames of backend datasources); dictionary columns become enum fields.
 */
export function windowToFrame(refId: string, bytes: ArrayBuffer | Uint8Array, ds: DatasourceRef): DataFrame {
  const table = tableFromIPC(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  const fields = table.schema.fields.map((arrowField) => {
    const name = arrowField.name as TransactionColumn;
    const vector = table.getChild(name)!;
    const config: FieldConfig = MS_FIELDS.has(name) ? { unit: 'ms' } : {};
    if (name === 'traceId') {
      config.links = [traceLink(ds), transactionLogsLink(ds)];
    }
    if (DataType.isDictionary(arrowField.type)) {
      const asEnum = enumField(vector);
      if (asEnum) {
        return {
          name,
          type: FieldType.enum,
          values: asEnum.values,
          config: { ...config, type: { enum: { text: asEnum.text } } },
        };
      }
      return { name, type: FieldType.string, values: Array.from(vector) as Values, config };
    }
    const type =
      name === 'endTime' ? FieldType.time : DataType.isUtf8(arrowField.type) ? FieldType.string : FieldType.number;
    return { name, type, values: fieldValues(vector), config };
  });
  const meta: WindowMeta = {
    matched: Number(table.schema.metadata.get(WINDOW_METADATA.matched) ?? table.numRows),
    truncated: table.schema.metadata.get(WINDOW_METADATA.truncated) === 'true',
  };
  return createDataFrame({ refId, name: FRAME_NAMES.transactions, meta: { custom: meta }, fields });
}

/** The text of a string or enum field at `row` ('' for none). */
export function textAt(field: Field | undefined, row: number): string {
  const value = field?.values[row];
  if (value === null || value === undefined) {
    return '';
  }
  if (field!.type === FieldType.enum) {
    return field!.config.type?.enum?.text?.[Number(value)] ?? '';
  }
  return String(value);
}

/** The frame with only the rows `keep` accepts (typed columns stay typed). */
export function keepRows(frame: DataFrame, keep: (row: number) => boolean): DataFrame {
  const rows: number[] = [];
  for (let i = 0; i < frame.length; i++) {
    if (keep(i)) {
      rows.push(i);
    }
  }
  if (rows.length === frame.length) {
    return frame;
  }
  const fields = frame.fields.map((field) => {
    const source = field.values as ArrayLike<unknown>;
    const values = ArrayBuffer.isView(source)
      ? (source.constructor as Float64ArrayConstructor).from(rows, (i) => Number(source[i]))
      : rows.map((i) => source[i]);
    return { ...field, values: values as Values };
  });
  return { ...frame, fields, length: rows.length };
}
