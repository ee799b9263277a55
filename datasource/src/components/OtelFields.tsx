/** The query editor's fields of the OTLP query types (metrics by name, runtime series, logs). */
import type { SelectableValue } from '@grafana/data';
import { InlineField, Select } from '@grafana/ui';
import { RUNTIME_SERIES, RUNTIME_SERIES_NAMES, type RuntimeSeries } from '@osprey/model';

import { type FieldProps, QueryInput } from './QueryFields';
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

export function OtelFields(props: FieldProps) {
  const { query, update } = props;
  const uses = (field: Parameters<typeof usesField>[1]) => usesField(query.queryType, field);
  return (
    <>
      {uses('metricNames') && (
        <QueryInput
          field="metricNames"
          id="osprey-metric-names"
          label="Metrics"
          width={50}
          placeholder="http.server.request.duration, v8js.memory.heap.used"
          tooltip="OTLP metric names, comma-separated"
          {...props}
        />
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
        <QueryInput
          field="search"
          id="osprey-log-search"
          label="Line contains"
          labelWidth={14}
          width={30}
          placeholder="any text"
          {...props}
        />
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
