/**
 * The InfluxDB export end to end: a real `osprey serve --influx-url …` fed by the real
 * OpenTelemetry SDK writes line protocol to Debian's influxd 1.x; InfluxQL over HTTP reads back
 * exactly what the backend reports for the same transactions.
 */
import type { Transaction, TransactionsResponse } from '@osprey/model';

import { sendWithSdk, type SentTransaction } from './otel-sender';
import {
  freePort,
  type Influx,
  type Osprey,
  startInfluxd,
  startOsprey,
  stopAll,
  TOKENS,
  waitFor,
} from './real-servers';

jest.setTimeout(120_000);

const DB = 'osprey_it';
const MINUTE = 60_000;
const FAILED = 'influx export failed; retrying with backoff (logged once until it recovers)';

/** Endpoint names that need every line-protocol escape: space, comma, equals sign. */
const AWKWARD = ['GET /search q=a,b', 'POST /cart items,total', 'GET /a=b c'];

interface Totals {
  count: number;
  errors: number;
  elapsed: number;
  max: number;
}

function totalsByService(transactions: Transaction[]): Record<string, Totals> {
  const totals: Record<string, Totals> = {};
  for (const tx of transactions) {
    const t = (totals[tx.service] ??= { count: 0, errors: 0, elapsed: 0, max: 0 });
    t.count += 1;
    t.errors += tx.status === 'error' ? 1 : 0;
    t.elapsed += tx.elapsed;
    t.max = Math.max(t.max, tx.elapsed);
  }
  return totals;
}

describe('InfluxDB export (real influxd 1.x, real osprey, real OTel SDK)', () => {
  let influxPort: number;
  let osprey: Osprey;
  let influx: Influx;

  beforeAll(async () => {
    influxPort = await freePort();
    osprey = await startOsprey([
      '--influx-url',
      `http://127.0.0.1:${influxPort}`,
      '--influx-db',
      DB,
      '--influx-interval',
      '500ms',
    ]);
  });

  afterAll(stopAll);

  async function stored(service: string): Promise<Transaction[]> {
    const now = Date.now();
    const answer = await osprey.get<TransactionsResponse>(
      `/api/v1/transactions?from=${now - 3_600_000}&to=${now + MINUTE}&service=${service}&limit=10000`
    );
    return answer.transactions;
  }

  async function influxTotals(where: string): Promise<Record<string, Totals>> {
    const series = await influx.query(
      `SELECT sum("count"), sum("errors"), sum("elapsed_sum"), max("elapsed_max") FROM osprey_red WHERE ${where} AND time > now() - 2h GROUP BY "service"`,
      DB
    );
    return Object.fromEntries(
      series.map((s) => {
        const [, count, errors, elapsed, max] = s.values[0] as number[];
        return [s.tags!.service, { count, errors, elapsed, max }];
      })
    );
  }

  it('retries while InfluxDB is down, logs that once, and writes every count once it is up', async () => {
    const sent: SentTransaction[] = [];
    for (let i = 0; i < 20; i++) {
      sent.push({
        service: i % 4 === 0 ? 'billing' : 'shop',
        instance: i % 4 === 0 ? 'billing-1' : `shop-${(i % 2) + 1}`,
        name: AWKWARD[i % AWKWARD.length],
        ms: 5 + i * 7.25,
        error: i % 6 === 0,
      });
    }
    sendWithSdk(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, sent);

    // Nothing listens on the port yet: writes fail, the backend keeps acknowledging.
    await waitFor('the first failed write', async () => (osprey.logs.some((l) => l.msg === FAILED) ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(osprey.logs.filter((l) => l.msg === FAILED)).toHaveLength(1);
    expect(osprey.logs.find((l) => l.msg === FAILED)).toMatchObject({
      level: 40,
      err: expect.stringContaining('fetch failed'),
    });

    influx = await startInfluxd(influxPort);
    await influx.query(`CREATE DATABASE ${DB}`);
    await waitFor(
      'the export to recover',
      async () => (osprey.logs.some((l) => l.msg === 'influx export recovered') ? true : undefined),
      40_000
    );

    const expected = totalsByService([...(await stored('shop')), ...(await stored('billing'))]);
    expect(expected.shop.count + expected.billing.count).toBe(20);
    const written = await influxTotals(`("service" = 'shop' OR "service" = 'billing')`);
    expect(Object.keys(written).sort()).toEqual(['billing', 'shop']);
    for (const service of ['shop', 'billing']) {
      expect(written[service].count).toBe(expected[service].count);
      expect(written[service].errors).toBe(expected[service].errors);
      expect(written[service].elapsed).toBeCloseTo(expected[service].elapsed, 3);
      expect(written[service].max).toBe(expected[service].max);
    }

    // Tags came through the escaping unchanged.
    const endpoints = await influx.query(`SHOW TAG VALUES FROM osprey_red WITH KEY = "endpoint"`, DB);
    expect(endpoints[0].values.map((v) => v[1]).sort()).toEqual([...AWKWARD].sort());
    const instances = await influx.query(`SHOW TAG VALUES FROM osprey_red WITH KEY = "instance"`, DB);
    expect(instances[0].values.map((v) => v[1]).sort()).toEqual(['billing-1', 'shop-1', 'shop-2']);
  });

  it('writes a late batch into the minute it belongs to: one point with both batches in it', async () => {
    const minute = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE;
    const late = (ms: number, second: number, error = false): SentTransaction => ({
      service: 'late',
      instance: 'late-1',
      name: 'GET /report',
      ms,
      error,
      endTime: minute + second * 1000,
    });
    const pointsOfLate = () =>
      influx.query(
        `SELECT "count", "errors", "elapsed_max", "p90" FROM osprey_red WHERE "service" = 'late' AND time > now() - 2h`,
        DB
      );

    sendWithSdk(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, [late(10, 5), late(20, 15), late(30, 25)]);
    await waitFor('the first batch of the minute', async () => {
      const series = await pointsOfLate();
      return series[0]?.values[0][1] === 3 ? true : undefined;
    });

    sendWithSdk(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, [late(40, 35), late(50, 45, true)]);
    await waitFor('the minute to be rewritten', async () => {
      const series = await pointsOfLate();
      return series[0]?.values[0][1] === 5 ? true : undefined;
    });
    const [series] = await pointsOfLate();
    expect(series.values).toHaveLength(1);
    const [time, count, errors, max, p90] = series.values[0] as number[];
    expect({ time, count, errors, max }).toEqual({ time: minute, count: 5, errors: 1, max: 50 });
    // p90 of 10..50 ms is the upper edge of the latency bucket holding 50 ms (≤ 19% above it).
    expect(p90).toBeGreaterThanOrEqual(50);
    expect(p90).toBeLessThan(50 * 1.19);
    expect(await stored('late')).toHaveLength(5);
  });

  it('writes what is still pending when the backend stops', async () => {
    const second = await startOsprey(['--influx-url', influx.url, '--influx-db', DB, '--influx-interval', '60m']);
    const sent = [1, 2, 3].map((i) => ({ service: 'final', instance: 'final-1', name: 'GET /bye', ms: i }));
    sendWithSdk(second.url, TOKENS.OSPREY_INGEST_TOKEN, sent);
    expect(await influxTotals(`"service" = 'final'`)).toEqual({});
    expect(await second.stop()).toBe(0);
    expect(await influxTotals(`"service" = 'final'`)).toEqual({ final: { count: 3, errors: 0, elapsed: 6, max: 3 } });
  });

  it('drops points InfluxDB refuses (400) with one error line instead of resending them forever', async () => {
    const db = 'osprey_conflict';
    await influx.query(`CREATE DATABASE ${db}`);
    // A float `count` already in the shard: the export's integer `count` is a field type conflict.
    const seeded = await fetch(`${influx.url}/write?db=${db}&precision=ms`, {
      method: 'POST',
      body: `osprey_red,service=seed count=1.5 ${Date.now()}`,
    });
    expect(seeded.status).toBe(204);
    const third = await startOsprey(['--influx-url', influx.url, '--influx-db', db, '--influx-interval', '200ms']);
    const refused = () => third.logs.filter((l) => l.msg === 'influxdb refused the export points');
    sendWithSdk(third.url, TOKENS.OSPREY_INGEST_TOKEN, [
      { service: 'conflict', instance: 'conflict-1', name: 'GET /x', ms: 1 },
    ]);
    await waitFor('the refused write', async () => (refused().length > 0 ? true : undefined));
    expect(refused()[0]).toMatchObject({ level: 50, err: expect.stringContaining('field type conflict') });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(refused()).toHaveLength(1);
    expect(third.logs.filter((l) => l.msg === FAILED)).toEqual([]);
    // The backend acknowledged and kept the transaction all the same.
    const now = Date.now();
    const kept = await third.get<TransactionsResponse>(
      `/api/v1/transactions?from=${now - 3_600_000}&to=${now + MINUTE}&service=conflict`
    );
    expect(kept.transactions).toHaveLength(1);
  });
});
