import type { Span } from '@osprey/model';

import { TRACE_SPREAD_NS } from '../derive/settle';
import { DEFAULT_SETTLE_MEMORY, fromMemory, type MemoryRuleInput, SettledTraces, SettleMemory } from './settle-memory';

const HOUR = TRACE_SPREAD_NS;
const T = BigInt('1763800000000000000');

describe('fromMemory', () => {
  const base: MemoryRuleInput = { held: true, minStart: T, floor: undefined, maybeSettled: false };
  it.each<[string, Partial<MemoryRuleInput>, boolean]>([
    ['every span held, empty store at open, never settled', {}, true],
    ['spans past the bound were not held', { held: false }, false],
    ['the filter says the trace may have settled before', { maybeSettled: true }, false],
    ['stored spans older than an hour before the trace', { floor: T - HOUR - BigInt(1) }, true],
    ['stored spans exactly an hour before the trace', { floor: T - HOUR }, false],
    ['stored spans within the hour before the trace', { floor: T - BigInt(1) }, false],
    ['stored spans after the trace', { floor: T + HOUR }, false],
    ['an old floor does not help a trace the filter may know', { floor: BigInt(0), maybeSettled: true }, false],
  ])('%s → %s', (_name, change, expected) => {
    expect(fromMemory({ ...base, ...change })).toBe(expected);
  });
});

describe('SettledTraces', () => {
  it('has no false negatives while a trace is remembered', () => {
    const filter = new SettledTraces(2 ** 16, 1000);
    const ids = Array.from({ length: 1000 }, (_, i) => i.toString(16).padStart(32, '0'));
    ids.forEach((id) => filter.add(id, BigInt(1)));
    expect(ids.filter((id) => !filter.has(id))).toEqual([]);
  });

  it('forgets the older generation once the newer is full, returning its newest start', () => {
    const filter = new SettledTraces(2 ** 12, 2);
    expect(filter.add('a', BigInt(10))).toBeUndefined();
    expect(filter.add('b', BigInt(30))).toBeUndefined();
    // Generation 2 begins: nothing forgotten yet.
    expect(filter.add('c', BigInt(20))).toBeUndefined();
    expect(filter.add('d', BigInt(5))).toBeUndefined();
    expect(filter.has('a')).toBe(true);
    // Generation 3 begins: a and b are forgotten; their spans started at most at 30.
    expect(filter.add('e', BigInt(1))).toBe(BigInt(30));
    expect(['c', 'd', 'e'].every((id) => filter.has(id))).toBe(true);
  });
});

function span(traceId: string, spanId: string, startNs: bigint, fields: Partial<Span> = {}): Span {
  return {
    traceId,
    spanId,
    name: 'GET /x',
    kind: 'client',
    startTimeUnixNano: startNs.toString(),
    durationNano: '1000000',
    status: 'unset',
    service: 'svc',
    resource: { 'service.name': 'svc', 'host.name': 'h' },
    attributes: { 'db.system': 'duckdb', 'http.route': '/x', 'enduser.id': 'u' },
    events: [{ name: 'e', timeUnixNano: startNs.toString(), attributes: {} }],
    ...fields,
  };
}

describe('SettleMemory', () => {
  const rule = { settleMs: 1000, maxWaitMs: 6000, maxTraces: 10 };
  const ids = (due: { fromMemory: Array<{ traceId: string }>; fromDatabase: Array<{ traceId: string }> }) => ({
    memory: due.fromMemory.map((entry) => entry.traceId),
    database: due.fromDatabase.map((entry) => entry.traceId),
  });

  it('holds the lean form of each span: only the attributes settling reads', () => {
    const memory = new SettleMemory(undefined);
    memory.add([span('t1', 's1', T)], 0);
    const [entry] = memory.due(10_000, rule).fromMemory;
    expect(entry.spans).toEqual([
      expect.objectContaining({ name: '', resource: {}, events: [], attributes: { 'db.system': 'duckdb' } }),
    ]);
  });

  it('finds quiet and overdue traces, oldest first, at most maxTraces', () => {
    const memory = new SettleMemory(undefined);
    memory.add([span('old', 's1', T)], 0);
    memory.add([span('busy', 's1', T)], 2000);
    memory.add([span('quiet', 's1', T)], 3000);
    // old and busy keep receiving: not quiet, overdue once their first span waited maxWaitMs.
    memory.add([span('busy', 's2', T), span('old', 's2', T)], 6400);
    expect(ids(memory.due(3999, rule))).toEqual({ memory: [], database: [] });
    expect(ids(memory.due(4000, rule))).toEqual({ memory: ['quiet'], database: [] });
    expect(ids(memory.due(6500, rule))).toEqual({ memory: ['old', 'quiet'], database: [] });
    expect(ids(memory.due(8100, rule))).toEqual({ memory: ['old', 'busy', 'quiet'], database: [] });
    expect(ids(memory.due(8100, { ...rule, maxTraces: 2 }))).toEqual({ memory: ['old', 'busy'], database: [] });
  });

  it('finds due traces behind a later one when the clock went back', () => {
    const memory = new SettleMemory(undefined);
    memory.add([span('late', 's1', T)], 5000);
    memory.add([span('early', 's1', T)], 1000);
    expect(ids(memory.due(2500, rule))).toEqual({ memory: ['early'], database: [] });
    memory.forget(memory.due(2500, rule));
    memory.forget(memory.due(6500, rule));
    // Empty again: the scan may stop at the first entry not due.
    memory.add([span('a', 's1', T)], 1000);
    memory.add([span('b', 's1', T)], 5000);
    expect(ids(memory.due(2500, rule))).toEqual({ memory: ['a'], database: [] });
  });

  it('settles from the database a trace with spans stored before open within the hour', () => {
    const memory = new SettleMemory(T);
    memory.add([span('near', 's1', T + HOUR)], 0);
    memory.add([span('far', 's1', T + HOUR + BigInt(1))], 0);
    expect(ids(memory.due(5000, rule))).toEqual({ memory: ['far'], database: ['near'] });
  });

  it('settles restored traces from the database, also when more of their spans arrive', () => {
    const memory = new SettleMemory(undefined);
    memory.restore('restored', 0, 0, T, T);
    memory.add([span('restored', 's2', T + HOUR * BigInt(5))], 100);
    expect(ids(memory.due(5000, rule))).toEqual({ memory: [], database: ['restored'] });
    expect(memory.heldSpans()).toBe(0);
  });

  it('past the bound stops holding the spans of the trace that does not fit, never dropping the trace', () => {
    const memory = new SettleMemory(undefined, { ...DEFAULT_SETTLE_MEMORY, maxSpans: 3 });
    memory.add([span('a', 's1', T), span('a', 's2', T), span('b', 's1', T)], 0);
    memory.add([span('b', 's2', T), span('c', 's1', T)], 0);
    // b's second span did not fit: b lets go of its first, which makes room for c.
    expect(memory.heldSpans()).toBe(3);
    expect(ids(memory.due(5000, rule))).toEqual({ memory: ['a', 'c'], database: ['b'] });
    memory.forget(memory.due(5000, rule));
    expect(memory.heldSpans()).toBe(0);
    expect(memory.traces()).toBe(0);
    expect(memory.settledFrom).toEqual({ memory: 2, database: 1 });
  });

  it('settles a straggler of a settled trace from the database', () => {
    const memory = new SettleMemory(undefined);
    memory.add([span('t', 's1', T), span('u', 's1', T)], 0);
    memory.forget(memory.due(5000, rule));
    memory.add([span('t', 's2', T), span('v', 's1', T)], 6000);
    expect(ids(memory.due(9000, rule))).toEqual({ memory: ['v'], database: ['t'] });
  });

  it('once the filter forgets settled traces, settles from the database every trace within the hour after their spans', () => {
    const memory = new SettleMemory(undefined, { ...DEFAULT_SETTLE_MEMORY, filterBits: 2 ** 12, filterTraces: 1 });
    memory.add([span('a', 's1', T)], 0);
    memory.forget(memory.due(5000, rule));
    memory.add([span('b', 's1', T)], 0);
    memory.forget(memory.due(5000, rule));
    // Generation of a is forgotten now: the floor is a's newest start.
    memory.add([span('c', 's1', T)], 0);
    memory.forget(memory.due(5000, rule));
    memory.add([span('a', 's2', T + HOUR), span('d', 's1', T + HOUR + BigInt(1))], 6000);
    expect(ids(memory.due(9000, rule))).toEqual({ memory: ['d'], database: ['a'] });
  });

  it('remembers exactly the traces from a clock ahead, so they raise no floor for the others', () => {
    const memory = new SettleMemory(undefined, { ...DEFAULT_SETTLE_MEMORY, filterBits: 2 ** 12, filterTraces: 1 });
    const now = Number(T / BigInt(1_000_000));
    memory.add([span('ahead', 's1', T + HOUR * BigInt(24))], 0);
    memory.add([span('a', 's1', T)], 0);
    memory.forget(memory.due(5000, rule), now);
    // Two more generations: a's is forgotten, the floor rises to T, not to a day ahead.
    ['b', 'c'].forEach((id) => {
      memory.add([span(id, 's1', T)], 0);
      memory.forget(memory.due(5000, rule), now);
    });
    memory.add([span('ahead', 's2', T + HOUR * BigInt(24)), span('d', 's1', T + HOUR + BigInt(1))], 6000);
    expect(ids(memory.due(9000, rule))).toEqual({ memory: ['d'], database: ['ahead'] });
  });

  it('settles from the database the traces found ahead of the clock at open', () => {
    const memory = new SettleMemory(T, DEFAULT_SETTLE_MEMORY, ['ahead']);
    memory.add([span('ahead', 's2', T + HOUR * BigInt(48)), span('d', 's1', T + HOUR + BigInt(1))], 0);
    expect(ids(memory.due(5000, rule))).toEqual({ memory: ['d'], database: ['ahead'] });
  });

  it('settles from the database traces that retention may have thinned', () => {
    const memory = new SettleMemory(undefined);
    memory.add([span('t', 's1', T)], 0);
    memory.spansDeletedBefore(T - HOUR);
    expect(ids(memory.due(5000, rule))).toEqual({ memory: [], database: ['t'] });
  });
});
