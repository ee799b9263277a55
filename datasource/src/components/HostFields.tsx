/** The query editor's fields of the host query types (one snapshot's tables, the compare of two). */
import type { SelectableValue } from '@grafana/data';
import { InlineField, Input, Select } from '@grafana/ui';
import { HOST_COMPARE_TABLES, HOST_SNAPSHOT_TABLES, type HostTable } from '@osprey/model';
import type { ChangeEvent } from 'react';

import type { OspreyDataSource } from '../datasource';
import type { OspreyQuery } from '../types';
import { usesField } from './queryType';
import { useOptions } from './useOptions';

const TABLE_LABELS: Record<HostTable, string> = {
  processes: 'Processes',
  connections: 'Connections per remote endpoint',
  ports: 'Connections per local port',
  listening: 'Listening sockets',
  openFiles: 'Open files',
  disks: 'Disks',
  started: 'Processes started',
  ended: 'Processes ended',
  cpu: 'CPU movers',
  rss: 'RSS movers',
  fds: 'Descriptor growth',
  tcpStates: 'TCP state deltas',
};

const tableOptions = (tables: readonly HostTable[]): Array<SelectableValue<HostTable>> =>
  tables.map((value) => ({ label: TABLE_LABELS[value], value }));

interface Props {
  query: OspreyQuery;
  datasource: OspreyDataSource;
  update: (patch: Partial<OspreyQuery>, run?: boolean) => void;
  onRunQuery: () => void;
}

export function HostFields({ query, datasource, update, onRunQuery }: Props) {
  const uses = (field: Parameters<typeof usesField>[1]) => usesField(query.queryType, field);
  const wantsHosts = uses('host');
  const hosts = useOptions(
    wantsHosts ? async () => (await datasource.hostNames()).map((value) => ({ label: value, value })) : undefined,
    [datasource, wantsHosts]
  );
  const compare = query.queryType === 'hostCompare';
  const tables = tableOptions(compare ? HOST_COMPARE_TABLES : HOST_SNAPSHOT_TABLES);
  const idInput = (field: 'snapshotId' | 'otherSnapshotId', label: string, tooltip: string) => (
    <InlineField label={label} labelWidth={12} tooltip={tooltip}>
      <Input
        id={`osprey-${field}`}
        width={28}
        value={query[field] ?? ''}
        placeholder={field === 'snapshotId' && compare ? 'the one before' : 'latest'}
        onChange={(e: ChangeEvent<HTMLInputElement>) => update({ [field]: e.target.value || undefined }, false)}
        onBlur={onRunQuery}
      />
    </InlineField>
  );
  return (
    <>
      {wantsHosts && (
        <InlineField label="Host" labelWidth={10}>
          <Select
            inputId="osprey-host"
            width={24}
            options={hosts.options}
            value={query.host ? { label: query.host, value: query.host } : null}
            placeholder="Choose a host"
            allowCustomValue
            isClearable
            noOptionsMessage={hosts.error ? `Could not load hosts: ${hosts.error}` : 'No host has sent a snapshot yet'}
            onChange={(o) => update({ host: o?.value || undefined })}
          />
        </InlineField>
      )}
      {uses('snapshotId') &&
        idInput(
          'snapshotId',
          compare ? 'Older id' : 'Snapshot id',
          compare ? 'Empty: the snapshot before the newer one' : 'Empty: the latest of the host'
        )}
      {uses('otherSnapshotId') && idInput('otherSnapshotId', 'Newer id', 'Empty: the latest of the host')}
      {uses('hostTable') && (
        <InlineField label="Table" labelWidth={10}>
          <Select<HostTable>
            inputId="osprey-host-table"
            width={32}
            options={tables}
            value={tables.find((t) => t.value === query.hostTable) ?? tables[0]}
            onChange={(chosen) => update({ hostTable: chosen.value })}
          />
        </InlineField>
      )}
    </>
  );
}
