/**
 * Every alert rule's PromQL, Prometheus' and Grafana's, runs against Debian's Prometheus scraping a
 * live `osprey serve` that the real OTel SDK, an active-service snapshot, a thread dump with a
 * deadlock and a refused batch fed. Prometheus loads the rule files as docker-compose does; each
 * Grafana rule (query, then threshold on the last value) must pick exactly the series the
 * Prometheus alert does, on the same data at the same instant. Before any of that data, every
 * metric the rules read is exposed and the ingest alerts' queries already have their series, at 0.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

import {
  GRAFANA_RULES,
  PROMETHEUS_ALERTS,
  PROMETHEUS_RECORDING,
  PROMETHEUS_SLO,
} from '../../scripts/src/alerting/generate';
import type { GrafanaRulesFile, PrometheusRuleFile, ThresholdOp } from '../../scripts/src/alerting/grafana-rules';
import { sendWithSdk, type SentTransaction } from './otel-sender';
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

jest.setTimeout(120_000);

const readYaml = <T>(rel: string): T => parse(readFileSync(path.join(ROOT, rel), 'utf8')) as T;
const alerts = readYaml<PrometheusRuleFile>(PROMETHEUS_ALERTS).groups.flatMap((g) => g.rules);
const recording = readYaml<{ groups: Array<{ rules: Array<{ record: string; expr: string }> }> }>(
  PROMETHEUS_RECORDING
).groups.flatMap((g) => g.rules);
/** The SLO burn rates of the example SLOs: loaded and evaluated here, their services absent. */
const sloRecording = readYaml<{ groups: Array<{ rules: Array<{ record: string }> }> }>(PROMETHEUS_SLO).groups.flatMap(
  (g) => g.rules
);
const grafanaRules = readYaml<GrafanaRulesFile>(GRAFANA_RULES).groups.flatMap((g) => g.rules);

/** What each alert expr must select from the data below; the others must select nothing. */
const EXPECTED_FIRING: Record<string, Array<Record<string, string>>> = {
  OspreyServiceLatencyHigh: [{ service: 'slow' }],
  OspreyServiceErrorRateHigh: [{ service: 'shop' }],
  OspreyJvmDeadlock: [{ job: 'osprey', service: 'shop', instance: 'shop-1' }],
  OspreyActiveRequestsStuck: [{ service: 'shop', instance: 'shop-1' }],
  OspreyIngestRejected: [{ source: 'otlp', status: '400' }],
};
/**
 * The queries with no series here: the throughput an hour ago (Prometheus started seconds ago), the
 * checks (none configured; check-alert.test.ts runs them) and the SLO burn rates (the example SLOs
 * are of services this traffic does not have; slo-alert.test.ts runs them).
 */
const NO_SERIES = [
  'OspreyServiceThroughputDrop',
  'OspreyCheckDown',
  'OspreySloBurnRateFast',
  'OspreySloBurnRateHigh',
  'OspreySloBurnRateElevated',
  'OspreySloBurnRateSlow',
];
/**
 * The queries that have series before any service or JVM reported: the ingest ones, whose series
 * Osprey exposes at 0 from the start so that increase() sees the first refusal. The others are per
 * service or instance and cannot exist before it sends.
 */
const SERIES_AT_START = ['OspreyIngestRejected', 'OspreyIngestQueueFull', 'OspreyIngestQueueFilling'];

/** Four fast shop requests in five, one error in five; every slow request takes 4 s. */
function traffic(): SentTransaction[] {
  return Array.from({ length: 10 }, (_, i) => [
    { service: 'shop', instance: 'shop-1', name: 'POST /pay', ms: 20 + i, error: i % 5 === 0 },
    { service: 'slow', instance: 'slow-1', name: 'GET /report', ms: 4_000 },
  ]).flat();
}

type Labels = Record<string, string>;
const key = (labels: Labels) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(labels)
        .filter(([name]) => name !== '__name__')
        .sort()
    )
  );

/** Every sample name an exposition in Prometheus text offers, from its `# TYPE` lines. */
function sampleNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const suffixes = type === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
    suffixes.forEach((suffix) => names.add(`${name}${suffix}`));
  }
  return names;
}

describe('alert rule queries on Prometheus scraping a live Osprey', () => {
  let osprey: Osprey;
  let prometheus: Prometheus;
  /** /metrics and an instant Prometheus had scraped it twice, both before any batch was sent. */
  let exposedAtStart: string;
  let start: number;

  const post = async (pathAndQuery: string, body: string, contentType: string) => {
    const res = await fetch(`${osprey.url}${pathAndQuery}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.OSPREY_INGEST_TOKEN}`, 'content-type': contentType },
      body,
    });
    return res.status;
  };
  const badBatch = () =>
    post(
      '/v1/traces',
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] }),
      'application/json'
    );

  beforeAll(async () => {
    // The snapshot below must not go stale (30 s by default) on a slow machine before the last query.
    osprey = await startOsprey(['--active-stale-ms', '600000']);
    prometheus = await startPrometheus(`127.0.0.1:${osprey.port}`, TOKENS.OSPREY_READ_TOKEN, {
      ruleFiles: [PROMETHEUS_RECORDING, PROMETHEUS_SLO, PROMETHEUS_ALERTS].map((rel) => path.join(ROOT, rel)),
    });
    exposedAtStart = await (
      await fetch(`${osprey.url}/metrics`, { headers: { authorization: `Bearer ${TOKENS.OSPREY_READ_TOKEN}` } })
    ).text();
    // increase() needs two samples in its window.
    start = await waitFor('prometheus to scrape the idle backend twice', async () => {
      const now = Date.now() / 1000;
      const [scrapes] = await prometheus.query('count_over_time(up{job="osprey"}[1m])', now);
      return Number(scrapes?.value[1]) >= 2 ? now : undefined;
    });
    // rate() sees only what a counter gained between scrapes: a service's series are created by its
    // first batch, so let Prometheus scrape them, then add to them. The refusal counters exist at 0
    // from the start: one refused batch is enough.
    sendWithSdk(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, traffic());
    expect(await badBatch()).toBe(400);
    await waitFor('prometheus to scrape the first batches', async () => {
      const series = await prometheus.query('osprey_transactions_total');
      return series.length === 2 ? true : undefined;
    });
    sendWithSdk(osprey.url, TOKENS.OSPREY_INGEST_TOKEN, traffic());
    const dump = readFileSync(path.join(ROOT, 'test/fixtures/jvm/jdk17/jstack-l.txt'));
    expect(await post('/api/v1/jvm/threaddumps?service=shop&instance=shop-1', dump.toString(), 'text/plain')).toBe(201);
    const snapshot = {
      service: 'shop',
      instance: 'shop-1',
      takenAt: Date.now(),
      requests: [
        { endpoint: 'POST /pay', elapsed: 120 },
        { endpoint: 'POST /pay', elapsed: 9_500 },
      ],
    };
    expect(await post('/api/v1/active', JSON.stringify(snapshot), 'application/json')).toBe(204);
  });

  afterAll(stopAll);

  /** The series each alert expr selects at `time`. */
  async function firing(time: number): Promise<Record<string, string[]>> {
    const result: Record<string, string[]> = {};
    for (const rule of alerts) {
      result[rule.alert] = (await prometheus.query(rule.expr, time)).map((s) => key(s.metric)).sort();
    }
    return result;
  }

  it('reads only metrics Osprey exposes; before any batch only the ingest queries have series, all 0', async () => {
    const exposed = sampleNames(exposedAtStart);
    const read = [...recording, ...alerts].flatMap((rule) =>
      [...rule.expr.matchAll(/(?<![\w:])osprey_\w+(?![\w:])/g)].map((m) => m[0])
    );
    // Recorded series (level:metric:operations) are left out: 'returns data for every recording rule' checks them.
    expect([...new Set(read)].sort()).toEqual([
      'osprey_active_requests',
      'osprey_capacity_max_throughput_per_second',
      'osprey_capacity_throughput_per_second',
      'osprey_check_up',
      'osprey_ingest_queue_items',
      'osprey_ingest_queue_max_items',
      'osprey_ingest_rejected_batches_total',
      'osprey_jvm_deadlocked_threads',
      'osprey_transaction_duration_seconds_bucket',
      'osprey_transaction_duration_seconds_count',
      'osprey_transaction_errors_total',
      'osprey_transactions_total',
    ]);
    expect(read.filter((name) => !exposed.has(name))).toEqual([]);

    for (const rule of grafanaRules) {
      const query = String(rule.data.find((q) => q.refId === 'A')!.model.expr);
      const values = new Set((await prometheus.query(query, start)).map((s) => s.value[1]));
      expect({ rule: rule.title, values: [...values] }).toEqual({
        rule: rule.title,
        values: SERIES_AT_START.includes(rule.title) ? ['0'] : [],
      });
    }
    expect(Object.values(await firing(start)).flat()).toEqual([]);
  });

  const expectedFiring = () =>
    Object.fromEntries(alerts.map((r) => [r.alert, (EXPECTED_FIRING[r.alert] ?? []).map(key).sort()]));

  it('has every alert expr select exactly the series the data calls for', async () => {
    // The recording rules need two evaluations after the second batch; wait for them.
    const selected = await waitFor(
      'the alert exprs to select the expected series',
      async () => {
        const now = await firing(Date.now() / 1000);
        return JSON.stringify(now) === JSON.stringify(expectedFiring()) ? now : undefined;
      },
      30_000
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\nlast: ${JSON.stringify(await firing(Date.now() / 1000), null, 1)}`);
    });
    expect(selected).toEqual(expectedFiring());
  });

  it('evaluates every recording and alert rule in Prometheus without error; the deadlock fires at once', async () => {
    const body = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string; type: string }> }> };
    };
    const loaded = body.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name).sort()).toEqual(
      [...recording.map((r) => r.record), ...sloRecording.map((r) => r.record), ...alerts.map((r) => r.alert)].sort()
    );
    for (const rule of loaded) {
      expect({ name: rule.name, health: rule.health, lastError: rule.lastError ?? '' }).toEqual({
        name: rule.name,
        health: 'ok',
        lastError: '',
      });
    }
    const active = await waitFor('the deadlock alert to fire', async () => {
      const res = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as {
        data: { alerts: Array<{ labels: Labels; state: string; annotations: Labels }> };
      };
      const deadlock = res.data.alerts.find((a) => a.labels.alertname === 'OspreyJvmDeadlock');
      return deadlock?.state === 'firing' ? res.data.alerts : undefined;
    });
    const deadlock = active.find((a) => a.labels.alertname === 'OspreyJvmDeadlock')!;
    // ShopWorkload's dump: one three-thread monitor cycle; honor_labels keeps the JVM's instance.
    expect(deadlock.labels).toEqual({
      alertname: 'OspreyJvmDeadlock',
      job: 'osprey',
      service: 'shop',
      instance: 'shop-1',
      severity: 'critical',
    });
    expect(deadlock.annotations.summary).toBe('shop/shop-1: 3 threads deadlocked');
  });

  it('returns data for every recording rule', async () => {
    for (const rule of recording) {
      const series = await prometheus.query(rule.record);
      expect({ record: rule.record, services: series.map((s) => s.metric.service).sort() }).toEqual({
        record: rule.record,
        services: ['shop', 'slow'],
      });
    }
  });

  it('runs every Grafana rule: its query succeeds and, thresholded, picks the series the Prometheus alert picks', async () => {
    const time = Date.now() / 1000;
    const prometheusPicks = await firing(time);
    for (const rule of grafanaRules) {
      const byRef = Object.fromEntries(rule.data.map((q) => [q.refId, q.model]));
      const series = await prometheus.query(String(byRef.A.expr), time);
      expect({ rule: rule.title, hasSeries: series.length > 0 }).toEqual({
        rule: rule.title,
        hasSeries: !NO_SERIES.includes(rule.title),
      });
      const { type, params } = (byRef.C.conditions as Array<{ evaluator: { type: ThresholdOp; params: number[] } }>)[0]
        .evaluator;
      // Reduce "last" with dropNN, then the threshold: NaN drops out as in Prometheus' comparison.
      const picked = series
        .filter(({ value }) => {
          const v = Number(value[1]);
          return !Number.isNaN(v) && (type === 'gt' ? v > params[0] : v < params[0]);
        })
        .map((s) => key(s.metric))
        .sort();
      expect({ rule: rule.title, picked }).toEqual({ rule: rule.title, picked: prometheusPicks[rule.title] });
    }
  });
});
