import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse, stringify } from 'yaml';

import { PLUGIN_IDS } from '@osprey/model';

import { EXEMPLAR_TRACE_ID_LABEL } from '../../backend/src/metrics/ingest-metrics';
import {
  annotationTargets,
  bundledDashboards,
  DASHBOARD_DIR,
  dashboardTargets,
  linkUrls,
  referencedVariables,
  variableQueries,
} from '../dashboards/bundled';

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

interface BindMount {
  source: string;
  target: string;
}

/** A service's bind mounts with absolute host paths (the short form is relative to the compose file). */
function bindMounts(service: ComposeService): BindMount[] {
  return (service.volumes ?? []).flatMap((v) => {
    if (typeof v !== 'string') {
      return v.type === 'bind' ? [{ source: v.source, target: v.target }] : [];
    }
    const [source, target] = v.split(':');
    return [{ source: path.resolve(root, source), target }];
  });
}

/** Where a path inside the container comes from on the host, by the deepest mount holding it. */
function hostPath(mounts: BindMount[], containerPath: string): string | undefined {
  const mount = mounts
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return mount && path.join(mount.source, containerPath.slice(mount.target.length));
}

const readJsonFile = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const dashboardUid = (file: string) => readJsonFile<{ uid: string }>(file).uid;

interface DashboardProviders {
  providers?: Array<{ options: { path: string } }>;
}

/** The uids of the dashboards Grafana's file provisioning loads from the provider files under `providerDir`. */
function provisionedUids(mounts: BindMount[], providerDir: string | undefined): string[] {
  const providerFiles =
    providerDir && existsSync(providerDir) ? readdirSync(providerDir).filter((f) => /\.ya?ml$/.test(f)) : [];
  return providerFiles.flatMap((file) => {
    const { providers = [] } = parse(readFileSync(path.join(providerDir!, file), 'utf8')) as DashboardProviders;
    return providers.flatMap(({ options }) => {
      const dir = hostPath(mounts, options.path);
      const files = dir ? (readdirSync(dir, { recursive: true }) as string[]) : [];
      return files.filter((f) => f.endsWith('.json')).map((f) => dashboardUid(path.join(dir!, f)));
    });
  });
}

/**
 * The dashboard uids a Grafana service gets each way: from the `dashboard` includes of the Osprey app it loads
 * (Grafana imports them into the General folder when the app is enabled, again when the app's version changes,
 * and deletes them when it is disabled) and from the file providers of its dashboard provisioning (saved into
 * the provider's folder, saved again whenever a file changes). A uid in both is one dashboard two owners fight
 * over: whichever saves second overwrites the other's copy or is refused ("Cannot save provisioned dashboard").
 */
function grafanaDashboardUids(service: ComposeService): { included: string[]; provisioned: string[] } {
  const mounts = bindMounts(service);
  const mountedApp = hostPath(mounts, `/var/lib/grafana/plugins/${PLUGIN_IDS.app}`);
  // Compose mounts the build: webpack copies app/src/plugin.json and app/src/dashboards/ into dist/ as they are.
  const appDir = mountedApp === path.join(root, 'dist') ? path.join(root, 'app/src') : mountedApp;
  const includes = appDir
    ? readJsonFile<{ includes: Array<{ type: string; path: string }> }>(path.join(appDir, 'plugin.json')).includes
    : [];
  return {
    included: includes.filter((i) => i.type === 'dashboard').map((i) => dashboardUid(path.join(appDir!, i.path))),
    provisioned: provisionedUids(mounts, hostPath(mounts, '/etc/grafana/provisioning/dashboards')),
  };
}

describe('docker-compose.yml', () => {
  const compose = composeConfig();

  it('runs Grafana, the backend, the demo, Prometheus, cAdvisor, InfluxDB, Telegraf, MySQL and a watched JVM', () => {
    const always = Object.keys(compose.services).filter((name) => compose.services[name].profiles === undefined);
    expect(always.sort()).toEqual([
      'cadvisor',
      'demo',
      'demo-jvm',
      'grafana',
      'influxdb',
      'jvm-agent',
      'mysql',
      'osprey',
      'prometheus',
      'telegraf',
    ]);
  });

  it('starts ClickHouse only with the clickhouse profile', () => {
    expect(compose.services.clickhouse.profiles).toEqual(['clickhouse']);
  });

  it('mounts the datasource, app and alerting provisioning into Grafana', () => {
    const targets = bindMounts(compose.services.grafana).map((m) => m.target);
    for (const folder of ['datasources', 'plugins', 'alerting']) {
      expect(targets).toContain(`/etc/grafana/provisioning/${folder}`);
    }
  });

  it("gets the Osprey dashboards from the app's includes alone, none also file-provisioned", () => {
    const { included, provisioned } = grafanaDashboardUids(compose.services.grafana);
    expect(included.sort()).toEqual(
      bundledDashboards()
        .map((d) => d.json.uid)
        .sort()
    );
    expect(provisioned).toEqual([]);
  });

  it('would give every app-included dashboard two owners if a file provider loaded the same files', async () => {
    // The set-up before this rule: a file provider over the same dashboards, mounted beside the app.
    const providers = await mkdtemp(path.join(os.tmpdir(), 'osprey-dashboard-providers-'));
    try {
      const provider = {
        name: 'Osprey',
        type: 'file',
        options: { path: '/etc/grafana/provisioning/dashboards/osprey' },
      };
      writeFileSync(path.join(providers, 'osprey.yaml'), stringify({ apiVersion: 1, providers: [provider] }));
      const both = {
        volumes: [
          ...(compose.services.grafana.volumes ?? []),
          `${providers}:/etc/grafana/provisioning/dashboards:ro`,
          `${DASHBOARD_DIR}:/etc/grafana/provisioning/dashboards/osprey:ro`,
        ],
      };
      const { included, provisioned } = grafanaDashboardUids(both);
      expect(provisioned.filter((uid) => included.includes(uid)).sort()).toEqual(included.sort());
    } finally {
      await rm(providers, { recursive: true, force: true });
    }
  });

  it("runs the JVM agent in the demo JVM's process namespace, matching its main class, against the backend", () => {
    const agent = compose.services['jvm-agent'] as ComposeService & { pid?: string; command?: string[] };
    expect(agent.pid).toBe('service:demo-jvm');
    const arg = (flag: string) => agent.command?.[agent.command.indexOf(flag) + 1];
    expect(readFileSync(path.join(root, 'test/fixtures/jvm', `${arg('--match')}.java`), 'utf8')).toContain('main(');
    expect(new URL(arg('--backend')!).hostname).toBe('osprey');
    expect(agent.environment?.OSPREY_INGEST_TOKEN).toBeTruthy();
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

describe('provisioning/telegraf', () => {
  const conf = parseToml(readFileSync(path.join(root, 'provisioning/telegraf/telegraf.conf'), 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: { influxdb: Array<{ urls: string[]; database: string }> };
  };

  it('collects cpu, mem, disk, net and mysql', () => {
    expect(Object.keys(conf.inputs).sort()).toEqual(['cpu', 'disk', 'mem', 'mysql', 'net']);
  });

  it('writes to the compose influxdb service, into the database the Telegraf datasource reads', () => {
    const [out] = conf.outputs.influxdb;
    expect(out.urls.map((u) => new URL(u).hostname)).toEqual(['influxdb']);
    const ds = readYaml('provisioning/datasources/osprey.yaml').datasources.find(
      (d: { uid: string }) => d.uid === 'influxdb-telegraf'
    );
    expect(ds.jsonData.dbName).toBe(out.database);
    expect(new URL(ds.url).hostname).toBe('influxdb');
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

  it('enables the app plugin with the backend URL and token its route needs, the same as the datasource', () => {
    const { apps } = readYaml('provisioning/plugins/osprey.yaml');
    const osprey = readYaml('provisioning/datasources/osprey.yaml').datasources.find(
      (ds: { type: string }) => ds.type === PLUGIN_IDS.datasource
    );
    expect(apps).toEqual([
      expect.objectContaining({
        type: PLUGIN_IDS.app,
        disabled: false,
        jsonData: { url: osprey.jsonData.url },
        secureJsonData: { token: osprey.secureJsonData.token },
      }),
    ]);
  });

  it('has dashboards that use only provisioned datasources and known panel types', () => {
    const uids = new Set(
      readYaml('provisioning/datasources/osprey.yaml').datasources.map((d: { uid: string }) => d.uid)
    );
    const files = readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(path.join(DASHBOARD_DIR, file), 'utf8'));
      expect(dashboard.uid).toMatch(/^osprey-/);
      for (const annotation of dashboard.annotations?.list ?? []) {
        expect(uids).toContain(annotation.datasource.uid);
      }
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

  describe('dashboards', () => {
    const dashboards = bundledDashboards();
    const uids = dashboards.map((d) => d.json.uid);
    const datasourceUids = readYaml('provisioning/datasources/osprey.yaml').datasources.map(
      (d: { uid: string }) => d.uid
    );

    it('are the eight Osprey dashboards', () => {
      expect([...uids].sort()).toEqual([
        'osprey-containers',
        'osprey-health',
        'osprey-host-snapshots',
        'osprey-hosts',
        'osprey-jvm',
        'osprey-service-map',
        'osprey-service-overview',
        'osprey-transactions',
      ]);
    });

    it('are all included in the app plugin, each by the file the build copies', () => {
      const app = JSON.parse(readFileSync(path.join(root, 'app/src/plugin.json'), 'utf8')) as {
        includes: Array<{ type: string; name: string; path?: string }>;
      };
      const included = app.includes.filter((i) => i.type === 'dashboard');
      expect(included.map((i) => i.path).sort()).toEqual(dashboards.map((d) => `dashboards/${d.file}`).sort());
      for (const { file, json } of dashboards) {
        expect(included.find((i) => i.path === `dashboards/${file}`)?.name).toBe(json.title);
      }
    });

    it.each(dashboards.map((d) => [d.json.uid, d] as const))(
      '%s: variables query provisioned datasources; every variable used is defined',
      (_uid, dashboard) => {
        for (const { variable } of variableQueries(dashboard)) {
          expect(datasourceUids).toContain(variable.datasource.uid);
        }
        const defined = (dashboard.json.templating?.list ?? []).map((v) => v.name);
        const used = new Set<string>();
        // An InfluxDB alias's $tag_x / $col name the series' tags and columns, not variables.
        for (const { target } of [...dashboardTargets(dashboard), ...annotationTargets(dashboard)]) {
          referencedVariables(JSON.stringify({ ...target, alias: undefined })).forEach((v) => used.add(v));
        }
        for (const { variable } of variableQueries(dashboard)) {
          referencedVariables(JSON.stringify(variable.query)).forEach((v) => used.add(v));
        }
        linkUrls(dashboard).forEach((url) => referencedVariables(url).forEach((v) => used.add(v)));
        dashboard.json.panels.forEach((p) => referencedVariables(p.title ?? '').forEach((v) => used.add(v)));
        // The trace-map panel fills ${name}, ${id} and ${type} with the clicked node's.
        ['name', 'id', 'type'].forEach((v) => used.delete(v));
        expect([...used].filter((v) => !defined.includes(v))).toEqual([]);
      }
    );

    it.each(dashboards.map((d) => [d.json.uid, d] as const))(
      '%s: links open existing dashboards and keep the time range',
      (_uid, dashboard) => {
        const urls = linkUrls(dashboard);
        for (const url of urls) {
          const target = /^\/d\/([\w-]+)/.exec(url)?.[1];
          expect(uids).toContain(target);
          expect(url).toContain('${__url_time_range}');
        }
        const dashboardLinks = dashboard.json.links ?? [];
        expect(dashboardLinks).toEqual([
          expect.objectContaining({ type: 'dashboards', tags: ['osprey'], includeVars: true, keepTime: true }),
        ]);
        expect(dashboard.json.tags).toContain('osprey');
      }
    );
  });
});
