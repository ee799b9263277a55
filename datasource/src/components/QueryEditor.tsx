import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineSwitch, Input, MultiSelect, RadioButtonGroup, Select, Stack } from '@grafana/ui';
import {
  HIERARCHY_VIEWS,
  type RedGroupBy,
  type SqlStatisticsSort,
  type TransactionsMode,
  type XlogColumnSet,
} from '@osprey/model';
import { type ChangeEvent, useEffect, useState } from 'react';

import type { OspreyDataSource } from '../datasource';
import {
  isJvmQueryType,
  RED_METRICS,
  type OspreyOptions,
  type OspreyQuery,
  type OspreyQueryType,
  type RedMetric,
} from '../types';
import { OtelFields } from './OtelFields';
import { switchQueryType, usesField } from './queryType';

type Props = QueryEditorProps<OspreyDataSource, OspreyQuery, OspreyOptions>;

export const QUERY_TYPES: Array<SelectableValue<OspreyQueryType>> = [
  { label: 'XLOG', value: 'xlog', description: 'One row per finished transaction, or a density grid' },
  { label: 'RED metrics', value: 'red', description: 'Rate, error %, p50/p90/p99 per service, instance or endpoint' },
  { label: 'Trace', value: 'trace', description: 'One trace by id, for the Traces panel' },
  { label: 'Service map', value: 'serviceMap', description: 'Services, databases and calls, for the Node Graph' },
  { label: 'Active services', value: 'active', description: 'Requests in flight per instance (equalizer)' },
  { label: 'Checks', value: 'checks', description: 'Synthetic checks: state, latency, reason, uptime' },
  { label: 'Check runs', value: 'checkRuns', description: 'Synthetic check runs over time (uptime timeline)' },
  { label: 'Health hierarchy', value: 'hierarchy', description: 'Cluster > namespace > workload > pod, worst first' },
  { label: 'Capacity', value: 'capacity', description: "Little's law: in flight, measured, max throughput" },
  {
    label: 'SQL statistics',
    value: 'sqlStatistics',
    description: 'Top statements by total time, count, p95 or errors',
  },
  { label: 'Services', value: 'services', description: 'List of services' },
  { label: 'Instances', value: 'instances', description: 'List of instances of a service' },
  { label: 'Endpoints', value: 'endpoints', description: 'List of endpoints of a service' },
  { label: 'Thread dumps', value: 'threadDumps', description: 'Dumps of the time range (table, annotations)' },
  { label: 'Thread dump', value: 'threadDump', description: 'One dump by id, or the latest of an instance' },
  { label: 'Thread dump diff', value: 'threadDumpDiff', description: 'Two dumps by id, or the latest two' },
  { label: 'Heap histogram', value: 'heapHistogram', description: 'One class histogram by id, or the latest' },
  { label: 'Heap histogram diff', value: 'heapHistogramDiff', description: 'Growth per class between two' },
  { label: 'Runtime metrics', value: 'runtime', description: 'Heap, GC, CPU, event loop, threads (OTLP metrics)' },
  { label: 'OTLP metrics', value: 'otelMetrics', description: 'Any OTLP metric by name, as time series' },
  { label: 'Logs', value: 'logs', description: 'OTLP log records, for the Logs panel; by trace, text, severity' },
];

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
};

const option = (v?: string): SelectableValue<string> | null => (v ? { label: v, value: v } : null);
const toOptions = (values: string[]) => values.map((v) => ({ label: v, value: v }));

/** Parses a number field; empty or non-positive clears the filter. */
export function positiveNumber(text: string): number | undefined {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) || n <= 0 ? undefined : n;
}

/** Options loaded from the backend; a failure is kept as text for the select's "no options" message. */
function useOptions(load: (() => Promise<Array<SelectableValue<string>>>) | undefined, deps: unknown[]) {
  const [options, setOptions] = useState<Array<SelectableValue<string>>>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!load) {
      return;
    }
    let live = true;
    load().then(
      (list) => {
        if (live) {
          setOptions(list);
          setError(undefined);
        }
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err))
    );
    return () => {
      live = false;
    };
    // The loaders are recreated every render; what they load depends only on `deps`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { options, error };
}

export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const update = (patch: Partial<OspreyQuery>, run = true) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
  const type = query.queryType ?? 'xlog';
  const jvm = isJvmQueryType(type);
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
            options={QUERY_TYPES}
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
          <InlineField
            label={uses('otherId') ? 'Older id' : 'Id'}
            labelWidth={10}
            tooltip="Empty: the latest of the instance (the latest two for a diff)"
          >
            <Input
              id="osprey-dump-id"
              width={24}
              value={query.dumpId ?? ''}
              placeholder="latest"
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ dumpId: e.target.value || undefined }, false)}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
        {uses('otherId') && (
          <InlineField label="Newer id" labelWidth={10}>
            <Input
              id="osprey-other-id"
              width={24}
              value={query.otherId ?? ''}
              placeholder="latest"
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ otherId: e.target.value || undefined }, false)}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
        {uses('traceId') && (
          <InlineField label="Trace id" labelWidth={10} tooltip="Hex trace id; variables such as $traceId work">
            <Input
              id="osprey-trace-id"
              width={36}
              value={query.traceId ?? ''}
              placeholder={type === 'trace' ? '4bf92f3577b34da6a3ce929d0e0e4736' : 'any trace'}
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ traceId: e.target.value || undefined }, false)}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
        {uses('check') && (
          <InlineField label="Check" labelWidth={10} tooltip="One synthetic check by name; empty = all; $check works">
            <Input
              id="osprey-check"
              width={24}
              value={query.check ?? ''}
              placeholder="all checks"
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ check: e.target.value || undefined }, false)}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
        {uses('concurrencyLimit') && (
          <InlineField
            label="Limit"
            labelWidth={10}
            tooltip="Requests the instance can hold in flight (thread pool); empty = 200"
          >
            <Input
              id="osprey-concurrency-limit"
              type="number"
              width={12}
              value={query.concurrencyLimit ?? ''}
              placeholder="200"
              onChange={(e: ChangeEvent<HTMLInputElement>) =>
                update({ concurrencyLimit: Number(e.target.value) || undefined }, false)
              }
              onBlur={onRunQuery}
            />
          </InlineField>
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
          <InlineField label="Focus" labelWidth={10} tooltip="A row's path (cluster:prod/namespace:shop); $focus works">
            <Input
              id="osprey-focus"
              width={36}
              value={query.focus ?? ''}
              placeholder="everything"
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ focus: e.target.value || undefined }, false)}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
        {uses('userId') && (
          <InlineField label="User id" labelWidth={10}>
            <Input
              id="osprey-user-id"
              width={20}
              value={query.userId ?? ''}
              placeholder="any user"
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ userId: e.target.value || undefined }, false)}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
      </Stack>
      <Stack direction="row" wrap="wrap" gap={0}>
        {uses('minElapsed') && (
          <InlineField label="Min elapsed (ms)" labelWidth={17}>
            <Input
              id="osprey-min-elapsed"
              type="number"
              width={10}
              value={query.minElapsed ?? ''}
              onChange={(e: ChangeEvent<HTMLInputElement>) =>
                update({ minElapsed: positiveNumber(e.target.value) }, false)
              }
              onBlur={onRunQuery}
            />
          </InlineField>
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
          <InlineField label="Limit" labelWidth={8}>
            <Input
              id="osprey-limit"
              type="number"
              width={10}
              value={query.limit ?? ''}
              placeholder={jvm ? '500' : type === 'sqlStatistics' ? '20' : '10000'}
              onChange={(e: ChangeEvent<HTMLInputElement>) => update({ limit: positiveNumber(e.target.value) }, false)}
              onBlur={onRunQuery}
            />
          </InlineField>
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
              value={query.groupBy ?? 'service'}
              onChange={(groupBy) => update({ groupBy })}
            />
          </InlineField>
        )}
        {uses('redMetrics') && (
          <InlineField label="Metrics" labelWidth={10}>
            <MultiSelect<RedMetric>
              inputId="osprey-red-metrics"
              width={40}
              options={RED_METRICS.map((m) => ({ label: METRIC_LABELS[m], value: m }))}
              value={query.redMetrics ?? []}
              placeholder="All"
              onChange={(chosen) => update({ redMetrics: chosen.map((c) => c.value!).filter(Boolean) })}
            />
          </InlineField>
        )}
        <OtelFields query={query} update={update} onRunQuery={onRunQuery} />
      </Stack>
    </Stack>
  );
}
