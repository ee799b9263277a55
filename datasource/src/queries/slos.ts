/** SLOs: one row per configured SLO, its error budget over its own window ending at the range's end. */
import { createDataFrame, type DataFrame, FieldType } from '@grafana/data';
import { SLO_FRAME, type SloFrameField, type SloStatus } from '@osprey/model';
import { map } from 'rxjs';

import type { QueryHandler } from './context';

interface Column {
  type: FieldType.string | FieldType.number;
  pick: (slo: SloStatus) => string | number | null | undefined;
  unit?: string;
}

const text = (pick: Column['pick']): Column => ({ type: FieldType.string, pick });
const number = (pick: Column['pick'], unit?: string): Column => ({ type: FieldType.number, pick, unit });

/**
 * The budget and burn rate are the backend's; the table only names them. The window (`30d`) is the
 * SLO's own, not the dashboard's range: a budget is spent over the whole window.
 */
const COLUMNS: Record<SloFrameField, Column> = {
  slo: text((s) => s.definition.name),
  service: text((s) => s.definition.service),
  endpoint: text((s) => s.definition.endpoint),
  objective: text((s) => s.definition.objective),
  target: number((s) => s.definition.target, 'percent'),
  window: text((s) => s.definition.window),
  sli: number((s) => s.sli, 'percent'),
  budgetRemaining: number((s) => s.budgetRemaining, 'percent'),
  burnRate: number((s) => s.burnRate),
  total: number((s) => s.total),
  bad: number((s) => s.bad),
  budget: number((s) => s.budget),
};

export function sloFrame(refId: string, slos: readonly SloStatus[]): DataFrame {
  return createDataFrame({
    refId,
    name: SLO_FRAME.name,
    fields: SLO_FRAME.fields.map((name) => {
      const { type, pick, unit } = COLUMNS[name];
      return { name, type, values: slos.map((s) => pick(s) ?? null), ...(unit ? { config: { unit } } : {}) };
    }),
  });
}

export const slos: QueryHandler = (q, { client, to }) =>
  client.slos({ to }).pipe(map((answer) => [sloFrame(q.refId, answer.slos)]));
