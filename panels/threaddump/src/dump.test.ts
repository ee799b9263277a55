import { cycleText, filterThreads, readView, shortClass, stateCounts, type ThreadRow } from './dump';
import { diffFrame, dumpFrame } from './testFrames';

const dump = readView([dumpFrame()]);
if (dump.kind !== 'dump') {
  throw new Error('expected a dump view');
}
const threads: ThreadRow[] = dump.threads;

describe('readView', () => {
  it('reads the one-dump frame back into threads with their locks', () => {
    const cart = threads.find((t) => t.name === 'cart-worker')!;
    expect(cart).toMatchObject({ state: 'BLOCKED', threadId: 12, daemon: false, virtual: false });
    expect(cart.waitingOn).toMatchObject({ kind: 'monitor', owner: 'payment-worker', className: 'java.lang.Object' });
    expect(cart.locksHeld.length).toBe(1);
    expect(cart.stack[0]).toMatch(/^com\.|ShopWorkload/);
    expect(dump.meta.deadlocks).toHaveLength(1);
  });

  it('reads the diff frame into compare rows', () => {
    const view = readView([diffFrame()]);
    expect(view.kind).toBe('diff');
    if (view.kind === 'diff') {
      expect(view.rows.find((r) => r.name === 'busy-hasher')?.cpuDeltaMs).toBeGreaterThan(100);
      expect(view.meta).toMatchObject({ a: 'td-a', b: 'td-b' });
    }
  });

  it('is "none" without a thread-dump frame', () => {
    expect(readView([]).kind).toBe('none');
  });
});

describe('stateCounts', () => {
  it('counts every thread once, only states present', () => {
    const counts = stateCounts(threads);
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(threads.length);
    expect(counts.every((c) => c.count > 0)).toBe(true);
    expect(counts.find((c) => c.state === 'BLOCKED')?.count).toBe(dump.meta.summary.byState.BLOCKED);
  });
});

describe('filterThreads', () => {
  const names = (states: string[], search: string) =>
    filterThreads(threads, { states: new Set(states as never[]), search }).map((t) => t.name);

  it.each([
    ['no filter keeps all', [], '', threads.length],
    ['by state', ['BLOCKED'], '', dump.meta.summary.byState.BLOCKED],
    ['two states', ['BLOCKED', 'RUNNABLE'], '', dump.meta.summary.byState.BLOCKED + dump.meta.summary.byState.RUNNABLE],
    ['by name, any case', [], 'CART-WORKER', 1],
    [
      'by frame',
      [],
      'ReentrantReadWriteLock',
      threads.filter((t) => t.stack.some((f) => f.includes('ReentrantReadWriteLock'))).length,
    ],
    ['state and search together', ['RUNNABLE'], 'cart-worker', 0],
  ])('%s', (_name, states, search, expected) => {
    expect(names(states, search)).toHaveLength(expected as number);
  });

  it('search by frame finds the readers behind the write lock', () => {
    expect(names([], 'ReentrantReadWriteLock').length).toBeGreaterThanOrEqual(5);
  });
});

it.each([
  [{ threads: ['a', 'b', 'c'], kind: 'monitor' as const, edges: [] }, 'a → b → c → a'],
  [{ threads: ['x', 'y'], kind: 'mixed' as const, edges: [] }, 'x → y → x'],
])('cycleText %#', (d, text) => {
  expect(cycleText(d)).toBe(text);
});

it.each([
  ['java.lang.Object', 'Object'],
  ['java.util.concurrent.locks.ReentrantLock$NonfairSync', 'ReentrantLock$NonfairSync'],
  [undefined, ''],
])('shortClass(%p)', (c, s) => {
  expect(shortClass(c)).toBe(s);
});
