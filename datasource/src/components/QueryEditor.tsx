import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineSwitch, Input, Select, Stack } from '@grafana/ui';
import { type ChangeEvent, useEffect, useState } from 'react';

import type { JvmInstance } from '@osprey/model';

import type { OspreyDataSource } from '../datasource';
import { isJvmQueryType, type OspreyOptions, type OspreyQuery, type OspreyQueryType } from '../types';
import { switchQueryType, usesField } from './queryType';

type Props = QueryEditorProps<OspreyDataSource, OspreyQuery, OspreyOptions>;

const QUERY_TYPES: Array<SelectableValue<OspreyQueryType>> = [
  { label: 'XLOG', value: 'xlog', description: 'One row per finished transaction' },
  { label: 'Thread dumps', value: 'threadDumps', description: 'Dumps of the time range (table, annotations)' },
  { label: 'Thread dump', value: 'threadDump', description: 'One dump by id, or the latest of an instance' },
  { label: 'Thread dump diff', value: 'threadDumpDiff', description: 'Two dumps by id, or the latest two' },
  { label: 'Heap histogram', value: 'heapHistogram', description: 'One class histogram by id, or the latest' },
  { label: 'Heap histogram diff', value: 'heapHistogramDiff', description: 'Growth per class between two' },
];

const option = (v?: string): SelectableValue<string> | null => (v ? { label: v, value: v } : null);

/** Parses a number field; empty or non-positive clears the filter. */
export function positiveNumber(text: string): number | undefined {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) || n <= 0 ? undefined : n;
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

  // Services come from the backend; template variables such as $service are typed in as custom values.
  const [services, setServices] = useState<Array<SelectableValue<string>>>([]);
  const [servicesError, setServicesError] = useState<string>();
  // JVM queries pick from the JVMs that sent dumps or histograms rather than traced services.
  const [jvms, setJvms] = useState<JvmInstance[]>([]);
  useEffect(() => {
    if (!jvm) {
      return;
    }
    let live = true;
    datasource.jvmInstances().then(
      (list) => live && setJvms(list),
      (err: unknown) => live && setServicesError(err instanceof Error ? err.message : 'JVM instances unavailable')
    );
    return () => {
      live = false;
    };
  }, [datasource, jvm]);
  const serviceOptions = jvm ? [...new Set(jvms.map((j) => j.service))].map((s) => ({ label: s, value: s })) : services;
  const instanceOptions = jvms
    .filter((j) => !query.service || j.service === query.service)
    .map((j) => ({ label: j.instance, value: j.instance, description: j.service }));

  useEffect(() => {
    if (jvm) {
      return;
    }
    let live = true;
    datasource.services().then(
      (list) => live && setServices(list.map((s) => ({ label: s, value: s }))),
      (err: unknown) => live && setServicesError(err instanceof Error ? err.message : 'services unavailable')
    );
    return () => {
      live = false;
    };
  }, [datasource, jvm]);

  return (
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
      <InlineField label="Service" labelWidth={10}>
        <Select
          inputId="osprey-service"
          width={24}
          options={serviceOptions}
          // An option object, so a saved value not in the list (e.g. $service) still shows.
          value={query.service ? { label: query.service, value: query.service } : null}
          placeholder="All services"
          allowCustomValue
          isClearable
          noOptionsMessage={servicesError ? `Could not load services: ${servicesError}` : 'No services yet'}
          onChange={(o) => update({ service: o?.value || undefined })}
        />
      </InlineField>
      {usesField(type, 'instance') && (
        <InlineField label="Instance" labelWidth={10}>
          <Select
            inputId="osprey-instance"
            width={24}
            options={instanceOptions}
            value={option(query.instance)}
            placeholder={type === 'threadDumps' ? 'All instances' : 'Choose an instance'}
            allowCustomValue
            isClearable
            noOptionsMessage="No JVM has sent a dump yet"
            onChange={(o) => update({ instance: o?.value || undefined })}
          />
        </InlineField>
      )}
      {usesField(type, 'dumpId') && (
        <InlineField
          label={usesField(type, 'otherId') ? 'Older id' : 'Id'}
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
      {usesField(type, 'otherId') && (
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
      {usesField(type, 'endpoint') && (
        <InlineField label="Endpoint" labelWidth={10}>
          <Input
            id="osprey-endpoint"
            width={24}
            value={query.endpoint ?? ''}
            placeholder="GET /orders"
            onChange={(e: ChangeEvent<HTMLInputElement>) => update({ endpoint: e.target.value || undefined }, false)}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}
      {usesField(type, 'minElapsed') && (
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
      {usesField(type, 'errorsOnly') && (
        <InlineField label="Errors only" labelWidth={12}>
          <InlineSwitch
            id="osprey-errors-only"
            value={query.errorsOnly ?? false}
            onChange={(e: ChangeEvent<HTMLInputElement>) => update({ errorsOnly: e.currentTarget.checked })}
          />
        </InlineField>
      )}
      {usesField(type, 'limit') && (
        <InlineField label="Limit" labelWidth={8}>
          <Input
            id="osprey-limit"
            type="number"
            width={10}
            value={query.limit ?? ''}
            placeholder={jvm ? '500' : '10000'}
            onChange={(e: ChangeEvent<HTMLInputElement>) => update({ limit: positiveNumber(e.target.value) }, false)}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}
    </Stack>
  );
}
