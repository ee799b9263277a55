/** Capacity by Little's law: one row per instance of the time range (optionally of one service). */
import { createDataFrame, FieldType } from '@grafana/data';
import { CAPACITY_FRAME, type CapacityResponse } from '@osprey/model';
import { forkJoin, map } from 'rxjs';

import { fanOut, type QueryHandler } from './context';

function capacityFrame(refId: string, answers: CapacityResponse[]) {
  const rows = answers.flatMap((a) => a.instances);
  const number = (name: string, pick: (r: (typeof rows)[number]) => number | null | undefined, unit?: string) => ({
    name,
    type: FieldType.number,
    values: rows.map((r) => pick(r) ?? null),
    ...(unit ? { config: { unit } } : {}),
  });
  return createDataFrame({
    refId,
    name: CAPACITY_FRAME,
    meta: { custom: { concurrencyLimit: answers[0]?.concurrencyLimit } },
    fields: [
      { name: 'service', type: FieldType.string, values: rows.map((r) => r.service) },
      { name: 'instance', type: FieldType.string, values: rows.map((r) => r.instance) },
      number('throughput', (r) => r.throughput, 'reqps'),
      number('meanResponseMs', (r) => r.meanResponseMs, 'ms'),
      number('concurrency', (r) => r.concurrency),
      number('measuredConcurrency', (r) => r.measuredConcurrency),
      number('maxThroughput', (r) => r.maxThroughput, 'reqps'),
      number('utilisationPercent', (r) => r.utilisationPercent, 'percent'),
    ],
  });
}

export const capacity: QueryHandler = (q, { client, from, to }) =>
  forkJoin(
    fanOut(q, ['service']).map((filters) =>
      client.capacity({ from, to, ...filters, ...(q.concurrencyLimit ? { concurrencyLimit: q.concurrencyLimit } : {}) })
    )
  ).pipe(map((answers) => [capacityFrame(q.refId, answers)]));
