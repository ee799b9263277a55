import { type RequestRow, rowToRequest, winningRow, winningRows } from './jvm-requests';

const T0 = 1763800000000;

function row(fields: Partial<RequestRow> & Pick<RequestRow, 'status' | 'at' | 'attempt'>): RequestRow {
  return {
    id: 'r1',
    service: 's',
    instance: 'i-1',
    kind: 'threaddump',
    requested_at: T0,
    result_id: null,
    error: null,
    ...fields,
  };
}

const created = row({ status: 'pending', at: T0, attempt: 'c' });
const taken = row({ status: 'taken', at: T0 + 5, attempt: 'k' });
const takenEarlier = row({ status: 'taken', at: T0 + 3, attempt: 'z' });
const takenSameTime = row({ status: 'taken', at: T0 + 5, attempt: 'a' });
const done = row({ status: 'done', at: T0 + 9, attempt: 'd', result_id: 'dump-1' });
const expired = row({ status: 'failed', at: T0 + 7, attempt: 'x', error: 'no agent took it' });

describe('winningRow', () => {
  it.each<[string, RequestRow[], RequestRow | undefined]>([
    ['no rows', [], undefined],
    ['only created', [created], created],
    ['a claim beats the creation, whatever the row order', [taken, created], taken],
    ['of two claims the earlier wins', [created, taken, takenEarlier], takenEarlier],
    ['of two claims at the same time the smaller attempt wins', [created, taken, takenSameTime], takenSameTime],
    [
      'a finish beats a claim made after it',
      [created, done, row({ status: 'taken', at: T0 + 20, attempt: 'l' })],
      done,
    ],
    ['of two finishes the earlier wins', [created, taken, done, expired], expired],
  ])('%s', (_, rows, expected) => {
    expect(winningRow(rows)).toBe(expected);
  });
});

describe('winningRows', () => {
  it('answers one row per request, by requested time, then id', () => {
    const later = row({ id: 'r0', requested_at: T0 + 1, status: 'pending', at: T0 + 1, attempt: 'p' });
    const sameTime = row({ id: 'r2', status: 'pending', at: T0, attempt: 'q' });
    expect(winningRows([sameTime, taken, later, created])).toEqual([taken, sameTime, later]);
  });
});

describe('rowToRequest', () => {
  it.each<[string, RequestRow, object]>([
    ['pending', created, { status: 'pending', updatedAt: T0 }],
    ['done, with its result', done, { status: 'done', updatedAt: T0 + 9, resultId: 'dump-1' }],
    ['failed, with its error', expired, { status: 'failed', updatedAt: T0 + 7, error: 'no agent took it' }],
  ])('%s', (_, input, fields) => {
    expect(rowToRequest(input)).toStrictEqual({
      id: 'r1',
      service: 's',
      instance: 'i-1',
      kind: 'threaddump',
      requestedAt: T0,
      ...fields,
    });
  });
});
