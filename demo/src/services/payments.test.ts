import { ACQUIRER_TIMEOUT_MS, acquirerLatency, CARD_LIMIT_CENTS, chargeOutcome } from './payments';

describe('chargeOutcome', () => {
  it.each([
    [1_000, 'user-1', 50, { status: 200 }],
    [CARD_LIMIT_CENTS, 'user-1', 50, { status: 200 }],
    [CARD_LIMIT_CENTS + 1, 'user-1', 50, { status: 402, reason: 'insufficient funds' }],
    [1_000, 'user-13', 50, { status: 402, reason: 'card expired' }],
    [1_000, 'user-1', ACQUIRER_TIMEOUT_MS + 1, { status: 503, reason: 'acquirer timeout' }],
    [CARD_LIMIT_CENTS + 1, 'user-13', ACQUIRER_TIMEOUT_MS + 1, { status: 503, reason: 'acquirer timeout' }],
  ])('%d cents for %s after %d ms → %j', (amount, user, latency, outcome) => {
    expect(chargeOutcome(amount, user, latency)).toEqual(outcome);
  });
});

describe('acquirerLatency', () => {
  it.each([
    [[0.5, 0], 20],
    [[0.5, 1], 120],
    [[0.01, 0], 1_000],
    [[0.01, 1], 3_000],
  ])('%j → %d ms', ([first, second], ms) => {
    const values = [first, second];
    expect(acquirerLatency(() => values.shift() ?? 0)).toBe(ms);
  });
});
