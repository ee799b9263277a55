import { css, cx } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2, type PanelProps } from '@grafana/data';
import { getAppEvents, getDataSourceSrv } from '@grafana/runtime';
import { Alert, Button, Icon, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { JvmRequest, JvmThreadState, ThreadDumpDiffFrameMeta, ThreadDumpFrameMeta } from '@osprey/model';
import { useEffect, useMemo, useRef, useState } from 'react';

import { cycleText, filterThreads, readView, shortClass, stateCounts, type DiffRow, type ThreadRow } from './dump';
import type { ThreadDumpOptions, ThreadDumpView } from './types';

type Props = PanelProps<ThreadDumpOptions>;

/** What the panel needs of the Osprey datasource; other datasources do not have it. */
interface CaptureCapable {
  requestCapture(service: string, instance: string, kind: 'threaddump'): Promise<JvmRequest>;
}

const STATE_COLORS: Record<JvmThreadState, string> = {
  RUNNABLE: 'green',
  BLOCKED: 'red',
  WAITING: 'yellow',
  TIMED_WAITING: 'orange',
  NEW: 'blue',
  TERMINATED: 'text',
};

const formatMs = (ms?: number) =>
  ms === undefined ? '' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(2)} ms`;

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

function RequestDump({ dsUid, service, instance }: { dsUid?: string; service: string; instance: string }) {
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

function DumpView({
  meta,
  threads,
  initialView,
}: {
  meta: ThreadDumpFrameMeta;
  threads: ThreadRow[];
  initialView: ThreadDumpView;
}) {
  const styles = useStyles2(getStyles);
  const [mode, setMode] = useState<ThreadDumpView>(initialView);
  const [states, setStates] = useState<Set<JvmThreadState>>(new Set());
  const [search, setSearch] = useState('');
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [highlighted, setHighlighted] = useState<string>();
  const rowRefs = useRef(new Map<string, HTMLTableRowElement>());
  const counts = useMemo(() => stateCounts(threads), [threads]);
  const shown = useMemo(() => filterThreads(threads, { states, search }), [threads, states, search]);

  useEffect(() => {
    if (highlighted) {
      // scrollIntoView is missing in jsdom; in a browser it brings the owner row into view.
      rowRefs.current.get(highlighted)?.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
    }
  }, [highlighted, shown]);

  const toggleState = (s: JvmThreadState) =>
    setStates((prev) => {
      const next = new Set(prev);
      if (!next.delete(s)) {
        next.add(s);
      }
      return next;
    });
  const toggleStack = (name: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(name)) {
        next.add(name);
      }
      return next;
    });
  const jumpToOwner = (owner: string) => {
    // The owner may be hidden by the filter; clear it so the row the user asked for is there.
    if (!shown.some((t) => t.name === owner)) {
      setStates(new Set());
      setSearch('');
    }
    setHighlighted(owner);
  };

  return (
    <>
      <div className={styles.header}>
        <span className={styles.title}>
          {meta.service}/{meta.instance}
        </span>
        <span className={styles.muted} data-testid="osprey-td-dump-id" data-dump-id={meta.dumpId}>
          {dateTimeFormat(meta.takenAt)} · {meta.summary.total} threads
          {meta.jvmVersion ? ` · JDK ${meta.jvmVersion}` : ''}
        </span>
      </div>
      {meta.deadlocks.length > 0 && (
        <div className={styles.banners}>
          {meta.deadlocks.map((d) => (
            <Alert
              key={d.threads.join('|')}
              severity="error"
              title={`Deadlock (${d.kind}): ${d.threads.length} threads`}
              data-testid="osprey-td-deadlock"
              className={styles.banner}
            >
              <span data-testid="osprey-td-deadlock-cycle">{cycleText(d)}</span>
            </Alert>
          ))}
        </div>
      )}
      <div className={styles.toolbar}>
        <RadioButtonGroup<ThreadDumpView>
          size="sm"
          value={mode}
          onChange={setMode}
          options={[
            { value: 'threads', label: 'Threads' },
            { value: 'groups', label: `Stack groups (${meta.stackGroups.length})` },
          ]}
        />
        <div className={styles.chips} role="group" aria-label="Filter by state">
          {counts.map(({ state, count }) => (
            <button
              key={state}
              type="button"
              className={cx(styles.chip(STATE_COLORS[state]), states.has(state) && styles.chipOn)}
              aria-pressed={states.has(state)}
              data-testid={`osprey-td-state-${state}`}
              onClick={() => toggleState(state)}
            >
              {state} <b>{count}</b>
            </button>
          ))}
        </div>
        <Input
          className={styles.search}
          prefix={<Icon name="search" />}
          placeholder="Search name or frame"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          data-testid="osprey-td-search"
        />
      </div>
      <div className={styles.scroll}>
        {mode === 'threads' ? (
          <table className={styles.table}>
            <thead>
              <tr>
                <th />
                <th>Thread</th>
                <th>State</th>
                <th className={styles.num}>CPU</th>
                <th>Waiting on</th>
                <th>Holds</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((t) => (
                <ThreadRowView
                  key={`${t.name}#${t.threadId ?? ''}`}
                  thread={t}
                  expanded={expanded.has(t.name)}
                  highlighted={highlighted === t.name}
                  onToggle={() => toggleStack(t.name)}
                  onOwner={jumpToOwner}
                  rowRef={(el) => {
                    if (el) {
                      rowRefs.current.set(t.name, el);
                    } else {
                      rowRefs.current.delete(t.name);
                    }
                  }}
                />
              ))}
            </tbody>
          </table>
        ) : (
          <StackGroups groups={meta.stackGroups} />
        )}
        {mode === 'threads' && (
          <div className={styles.muted} data-testid="osprey-td-shown">
            {shown.length} of {threads.length} threads
          </div>
        )}
      </div>
    </>
  );
}

function ThreadRowView({
  thread: t,
  expanded,
  highlighted,
  onToggle,
  onOwner,
  rowRef,
}: {
  thread: ThreadRow;
  expanded: boolean;
  highlighted: boolean;
  onToggle: () => void;
  onOwner: (owner: string) => void;
  rowRef: (el: HTMLTableRowElement | null) => void;
}) {
  const styles = useStyles2(getStyles);
  const w = t.waitingOn;
  return (
    <>
      <tr
        ref={rowRef}
        className={cx(highlighted && styles.highlight)}
        data-testid="osprey-td-row"
        data-thread={t.name}
        data-highlighted={highlighted ? 'true' : undefined}
      >
        <td>
          {t.stack.length > 0 && (
            <button
              type="button"
              className={styles.iconButton}
              aria-label={`${expanded ? 'Hide' : 'Show'} stack of ${t.name}`}
              aria-expanded={expanded}
              onClick={onToggle}
            >
              <Icon name={expanded ? 'angle-down' : 'angle-right'} />
            </button>
          )}
        </td>
        <td className={styles.name}>
          {t.name}
          {t.virtual && <span className={styles.tag}>virtual</span>}
          {t.daemon && <span className={styles.tag}>daemon</span>}
        </td>
        <td>
          <span className={styles.chip(STATE_COLORS[t.state])}>{t.state}</span>
        </td>
        <td className={styles.num}>{formatMs(t.cpuMs)}</td>
        <td>
          {w &&
            (w.owner ? (
              <button
                type="button"
                className={styles.lock}
                data-testid="osprey-td-lock"
                data-owner={w.owner}
                title={`${w.kind ?? ''} ${w.lock} ${w.className ?? ''}: jump to its owner ${w.owner}`}
                onClick={() => onOwner(w.owner!)}
              >
                {shortClass(w.className)} {w.lock} → {w.owner}
              </button>
            ) : (
              <span className={styles.muted} title={w.className}>
                {w.kind} {shortClass(w.className)} {w.lock}
              </span>
            ))}
        </td>
        <td className={styles.muted}>{t.locksHeld.map((l) => `${shortClass(l.className)} ${l.id}`).join(', ')}</td>
      </tr>
      {expanded && (
        <tr data-testid="osprey-td-stack">
          <td />
          <td colSpan={5}>
            <pre className={styles.stack}>{t.stack.map((f) => `at ${f}`).join('\n')}</pre>
          </td>
        </tr>
      )}
    </>
  );
}

function StackGroups({ groups }: { groups: ThreadDumpFrameMeta['stackGroups'] }) {
  const styles = useStyles2(getStyles);
  return (
    <div data-testid="osprey-td-groups">
      {groups.map((g, i) => (
        <details key={i} className={styles.group} data-testid="osprey-td-group">
          <summary>
            <b>{g.count}</b> {g.count === 1 ? 'thread' : 'threads'}{' '}
            <span className={styles.chip(STATE_COLORS[g.state])}>{g.state}</span>{' '}
            <span className={styles.name}>{g.stack[0]}</span>
            <div className={styles.muted}>
              {g.threads.slice(0, 8).join(', ')}
              {g.threads.length > 8 ? `, … ${g.threads.length - 8} more` : ''}
            </div>
          </summary>
          <pre className={styles.stack}>{g.stack.map((f) => `at ${f}`).join('\n')}</pre>
        </details>
      ))}
    </div>
  );
}

const CHANGE_COLORS: Record<DiffRow['change'], string> = { new: 'green', gone: 'red', changed: 'orange', same: 'text' };

function CompareView({ meta, rows }: { meta: ThreadDumpDiffFrameMeta; rows: DiffRow[] }) {
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

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    overflow: 'hidden',
    fontSize: theme.typography.bodySmall.fontSize,
    position: 'relative',
  }),
  empty: css({ color: theme.colors.text.secondary, padding: theme.spacing(1) }),
  header: css({ flex: 'none', display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: theme.spacing(1) }),
  // The Alert grows in a flex column; this box keeps the banners their own height.
  banners: css({ flex: 'none', display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  title: css({ fontWeight: theme.typography.fontWeightMedium, fontSize: theme.typography.body.fontSize }),
  muted: css({ color: theme.colors.text.secondary }),
  error: css({ color: theme.colors.error.text }),
  banner: css({ marginBottom: 0 }),
  requestBar: css({
    flex: 'none',
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'center',
    justifyContent: 'flex-end',
  }),
  toolbar: css({ flex: 'none', display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(1) }),
  chips: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  chip: (color: string) => {
    const c = color === 'text' ? theme.colors.text.secondary : theme.visualization.getColorByName(color);
    return css({
      display: 'inline-block',
      border: `1px solid ${c}`,
      color: c,
      background: 'transparent',
      borderRadius: theme.shape.radius.pill,
      padding: theme.spacing(0, 0.75),
      fontSize: theme.typography.bodySmall.fontSize,
      lineHeight: 1.6,
      cursor: 'default',
      whiteSpace: 'nowrap',
      'button&': { cursor: 'pointer' },
    });
  },
  chipOn: css({ background: theme.colors.action.selected, fontWeight: theme.typography.fontWeightBold }),
  search: css({ width: 240 }),
  scroll: css({ flex: 1, overflow: 'auto', minHeight: 0 }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.25, 0.75),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: {
      position: 'sticky',
      top: 0,
      background: theme.colors.background.primary,
      color: theme.colors.text.secondary,
      fontWeight: theme.typography.fontWeightMedium,
    },
    'tbody tr:hover': { background: theme.colors.action.hover },
  }),
  num: css({ textAlign: 'right !important' as 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }),
  name: css({ fontFamily: theme.typography.fontFamilyMonospace, overflowWrap: 'anywhere' }),
  frame: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    wordBreak: 'break-all',
    color: theme.colors.text.secondary,
  }),
  tag: css({
    display: 'inline-block',
    marginLeft: theme.spacing(0.5),
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    color: theme.colors.text.secondary,
    fontFamily: theme.typography.fontFamily,
  }),
  highlight: css({
    background: `${theme.colors.warning.transparent} !important`,
    outline: `2px solid ${theme.colors.warning.main}`,
    outlineOffset: -2,
  }),
  iconButton: css({
    background: 'none',
    border: 'none',
    color: theme.colors.text.primary,
    cursor: 'pointer',
    padding: 0,
  }),
  lock: css({
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.link,
    cursor: 'pointer',
    textAlign: 'left',
    fontFamily: theme.typography.fontFamilyMonospace,
    '&:hover': { textDecoration: 'underline' },
  }),
  stack: css({
    margin: 0,
    padding: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
  }),
  group: css({
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    padding: theme.spacing(0.5, 0),
    summary: { cursor: 'pointer' },
  }),
});
