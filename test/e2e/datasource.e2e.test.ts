/**
 * The built datasource (dist/datasource/module.js) in Chromium, loaded the way Grafana loads it,
 * against `osprey serve` fed by the real OpenTelemetry SDK: a trace query's frame as the Traces
 * panel reads it (Grafana's trace view component is in Grafana core, not in the npm packages the
 * host has, so the frame is asserted), and a live XLOG query growing over polls without duplicates.
 */
import { type Page } from 'playwright-core';

import { TRACE_PANEL_FIELDS } from '../../datasource/src/panel-contracts.fixture';
import { startBackend, type Backend } from './backend';
import { dataSourceSettings, DS_MODULE, type HostPage, openHostPage, requireBuilt, stopAll } from './page';
import { sendShopTraffic, type ShopTraces } from './shop-traffic';

jest.setTimeout(180_000);

const DS_UID = 'osprey-ds-e2e';
const TOKENS = { read: 'ds-e2e-read', ingest: 'ds-e2e-ingest', admin: 'ds-e2e-admin' };

let backend: Backend | undefined;
let host: HostPage | undefined;
let page: Page;
let consoleErrors: string[] = [];
let traffic: ShopTraces;

const instanceSettings = () => dataSourceSettings(DS_UID);

beforeAll(async () => {
  requireBuilt(['datasource/module.js', 'datasource/plugin.json']);
  backend = await startBackend(TOKENS);
  traffic = sendShopTraffic(backend.url, TOKENS.ingest, 1);
  host = await openHostPage({
    missingAssets: ['fonts'],
    dataSources: [{ uid: DS_UID, jsonData: { url: backend.url }, secureJsonData: { token: TOKENS.read } }],
  });
  ({ page, consoleErrors } = host);
});

afterAll(() => stopAll(host, backend));

afterEach(() => expect(consoleErrors).toEqual([]));

describe('built datasource in Chromium', () => {
  it('a trace query gives the frame the Traces panel reads', async () => {
    const summary = await page.evaluate(
      ([url, settings, traceId]) =>
        window.ospreyHost.query(url, settings as never, [{ refId: 'T', queryType: 'trace', traceId } as never], 10),
      [DS_MODULE, instanceSettings(), traffic.failed] as const
    );
    expect(summary.error).toBeUndefined();
    expect(summary.frames).toBe(1);
    expect(summary.refId).toBe('T');
    // frontend: server, client and its session lookup; orders: the handler and its query.
    expect(summary.rows).toBe(5);
    expect(summary.fields.map((f) => [f.name, f.type])).toEqual(TRACE_PANEL_FIELDS);
  });

  it('a live XLOG query grows over two polls without duplicates', async () => {
    const packets = page.evaluate(
      ([url, settings]) =>
        window.ospreyHost.stream(
          url,
          settings as never,
          [{ refId: 'A', queryType: 'xlog', live: true, columns: 'all' } as never],
          10,
          3
        ),
      [DS_MODULE, instanceSettings()] as const
    );
    // After the first poll (at once) and before the third (4 s later).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const second = sendShopTraffic(backend!.url, TOKENS.ingest, 2);
    const answers = await packets;
    expect(answers.map((p) => [p.state, p.error, p.duplicateRows])).toEqual([
      ['Streaming', undefined, 0],
      ['Streaming', undefined, 0],
      ['Streaming', undefined, 0],
    ]);
    expect(answers[0].rows).toBe(4);
    expect(answers[2].rows).toBe(8);
    expect(answers[0].traceIds).not.toContain(second.ok);
    expect(answers[2].traceIds).toEqual(expect.arrayContaining([second.ok, second.failed, traffic.ok, traffic.failed]));
  });
});
