/**
 * Checks the built plugin suite (run `npm run build:plugins` first): the layout Grafana scans, the
 * plugin.json fields it requires, and that each module.js is AMD with Grafana's shared modules external.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { PLUGIN_IDS } from '@osprey/model';

import { bundledDashboards, DASHBOARD_DIR } from '../dashboards/bundled';

const dist = path.resolve(__dirname, '../../dist');

interface PluginJson {
  id: string;
  type: string;
  name: string;
  info: {
    keywords: string[];
    logos: { small: string; large: string };
    version: string;
    updated: string;
  };
  dependencies: { grafanaDependency: string; plugins: unknown[] };
  includes?: Array<{
    type: string;
    name: string;
    path?: string;
    role?: string;
    addToNav?: boolean;
    defaultNav?: boolean;
  }>;
  routes?: Array<{ path: string; url: string; headers?: Array<{ name: string; content: string }> }>;
}

const PLUGINS = [
  { dir: '.', id: PLUGIN_IDS.app, type: 'app' },
  { dir: 'datasource', id: PLUGIN_IDS.datasource, type: 'datasource' },
  { dir: 'panels/xlog', id: PLUGIN_IDS.xlogPanel, type: 'panel' },
  { dir: 'panels/threaddump', id: PLUGIN_IDS.threadDumpPanel, type: 'panel' },
  { dir: 'panels/tracemap', id: PLUGIN_IDS.traceMapPanel, type: 'panel' },
];

const readJson = (file: string): PluginJson => JSON.parse(readFileSync(file, 'utf8'));
const appVersion: string = JSON.parse(readFileSync(path.resolve(__dirname, '../../app/package.json'), 'utf8')).version;

/** Lowest version a `>=x.y.z` range admits, as [major, minor, patch]. */
function rangeFloor(range: string): number[] {
  const m = /^>=\s*(\d+)\.(\d+)\.(\d+)/.exec(range);
  if (!m) {
    throw new Error(`grafanaDependency "${range}" is not a >= range`);
  }
  return m.slice(1).map(Number);
}

/** The `define([...], ...)` dependency list at the start of an AMD module. */
function amdDependencies(source: string): string[] {
  const m = /^define\((\[[^\]]*\])/.exec(source);
  if (!m) {
    throw new Error(`module does not start with an AMD define: ${source.slice(0, 60)}`);
  }
  return JSON.parse(m[1]);
}

describe.each(PLUGINS)('dist/$dir ($id)', ({ dir, id, type }) => {
  const root = path.join(dist, dir);
  const pluginJson = () => readJson(path.join(root, 'plugin.json'));

  it('has plugin.json and module.js', () => {
    expect(existsSync(path.join(root, 'plugin.json'))).toBe(true);
    expect(existsSync(path.join(root, 'module.js'))).toBe(true);
  });

  it('has the plugin.json fields Grafana requires', () => {
    const p = pluginJson();
    expect(p.id).toBe(id);
    expect(p.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
    expect(p.id.endsWith(`-${type}`)).toBe(true);
    expect(p.type).toBe(type);
    expect(p.name).toEqual(expect.any(String));
    expect(p.info.keywords.length).toBeGreaterThan(0);
    expect(p.info.version).toBe(appVersion);
    expect(p.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(p.dependencies.plugins).toEqual([]);
    const [major, minor] = rangeFloor(p.dependencies.grafanaDependency);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(12 * 1000 + 3);
  });

  it('ships its logos', () => {
    const { small, large } = pluginJson().info.logos;
    for (const logo of [small, large]) {
      const file = path.join(root, logo);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toContain('<svg');
    }
  });

  it('is an AMD module that takes React and @grafana/* from Grafana instead of bundling them', () => {
    const source = readFileSync(path.join(root, 'module.js'), 'utf8');
    const deps = amdDependencies(source);
    expect(deps).toEqual(expect.arrayContaining(['@grafana/data', 'react/jsx-runtime']));
    expect(deps.every((d) => !d.startsWith('.'))).toBe(true);
    // React 18 and 19 both name their internals "..._DO_NOT_USE_OR_..."; minified code keeps that property name.
    for (const marker of ['_DO_NOT_USE_OR_', 'react.production', 'ReactCurrentOwner']) {
      expect(source).not.toContain(marker);
    }
    // A bundled @grafana/data would carry its field type registry; the shared one is used instead.
    expect(source).not.toContain('FieldTypeRegistry');
  });
});

describe('app includes', () => {
  const app = () => readJson(path.join(dist, 'plugin.json'));

  it.each(PLUGINS.filter((p) => p.type !== 'app'))(
    'lists the nested $type $id by a path to its plugin.json with the same type',
    ({ dir, id, type }) => {
      const entry = app().includes?.find((i) => i.path === `${dir}/plugin.json`);
      expect(entry?.type).toBe(type);
      const nested = readJson(path.join(dist, entry!.path!));
      expect(nested.type).toBe(type);
      expect(nested.id).toBe(id);
      expect(nested.name).toBe(entry!.name);
    }
  );

  it('nests every plugin of the suite and nothing else', () => {
    const nested = app()
      .includes?.filter((i) => i.type === 'datasource' || i.type === 'panel')
      .map((i) => i.path);
    expect(nested).toEqual(PLUGINS.filter((p) => p.type !== 'app').map((p) => `${p.dir}/plugin.json`));
  });

  it('ships every bundled dashboard it includes, byte for byte as in app/src/dashboards', () => {
    const included = app()
      .includes!.filter((i) => i.type === 'dashboard')
      .map((i) => i.path!);
    expect(included.map((p) => path.basename(p)).sort()).toEqual(bundledDashboards().map((d) => d.file));
    for (const rel of included) {
      expect(readFileSync(path.join(dist, rel), 'utf8')).toBe(
        readFileSync(path.join(DASHBOARD_DIR, path.basename(rel)), 'utf8')
      );
    }
  });
});

describe.each(['datasource/plugin.json', 'plugin.json'])('%s route', (file) => {
  it('forwards /osprey to the configured URL with the secure token as a bearer header', () => {
    expect(readJson(path.join(dist, file)).routes).toEqual([
      {
        path: 'osprey',
        url: '{{ .JsonData.url }}',
        headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.token }}' }],
      },
    ]);
  });
});

describe('app pages', () => {
  it('are the getting-started root page and the incidents page for viewers, the configuration page for admins', () => {
    const pages = readJson(path.join(dist, 'plugin.json')).includes?.filter((i) => i.type === 'page');
    expect(pages).toEqual([
      expect.objectContaining({ path: `/a/${PLUGIN_IDS.app}`, role: 'Viewer', addToNav: true, defaultNav: true }),
      expect.objectContaining({
        path: `/a/${PLUGIN_IDS.app}/incidents`,
        name: 'Incidents',
        role: 'Viewer',
        addToNav: true,
      }),
      expect.objectContaining({ path: `/plugins/${PLUGIN_IDS.app}`, role: 'Admin', addToNav: true }),
    ]);
  });
});
