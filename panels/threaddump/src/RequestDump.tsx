import { getAppEvents, getDataSourceSrv } from '@grafana/runtime';
import { Button, useStyles2 } from '@grafana/ui';
import type { JvmRequest } from '@osprey/model';
import { useState } from 'react';

import { getStyles } from './styles';

/** What the panel needs of the Osprey datasource; other datasources do not have it. */
interface CaptureCapable {
  requestCapture(service: string, instance: string, kind: 'threaddump'): Promise<JvmRequest>;
}

export function RequestDump({ dsUid, service, instance }: { dsUid?: string; service: string; instance: string }) {
  const styles = useStyles2(getStyles);
  const [state, setState] = useState<{ busy: boolean; error?: string; done?: string }>({ busy: false });
  const request = async () => {
    setState({ busy: true });
    try {
      const ds = (await getDataSourceSrv().get({ uid: dsUid })) as unknown as Partial<CaptureCapable>;
      if (typeof ds.requestCapture !== 'function') {
        throw new Error('the panel’s datasource is not Osprey');
      }
      const done = await ds.requestCapture(service, instance, 'threaddump');
      setState({ busy: false, done: done.resultId });
      // Grafana has no panel API to rerun queries; this is the event its variable changes send
      // to refresh every panel of the dashboard.
      getAppEvents()?.publish({ type: 'variables-changed', payload: { refreshAll: true } });
    } catch (err) {
      setState({ busy: false, error: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <div className={styles.requestBar}>
      <Button
        size="sm"
        variant="secondary"
        icon="sync"
        disabled={state.busy || !dsUid}
        onClick={request}
        data-testid="osprey-td-request"
        tooltip={dsUid ? `Ask the agent watching ${service}/${instance} for a dump now` : 'No datasource in the query'}
      >
        {state.busy ? 'Waiting for the agent…' : 'Request thread dump'}
      </Button>
      {state.done && <span className={styles.muted}>new dump {state.done}</span>}
      {state.error && (
        <span className={styles.error} data-testid="osprey-td-request-error">
          {state.error}
        </span>
      )}
    </div>
  );
}
