import type { PanelProps } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { useMemo } from 'react';

import { CompareView } from './CompareView';
import { readView } from './dump';
import { DumpView } from './DumpView';
import { RequestDump } from './RequestDump';
import { getStyles } from './styles';
import type { ThreadDumpOptions } from './types';

type Props = PanelProps<ThreadDumpOptions>;

export function ThreadDumpPanel({ data, options, width, height }: Props) {
  const styles = useStyles2(getStyles);
  const view = useMemo(() => readView(data.series), [data.series]);
  const dsUid = data.request?.targets?.find((t) => t.datasource?.uid)?.datasource?.uid;

  let body: JSX.Element;
  if (view.kind === 'dump') {
    body = <DumpView meta={view.meta} threads={view.threads} initialView={options.view} />;
  } else if (view.kind === 'diff') {
    body = <CompareView meta={view.meta} rows={view.rows} />;
  } else {
    body = (
      <div className={styles.empty}>
        No thread dump in the data: use an Osprey query of type &quot;Thread dump&quot; or &quot;Thread dump diff&quot;.
      </div>
    );
  }
  const target =
    view.kind === 'dump'
      ? { service: view.meta.service, instance: view.meta.instance }
      : view.kind === 'diff' && view.meta.service && view.meta.instance
        ? { service: view.meta.service, instance: view.meta.instance }
        : undefined;

  return (
    <div className={styles.root} style={{ width, height }} data-testid="osprey-td-panel">
      {options.showRequestButton && target && <RequestDump dsUid={dsUid} {...target} />}
      {body}
    </div>
  );
}
