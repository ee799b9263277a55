import type { SloDefinition, Transaction } from '@osprey/model';
import { Registry } from 'prom-client';

import { IngestMetrics } from '../metrics/ingest-metrics';
import { webTransaction } from '../testing/generate';
import { parseSloList, SLO_THRESHOLDS_MS } from './config';
import { BURN_WINDOWS, errorRatio, sloRecordingRules } from './rules';

const [availability, wholeService, latency] = parseSloList([
  { name: 'pay-up', service: 'payment', endpoint: 'POST /pay', objective: 'availability', target: 99.9, window: '30d' },
  { name: 'cart-up', service: 'cart', objective: 'availability', target: 99.5, window: '28d' },
  {
    name: 'pay-fast',
    service: 'payment',
    endpoint: 'POST /pay',
    objective: 'latency',
    target: 99,
    window: '30d',
    thresholdMs: 500,
  },
]);

describe('errorRatio', () => {
  it.each<[string, SloDefinition, string]>([
    [
      'availability of an endpoint',
      availability,
      'sum(rate(osprey_transaction_errors_total{service="payment",endpoint="POST /pay"}[1h])) / sum(rate(osprey_transactions_total{service="payment",endpoint="POST /pay"}[1h]))',
    ],
    [
      'availability of a whole service',
      wholeService,
      'sum(rate(osprey_transaction_errors_total{service="cart"}[1h])) / sum(rate(osprey_transactions_total{service="cart"}[1h]))',
    ],
    [
      'latency: the bucket at the threshold over the count',
      latency,
      '1 - sum(rate(osprey_transaction_duration_seconds_bucket{service="payment",endpoint="POST /pay",le="0.5"}[1h])) / sum(rate(osprey_transaction_duration_seconds_count{service="payment",endpoint="POST /pay"}[1h]))',
    ],
    [
      'a label value that needs escaping',
      { ...availability, endpoint: 'GET /say "hi"\\' },
      'sum(rate(osprey_transaction_errors_total{service="payment",endpoint="GET /say \\"hi\\"\\\\"}[1h])) / sum(rate(osprey_transactions_total{service="payment",endpoint="GET /say \\"hi\\"\\\\"}[1h]))',
    ],
  ])('%s', (_name, slo, expr) => expect(errorRatio(slo, '1h')).toBe(expr));
});

describe('sloRecordingRules', () => {
  it('records every burn-rate window of every SLO, divided by its budget, labelled for the alerts', () => {
    const file = sloRecordingRules([availability, wholeService]);
    expect(file.groups.map((g) => g.name)).toEqual(['osprey-slo-pay-up', 'osprey-slo-cart-up']);
    const cart = file.groups[1].rules;
    expect(cart.map((r) => r.labels.window)).toEqual([...BURN_WINDOWS]);
    expect(cart[0]).toEqual({
      record: 'slo:burn_rate',
      expr: `(${errorRatio(wholeService, '5m')}) / 0.005`,
      labels: { slo: 'cart-up', service: 'cart', objective: 'availability', window: '5m' },
    });
    expect(file.groups[0].rules[0].expr.endsWith(') / 0.001')).toBe(true);
    expect(file.groups[0].rules[0].labels.endpoint).toBe('POST /pay');
  });
});

/** Sum of the exposition's samples matching `{…}` of a selector (what rate() sees of one scrape). */
function sum(text: string, selector: string): number {
  const [, name, labels] = /^([a-z_]+)\{(.*)\}$/.exec(selector)!;
  const wanted = [...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && wanted.every((label) => line.includes(label)))
    .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('the rules over the real /metrics exposition', () => {
  it.each(SLO_THRESHOLDS_MS)('a latency SLO at %d ms counts exactly the transactions at or under it', async (ms) => {
    const registry = new Registry();
    const metrics = new IngestMetrics([registry], 10);
    // One transaction on each side of every bucket edge, some failing.
    const sent: Transaction[] = SLO_THRESHOLDS_MS.flatMap((edge, i) => [
      webTransaction(2 * i + 1, 0, edge * 0.999, 'ok', 'payment'),
      webTransaction(2 * i + 2, 0, edge * 1.001, i % 2 === 0 ? 'error' : 'ok', 'payment'),
    ]).map((tx) => ({ ...tx, endpoint: 'POST /pay' }));
    metrics.committed('native', sent.length, sent, 1);
    const text = await registry.metrics();
    const slo = { ...latency, thresholdMs: ms };
    // rate(x[w]) over a counter that was 0 is the counter over w: the ratio is that of the counters.
    const [good, total] = [...errorRatio(slo, '1m').matchAll(/rate\(([^[]+)\[/g)].map(([, s]) => sum(text, s));
    expect(total).toBe(sent.length);
    expect(good).toBe(sent.filter((tx) => tx.elapsed <= ms).length);
    const [errors, all] = [...errorRatio(availability, '1m').matchAll(/rate\(([^[]+)\[/g)].map(([, s]) => sum(text, s));
    expect([errors, all]).toEqual([sent.filter((tx) => tx.status === 'error').length, sent.length]);
  });
});
