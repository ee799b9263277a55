/**
 * Issue 21's SLO alerts end to end: a real `osprey serve` with the example SLOs in its config file
 * takes native transactions (checkouts half failing, payments all slower than the 500 ms threshold,
 * the cart healthy); Debian's Prometheus scrapes its /metrics with the generated osprey-slo.yml and
 * osprey-alerts.yml loaded. The page-level burn-rate alert fires for the two burning SLOs, from
 * Osprey's own series, and never for the healthy one; GET /api/v1/slos says their budgets are gone.
 */
import path from 'node:path';

import { type SlosResponse, type Transaction } from '@osprey/model';

import { PROMETHEUS_ALERTS, PROMETHEUS_SLO, SLO_EXAMPLE_CONFIG } from '../../scripts/src/alerting/generate';
import { webTransaction } from '../../backend/src/testing/generate';
import {
  type Osprey,
  type Prometheus,
  ROOT,
  startOsprey,
  startPrometheus,
  stopAll,
  TOKENS,
  waitFor,
} from './real-servers';

jest.setTimeout(180_000);

let osprey: Osprey;
let prometheus: Prometheus;
let sender: NodeJS.Timeout;
let seq = 1;

/** One second's traffic: 10 checkouts (5 failing), 10 payments of 900 ms, 10 healthy cart reads. */
function second(): Transaction[] {
  const now = Date.now();
  return Array.from({ length: 10 }, (_, i) => [
    { ...webTransaction(seq++, now, 20, i % 2 === 0 ? 'error' : 'ok', 'frontend'), endpoint: 'GET /checkout' },
    { ...webTransaction(seq++, now, 900, 'ok', 'payment'), endpoint: 'POST /pay' },
    { ...webTransaction(seq++, now, 20, 'ok', 'cart'), endpoint: 'GET /cart' },
  ]).flat();
}

async function send(): Promise<void> {
  const res = await fetch(`${osprey.url}/api/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
    body: JSON.stringify(second()),
  });
  if (res.status !== 200) {
    throw new Error(`POST /api/v1/transactions: ${res.status} ${await res.text()}`);
  }
}

beforeAll(async () => {
  osprey = await startOsprey(['--config', path.join(ROOT, SLO_EXAMPLE_CONFIG)]);
  prometheus = await startPrometheus(`127.0.0.1:${osprey.port}`, TOKENS.OSPREY_READ_TOKEN, {
    ruleFiles: [PROMETHEUS_SLO, PROMETHEUS_ALERTS].map((rel) => path.join(ROOT, rel)),
  });
  await send();
  sender = setInterval(() => void send().catch(() => undefined), 1000);
});

afterAll(async () => {
  clearInterval(sender);
  await stopAll();
});

interface Alert {
  labels: Record<string, string>;
  state: string;
}

describe('SLO burn-rate alerts in real Prometheus over real /metrics', () => {
  it('page for the failing checkouts and the slow payments, never for the healthy cart', async () => {
    const firing = await waitFor(
      'OspreySloBurnRateFast firing for both burning SLOs',
      async () => {
        const res = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
        const fast = res.data.alerts.filter(
          (a) => a.labels.alertname === 'OspreySloBurnRateFast' && a.state === 'firing'
        );
        return fast.length === 2 ? res.data.alerts : undefined;
      },
      120_000
    );
    const fast = firing.filter((a) => a.labels.alertname === 'OspreySloBurnRateFast');
    expect(fast.map((a) => [a.labels.slo, a.labels.service, a.labels.objective, a.labels.severity]).sort()).toEqual([
      ['checkout-availability', 'frontend', 'availability', 'critical'],
      ['pay-latency', 'payment', 'latency', 'critical'],
    ]);
    expect(firing.filter((a) => a.labels.slo === 'cart-availability')).toEqual([]);
    // 50 % errors on a 0.1 % budget and 100 % slow on a 1 % budget.
    // Each SLO's rule group runs on its own offset within the interval: the healthy cart's series may
    // first appear a few seconds after the burning ones paged.
    const burn = await waitFor(
      'a 5m burn rate for each of the three SLOs',
      async () => {
        const series = (await prometheus.query('slo:burn_rate{window="5m"}')) as Array<{
          metric: Record<string, string>;
          value: [number, string];
        }>;
        return series.length === 3 ? series : undefined;
      },
      30_000
    );
    const rates = Object.fromEntries(burn.map((s) => [s.metric.slo, Number(s.value[1])]));
    expect(Object.keys(rates).sort()).toEqual(['cart-availability', 'checkout-availability', 'pay-latency']);
    expect(rates['checkout-availability']).toBeCloseTo(500, 6);
    expect(rates['pay-latency']).toBeCloseTo(100, 6);
    expect(rates['cart-availability']).toBe(0);
  });

  it('GET /api/v1/slos reads the same budgets from the rollups', async () => {
    const { slos } = await osprey.get<SlosResponse>(`/api/v1/slos?to=${Date.now() + 60_000}`);
    const byName = Object.fromEntries(slos.map((s) => [s.definition.name, s]));
    expect(byName['checkout-availability'].burnRate).toBeCloseTo(500, 6);
    expect(byName['pay-latency'].burnRate).toBeCloseTo(100, 6);
    expect(byName['cart-availability'].budgetRemaining).toBe(100);
    expect(byName['checkout-availability'].budgetRemaining).toBeLessThan(0);
  });
});
