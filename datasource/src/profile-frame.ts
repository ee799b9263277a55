import { createDataFrame, type DataFrame, FieldType } from '@grafana/data';
import { PROFILE_FRAME, type TransactionProfile } from '@osprey/model';

const F = PROFILE_FRAME.fields;

/** Two spaces a level below the entry span: the table shows the nesting the way Scouter's profile does. */
const indent = (depth: number) => '  '.repeat(Math.max(0, depth - 1));

/**
 * A transaction's profile as one table, a row per step in offset order: SQL (the statement as sent,
 * else the normalised one), API calls with their target, other spans, and log lines.
 */
export function profileToFrame(refId: string, profile: TransactionProfile): DataFrame {
  const { steps } = profile;
  return createDataFrame({
    refId,
    name: PROFILE_FRAME.name,
    meta: { preferredVisualisationType: 'table' },
    fields: [
      { name: F.offset, type: FieldType.number, values: steps.map((s) => s.offset), config: { unit: 'ms' } },
      {
        name: F.duration,
        type: FieldType.number,
        values: steps.map((s) => s.duration ?? null),
        config: { unit: 'ms' },
      },
      { name: F.kind, type: FieldType.string, values: steps.map((s) => s.kind) },
      { name: F.step, type: FieldType.string, values: steps.map((s) => `${indent(s.depth)}${s.name}`) },
      { name: F.target, type: FieldType.string, values: steps.map((s) => s.target ?? null) },
      {
        name: F.statement,
        type: FieldType.string,
        values: steps.map((s) => s.statement ?? s.normalized ?? null),
      },
      { name: F.error, type: FieldType.boolean, values: steps.map((s) => s.error) },
      { name: F.severity, type: FieldType.string, values: steps.map((s) => s.severity ?? null) },
      { name: F.spanId, type: FieldType.string, values: steps.map((s) => s.spanId ?? null) },
    ],
  });
}
