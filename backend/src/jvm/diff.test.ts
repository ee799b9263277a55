import { readFileSync } from 'fs';
import { join } from 'path';
import { diffThreadDumps, parseThreadDump } from '.';

const dump = (path: string) =>
  parseThreadDump(readFileSync(join(__dirname, '../../../test/fixtures/jvm', path), 'utf8'));

/** Each pair: `jstack -l` then `jcmd Thread.print -l` of the same JVM about a second later. */
describe.each([
  { jdk: 'jdk17', busy: ['report-generator-0', 'report-generator-1'] },
  { jdk: 'jdk25', busy: ['report-generator-0', 'report-generator-1'] },
])('two dumps of one ShopWorkload JVM ($jdk)', ({ jdk, busy }) => {
  const a = dump(`${jdk}/jstack-l.txt`);
  const b = dump(`${jdk}/jcmd-thread-print.txt`);
  const d = diffThreadDumps(a, b);

  it('matches every thread: nothing new, gone or changed', () => {
    expect(d.newThreads).toEqual([]);
    expect(d.goneThreads).toEqual([]);
    expect(d.changed).toEqual([]);
    expect(d.intervalMs).toBe(b.takenAt! - a.takenAt!);
  });

  it('ranks the CPU burners first with a CPU % over their own elapsed interval', () => {
    expect(
      d.cpu
        .slice(0, 2)
        .map((c) => c.name)
        .sort()
    ).toEqual(busy);
    for (const c of d.cpu.slice(0, 2)) {
      expect(c.cpuDeltaMs).toBeGreaterThan(100);
      expect(c.cpuPercent).toBeGreaterThan(20);
      expect(c.cpuPercent).toBeLessThanOrEqual(101);
    }
    const idle = d.cpu.find((c) => c.name === 'catalog-reindexer');
    expect(idle?.cpuDeltaMs).toBe(0);
  });

  it('reports the deadlocked and lock-blocked threads as stuck, not the idle pool', () => {
    const stuck = d.stuck.map((t) => t.name);
    expect(stuck).toEqual(
      expect.arrayContaining([
        'cart-worker',
        'payment-worker',
        'shipping-worker',
        'catalog-reader-0',
        'catalog-reader-4',
        ...busy,
      ])
    );
    expect(stuck.filter((n) => n.startsWith('ajp-nio-8009-exec-'))).toEqual([]);
    expect(stuck).not.toContain('catalog-reindexer');
  });
});

describe('two dumps of one LockWorkload JVM', () => {
  it.each(['jdk17', 'jdk25'])('%s: busy-hasher near one full core, deadlocked threads stuck', (jdk) => {
    const d = diffThreadDumps(dump(`${jdk}/lock-jstack-l.txt`), dump(`${jdk}/lock-jcmd-thread-print.txt`));
    const hasher = d.cpu.find((c) => c.name === 'busy-hasher');
    expect(hasher?.cpuPercent).toBeGreaterThan(50);
    expect(d.stuck.map((t) => t.name)).toEqual(
      expect.arrayContaining(['ledger-writer', 'audit-writer', 'price-updater', 'stock-updater', 'busy-hasher'])
    );
    expect(d.stuck.map((t) => t.name)).not.toContain('mailbox-waiter');
  });
});

describe('dumps of different workloads', () => {
  it('lists new, gone and changed threads by name + id', () => {
    const d = diffThreadDumps(dump('jdk17/jstack-l.txt'), dump('jdk17/lock-jstack-l.txt'));
    const added = d.newThreads.map((t) => t.name);
    const gone = d.goneThreads.map((t) => t.name);
    expect(added).toEqual(expect.arrayContaining(['ledger-writer', 'audit-writer', 'busy-hasher']));
    expect(gone).toEqual(expect.arrayContaining(['cart-worker', 'catalog-reindexer', 'ajp-nio-8009-exec-22']));
    expect(added).not.toContain('main');
    expect(gone).not.toContain('main');
    // main is #1 in both JVMs and asleep in Thread.sleep in both: matched, unchanged.
    expect(d.changed.map((t) => t.name)).not.toContain('main');
    expect(d.intervalMs).toBeGreaterThan(0);
  });

  it('reports a thread whose state and top frame moved', () => {
    const a = dump('jdk25/lock-jstack-l.txt');
    // stock-updater as it would look after getting the monitor: running one frame further down.
    const b = {
      ...a,
      threads: a.threads.map((t) =>
        t.name === 'stock-updater' ? { ...t, state: 'RUNNABLE' as const, stack: t.stack.slice(1) } : t
      ),
    };
    const d = diffThreadDumps(a, b);
    expect(d.changed).toEqual([
      {
        name: 'stock-updater',
        id: 24,
        before: { state: 'BLOCKED', topFrame: a.threads.find((t) => t.name === 'stock-updater')!.stack[0] },
        after: { state: 'RUNNABLE', topFrame: a.threads.find((t) => t.name === 'stock-updater')!.stack[1] },
      },
    ]);
  });

  it('uses the dump timestamps for CPU % when threads print no elapsed=', () => {
    const strip = (p: string) => {
      const t = dump(p);
      return { ...t, threads: t.threads.map(({ elapsedMs: _e, ...rest }) => rest) };
    };
    const a = strip('jdk17/lock-jstack-l.txt');
    const b = strip('jdk17/lock-jcmd-thread-print.txt');
    const d = diffThreadDumps(a, b);
    const hasher = d.cpu.find((c) => c.name === 'busy-hasher')!;
    expect(hasher.cpuPercent).toBeCloseTo((hasher.cpuDeltaMs / (b.takenAt! - a.takenAt!)) * 100, 0);
  });
});
