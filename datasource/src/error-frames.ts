import { createDataFrame, type DataFrame, FieldType } from '@grafana/data';
import { ERROR_TYPES_FRAME, type ErrorType } from '@osprey/model';

import { type DatasourceRef, traceLink } from './frames';

const F = ERROR_TYPES_FRAME.fields;

/**
 * The errors-by-type table: one row per (service, exception type, message template), in the
 * answer's order. The example trace opens in Explore; `new` marks a type first seen in the range.
 */
export function errorTypesToFrame(refId: string, types: readonly ErrorType[], ref: DatasourceRef): DataFrame {
  return createDataFrame({
    refId,
    name: ERROR_TYPES_FRAME.name,
    fields: [
      { name: F.errorType, type: FieldType.string, values: types.map((t) => t.errorType) },
      { name: F.template, type: FieldType.string, values: types.map((t) => t.template) },
      { name: F.service, type: FieldType.string, values: types.map((t) => t.service) },
      { name: F.count, type: FieldType.number, values: types.map((t) => t.count) },
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
