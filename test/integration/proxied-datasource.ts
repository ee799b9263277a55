/**
 * The datasource plugin's own query code against a real `osprey serve`, through the host's data
 * proxy that injects the read token from plugin.json's route as Grafana does (test/e2e/server.ts).
 * Run in the jsdom-with-fetch environment.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import { dateTime, type DataFrame, type DataQueryRequest, type DataSourceInstanceSettings } from '@grafana/data';
import { setBackendSrv, type TemplateSrv } from '@grafana/runtime';
import { lastValueFrom, toArray } from 'rxjs';

import { OspreyDataSource } from '../../datasource/src/datasource';
import type { OspreyOptions, OspreyQuery } from '../../datasource/src/types';
import { HostBackendSrv } from '../../host/src/web/backend-srv';
import { HostTemplateSrv } from '../../host/src/web/template-srv';
import type { QueryWindow } from '../dashboards/executors';
import { startHostServer, type HostServer } from '../e2e/server';
import { ROOT, tempDir, TOKENS } from './real-servers';

export interface ProxiedDataSource {
  ds: OspreyDataSource;
  host: HostServer;
}

/**
 * The datasource (uid `osprey`, as the bundled dashboards name it) in front of the backend at
 * `ospreyUrl`, reading dashboard variables from `templateSrv`.
 */
export async function proxiedDataSource(
  ospreyUrl: string,
  templateSrv: TemplateSrv = new HostTemplateSrv()
): Promise<ProxiedDataSource> {
  const pluginDir = tempDir('osprey-proxied-datasource-');
  mkdirSync(path.join(pluginDir, 'datasource'));
  copyFileSync(path.join(ROOT, 'datasource', 'src', 'plugin.json'), path.join(pluginDir, 'datasource', 'plugin.json'));
  copyFileSync(path.join(ROOT, 'app', 'src', 'plugin.json'), path.join(pluginDir, 'plugin.json'));
  const proxied = { uid: 'osprey', jsonData: { url: ospreyUrl }, secureJsonData: { token: TOKENS.OSPREY_READ_TOKEN } };
  const host = await startHostServer({
    distDir: pluginDir,
    hostDir: pluginDir,
    iconsDir: pluginDir,
    appId: 'x',
    dataSources: [proxied],
  });
  setBackendSrv(new HostBackendSrv());
  const ds = new OspreyDataSource(
    {
      id: 1,
      uid: 'osprey',
      type: 'osprey-apm-datasource',
      name: 'Osprey',
      url: `${host.url}/api/datasources/proxy/uid/osprey`,
      jsonData: { timeout: 10 },
      access: 'proxy',
      readOnly: false,
      meta: { id: 'osprey-apm-datasource' },
    } as unknown as DataSourceInstanceSettings<OspreyOptions>,
    templateSrv
  );
  return { ds, host };
}

/** A dashboard's request for one target over the window. */
export function ospreyRequest<Q>(target: Q, w: QueryWindow): DataQueryRequest<Q & OspreyQuery> {
  return {
    requestId: 'proxied-datasource',
    interval: `${w.intervalMs / 1000}s`,
    intervalMs: w.intervalMs,
    maxDataPoints: 500,
    range: { from: dateTime(w.from), to: dateTime(w.to), raw: { from: 'now-15m', to: 'now' } },
    scopedVars: {},
    targets: [target as Q & OspreyQuery],
    timezone: 'utc',
    app: 'dashboard',
    startTime: Date.now(),
  };
}

/** Every packet of an Osprey query's answer; fails with the datasource's message on an error. */
export async function ospreyFrames(
  ds: OspreyDataSource,
  target: OspreyQuery | Record<string, unknown>,
  w: QueryWindow
): Promise<DataFrame[]> {
  const packets = await lastValueFrom(ds.query(ospreyRequest(target as OspreyQuery, w)).pipe(toArray()));
  const errors = packets.flatMap((p) => p.errors ?? []).map((e) => e.message);
  if (errors.length > 0) {
    throw new Error(errors.join('; '));
  }
  return packets.flatMap((p) => p.data as DataFrame[]);
}
