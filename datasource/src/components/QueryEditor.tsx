import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineSwitch, Input, Select, Stack } from '@grafana/ui';
import { type ChangeEvent, useEffect, useState } from 'react';

import type { OspreyDataSource } from '../datasource';
import type { OspreyOptions, OspreyQuery, OspreyQueryType } from '../types';

type Props = QueryEditorProps<OspreyDataSource, OspreyQuery, OspreyOptions>;

const QUERY_TYPES: Array<SelectableValue<OspreyQueryType>> = [
  { label: 'XLOG', value: 'xlog', description: 'One row per finished transaction' },
];

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

  // Services come from the backend; template variables such as $service are typed in as custom values.
  const [services, setServices] = useState<Array<SelectableValue<string>>>([]);
  const [servicesError, setServicesError] = useState<string>();
  useEffect(() => {
    let live = true;
    datasource.services().then(
      (list) => live && setServices(list.map((s) => ({ label: s, value: s }))),
      (err: unknown) => live && setServicesError(err instanceof Error ? err.message : 'services unavailable')
    );
    return () => {
      live = false;
    };
  }, [datasource]);

  return (
    <Stack direction="row" wrap="wrap" gap={0}>
      <InlineField label="Query type" labelWidth={12}>
        <Select
          inputId="osprey-query-type"
          width={14}
          options={QUERY_TYPES}
          value={query.queryType ?? 'xlog'}
          onChange={(v) => update({ queryType: v.value ?? 'xlog' })}
        />
      </InlineField>
      <InlineField label="Service" labelWidth={10}>
        <Select
          inputId="osprey-service"
          width={24}
          options={services}
          // An option object, so a saved value not in the list (e.g. $service) still shows.
          value={query.service ? { label: query.service, value: query.service } : null}
          placeholder="All services"
          allowCustomValue
          isClearable
          noOptionsMessage={servicesError ? `Could not load services: ${servicesError}` : 'No services yet'}
          onChange={(option) => update({ service: option?.value || undefined })}
        />
      </InlineField>
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
      <InlineField label="Min elapsed (ms)" labelWidth={17}>
        <Input
          id="osprey-min-elapsed"
          type="number"
          width={10}
          value={query.minElapsed ?? ''}
          onChange={(e: ChangeEvent<HTMLInputElement>) => update({ minElapsed: positiveNumber(e.target.value) }, false)}
          onBlur={onRunQuery}
        />
      </InlineField>
      <InlineField label="Errors only" labelWidth={12}>
        <InlineSwitch
          id="osprey-errors-only"
          value={query.errorsOnly ?? false}
          onChange={(e: ChangeEvent<HTMLInputElement>) => update({ errorsOnly: e.currentTarget.checked })}
        />
      </InlineField>
      <InlineField label="Limit" labelWidth={8}>
        <Input
          id="osprey-limit"
          type="number"
          width={10}
          value={query.limit ?? ''}
          placeholder="10000"
          onChange={(e: ChangeEvent<HTMLInputElement>) => update({ limit: positiveNumber(e.target.value) }, false)}
          onBlur={onRunQuery}
        />
      </InlineField>
    </Stack>
  );
}
