import { useStyles2 } from '@grafana/ui';
import type { ThreadDumpDiffFrameMeta } from '@osprey/model';
import { useState } from 'react';

import { formatMs, type DiffRow } from './dump';
import { getStyles } from './styles';

const CHANGE_COLORS: Record<DiffRow['change'], string> = { new: 'green', gone: 'red', changed: 'orange', same: 'text' };

export function CompareView({ meta, rows }: { meta: ThreadDumpDiffFrameMeta; rows: DiffRow[] }) {
  const styles = useStyles2(getStyles);
  const [onlyChanges, setOnlyChanges] = useState(false);
  const shown = onlyChanges ? rows.filter((r) => r.change !== 'same') : rows;
  return (
    <>
      <div className={styles.header} data-testid="osprey-td-compare">
        <span className={styles.title}>
          Compare {meta.service ? `${meta.service}/${meta.instance}: ` : ''}
          {meta.a} → {meta.b}
        </span>
        <span className={styles.muted}>
          {meta.intervalMs !== undefined ? `${(meta.intervalMs / 1000).toFixed(1)} s apart · ` : ''}
          {meta.counts.new} new · {meta.counts.gone} gone · {meta.counts.changed} changed · {meta.counts.stuck} on the
          same frame
        </span>
        <label className={styles.muted}>
          <input type="checkbox" checked={onlyChanges} onChange={(e) => setOnlyChanges(e.currentTarget.checked)} /> only
          changes
        </label>
      </div>
      <div className={styles.scroll}>
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Change</th>
              <th>Thread</th>
              <th>State</th>
              <th className={styles.num}>CPU Δ</th>
              <th className={styles.num}>CPU %</th>
              <th>Top frame</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr
                key={`${r.name}#${r.threadId ?? ''}`}
                data-testid="osprey-td-diff-row"
                data-thread={r.name}
                data-change={r.change}
              >
                <td>
                  <span className={styles.chip(CHANGE_COLORS[r.change])}>{r.change}</span>
                  {r.stuck && <span className={styles.tag}>stuck</span>}
                </td>
                <td className={styles.name}>{r.name}</td>
                <td>
                  {r.stateBefore === r.stateAfter ? r.stateBefore : `${r.stateBefore ?? '–'} → ${r.stateAfter ?? '–'}`}
                </td>
                <td className={styles.num} data-testid="osprey-td-cpu-delta">
                  {r.cpuDeltaMs === undefined ? '' : `+${formatMs(r.cpuDeltaMs)}`}
                </td>
                <td className={styles.num}>{r.cpuPercent === undefined ? '' : `${r.cpuPercent.toFixed(1)} %`}</td>
                <td className={styles.frame}>
                  {r.topFrameBefore && r.topFrameAfter && r.topFrameBefore !== r.topFrameAfter
                    ? `${r.topFrameBefore} → ${r.topFrameAfter}`
                    : (r.topFrameAfter ?? r.topFrameBefore ?? '')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
