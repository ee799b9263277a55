import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, MultiSelect, Select, Stack } from '@grafana/ui';
import {
  DEFAULT_ERROR_TYPES_LIMIT,
  DEFAULT_SQL_STATISTICS_LIMIT,
  DEFAULT_SUMMARY_LIMIT,
  DEFAULT_TRANSACTION_LIMIT,
  QUERY_TYPE_NAMES,
  QUERY_TYPES,
  queryTypeSpec,
  RED_METRIC_OPTIONS,
  type OspreyQueryType,
  type RedMetric,
} from '@osprey/model';

import type { OspreyDataSource } from '../datasource';
import type { OspreyOptions, OspreyQuery } from '../types';
import { HostFields } from './HostFields';
import { NameFields } from './NameFields';
import { OtelFields } from './OtelFields';
import { FieldFrame, type FieldProps, QueryChoice, QueryInput, QuerySwitch } from './QueryFields';
import { switchQueryType, usesField } from './queryType';

type Props = QueryEditorProps<OspreyDataSource, OspreyQuery, OspreyOptions>;

/** The editor's query-type options: model's QUERY_TYPES, in its order. */
export const QUERY_TYPE_OPTIONS: Array<SelectableValue<OspreyQueryType>> = QUERY_TYPE_NAMES.map((value) => ({
  value,
  label: QUERY_TYPES[value].label,
  description: QUERY_TYPES[value].description,
}));

/** The backend's default limit of the query types with one of their own. */
const LIMIT_PLACEHOLDERS: Partial<Record<OspreyQueryType, number>> = {
  sqlStatistics: DEFAULT_SQL_STATISTICS_LIMIT,
  errorTypes: DEFAULT_ERROR_TYPES_LIMIT,
  summary: DEFAULT_SUMMARY_LIMIT,
};

const limitPlaceholder = (type: OspreyQueryType) =>
  String(LIMIT_PLACEHOLDERS[type] ?? (queryTypeSpec(type).family === 'jvm' ? 500 : DEFAULT_TRANSACTION_LIMIT));

const METRIC_LABELS: Record<RedMetric, string> = {
  rate: 'Rate',
  errorPercent: 'Error %',
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  apdex: 'Apdex',
};

const METRIC_OPTIONS = RED_METRIC_OPTIONS.map((m) => ({ label: METRIC_LABELS[m], value: m }));

function RedMetricsField({ query, update }: FieldProps) {
  return (
    <FieldFrame field="redMetrics" query={query} label="Metrics">
      <MultiSelect<RedMetric>
        inputId="osprey-red-metrics"
        width={40}
        options={METRIC_OPTIONS}
        value={query.redMetrics ?? []}
        placeholder="All"
        onChange={(chosen) => update({ redMetrics: chosen.map((c) => c.value!).filter(Boolean) })}
      />
    </FieldFrame>
  );
}

/**
 * The fields of the query's type in two rows, what is queried then how: each field component shows
 * itself only when the type reads its field, so a section of fields is one line here.
 */
export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const update = (patch: Partial<OspreyQuery>, run = true) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
  const fieldProps = { query, update, onRunQuery };
  const type = query.queryType ?? 'xlog';

  return (
    <Stack direction="column" gap={0}>
      <Stack direction="row" wrap="wrap" gap={0}>
        <InlineField label="Query type" labelWidth={12}>
          <Select
            inputId="osprey-query-type"
            options={QUERY_TYPE_OPTIONS}
            width={22}
            value={type}
            onChange={(v) => {
              onChange(switchQueryType(query, v.value ?? 'xlog'));
              onRunQuery();
            }}
          />
        </InlineField>
        <NameFields datasource={datasource} {...fieldProps} />
        <QueryInput field="dumpId" label={usesField(type, 'otherId') ? 'Older id' : undefined} {...fieldProps} />
        <QueryInput field="otherId" {...fieldProps} />
        <QueryInput field="traceId" placeholder={type === 'xlog' ? 'any trace' : undefined} {...fieldProps} />
        <QueryInput field="spanId" {...fieldProps} />
        <QueryInput field="check" {...fieldProps} />
        <QueryInput field="concurrencyLimit" {...fieldProps} />
        <QueryChoice field="hierarchyBy" {...fieldProps} />
        <QueryInput field="focus" {...fieldProps} />
        <QueryInput field="userId" {...fieldProps} />
      </Stack>
      <Stack direction="row" wrap="wrap" gap={0}>
        <QueryInput field="minElapsed" {...fieldProps} />
        <QuerySwitch field="errorsOnly" {...fieldProps} />
        <QueryInput field="limit" placeholder={limitPlaceholder(type)} {...fieldProps} />
        <QueryChoice field="mode" disabled={query.live} forced={query.live ? 'rows' : undefined} {...fieldProps} />
        <QueryChoice field="columns" {...fieldProps} />
        <QuerySwitch field="live" {...fieldProps} />
        <QueryChoice field="sqlSort" {...fieldProps} />
        <QueryChoice field="groupBy" fallback={type === 'summary' ? 'endpoint' : undefined} {...fieldProps} />
        <QueryInput field="apdexT" {...fieldProps} />
        <RedMetricsField {...fieldProps} />
        <QuerySwitch field="redBand" {...fieldProps} />
        <OtelFields {...fieldProps} />
        <HostFields datasource={datasource} {...fieldProps} />
      </Stack>
    </Stack>
  );
}
