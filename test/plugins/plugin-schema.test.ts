/**
 * Every plugin.json in the built dist/ (the app and the plugins nested in it) against test/plugins/plugin.schema.json,
 * Osprey's mirror of Grafana's plugin.json schema; broken variants of the app's plugin.json must fail it.
 * Run `npm run build:plugins` first.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dist = path.resolve(__dirname, '../../dist');
const schema = JSON.parse(readFileSync(path.join(__dirname, 'plugin.schema.json'), 'utf8'));

// Grafana's patterns escape '-' as '\\-', which Go's regexp and JavaScript's non-unicode mode accept.
const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

/** Problems as "<json pointer> <message>" lines, empty when valid. */
function problems(pluginJson: unknown): string[] {
  return validate(pluginJson) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Every plugin.json below dist/, as Grafana's loader finds nested plugins. */
function pluginJsonFiles(dir: string, relative = ''): string[] {
  return readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = path.posix.join(relative, entry.name);
    if (entry.isDirectory()) {
      return pluginJsonFiles(dir, child);
    }
    return entry.name === 'plugin.json' ? [child] : [];
  });
}

const readJson = (relative: string) => JSON.parse(readFileSync(path.join(dist, relative), 'utf8'));

describe('plugin.json files in dist/', () => {
  const files = pluginJsonFiles(dist);

  it('are the app and the four plugins it nests', () => {
    expect(files.sort()).toEqual([
      'datasource/plugin.json',
      'panels/threaddump/plugin.json',
      'panels/tracemap/plugin.json',
      'panels/xlog/plugin.json',
      'plugin.json',
    ]);
  });

  it.each(files)('%s matches the plugin.json schema', (file) => {
    expect(problems(readJson(file))).toEqual([]);
  });
});

describe('datasource/plugin.json', () => {
  // Grafana offers only tracing datasources in its trace-link pickers (Prometheus exemplars, Loki
  // derived fields); streaming says queries may stay open (live XLOG, LoadingState.Streaming).
  it('declares what the datasource does: metrics, annotations, tracing, streaming, no backend', () => {
    expect(readJson('datasource/plugin.json')).toMatchObject({
      metrics: true,
      annotations: true,
      tracing: true,
      streaming: true,
      backend: false,
    });
  });
});

type Json = Record<string, any>;

describe('a broken plugin.json fails the schema', () => {
  it.each<{ name: string; breakIt: (p: Json) => void; problem: string }>([
    { name: 'upper-case id', breakIt: (p) => (p.id = 'Osprey-apm-app'), problem: '/id must match pattern' },
    { name: 'id without a type suffix', breakIt: (p) => (p.id = 'osprey-apm'), problem: '/id must match pattern' },
    { name: 'unknown plugin type', breakIt: (p) => (p.type = 'application'), problem: '/type must be equal to one of' },
    { name: 'no name', breakIt: (p) => delete p.name, problem: "/ must have required property 'name'" },
    {
      name: 'misspelt top-level key',
      breakIt: (p) => (p.rootes = []),
      problem: '/ must NOT have additional properties',
    },
    {
      name: 'no version',
      breakIt: (p) => delete p.info.version,
      problem: "/info must have required property 'version'",
    },
    {
      name: 'updated not a date',
      breakIt: (p) => (p.info.updated = '30/11/2026'),
      problem: '/info/updated must match',
    },
    {
      name: 'no keywords',
      breakIt: (p) => (p.info.keywords = []),
      problem: '/info/keywords must NOT have fewer than 1',
    },
    {
      name: 'one logo only',
      breakIt: (p) => delete p.info.logos.large,
      problem: "/info/logos must have required property 'large'",
    },
    {
      name: 'author url not a URI',
      breakIt: (p) => (p.info.author.url = 'not a uri'),
      problem: '/info/author/url must match format',
    },
    {
      name: 'no grafanaDependency',
      breakIt: (p) => delete p.dependencies.grafanaDependency,
      problem: "/dependencies must have required property 'grafanaDependency'",
    },
    {
      name: 'grafanaDependency not a version range',
      breakIt: (p) => (p.dependencies.grafanaDependency = 'latest'),
      problem: '/dependencies/grafanaDependency must match pattern',
    },
    {
      name: 'page role Owner',
      breakIt: (p) => (p.includes[0].role = 'Owner'),
      problem: '/includes/0/role must be equal to one of',
    },
    {
      name: 'include type plugin',
      breakIt: (p) => (p.includes[2].type = 'plugin'),
      problem: '/includes/2/type must be equal to one of',
    },
    {
      name: 'misspelt route key',
      breakIt: (p) => (p.routes[0].header = p.routes[0].headers),
      problem: '/routes/0 must NOT have additional properties',
    },
  ])('$name', ({ breakIt, problem }) => {
    const app = readJson('plugin.json');
    expect(problems(app)).toEqual([]);
    breakIt(app);
    expect(problems(app)).toEqual(expect.arrayContaining([expect.stringContaining(problem)]));
  });
});
