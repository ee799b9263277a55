import { cx } from '@emotion/css';
import { dateTimeFormat } from '@grafana/data';
import { Alert, Icon, Input, RadioButtonGroup, useStyles2 } from '@grafana/ui';
import type { JvmThreadState, ThreadDumpFrameMeta } from '@osprey/model';
import { toggled } from '@osprey/plugin-kit';
import { useEffect, useMemo, useRef, useState } from 'react';

import { cycleText, filterThreads, formatMs, shortClass, stateCounts, type ThreadRow } from './dump';
import { getStyles, STATE_COLORS } from './styles';
import type { ThreadDumpView } from './types';

export function DumpView({
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

  const toggleState = (s: JvmThreadState) => setStates((prev) => toggled(prev, s));
  const toggleStack = (name: string) => setExpanded((prev) => toggled(prev, name));
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
