import { InlineField, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import { LIST_QUERY_TYPES, QUERY_TYPES, type ListQueryType } from '@osprey/model';
import { type ChangeEvent, useState } from 'react';

import { toVariableQuery, type OspreyVariableQuery } from '../variable-query';

interface Props {
  query: OspreyVariableQuery;
  onChange: (query: OspreyVariableQuery) => void;
}

const TYPES: Array<{ label: string; value: ListQueryType; description: string }> = LIST_QUERY_TYPES.map((value) => ({
  value,
  label: QUERY_TYPES[value].label,
  description: QUERY_TYPES[value].description,
}));

/** Picks the list a variable holds; instances and endpoints can be narrowed to a service (e.g. $service). */
export function VariableQueryEditor({ query: raw, onChange }: Props) {
  const query = toVariableQuery(raw);
  const type = query.type;
  const [service, setService] = useState(query.service ?? '');
  return (
    <Stack direction="row" gap={0}>
      <InlineField label="Values" labelWidth={10}>
        <RadioButtonGroup
          options={TYPES}
          value={type}
          onChange={(t) => onChange({ ...query, type: t, service: t === 'services' ? undefined : query.service })}
        />
      </InlineField>
      {type !== 'services' && (
        <InlineField label="Service" labelWidth={10} tooltip="Empty: of all services. Variables such as $service work.">
          <Input
            id="osprey-variable-service"
            width={24}
            value={service}
            placeholder="all services"
            onChange={(e: ChangeEvent<HTMLInputElement>) => setService(e.target.value)}
            onBlur={() => onChange({ ...query, type, service: service.trim() || undefined })}
          />
        </InlineField>
      )}
    </Stack>
  );
}
