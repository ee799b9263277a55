/** The query editor's fields of the host query types (one snapshot's tables, the compare of two). */
import { HOST_COMPARE_TABLES, HOST_SNAPSHOT_TABLES } from '@osprey/model';

import type { OspreyDataSource } from '../datasource';
import { hostTableOptions } from './field-specs';
import { NamePicker, noOptions } from './NameFields';
import { type FieldProps, QueryChoice, QueryInput } from './QueryFields';
import { usesField } from './queryType';
import { useOptions } from './useOptions';

export function HostFields({ datasource, ...props }: FieldProps & { datasource: OspreyDataSource }) {
  const wantsHosts = usesField(props.query.queryType, 'host');
  const hosts = useOptions(
    wantsHosts ? async () => (await datasource.hostNames()).map((value) => ({ label: value, value })) : undefined,
    [datasource, wantsHosts]
  );
  const compare = props.query.queryType === 'hostCompare';
  const empty = hosts.error ? noOptions('hosts', hosts.error) : 'No host has sent a snapshot yet';
  return (
    <>
      <NamePicker field="host" options={hosts.options} empty={empty} {...props} />
      <QueryInput field="snapshotId" {...(compare ? OLDER : {})} {...props} />
      <QueryInput field="otherSnapshotId" {...props} />
      <QueryChoice
        field="hostTable"
        options={hostTableOptions(compare ? HOST_COMPARE_TABLES : HOST_SNAPSHOT_TABLES)}
        {...props}
      />
    </>
  );
}

/** The first id of a compare is the older snapshot; empty, the one before the newer. */
const OLDER = { label: 'Older id', placeholder: 'the one before', tooltip: 'Empty: the snapshot before the newer one' };
