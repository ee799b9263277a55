/** The query editor's fields of the OTLP query types (metrics by name, runtime series, logs). */
import type { SelectableValue } from '@grafana/data';
import { InlineField, Input, Select } from '@grafana/ui';
import { RUNTIME_SERIES, RUNTIME_SERIES_NAMES, type RuntimeSeries } from '@osprey/model';
import type { ChangeEvent } from 'react';

import type { OspreyQuery } from '../types';
import { usesField } from './queryType';

const RUNTIME_LABELS: Record<RuntimeSeries, string> = {
  heap: 'Heap used',
  gc: 'GC duration',
  cpu: 'CPU utilisation',
  memory: 'Process / system memory',
  eventLoopDelay: 'Event-loop delay',
  threads: 'Threads',
};

const RUNTIME_OPTIONS: Array<SelectableValue<RuntimeSeries>> = RUNTIME_SERIES_NAMES.map((value) => ({
  label: RUNTIME_LABELS[value],
  value,
  description: RUNTIME_SERIES[value].join(', '),
}));

/** OTLP SeverityNumber floors of the levels (the first number of each range of four). */
const SEVERITIES: Array<SelectableValue<number>> = [
  { label: 'Any', value: 0 },
  { label: 'Debug', value: 5 },
  { label: 'Info', value: 9 },
  { label: 'Warn', value: 13 },
  { label: 'Error', value: 17 },
  { label: 'Fatal', value: 21 },
];

interface Props {
  query: OspreyQuery;
  update: (patch: Partial<OspreyQuery>, run?: boolean) => void;
  onRunQuery: () => void;
}

export function OtelFields({ query, update, onRunQuery }: Props) {
  const uses = (field: Parameters<typeof usesField>[1]) => usesField(query.queryType, field);
  return (
    <>
      {uses('metricNames') && (
        <InlineField label="Metrics" labelWidth={10} tooltip="OTLP metric names, comma-separated">
          <Input
            id="osprey-metric-names"
            width={50}
            value={query.metricNames ?? ''}
            placeholder="http.server.request.duration, v8js.memory.heap.used"
            onChange={(e: ChangeEvent<HTMLInputElement>) => update({ metricNames: e.target.value || undefined }, false)}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}
      {uses('runtimeSeries') && (
        <InlineField label="Series" labelWidth={10} tooltip="Semantic-convention runtime metrics (JVM or Node.js)">
          <Select<RuntimeSeries>
            inputId="osprey-runtime-series"
            width={30}
            options={RUNTIME_OPTIONS}
            value={query.runtimeSeries ?? 'heap'}
            onChange={(chosen) => update({ runtimeSeries: chosen.value })}
          />
        </InlineField>
      )}
      {uses('search') && (
        <InlineField label="Line contains" labelWidth={14}>
          <Input
            id="osprey-log-search"
            width={30}
            value={query.search ?? ''}
            placeholder="any text"
            onChange={(e: ChangeEvent<HTMLInputElement>) => update({ search: e.target.value || undefined }, false)}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}
      {uses('minSeverity') && (
        <InlineField label="Severity ≥" labelWidth={12}>
          <Select<number>
            inputId="osprey-min-severity"
            width={14}
            options={SEVERITIES}
            value={query.minSeverity ?? 0}
            onChange={(chosen) => update({ minSeverity: chosen.value || undefined })}
          />
        </InlineField>
      )}
    </>
  );
}
