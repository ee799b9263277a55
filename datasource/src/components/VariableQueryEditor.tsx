import { InlineField, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import { LIST_QUERY_TYPES, QUERY_TYPES } from '@osprey/model';
import { type ChangeEvent, useState } from 'react';

import { toVariableQuery, type OspreyVariableQuery, usesHost, usesService, type VariableType } from '../variable-query';

interface Props {
  query: OspreyVariableQuery;
  onChange: (query: OspreyVariableQuery) => void;
}

const TYPES: Array<{ label: string; value: VariableType; description: string }> = [
  ...LIST_QUERY_TYPES.map((value) => ({
    value,
    label: QUERY_TYPES[value].label,
    description: QUERY_TYPES[value].description,
  })),
  { value: 'hosts', label: QUERY_TYPES.hosts.label, description: QUERY_TYPES.hosts.description },
  { value: 'hostSnapshots', label: 'Host snapshots', description: 'The snapshots of one host, newest first' },
];

/**
 * Picks the list a variable holds; instances and endpoints can be narrowed to a service (e.g.
 * $service), and the snapshots are of one host (e.g. $host).
 */
export function VariableQueryEditor({ query: raw, onChange }: Props) {
  const query = toVariableQuery(raw);
  const type = query.type;
  const [service, setService] = useState(query.service ?? '');
  const [host, setHost] = useState(query.host ?? '');
  const [olderThan, setOlderThan] = useState(query.olderThan ?? '');
  return (
    <Stack direction="row" gap={0}>
      <InlineField label="Values" labelWidth={10}>
        <RadioButtonGroup
          options={TYPES}
          value={type}
          onChange={(t) => onChange(toVariableQuery({ ...query, type: t }))}
        />
      </InlineField>
      {usesHost(type) && (
        <TextField
          id="osprey-variable-host"
          label="Host"
          tooltip="The host whose snapshots to list; variables such as $host work."
          placeholder="$host"
          value={host}
          onChange={setHost}
          onBlur={() => onChange({ ...query, type, host: host.trim() || undefined })}
        />
      )}
      {usesHost(type) && (
        <TextField
          id="osprey-variable-older-than"
          label="Older than"
          tooltip="Only snapshots older than this one (e.g. $after, for the older side of a compare); empty: all."
          placeholder="$after"
          value={olderThan}
          onChange={setOlderThan}
          onBlur={() => onChange({ ...query, type, olderThan: olderThan.trim() || undefined })}
        />
      )}
      {usesService(type) && (
        <TextField
          id="osprey-variable-service"
          label="Service"
          tooltip="Empty: of all services. Variables such as $service work."
          placeholder="all services"
          value={service}
          onChange={setService}
          onBlur={() => onChange({ ...query, type, service: service.trim() || undefined })}
        />
      )}
    </Stack>
  );
}

interface TextFieldProps {
  id: string;
  label: string;
  tooltip: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  onBlur: () => void;
}

/** A text the variable reads, saved when the field is left rather than on every key. */
function TextField({ id, label, tooltip, placeholder, value, onChange, onBlur }: TextFieldProps) {
  return (
    <InlineField label={label} labelWidth={10} tooltip={tooltip}>
      <Input
        id={id}
        width={24}
        value={value}
        placeholder={placeholder}
        onChange={(e: ChangeEvent<HTMLInputElement>) => onChange(e.target.value)}
        onBlur={onBlur}
      />
    </InlineField>
  );
}
