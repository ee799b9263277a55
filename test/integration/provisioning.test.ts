import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

import { PLUGIN_IDS } from '@osprey/model';

import { EXEMPLAR_TRACE_ID_LABEL } from '../../backend/src/metrics/ingest-metrics';

const root = path.resolve(__dirname, '../..');
const readYaml = (rel: string) => parse(readFileSync(path.join(root, rel), 'utf8'));

interface ComposeService {
  environment?: Record<string, string>;
  volumes?: Array<string | { source: string; target: string; type: string }>;
  ports?: Array<string | { target: number; published: string | number }>;
  profiles?: string[];
}

function composeConfig(): { services: Record<string, ComposeService> } {
  // docker-compose validates against the Compose schema without needing a Docker engine.
  const out = execFileSync('docker-compose', ['config'], { cwd: root, encoding: 'utf8' });
  return parse(out);
}

describe('docker-compose.yml', () => {
  const compose = composeConfig();

  it('runs Grafana, the backend, the demo, Prometheus and InfluxDB', () => {
    const always = Object.keys(compose.services).filter((name) => compose.services[name].profiles === undefined);
    expect(always.sort()).toEqual(['demo', 'grafana', 'influxdb', 'osprey', 'prometheus']);
  });

  it('starts ClickHouse only with the clickhouse profile', () => {
    expect(compose.services.clickhouse.profiles).toEqual(['clickhouse']);
  });

  it('lets Grafana load every Osprey plugin unsigned and mounts the built app', () => {
    const grafana = compose.services.grafana;
    const allowed = grafana.environment?.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS.split(',') ?? [];
    expect(allowed.sort()).toEqual(Object.values(PLUGIN_IDS).sort());
    const targets = (grafana.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target));
    expect(targets).toContain(`/var/lib/grafana/plugins/${PLUGIN_IDS.app}`);
  });

  it('mounts only provisioning files that exist', () => {
    for (const service of Object.values(compose.services)) {
      for (const v of service.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0] : v.type === 'bind' ? v.source : undefined;
        if (source?.includes('/provisioning/')) {
          expect(existsSync(source)).toBe(true);
        }
      }
    }
  });

  it('points the provisioned datasource at the backend service port', () => {
    const osprey = readYaml('provisioning/datasources/osprey.yaml').datasources.find(
      (d: { type: string }) => d.type === PLUGIN_IDS.datasource
    );
    const url = new URL(osprey.jsonData.url);
    expect(url.hostname).toBe('osprey');
    const published = (compose.services.osprey.ports ?? []).map((p) =>
      typeof p === 'string' ? Number(p.split(':').pop()) : p.target
    );
    expect(published).toContain(Number(url.port));
    expect(osprey.secureJsonData.token).toBe('$OSPREY_READ_TOKEN');
    expect(compose.services.grafana.environment?.OSPREY_READ_TOKEN).toBeTruthy();
  });
});

describe('provisioning/prometheus', () => {
  it('scrapes the backend with the read token docker-compose.yml gives it', () => {
    const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
    const readToken = /:-([^}]+)\}/.exec(compose['x-osprey-tokens'].OSPREY_READ_TOKEN)?.[1];
    const job = readYaml('provisioning/prometheus/prometheus.yml').scrape_configs.find(
      (j: { job_name: string }) => j.job_name === 'osprey'
    );
    expect(job.authorization).toEqual({ type: 'Bearer', credentials: readToken });
    expect(job.static_configs[0].targets).toEqual(['osprey:4318']);
  });

  it('is a config Prometheus accepts', () => {
    const out = execFileSync('promtool', ['check', 'config', 'provisioning/prometheus/prometheus.yml'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toContain('SUCCESS');
  });
});

describe('provisioning/', () => {
  it('links Prometheus exemplars to the Osprey datasource by the label /metrics puts trace ids in', () => {
    const file = readYaml('provisioning/datasources/osprey.yaml') as {
      datasources: Array<{ uid: string; type: string; jsonData?: Record<string, unknown> }>;
    };
    const prometheus = file.datasources.find((ds) => ds.type === 'prometheus');
    const osprey = file.datasources.find((ds) => ds.type === PLUGIN_IDS.datasource);
    expect(prometheus?.jsonData?.exemplarTraceIdDestinations).toEqual([
      { name: EXEMPLAR_TRACE_ID_LABEL, datasourceUid: osprey?.uid },
    ]);
  });

  it('enables the app plugin', () => {
    const { apps } = readYaml('provisioning/plugins/osprey.yaml');
    expect(apps).toEqual([expect.objectContaining({ type: PLUGIN_IDS.app, disabled: false })]);
  });

  it('has dashboards that use only provisioned datasources and known panel types', () => {
    const uids = new Set(
      readYaml('provisioning/datasources/osprey.yaml').datasources.map((d: { uid: string }) => d.uid)
    );
    const dir = path.join(root, 'provisioning/dashboards/osprey');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
      expect(dashboard.uid).toMatch(/^osprey-/);
      for (const panel of dashboard.panels) {
        expect(uids).toContain(panel.datasource.uid);
        for (const target of panel.targets) {
          expect(uids).toContain(target.datasource.uid);
        }
        if (panel.type.startsWith('osprey-')) {
          expect(Object.values(PLUGIN_IDS)).toContain(panel.type);
        }
      }
    }
  });
});
