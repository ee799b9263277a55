import { ActiveSnapshotSchema } from '@osprey/model';

import { HttpError } from '../server/errors';
import { checkedBody } from '../testing/schema';
import { normaliseSnapshot } from './snapshot';

// The route's body schema, then its normalisation, as POST /api/v1/active runs them.
const parseActiveSnapshot = (body: unknown) => normaliseSnapshot(checkedBody(ActiveSnapshotSchema, '', body));

const snapshot = {
  service: 'cart',
  instance: 'cart-1',
  takenAt: 1763800000000,
  requests: [
    {
      endpoint: 'GET /cart',
      elapsed: 4200.5,
      traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
      threadName: 't-1',
      userId: 'u',
    },
    { endpoint: 'GET /x', elapsed: 0 },
  ],
};

describe('POST /api/v1/active body', () => {
  it('keeps a valid snapshot, ids lowercased', () => {
    expect(parseActiveSnapshot(snapshot)).toEqual({
      ...snapshot,
      requests: [{ ...snapshot.requests[0], traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }, snapshot.requests[1]],
    });
    expect(parseActiveSnapshot({ ...snapshot, requests: [] }).requests).toEqual([]);
  });

  it.each([
    [[], 'body: must be an object, got an array'],
    [{ ...snapshot, service: undefined }, 'service: must be a string, got nothing'],
    [{ ...snapshot, instance: '' }, 'instance: must not be empty'],
    [{ ...snapshot, takenAt: '2025' }, 'takenAt: must be a number'],
    [{ ...snapshot, requests: {} }, 'requests: must be an array'],
    [{ ...snapshot, requests: [{ elapsed: 1 }] }, 'requests[0].endpoint: must be a string'],
    [{ ...snapshot, requests: [{ endpoint: 'x', elapsed: -1 }] }, 'requests[0].elapsed: must be >= 0'],
    [
      { ...snapshot, requests: [{ endpoint: 'x', elapsed: 1, traceId: 'xyz' }] },
      'requests[0].traceId: must be 32 hex digits',
    ],
    [{ ...snapshot, requests: [{ endpoint: 'x', elapsed: 1, thread: 't' }] }, 'requests[0].thread: unknown field'],
    [{ ...snapshot, host: 'h' }, 'host: unknown field'],
  ] as Array<[unknown, string]>)('%j → %s', (body, message) => {
    expect(() => parseActiveSnapshot(body)).toThrow(HttpError);
    expect(() => parseActiveSnapshot(body)).toThrow(message);
  });
});
