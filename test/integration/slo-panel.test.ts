/**
 * @jest-environment ./test/jest/jsdom-with-fetch.js
 *
 * The Health dashboard's SLO table, its own target run by the datasource plugin through the data
 * proxy against `osprey serve` holding a workload whose errors and slow requests are known: each
 * row's budget, budget remaining and burn rate equal what the SLO's target makes of those counts,
 * worked out here by hand (SRE workbook: budget = (1 − target) × requests, burn rate = bad share /
 * (1 − target)).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import type { DataFrame } from '@grafana/data';
import { SLO_FRAME, type SloFrameField, type Transaction } from '@osprey/model';
import { stringify } from 'yaml';

import { webTransaction } from '../../backend/src/testing/generate';
import { bundledDashboards, dashboardTargets } from '../dashboards/bundled';
import type { HostServer } from '../e2e/server';
import { ospreyFrames, proxiedDataSource } from './proxied-datasource';
import { type Osprey, startOsprey, stopAll, tempDir, TOKENS } from './real-servers';

jest.setTimeout(120_000);

const REQUESTS = 2000;
const ERRORS = 5;
const SLOW = 30;
/** Well past the 500 ms threshold's latency bucket, and the quick ones well below it. */
const SLOW_MS = 2000;
const QUICK_MS = 80;

const SLOS = [
  {
    name: 'pay-availability',
    service: 'pay',
    endpoint: 'POST /pay',
    objective: 'availability',
    target: 99.5,
    window: '30d',
  },
  { name: 'pay-latency', service: 'pay', objective: 'latency', target: 99, thresholdMs: 500, window: '7d' },
  { name: 'cart-availability', service: 'cart', objective: 'availability', target: 99.9, window: '30d' },
];

let osprey: Osprey;
let host: HostServer;
let frame: DataFrame;

/** REQUESTS payments over the last ten minutes: the first ERRORS fail, the last SLOW are slow (and succeed). */
function payments(now: number): Transaction[] {
  return Array.from({ length: REQUESTS }, (_, i) => ({
    ...webTransaction(
      i + 1,
      now - 10 * 60_000 + i * 250,
      i >= REQUESTS - SLOW ? SLOW_MS : QUICK_MS,
      i < ERRORS ? 'error' : 'ok',
      'pay'
    ),
    endpoint: 'POST /pay',
  }));
}

beforeAll(async () => {
  const config = path.join(tempDir('osprey-slo-panel-'), 'osprey.yaml');
  writeFileSync(config, stringify({ slos: SLOS }));
  osprey = await startOsprey(['--config', config]);
  const now = Date.now();
  const res = await fetch(`${osprey.url}/api/v1/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}` },
    body: JSON.stringify(payments(now)),
  });
  expect(res.status).toBe(200);
  const proxied = await proxiedDataSource(osprey.url);
  host = proxied.host;
  const health = bundledDashboards().find((d) => d.json.uid === 'osprey-health')!;
  const [{ target }] = dashboardTargets(health).filter((t) => t.panel === 'SLOs: error budget and burn rate');
  [frame] = await ospreyFrames(proxied.ds, target, { from: now - 15 * 60_000, to: now, intervalMs: 10_000 });
});

afterAll(async () => {
  await host?.close();
  await stopAll();
});

const column = (name: SloFrameField) => frame.fields.find((f) => f.name === name)!.values;

describe('the Health dashboard’s SLO table', () => {
  it('has a row per configured SLO, in the config’s order', () => {
    expect(frame.name).toBe(SLO_FRAME.name);
    expect(column('slo')).toEqual(SLOS.map((s) => s.name));
    expect(column('window')).toEqual(['30d', '7d', '30d']);
  });

  it('availability: 5 errors in 2,000 at 99.5 % spend half the budget of 10, burning at 0.5', () => {
    expect([column('total')[0], column('bad')[0]]).toEqual([REQUESTS, ERRORS]);
    expect(column('budget')[0]).toBeCloseTo(10, 9); // (1 − 0.995) × 2,000 failures allowed
    expect(column('budgetRemaining')[0]).toBeCloseTo(50, 9); // 100 × (1 − 5 / 10)
    expect(column('burnRate')[0]).toBeCloseTo(0.5, 9); // (5 / 2,000) / 0.005
    expect(column('sli')[0]).toBeCloseTo(99.75, 9); // 100 × 1,995 / 2,000
  });

  it('latency: 30 slower than 500 ms in 2,000 at 99 % overspend the budget of 20 by half, burning at 1.5', () => {
    expect([column('total')[1], column('bad')[1]]).toEqual([REQUESTS, SLOW]);
    expect(column('budget')[1]).toBeCloseTo(20, 9); // (1 − 0.99) × 2,000 slow requests allowed
    expect(column('budgetRemaining')[1]).toBeCloseTo(-50, 9); // 100 × (1 − 30 / 20): overspent
    expect(column('burnRate')[1]).toBeCloseTo(1.5, 9); // (30 / 2,000) / 0.01
    expect(column('sli')[1]).toBeCloseTo(98.5, 9); // 100 × 1,970 / 2,000
  });

  it('an SLO without traffic has no SLI, budget remaining or burn rate', () => {
    expect([column('total')[2], column('sli')[2], column('budgetRemaining')[2], column('burnRate')[2]]).toEqual([
      0,
      null,
      null,
      null,
    ]);
  });
});
