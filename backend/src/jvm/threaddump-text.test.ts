import { readFileSync } from 'fs';
import { join } from 'path';
import type { AnalyzedThreadDump, JvmThread } from '@osprey/model';
import { analyzeThreadDump, parseThreadDump, parseThreadDumpText, parseThreadHeader, ThreadDumpParseError } from '.';

const fixture = (path: string) => readFileSync(join(__dirname, '../../../test/fixtures/jvm', path), 'utf8');
const byName = (d: { threads: JvmThread[] }, name: string) => {
  const t = d.threads.find((x) => x.name === name);
  if (!t) {
    throw new Error(`no thread ${name}`);
  }
  return t;
};

/** The ShopWorkload dumps: every one must show the facts in test/fixtures/jvm/README.md. */
const SHOP_DUMPS = [
  { file: 'jdk17/jstack-l.txt', jvmVersion: '17.0.15+6-Debian-1deb12u1', pid: undefined, threads: 232, smr: 224 },
  { file: 'jdk17/jcmd-thread-print.txt', jvmVersion: '17.0.15+6-Debian-1deb12u1', pid: 5794, threads: 232, smr: 224 },
  { file: 'jdk25/jstack-l.txt', jvmVersion: '25.0.3+9-LTS', pid: undefined, threads: 235, smr: 227 },
  { file: 'jdk25/jcmd-thread-print.txt', jvmVersion: '25.0.3+9-LTS', pid: 6124, threads: 235, smr: 227 },
];

describe.each(SHOP_DUMPS)('ShopWorkload text dump $file', ({ file, jvmVersion, pid, threads, smr }) => {
  let d: AnalyzedThreadDump;
  beforeAll(() => {
    d = analyzeThreadDump(parseThreadDumpText(fixture(file)));
  });

  it('reads the header, SMR block, JNI footer and every thread, leaving nothing unparsed', () => {
    expect(d.jvmVersion).toBe(jvmVersion);
    expect(d.vmName).toBe('OpenJDK 64-Bit Server VM');
    expect(d.pid).toBe(pid);
    expect(d.takenAt).toBe(
      Date.parse(
        `${fixture(file)
          .match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/m)![0]
          .replace(' ', 'T')}Z`
      )
    );
    expect(d.threads).toHaveLength(threads);
    expect(d.summary.total).toBe(threads);
    expect(d.smrThreadCount).toBe(smr);
    expect(d.jniGlobalRefs).toBe(4);
    expect(d.jniWeakRefs).toBe(0);
    expect(d.unparsed).toEqual([]);
  });

  it('finds the three-way monitor deadlock itself, agreeing with the JVM section', () => {
    const cycle = ['cart-worker', 'payment-worker', 'shipping-worker'];
    expect(d.deadlocks).toHaveLength(1);
    expect(d.deadlocks[0].kind).toBe('monitor');
    expect(d.deadlocks[0].threads).toEqual(cycle);
    expect(d.deadlocks[0].edges.map((e) => e.heldBy)).toEqual(['payment-worker', 'shipping-worker', 'cart-worker']);
    expect(d.jvmDeadlocks).toHaveLength(1);
    expect(d.jvmDeadlocks[0]).toEqual(d.deadlocks[0]);
    expect(d.deadlocksAgree).toBe(true);
    expect(d.summary.deadlockedThreads).toBe(3);
    for (const name of cycle) {
      expect(byName(d, name).state).toBe('BLOCKED');
      expect(byName(d, name).waitingOn?.kind).toBe('monitor');
    }
  });

  it('finds the same deadlock with the JVM section cut off', () => {
    const text = fixture(file);
    const alone = analyzeThreadDump(parseThreadDumpText(text.slice(0, text.indexOf('Found one Java-level deadlock'))));
    expect(alone.jvmDeadlocks).toEqual([]);
    expect(alone.deadlocks.map((x) => [x.kind, x.threads])).toEqual([
      ['monitor', ['cart-worker', 'payment-worker', 'shipping-worker']],
    ]);
  });

  it('gives the 5 catalog readers the write-lock holder catalog-reindexer as owner', () => {
    const holder = byName(d, 'catalog-reindexer');
    expect(holder.locksHeld).toEqual([
      expect.objectContaining({
        className: 'java.util.concurrent.locks.ReentrantReadWriteLock$NonfairSync',
        kind: 'synchronizer',
      }),
    ]);
    const readers = d.threads.filter((t) => t.name.startsWith('catalog-reader-'));
    expect(readers.map((t) => t.name)).toEqual([0, 1, 2, 3, 4].map((i) => `catalog-reader-${i}`));
    for (const r of readers) {
      expect(r.state).toBe('WAITING');
      expect(r.waitingOn).toEqual({
        id: holder.locksHeld[0].id,
        className: 'java.util.concurrent.locks.ReentrantReadWriteLock$NonfairSync',
        kind: 'park',
        owner: 'catalog-reindexer',
      });
    }
    expect(d.threads.filter((t) => t.waitingOn?.owner === 'catalog-reindexer')).toHaveLength(5);
  });

  it('groups the 200 ajp-nio-8009-exec threads as one identical stack, the largest group', () => {
    const [top, second] = d.stackGroups;
    expect(top.count).toBe(200);
    expect(top.threads).toHaveLength(200);
    expect(top.threads.every((n) => n.startsWith('ajp-nio-8009-exec-'))).toBe(true);
    expect(top.state).toBe('WAITING');
    expect(top.stack.some((f) => f.startsWith('java.util.concurrent.LinkedBlockingQueue.take'))).toBe(true);
    expect(second.count).toBeLessThan(200);
    expect(d.threads.filter((t) => t.name.startsWith('ajp-nio-8009-exec-'))).toHaveLength(200);
  });

  it('shows report-generator-0/1 as RUNNABLE daemon threads with the most CPU', () => {
    for (const name of ['report-generator-0', 'report-generator-1']) {
      const t = byName(d, name);
      expect(t).toMatchObject({ state: 'RUNNABLE', daemon: true, priority: 5 });
      expect(t.cpuMs).toBeGreaterThan(4000);
      expect(t.elapsedMs).toBeGreaterThan(5000);
    }
    expect(
      d.topCpu
        .slice(0, 2)
        .map((t) => t.name)
        .sort()
    ).toEqual(['report-generator-0', 'report-generator-1']);
  });

  // The shared README says 4 metrics-flush threads, but the dumps hold one: a ScheduledThreadPool
  // of core size 4 starts a thread per scheduled task, and ShopWorkload schedules one task.
  it('lists the one metrics-flush scheduled-pool thread, parked TIMED_WAITING on its delay queue', () => {
    const flush = d.threads.filter((t) => /^metrics-flush-\d+$/.test(t.name));
    expect(flush).toHaveLength(1);
    for (const t of flush) {
      expect(['WAITING', 'TIMED_WAITING']).toContain(t.state);
      expect(t.stack.some((f) => f.includes('ScheduledThreadPoolExecutor$DelayedWorkQueue.take'))).toBe(true);
    }
  });

  it('does not make an Object.wait() thread its own owner, nor count its released monitor as held', () => {
    const finalizer = byName(d, 'Finalizer');
    expect(finalizer.waitingOn).toMatchObject({ kind: 'wait', className: 'java.lang.ref.ReferenceQueue$Lock' });
    expect(finalizer.waitingOn?.owner).toBeUndefined();
    expect(finalizer.locksHeld).toEqual([]);
    expect(finalizer.frameLocks?.map((l) => l.action)).toEqual(['waiting on', 'locked']);
  });

  it('keeps VM-internal threads with their header state and no stack', () => {
    const vm = byName(d, 'VM Thread');
    expect(vm).toMatchObject({ vmInternal: true, stateInferred: true, state: 'RUNNABLE', stack: [] });
    expect(vm.id).toBeUndefined();
    expect(byName(d, 'C2 CompilerThread0').notes).toEqual(['No compile task']);
  });
});

/** LockWorkload dumps (made here with the JVMs on the machine; see the fixtures README). */
describe.each([
  { file: 'jdk17/lock-jstack-l.txt', dashL: true },
  { file: 'jdk17/lock-jcmd-thread-print.txt', dashL: true },
  { file: 'jdk17/lock-jstack.txt', dashL: false },
  { file: 'jdk17/lock-jstack-e.txt', dashL: false },
  { file: 'jdk25/lock-jstack-l.txt', dashL: true },
  { file: 'jdk25/lock-jcmd-thread-print.txt', dashL: true },
  { file: 'jdk25/lock-jstack.txt', dashL: false },
  { file: 'jdk25/lock-jstack-e.txt', dashL: false },
])('LockWorkload text dump $file', ({ file, dashL }) => {
  let d: AnalyzedThreadDump;
  beforeAll(() => {
    d = analyzeThreadDump(parseThreadDumpText(fixture(file)));
  });

  it('finds the ReentrantLock deadlock (synchronizer) and the mixed one, as the JVM does', () => {
    expect(d.deadlocks.map((x) => [x.kind, x.threads])).toEqual([
      ['synchronizer', ['ledger-writer', 'audit-writer']],
      ['mixed', ['price-updater', 'stock-updater']],
    ]);
    expect(d.jvmDeadlocks.map((x) => [x.kind, x.threads])).toEqual([
      ['synchronizer', ['ledger-writer', 'audit-writer']],
      ['mixed', ['price-updater', 'stock-updater']],
    ]);
    expect(d.deadlocksAgree).toBe(true);
    expect(d.summary.deadlockedThreads).toBe(4);
    const mixed = d.deadlocks[1].edges;
    expect(mixed.map((e) => [e.thread, e.lock.kind, e.lock.className, e.heldBy])).toEqual([
      ['price-updater', 'synchronizer', 'java.util.concurrent.locks.ReentrantLock$NonfairSync', 'stock-updater'],
      ['stock-updater', 'monitor', 'java.lang.Object', 'price-updater'],
    ]);
    expect(d.unparsed).toEqual([]);
  });

  it('resolves each waiter to its owner through monitors and ownable synchronizers', () => {
    expect(byName(d, 'ledger-writer').waitingOn).toMatchObject({ kind: 'park', owner: 'audit-writer' });
    expect(byName(d, 'audit-writer').waitingOn).toMatchObject({ kind: 'park', owner: 'ledger-writer' });
    expect(byName(d, 'price-updater').waitingOn).toMatchObject({ kind: 'park', owner: 'stock-updater' });
    expect(byName(d, 'stock-updater').waitingOn).toMatchObject({ kind: 'monitor', owner: 'price-updater' });
    expect(byName(d, 'price-updater').locksHeld).toEqual([
      expect.objectContaining({ kind: 'monitor', className: 'java.lang.Object' }),
    ]);
    // Without -l the JVM prints no "Locked ownable synchronizers"; the owners above then come from
    // its deadlock section.
    expect(byName(d, 'stock-updater').locksHeld).toEqual(
      dashL
        ? [
            expect.objectContaining({
              kind: 'synchronizer',
              className: 'java.util.concurrent.locks.ReentrantLock$NonfairSync',
            }),
          ]
        : []
    );
  });

  it('gives the notified relock-waiter, BLOCKED re-entering its monitor, the owner relock-notifier', () => {
    const w = byName(d, 'relock-waiter');
    expect(w.state).toBe('BLOCKED');
    expect(w.waitingOn).toMatchObject({ kind: 'monitor', className: 'java.lang.Object', owner: 'relock-notifier' });
    expect(w.locksHeld).toEqual([]);
    expect(w.frameLocks?.map((l) => l.action)).toEqual(['waiting to re-lock', 'locked']);
    expect(byName(d, 'relock-notifier').locksHeld).toEqual([
      expect.objectContaining({ id: w.waitingOn?.id, kind: 'monitor' }),
    ]);
  });

  it('leaves mailbox-waiter (Object.wait on a monitor it released) unowned and out of any deadlock', () => {
    const w = byName(d, 'mailbox-waiter');
    expect(w.state).toBe('WAITING');
    expect(w.waitingOn).toMatchObject({ kind: 'wait', className: 'java.lang.Object' });
    expect(w.waitingOn?.owner).toBeUndefined();
    expect(w.locksHeld).toEqual([]);
  });
});

describe('Object.wait() printed with "no object reference available" (JDK 17)', () => {
  const d = analyzeThreadDump(parseThreadDumpText(fixture('jdk17/object-wait-no-reference.txt')));

  it('takes the monitor from the caller frame, so no waiter looks like the holder of the others', () => {
    expect(d.threads.map((t) => t.name)).toEqual(['waiter-0', 'waiter-124', 'waiter-125']);
    for (const t of d.threads) {
      expect(t.waitingOn).toEqual({ id: '0x000000069c0d5598', className: 'java.lang.Object', kind: 'wait' });
      expect(t.locksHeld).toEqual([]);
    }
    expect(d.stackGroups).toEqual([expect.objectContaining({ count: 3 })]);
    expect(d.unparsed).toEqual([]);
  });
});

describe('jstack -e extras', () => {
  it.each(['jdk17/lock-jstack-e.txt', 'jdk25/lock-jstack-e.txt'])(
    '%s: allocated= and defined_classes= per thread',
    (file) => {
      const text = fixture(file);
      const d = parseThreadDumpText(text);
      const main = byName(d, 'main');
      const [, amount, unit, classes] = text.match(/^"main" .* allocated=(\d+)([BKMG]) defined_classes=(\d+) /m)!;
      expect(main.allocatedBytes).toBe(Number(amount) * { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[unit as 'B']!);
      expect(main.allocatedBytes).toBeGreaterThan(1024);
      expect(main.definedClasses).toBe(Number(classes));
      expect(d.threads.filter((t) => !t.vmInternal).every((t) => t.allocatedBytes !== undefined)).toBe(true);
      expect(d.unparsed).toEqual([]);
    }
  );
});

describe('carrier threads of virtual threads (JDK 25)', () => {
  it.each(['jdk25/lock-jstack-l.txt', 'jdk25/lock-jcmd-thread-print.txt'])('%s', (file) => {
    const d = parseThreadDumpText(fixture(file));
    const carriers = d.threads.filter((t) => t.carryingVirtualThread !== undefined);
    expect(carriers).toHaveLength(1);
    const [c] = carriers;
    expect(c.name).toMatch(/^ForkJoinPool-1-worker-\d+$/);
    expect(c.daemon).toBe(true);
    expect(c.stack[0]).toMatch(/^jdk\.internal\.vm\.Continuation\.run/);
    expect(c.mountedStack?.[0]).toMatch(/^LockWorkload\.lambda\$main\$4\(LockWorkload\.java:\d+\)$/);
    expect(c.mountedStack?.at(-1)).toMatch(/^jdk\.internal\.vm\.Continuation\.enter/);
    expect(c.cpuMs).toBeGreaterThan(1000);
  });
});

/** Header lines: real ones from the fixtures, and the same with the variants other JDKs/locales print. */
describe('parseThreadHeader', () => {
  it.each([
    {
      what: 'JDK 17: #id, hex nid, cpu= and elapsed=',
      line: '"cart-worker" #12 prio=5 os_prio=0 cpu=2.61ms elapsed=5.52s tid=0x00007f56d8122f00 nid=0x16b6 waiting for monitor entry  [0x00007f56a58fd000]',
      want: {
        name: 'cart-worker',
        id: 12,
        nid: '0x16b6',
        osId: 0x16b6,
        priority: 5,
        osPriority: 0,
        daemon: false,
        cpuMs: 2.61,
        elapsedMs: 5520,
        state: 'BLOCKED',
      },
    },
    {
      what: 'JDK 19+: #id [osid], decimal nid, daemon',
      line: '"Reference Handler" #12 [6135] daemon prio=10 os_prio=0 cpu=0.62ms elapsed=5.58s tid=0x00007f9fe40bc600 nid=6135 waiting on condition  [0x00007f9fe9086000]',
      want: {
        name: 'Reference Handler',
        id: 12,
        nid: '6135',
        osId: 6135,
        priority: 10,
        daemon: true,
        cpuMs: 0.62,
        elapsedMs: 5580,
      },
    },
    {
      what: 'locale decimal commas (cpu=4939,71ms elapsed=5,23s)',
      line: '"report-generator-0" #222 daemon prio=5 os_prio=0 cpu=4939,71ms elapsed=5,23s tid=0x00007f56d82784c0 nid=0x1789 runnable  [0x00007f56273fd000]',
      want: {
        name: 'report-generator-0',
        id: 222,
        daemon: true,
        cpuMs: 4939.71,
        elapsedMs: 5230,
        osId: 0x1789,
        state: 'RUNNABLE',
      },
    },
    {
      what: 'JDK 8: no cpu= / elapsed=',
      line: '"main" #1 prio=5 os_prio=0 tid=0x00007f56d8017ed0 nid=0x16a4 waiting on condition [0x00007f56de11e000]',
      want: { name: 'main', id: 1, priority: 5, osPriority: 0, nid: '0x16a4', osId: 0x16a4, state: 'WAITING' },
    },
    {
      what: 'JDK 7/8 without os_prio and #id',
      line: '"Finalizer" daemon prio=10 tid=0x00007f56d80f9790 nid=0x16ac in Object.wait() [0x00007f56b4426000]',
      want: { name: 'Finalizer', daemon: true, priority: 10, osId: 0x16ac, state: 'WAITING' },
    },
    {
      what: 'VM thread, name with a parenthesis and no #id',
      line: '"GC task thread#0 (ParallelGC)" os_prio=0 tid=0x00007f56d8041640 nid=0x16a5 runnable',
      want: { name: 'GC task thread#0 (ParallelGC)', osPriority: 0, osId: 0x16a5, state: 'RUNNABLE' },
    },
    {
      what: 'carrier thread: no nid, no status words',
      line: '"ForkJoinPool-1-worker-1" #29 [8426] daemon prio=5 os_prio=0 cpu=2371.82ms elapsed=2.50s tid=0x00007fe940110700  [0x00007fe944763000]',
      want: { name: 'ForkJoinPool-1-worker-1', id: 29, osId: 8426, daemon: true, cpuMs: 2371.82, state: 'RUNNABLE' },
    },
    {
      what: 'a name with quotes in it',
      line: '"pool "a" 1" #40 prio=5 os_prio=0 cpu=0.10ms elapsed=1.00s tid=0x00007f56d8017ed0 nid=0x1 sleeping [0x00007f56de11e000]',
      want: { name: 'pool "a" 1', id: 40, state: 'TIMED_WAITING' },
    },
  ])('$what', ({ line, want }) => {
    const t = parseThreadHeader(line);
    expect(t).toMatchObject(want);
    expect(t?.stateInferred).toBe(true);
  });

  it.each(['"cart-worker":', '"just a quoted line"', 'cart-worker #12 prio=5'])('rejects %s', (line) => {
    expect(parseThreadHeader(line)).toBeUndefined();
  });
});

/** One real dump rewritten into the forms other JDKs, locales, platforms and flags print. */
describe('variants of a real dump', () => {
  const base = fixture('jdk17/lock-jstack-l.txt');
  const jdk8 = base
    .replace(/ cpu=[\d.]+ms elapsed=[\d.]+s/g, '')
    .replace(/Threads class SMR info:\n[\s\S]*?\n\n/, '')
    .replace(/^Full thread dump .*$/m, 'Full thread dump Java HotSpot(TM) 64-Bit Server VM (25.202-b08 mixed mode):')
    .replace(/^JNI global refs: 4, weak refs: 0$/m, 'JNI global references: 7');

  it.each([
    {
      what: 'JDK 8 form (no cpu/elapsed, no SMR, old JNI footer)',
      text: jdk8,
      jvmVersion: '25.202-b08',
      cpu: false,
      jni: 7,
    },
    {
      what: 'comma decimals',
      text: base.replace(/(cpu=\d+)\.(\d+ms) (elapsed=\d+)\.(\d+s)/g, '$1,$2 $3,$4'),
      jvmVersion: '17.0.15+6-Debian-1deb12u1',
      cpu: true,
      jni: 4,
    },
    {
      what: 'CRLF line ends',
      text: base.replace(/\n/g, '\r\n'),
      jvmVersion: '17.0.15+6-Debian-1deb12u1',
      cpu: true,
      jni: 4,
    },
  ])('$what', ({ text, jvmVersion, cpu, jni }) => {
    const d = analyzeThreadDump(parseThreadDumpText(text));
    expect(d.jvmVersion).toBe(jvmVersion);
    expect(d.jniGlobalRefs).toBe(jni);
    expect(d.unparsed).toEqual([]);
    expect(d.threads).toHaveLength(parseThreadDumpText(base).threads.length);
    expect(byName(d, 'busy-hasher').cpuMs === undefined).toBe(!cpu);
    if (cpu) {
      expect(byName(d, 'busy-hasher').cpuMs).toBeCloseTo(
        parseThreadDumpText(base).threads.find((t) => t.name === 'busy-hasher')!.cpuMs!,
        2
      );
    }
    expect(d.deadlocks.map((x) => [x.kind, x.threads])).toEqual([
      ['synchronizer', ['ledger-writer', 'audit-writer']],
      ['mixed', ['price-updater', 'stock-updater']],
    ]);
    expect(d.deadlocksAgree).toBe(true);
    expect(byName(d, 'stock-updater').waitingOn?.owner).toBe('price-updater');
  });

  it('an eliminated lock (C2 scalar replacement) is shown but not held', () => {
    const text = base.replace(
      /(\tat LockWorkload\.lambda\$main\$0[^\n]*\n)\t- locked <0x[0-9a-f]+> \(a java\.lang\.Object\)/,
      '$1\t- eliminated <owner is scalar replaced> (a java.lang.Object)'
    );
    expect(text).not.toBe(base);
    const t = byName(parseThreadDumpText(text), 'price-updater');
    expect(t.frameLocks).toContainEqual({
      frame: expect.any(Number),
      action: 'eliminated',
      className: 'java.lang.Object',
    });
    expect(t.locksHeld).toEqual([]);
  });
});

describe('what is not a thread dump', () => {
  it('keeps unknown lines and carries on', () => {
    const text = fixture('jdk25/lock-jstack-l.txt').replace('JNI global refs', 'Some future line: 1\nJNI global refs');
    const d = parseThreadDumpText(text);
    expect(d.unparsed).toEqual([expect.stringMatching(/^line \d+: Some future line: 1$/)]);
    expect(d.jniGlobalRefs).toBe(4);
    expect(d.jvmDeadlocks).toHaveLength(2);
  });

  it.each([
    ['an attach error', '8284: com.sun.tools.attach.AttachNotSupportedException: Unable to open socket file'],
    ['a class histogram', fixture('jdk17/class_histogram.txt')],
    ['plain text', 'hello\nworld\n'],
  ])('throws ThreadDumpParseError for %s', (_what, text) => {
    expect(() => parseThreadDumpText(text)).toThrow(ThreadDumpParseError);
    expect(() => parseThreadDumpText(text)).toThrow(/not a thread dump/);
  });

  it('parseThreadDump picks text or JSON and rejects an empty body', () => {
    expect(parseThreadDump(fixture('jdk25/lock-jstack-l.txt')).format).toBe('text');
    expect(parseThreadDump(fixture('jdk25/lock-thread-dump.json')).format).toBe('json');
    expect(() => parseThreadDump('  \n')).toThrow(/body is empty/);
  });
});
