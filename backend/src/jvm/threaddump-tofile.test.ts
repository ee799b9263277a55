import { readFileSync } from 'fs';
import { join } from 'path';
import type { JvmThread } from '@osprey/model';
import { analyzeThreadDump, parseThreadDump, parseThreadDumpJson, parseThreadDumpToFileText } from '.';

const fixture = (path: string) => readFileSync(join(__dirname, '../../../test/fixtures/jvm', path), 'utf8');

/** What both forms of Thread.dump_to_file print about a thread (the JSON adds carrier and container). */
const comparable = (t: JvmThread) => ({
  name: t.name,
  id: t.id,
  state: t.state,
  virtual: t.virtual,
  stack: t.stack,
  locksHeld: t.locksHeld,
  waitingOn: t.waitingOn,
});

describe('jcmd Thread.dump_to_file text form (Temurin 25, VirtualWorkload)', () => {
  const text = fixture('jdk25/vt-thread-dump.txt');
  const d = analyzeThreadDump(parseThreadDumpToFileText(text));

  it('reads pid, time, version and every thread, nothing left over', () => {
    expect(d.pid).toBe(5028);
    expect(d.takenAt).toBe(Date.parse('2026-12-06T22:52:51.180544428Z'));
    expect(d.jvmVersion).toBe('25.0.3+9-LTS');
    expect(d.source).toBe('dump-to-file');
    expect(d.threads).toHaveLength(23);
    expect(d.unparsed).toEqual([]);
  });

  it('flags exactly the virtual threads the workload started, with their states', () => {
    const virtual = d.threads.filter((t) => t.virtual).map((t) => [t.name, t.state]);
    expect(virtual.sort()).toEqual([
      ['vt-fifo-reader', 'RUNNABLE'],
      ['vt-gate-0', 'WAITING'],
      ['vt-gate-1', 'WAITING'],
      ['vt-order-0', 'TIMED_WAITING'],
      ['vt-order-1', 'TIMED_WAITING'],
      ['vt-sleeper-0', 'TIMED_WAITING'],
      ['vt-sleeper-1', 'TIMED_WAITING'],
      ['vt-sleeper-2', 'TIMED_WAITING'],
    ]);
    expect(d.summary.virtual).toBe(8);
  });

  it('reads lock lines: the monitor deadlock, parked virtual threads, Object.wait()', () => {
    expect(d.deadlocks.map((x) => [x.kind, [...x.threads].sort()])).toEqual([
      ['monitor', ['left-locker', 'right-locker']],
    ]);
    const left = d.threads.find((t) => t.name === 'left-locker')!;
    expect(left.waitingOn).toMatchObject({ kind: 'monitor', className: 'java.lang.Object', owner: 'right-locker' });
    const gate = d.threads.find((t) => t.name === 'vt-gate-0')!;
    expect(gate.waitingOn).toMatchObject({
      kind: 'park',
      className: 'java.util.concurrent.locks.ReentrantLock$NonfairSync',
    });
    expect(gate.stack[0]).toBe('java.base/java.lang.VirtualThread.park(VirtualThread.java:742)');
    const finalizer = d.threads.find((t) => t.name === 'Finalizer')!;
    expect(finalizer.waitingOn?.kind).toBe('wait');
    expect(finalizer.locksHeld).toEqual([]);
  });

  it('is what an upload of that text parses to (no "Full thread dump" header needed)', () => {
    expect(analyzeThreadDump(parseThreadDump(text)).threads.map(comparable)).toEqual(d.threads.map(comparable));
  });

  it('parses to the same threads as the JSON form taken from the same JVM right after', () => {
    const json = analyzeThreadDump(parseThreadDumpJson(fixture('jdk25/vt-thread-dump.json')));
    // Attach Listener runs the dump itself: its stack is the writer of each form, not the same.
    const byId = (ts: JvmThread[]) =>
      ts
        .filter((t) => t.name !== 'Attach Listener')
        .map(comparable)
        .sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    expect(byId(d.threads)).toEqual(byId(json.threads));
    expect(d.threads.map((t) => t.name).sort()).toEqual(json.threads.map((t) => t.name).sort());
  });

  it('refuses text that only starts with a number', () => {
    expect(() => parseThreadDumpToFileText('123\nnot a time\nx\n')).toThrow(/not a Thread.dump_to_file text dump/);
  });
});
