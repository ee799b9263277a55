import { createDataFrame, type DataFrame, type DataFrameWithValue, FieldType } from '@grafana/data';
import { ERROR_TYPES_FRAME, type ErrorType, type ErrorTypesResponse } from '@osprey/model';

import { type DatasourceRef, onStepGrid, traceLink } from './frames';

const F = ERROR_TYPES_FRAME.fields;

/** The steps of the answer: the range and the width of one count. */
export type ErrorSteps = Pick<ErrorTypesResponse, 'from' | 'to' | 'step'>;

/**
 * One type's occurrences over the range as a time series frame, every step present (the backend
 * leaves out steps without any, which a line would bridge): what Grafana's table draws as a
 * sparkline, as the "Time series to table" transformation hands it one. Its value is the total.
 */
export function countsFrame(type: Pick<ErrorType, 'counts' | 'count'>, steps: ErrorSteps): DataFrameWithValue {
  const points = onStepGrid(type.counts, steps, (time) => ({ time, count: 0 }));
  const frame = createDataFrame({
    fields: [
      { name: 'time', type: FieldType.time, values: points.map((p) => p.time), config: { interval: steps.step } },
      { name: F.count, type: FieldType.number, values: points.map((p) => p.count) },
    ],
  });
  return { ...frame, value: type.count };
}

/**
 * The errors-by-type table: one row per (service, exception type, message template), in the
 * answer's order. The example trace opens in Explore; `new` marks a type first seen in the range;
 * `counts` is each type's count over the range.
 */
export function errorTypesToFrame(
  refId: string,
  types: readonly ErrorType[],
  steps: ErrorSteps,
  ref: DatasourceRef
): DataFrame {
  return createDataFrame({
    refId,
    name: ERROR_TYPES_FRAME.name,
    fields: [
      { name: F.errorType, type: FieldType.string, values: types.map((t) => t.errorType) },
      { name: F.template, type: FieldType.string, values: types.map((t) => t.template) },
      { name: F.service, type: FieldType.string, values: types.map((t) => t.service) },
      { name: F.count, type: FieldType.number, values: types.map((t) => t.count) },
      { name: F.counts, type: FieldType.frame, values: types.map((t) => countsFrame(t, steps)) },
      { name: F.isNew, type: FieldType.boolean, values: types.map((t) => t.isNew) },
      { name: F.firstSeen, type: FieldType.time, values: types.map((t) => t.firstSeen) },
      { name: F.lastSeen, type: FieldType.time, values: types.map((t) => t.lastSeen) },
      { name: F.endpoints, type: FieldType.string, values: types.map((t) => t.endpoints.join(', ')) },
      { name: F.message, type: FieldType.string, values: types.map((t) => t.message) },
      {
        name: F.exampleTraceId,
        type: FieldType.string,
        values: types.map((t) => t.exampleTraceId),
        config: { links: [traceLink(ref)] },
      },
      { name: F.key, type: FieldType.string, values: types.map((t) => t.key) },
    ],
  });
}
