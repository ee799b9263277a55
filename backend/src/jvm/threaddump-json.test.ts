import { readFileSync } from 'fs';
import { join } from 'path';
import { analyzeThreadDump, parseThreadDumpJson, ThreadDumpParseError } from '.';

const fixture = (path: string) => readFileSync(join(__dirname, '../../../test/fixtures/jvm', path), 'utf8');

type RawThread = Record<string, unknown>;
type RawDump = {
  threadDump: { threadContainers: Array<{ threads: RawThread[] } & Record<string, unknown>> } & Record<string, unknown>;
};

/** Rewrites every thread of a real JSON dump, to get the forms other JDK versions write. */
function rewrite(
  text: string,
  thread: (t: RawThread) => RawThread,
  container = (c: Record<string, unknown>) => c
): string {
  const raw = JSON.parse(text) as RawDump;
  raw.threadDump.threadContainers = raw.threadDump.threadContainers.map((c) => ({
    ...container(c),
    threads: c.threads.map(thread),
  }));
  return JSON.stringify(raw, null, 2);
}

describe('jcmd Thread.dump_to_file -format=json (Temurin 25, ShopWorkload)', () => {
  const d = analyzeThreadDump(parseThreadDumpJson(fixture('jdk25/thread-dump.json')));

  it('reads time, version, pid, containers and all 226 threads', () => {
    expect(d.format).toBe('json');
    expect(d.takenAt).toBe(Date.parse('2026-11-22T02:51:17.281652419Z'));
    expect(d.jvmVersion).toBe('25.0.3+9-LTS');
    expect(d.pid).toBe(6124);
    expect(d.threads).toHaveLength(226);
    expect(d.containers?.map((c) => c.threadCount)).toEqual([22, 0, 0, 1, 200, 3]);
    expect(d.containers?.[0]).toEqual({ name: '<root>', threadCount: 22 });
    expect(d.unparsed).toEqual([]);
  });

  it('flags exactly the 3 virtual threads checkout-vt-0..2', () => {
    const virtual = d.threads.filter((t) => t.virtual);
    expect(virtual.map((t) => t.name).sort()).toEqual(['checkout-vt-0', 'checkout-vt-1', 'checkout-vt-2']);
    expect(d.summary.virtual).toBe(3);
    for (const t of virtual) {
      expect(t.state).toBe('TIMED_WAITING');
      expect(t.stack.at(-1)).toMatch(/java\.lang\.VirtualThread\.run/);
    }
  });

  it('finds the three-way monitor deadlock from blockedOn + monitorsOwned', () => {
    expect(d.deadlocks.map((x) => [x.kind, x.threads])).toEqual([
      ['monitor', ['cart-worker', 'payment-worker', 'shipping-worker']],
    ]);
    expect(d.jvmDeadlocks).toEqual([]);
    expect(d.deadlocksAgree).toBeUndefined();
  });

  it('shows the readers parked on the read/write lock; the JSON names no synchronizer owner', () => {
    const readers = d.threads.filter((t) => t.name.startsWith('catalog-reader-'));
    expect(readers).toHaveLength(5);
    for (const r of readers) {
      expect(r.waitingOn).toMatchObject({
        kind: 'park',
        className: 'java.util.concurrent.locks.ReentrantReadWriteLock$NonfairSync',
      });
      expect(r.waitingOn?.owner).toBeUndefined();
    }
  });

  it('groups the 200 ajp-nio-8009-exec threads first; report-generators are RUNNABLE', () => {
    expect(d.stackGroups[0].count).toBe(200);
    expect(d.stackGroups[0].threads.every((n) => n.startsWith('ajp-nio-8009-exec-'))).toBe(true);
    expect(d.threads.filter((t) => t.name.startsWith('report-generator-')).map((t) => t.state)).toEqual([
      'RUNNABLE',
      'RUNNABLE',
    ]);
    expect(d.threads.find((t) => t.name === 'ajp-nio-8009-exec-31')?.container).toBe(
      'java.util.concurrent.ThreadPoolExecutor@29453f44'
    );
  });

  it('does not count the monitor Finalizer waits on as held', () => {
    const f = d.threads.find((t) => t.name === 'Finalizer');
    expect(f?.waitingOn).toMatchObject({ kind: 'wait', className: 'java.lang.ref.ReferenceQueue$Lock' });
    expect(f?.locksHeld).toEqual([]);
  });
});

describe('JSON dump of LockWorkload (Temurin 25)', () => {
  const d = analyzeThreadDump(parseThreadDumpJson(fixture('jdk25/lock-thread-dump.json')));

  it('ties the mounted virtual thread to its carrier', () => {
    const vt = d.threads.find((t) => t.name === 'vt-spinner');
    expect(vt).toMatchObject({ virtual: true, state: 'RUNNABLE' });
    const carrier = d.threads.find((t) => t.id === vt?.carrierId);
    expect(carrier?.name).toMatch(/^ForkJoinPool-1-worker-\d+$/);
  });

  it('gives the monitor waiter its owner; without synchronizer owners no cycle is claimed', () => {
    expect(d.threads.find((t) => t.name === 'stock-updater')?.waitingOn).toMatchObject({
      kind: 'monitor',
      owner: 'price-updater',
    });
    expect(d.threads.find((t) => t.name === 'ledger-writer')?.waitingOn).toMatchObject({ kind: 'park' });
    expect(d.deadlocks).toEqual([]);
  });

  it('takes the monitor a notified thread waits to re-enter from its own frames (no blockedOn written)', () => {
    const w = d.threads.find((t) => t.name === 'relock-waiter');
    expect(w?.state).toBe('BLOCKED');
    expect(w?.waitingOn).toMatchObject({ kind: 'monitor', className: 'java.lang.Object', owner: 'relock-notifier' });
    expect(w?.locksHeld).toEqual([]);
    expect(d.threads.find((t) => t.name === 'mailbox-waiter')?.waitingOn).toMatchObject({ kind: 'wait' });
    expect(d.threads.find((t) => t.name === 'mailbox-waiter')?.waitingOn?.owner).toBeUndefined();
  });
});

describe('other JSON forms, from the real dump', () => {
  const real = fixture('jdk25/thread-dump.json');

  it('JDK 21 form (strings only; tid, name, stack): virtual threads and states inferred', () => {
    const jdk21 = rewrite(real, (t) => ({ tid: t.tid, name: t.name, stack: t.stack }));
    const d = analyzeThreadDump(parseThreadDumpJson(jdk21));
    expect(d.threads).toHaveLength(226);
    expect(
      d.threads
        .filter((t) => t.virtual)
        .map((t) => t.name)
        .sort()
    ).toEqual(['checkout-vt-0', 'checkout-vt-1', 'checkout-vt-2']);
    expect(d.threads.every((t) => t.stateInferred)).toBe(true);
    expect(d.threads.find((t) => t.name === 'main')?.state).toBe('TIMED_WAITING');
    expect(d.threads.find((t) => t.name === 'catalog-reader-0')?.state).toBe('WAITING');
    expect(d.threads.find((t) => t.name === 'report-generator-0')?.state).toBe('RUNNABLE');
    expect(d.stackGroups[0].count).toBe(200);
    expect(d.deadlocks).toEqual([]);
  });

  it('numeric form (tid, counts, park-blocker owner as numbers)', () => {
    const reindexer = 24;
    const numeric = rewrite(
      real,
      (t) => {
        const out: RawThread = { ...t, tid: Number(t.tid) };
        if (String(t.name).startsWith('catalog-reader-')) {
          out.parkBlocker = { ...(t.parkBlocker as object), owner: reindexer };
        }
        return out;
      },
      (c) => ({ ...c, threadCount: Number(c.threadCount) })
    );
    const d = analyzeThreadDump(parseThreadDumpJson(numeric));
    expect(d.threads.find((t) => t.name === 'main')?.id).toBe(3);
    expect(d.threads.find((t) => t.id === reindexer)?.name).toBe('catalog-reindexer');
    expect(d.containers?.map((c) => c.threadCount)).toEqual([22, 0, 0, 1, 200, 3]);
    expect(d.threads.filter((t) => t.waitingOn?.owner === 'catalog-reindexer')).toHaveLength(5);
  });

  it('tolerates a trailing comma before a closing bracket', () => {
    const withComma = real.replace('"threadCount": "22"\n', '"threadCount": "22",\n');
    expect(withComma).not.toBe(real);
    expect(parseThreadDumpJson(withComma).threads).toHaveLength(226);
  });

  it.each([
    ['broken JSON', '{"threadDump": {'],
    ['JSON of something else', '{"resourceSpans": []}'],
    ['a text dump', fixture('jdk25/lock-jstack-l.txt')],
  ])('throws ThreadDumpParseError for %s', (_what, text) => {
    expect(() => parseThreadDumpJson(text)).toThrow(ThreadDumpParseError);
    expect(() => parseThreadDumpJson(text)).toThrow(/not a jcmd JSON thread dump/);
  });
});
