import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineSwitch, MultiSelect, RadioButtonGroup, Select, Stack } from '@grafana/ui';
import {
  DEFAULT_ERROR_TYPES_LIMIT,
  DEFAULT_APDEX_T_MS,
  DEFAULT_SQL_STATISTICS_LIMIT,
  DEFAULT_SUMMARY_LIMIT,
  DEFAULT_TRANSACTION_LIMIT,
  HIERARCHY_VIEWS,
  QUERY_TYPE_NAMES,
  QUERY_TYPES,
  queryTypeSpec,
  RED_METRIC_OPTIONS,
  type OspreyQueryType,
  type RedGroupBy,
  type RedMetric,
  type SqlStatisticsSort,
  type TransactionsMode,
  type XlogColumnSet,
} from '@osprey/model';
import type { ChangeEvent } from 'react';

import type { OspreyDataSource } from '../datasource';
import type { OspreyOptions, OspreyQuery } from '../types';
import { HostFields } from './HostFields';
import { OtelFields } from './OtelFields';
import { QueryInput } from './QueryFields';
import { switchQueryType, usesField } from './queryType';
import { useOptions } from './useOptions';

type Props = QueryEditorProps<OspreyDataSource, OspreyQuery, OspreyOptions>;

/** The editor's query-type options: model's QUERY_TYPES, in its order. */
export const QUERY_TYPE_OPTIONS: Array<SelectableValue<OspreyQueryType>> = QUERY_TYPE_NAMES.map((value) => ({
  value,
  label: QUERY_TYPES[value].label,
  description: QUERY_TYPES[value].description,
}));

const MODES: Array<SelectableValue<TransactionsMode>> = [
  { label: 'Rows', value: 'rows', description: 'Up to the limit, newest kept' },
  { label: 'Auto', value: 'auto', description: 'Rows, or a density grid when more than the limit match' },
  { label: 'Density', value: 'density', description: 'Counts per time × elapsed cell' },
];

const COLUMN_SETS: Array<SelectableValue<XlogColumnSet>> = [
  { label: 'Dots', value: 'dots', description: 'What the XLOG panel draws: end time, elapsed, status, service' },
  { label: '+ Timings', value: 'timings', description: 'Also SQL, API and CPU time, for the XLOG y-axis switch' },
  { label: 'All fields', value: 'all', description: 'Every transaction field (trace id, endpoint, user…), for tables' },
];

const GROUP_BY: Array<SelectableValue<RedGroupBy>> = [
  { label: 'Service', value: 'service' },
  { label: 'Instance', value: 'instance' },
  { label: 'Endpoint', value: 'endpoint' },
];

/** The backend's default limit of the query types with one of their own. */
const LIMIT_PLACEHOLDERS: Partial<Record<OspreyQueryType, number>> = {
  sqlStatistics: DEFAULT_SQL_STATISTICS_LIMIT,
  errorTypes: DEFAULT_ERROR_TYPES_LIMIT,
  summary: DEFAULT_SUMMARY_LIMIT,
};

const SQL_SORTS: Array<SelectableValue<SqlStatisticsSort>> = [
  { label: 'Total time', value: 'totalTime' },
  { label: 'Count', value: 'count' },
  { label: 'p95', value: 'p95' },
  { label: 'Errors', value: 'errors' },
];

const METRIC_LABELS: Record<RedMetric, string> = {
  rate: 'Rate',
  errorPercent: 'Error %',
  p50: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  apdex: 'Apdex',
};

const option = (v?: string): SelectableValue<string> | null => (v ? { label: v, value: v } : null);
const toOptions = (values: string[]) => values.map((v) => ({ label: v, value: v }));

export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const update = (patch: Partial<OspreyQuery>, run = true) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
  const fieldProps = { query, update, onRunQuery };
  const type = query.queryType ?? 'xlog';
  const jvm = queryTypeSpec(type).family === 'jvm';
  const uses = (field: Parameters<typeof usesField>[1]) => usesField(type, field);

  // JVM queries pick from the JVMs that sent dumps or histograms rather than from traced services.
  const jvms = useOptions(
    jvm
      ? async () =>
          (await datasource.jvmInstances()).map((j) => ({
            label: j.instance,
            value: j.instance,
            description: j.service,
          }))
      : undefined,
    [datasource, jvm]
  );
  const services = useOptions(
    uses('service')
      ? async () =>
          jvm
            ? toOptions([...new Set(jvms.options.map((o) => o.description ?? ''))])
            : toOptions(await datasource.services())
      : undefined,
    [datasource, jvm, jvm && jvms.options, uses('service')]
  );
  const instances = useOptions(
    uses('instance') && !jvm
      ? async () => toOptions(await datasource.listValues('instances', query.service))
      : undefined,
    [datasource, jvm, query.service, uses('instance')]
  );
  const endpoints = useOptions(
    uses('endpoint') ? async () => toOptions(await datasource.listValues('endpoints', query.service)) : undefined,
    [datasource, query.service, uses('endpoint')]
  );
  const instanceOptions = jvm
    ? jvms.options.filter((o) => !query.service || o.description === query.service)
    : instances.options;
  const noOptions = (what: string, error?: string) => (error ? `Could not load ${what}: ${error}` : `No ${what} yet`);

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
        {uses('service') && (
          <InlineField label="Service" labelWidth={10}>
            <Select
              inputId="osprey-service"
              width={24}
              options={services.options}
              // An option object, so a saved value not in the list (e.g. $service) still shows.
              value={option(query.service)}
              placeholder="All services"
              allowCustomValue
              isClearable
              noOptionsMessage={noOptions('services', services.error ?? jvms.error)}
              onChange={(o) => update({ service: o?.value || undefined })}
            />
          </InlineField>
        )}
        {uses('instance') && (
          <InlineField label="Instance" labelWidth={10}>
            <Select
              inputId="osprey-instance"
              width={24}
              options={instanceOptions}
              value={option(query.instance)}
              placeholder={!jvm || type === 'threadDumps' ? 'All instances' : 'Choose an instance'}
              allowCustomValue
              isClearable
              noOptionsMessage={jvm ? 'No JVM has sent a dump yet' : noOptions('instances', instances.error)}
              onChange={(o) => update({ instance: o?.value || undefined })}
            />
          </InlineField>
        )}
        {uses('endpoint') && (
          <InlineField label="Endpoint" labelWidth={10}>
            <Select
              inputId="osprey-endpoint"
              width={28}
              options={endpoints.options}
              value={option(query.endpoint)}
              placeholder="All endpoints"
              allowCustomValue
              isClearable
              noOptionsMessage={noOptions('endpoints', endpoints.error)}
              onChange={(o) => update({ endpoint: o?.value || undefined })}
            />
          </InlineField>
        )}
        {uses('dumpId') && (
          <QueryInput
            field="dumpId"
            id="osprey-dump-id"
            label={uses('otherId') ? 'Older id' : 'Id'}
            width={24}
            placeholder="latest"
            tooltip="Empty: the latest of the instance (the latest two for a diff)"
            {...fieldProps}
          />
        )}
        {uses('otherId') && (
          <QueryInput
            field="otherId"
            id="osprey-other-id"
            label="Newer id"
            width={24}
            placeholder="latest"
            {...fieldProps}
          />
        )}
        {uses('traceId') && (
          <QueryInput
            field="traceId"
            id="osprey-trace-id"
            label="Trace id"
            width={36}
            placeholder={type === 'xlog' ? 'any trace' : '4bf92f3577b34da6a3ce929d0e0e4736'}
            tooltip="Hex trace id; variables such as $traceId work"
            {...fieldProps}
          />
        )}
        {uses('spanId') && (
          <QueryInput
            field="spanId"
            id="osprey-span-id"
            label="Span id"
            width={22}
            placeholder="the trace's first entry"
            tooltip="Hex span id of the transaction's entry span; variables work"
            {...fieldProps}
          />
        )}
        {uses('check') && (
          <QueryInput
            field="check"
            id="osprey-check"
            label="Check"
            width={24}
            placeholder="all checks"
            tooltip="One synthetic check by name; empty = all; $check works"
            {...fieldProps}
          />
        )}
        {uses('concurrencyLimit') && (
          <QueryInput
            field="concurrencyLimit"
            id="osprey-concurrency-limit"
            label="Limit"
            width={12}
            placeholder="200"
            tooltip="Requests the instance can hold in flight (thread pool); empty = 200"
            {...fieldProps}
          />
        )}
        {uses('hierarchyBy') && (
          <InlineField label="By" labelWidth={10}>
            <RadioButtonGroup
              options={HIERARCHY_VIEWS.map((value) => ({ label: value === 'node' ? 'Node' : 'Workload', value }))}
              value={query.hierarchyBy ?? 'workload'}
              onChange={(hierarchyBy) => update({ hierarchyBy })}
            />
          </InlineField>
        )}
        {uses('focus') && (
          <QueryInput
            field="focus"
            id="osprey-focus"
            label="Focus"
            width={36}
            placeholder="everything"
            tooltip="A row's path (cluster:prod/namespace:shop); $focus works"
            {...fieldProps}
          />
        )}
        {uses('userId') && (
          <QueryInput
            field="userId"
            id="osprey-user-id"
            label="User id"
            width={20}
            placeholder="any user"
            {...fieldProps}
          />
        )}
      </Stack>
      <Stack direction="row" wrap="wrap" gap={0}>
        {uses('minElapsed') && (
          <QueryInput
            field="minElapsed"
            id="osprey-min-elapsed"
            label="Min elapsed (ms)"
            labelWidth={17}
            width={10}
            {...fieldProps}
          />
        )}
        {uses('errorsOnly') && (
          <InlineField label="Errors only" labelWidth={12}>
            <InlineSwitch
              id="osprey-errors-only"
              value={query.errorsOnly ?? false}
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ errorsOnly: e.currentTarget.checked })}
            />
          </InlineField>
        )}
        {uses('limit') && (
          <QueryInput
            field="limit"
            id="osprey-limit"
            label="Limit"
            labelWidth={8}
            width={10}
            placeholder={String(LIMIT_PLACEHOLDERS[type] ?? (jvm ? 500 : DEFAULT_TRANSACTION_LIMIT))}
            {...fieldProps}
          />
        )}
        {uses('mode') && (
          <InlineField label="Mode" labelWidth={8} disabled={query.live} tooltip="Live queries always fetch rows">
            <RadioButtonGroup
              options={MODES}
              value={query.live ? 'rows' : (query.mode ?? 'rows')}
              onChange={(mode) => update({ mode })}
            />
          </InlineField>
        )}
        {uses('columns') && (
          <InlineField label="Columns" labelWidth={10} tooltip="The fields each transaction brings; fewer load faster">
            <RadioButtonGroup
              options={COLUMN_SETS}
              value={query.columns ?? 'dots'}
              onChange={(columns) => update({ columns })}
            />
          </InlineField>
        )}
        {uses('live') && (
          <InlineField label="Live" labelWidth={8} tooltip="Keep adding transactions as they finish (polls every 2 s)">
            <InlineSwitch
              id="osprey-live"
              value={query.live ?? false}
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ live: e.currentTarget.checked || undefined })}
            />
          </InlineField>
        )}
        {uses('sqlSort') && (
          <InlineField label="Top by" labelWidth={8}>
            <RadioButtonGroup
              options={SQL_SORTS}
              value={query.sqlSort ?? 'totalTime'}
              onChange={(sqlSort) => update({ sqlSort })}
            />
          </InlineField>
        )}
        {uses('groupBy') && (
          <InlineField label="Group by" labelWidth={10}>
            <RadioButtonGroup
              options={GROUP_BY}
              value={query.groupBy ?? (type === 'summary' ? 'endpoint' : 'service')}
              onChange={(groupBy) => update({ groupBy })}
            />
          </InlineField>
        )}
        {uses('apdexT') && (
          <QueryInput
            field="apdexT"
            id="osprey-apdex-t"
            label="Apdex T"
            labelWidth={10}
            width={10}
            placeholder={String(DEFAULT_APDEX_T_MS)}
            tooltip="Satisfied at most T ms, tolerating at most 4T"
            {...fieldProps}
          />
        )}
        {uses('redMetrics') && (
          <InlineField label="Metrics" labelWidth={10}>
            <MultiSelect<RedMetric>
              inputId="osprey-red-metrics"
              width={40}
              options={RED_METRIC_OPTIONS.map((m) => ({ label: METRIC_LABELS[m], value: m }))}
              value={query.redMetrics ?? []}
              placeholder="All"
              onChange={(chosen) => update({ redMetrics: chosen.map((c) => c.value!).filter(Boolean) })}
            />
          </InlineField>
        )}
        <OtelFields {...fieldProps} />
        <HostFields query={query} datasource={datasource} update={update} onRunQuery={onRunQuery} />
      </Stack>
    </Stack>
  );
}
