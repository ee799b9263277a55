import type { Span, Transaction } from '@osprey/model';

import { linkWithinGroup, type PendingLink, resolvePending } from './parent-links';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

function span(spanId: string, service: string, parentSpanId?: string): Span {
  return {
    traceId: TRACE,
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name: 'GET /x',
    kind: 'server',
    startTimeUnixNano: '1763800000000000000',
    durationNano: '1000',
    status: 'unset',
    service,
    resource: {},
    attributes: {},
    events: [],
  };
}

function tx(spanId: string, service: string, parentService?: string): Transaction {
  return {
    endTime: 1763800000001,
    elapsed: 1,
    service,
    instance: `${service}-1`,
    endpoint: 'GET /x',
    status: 'ok',
    traceId: TRACE,
    spanId,
    sqlCount: 0,
    sqlTime: 0,
    apiCallCount: 0,
    apiCallTime: 0,
    kind: 'web',
    ...(parentService === undefined ? {} : { parentService }),
  };
}

function pending(spanId: string, service: string, parentSpanId: string): PendingLink {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId,
    service,
    start: BigInt('1763800000000000000'),
    endTime: 1763800000001,
  };
}

describe('linkWithinGroup', () => {
  it.each<[string, Span[], string, string | undefined, string[]]>([
    ['parent in the group, other service', [span('c1', 'frontend'), span('s1', 'cart', 'c1')], 's1', 'frontend', []],
    ['parent in the group, same service', [span('c1', 'cart'), span('s1', 'cart', 'c1')], 's1', undefined, []],
    ['parent not in the group', [span('s1', 'cart', 'c1')], 's1', undefined, ['s1']],
    ['root span', [span('s1', 'cart')], 's1', undefined, []],
    ['transaction without its span (native)', [span('zz', 'cart')], 's1', undefined, []],
  ])('%s', (_name, spans, txSpan, parentService, unresolved) => {
    const transaction = tx(txSpan, 'cart');
    const links = linkWithinGroup(spans, [transaction]);
    expect(transaction.parentService).toBe(parentService);
    expect(links.map((l) => l.spanId)).toEqual(unresolved);
  });

  it('leaves a parentService already derived from the batch alone', () => {
    const transaction = tx('s1', 'cart', 'gateway');
    expect(linkWithinGroup([span('s1', 'cart', 'c1')], [transaction])).toEqual([]);
    expect(transaction.parentService).toBe('gateway');
  });

  it('records what the link needs to wait for its parent', () => {
    expect(linkWithinGroup([span('s1', 'cart', 'c1')], [tx('s1', 'cart')])).toEqual([pending('s1', 'cart', 'c1')]);
  });
});

describe('resolvePending', () => {
  it.each<[string, PendingLink[], Span[], string[], string[]]>([
    ['parent in another service', [pending('s1', 'cart', 'c1')], [span('c1', 'frontend')], ['s1 frontend'], ['s1']],
    ['parent in the same service', [pending('s1', 'cart', 'c1')], [span('c1', 'cart')], [], ['s1']],
    ['no parent among the spans', [pending('s1', 'cart', 'c1')], [span('c2', 'frontend')], [], []],
    [
      'two children of one parent',
      [pending('s1', 'cart', 'c1'), pending('s2', 'catalog', 'c1')],
      [span('c1', 'frontend')],
      ['s1 frontend', 's2 frontend'],
      ['s1', 's2'],
    ],
    [
      'the same parent twice links once',
      [pending('s1', 'cart', 'c1')],
      [span('c1', 'frontend'), span('c1', 'frontend')],
      ['s1 frontend'],
      ['s1'],
    ],
  ])('%s', (_name, links, parents, linked, resolved) => {
    const result = resolvePending(links, parents);
    expect(result.linked.map((u) => `${u.spanId} ${u.parentService}`)).toEqual(linked);
    expect([...result.resolved].map((l) => l.spanId)).toEqual(resolved);
  });

  it('other traces do not match', () => {
    const other = { ...span('c1', 'frontend'), traceId: 'ffffffffffffffffffffffffffffffff' };
    expect(resolvePending([pending('s1', 'cart', 'c1')], [other]).resolved.size).toBe(0);
  });
});
