/**
 * Every bundled dashboard type-checks against @grafana/schema's Dashboard, its panels' options
 * against the schema's (or our panel plugins') option types, its targets against the query model
 * of their datasource and its query variables against their datasource's variable query, by the
 * TypeScript compiler (test/dashboards/type-check.ts). Broken copies prove the check bites.
 */
import { bundledDashboards } from '../dashboards/bundled';
import { typeCheck, type TypeError } from '../dashboards/type-check';

jest.setTimeout(120_000);

const dashboards = bundledDashboards();
const byUid = Object.fromEntries(dashboards.map((d) => [d.json.uid, d.json]));
const clone = (uid: string) => JSON.parse(JSON.stringify(byUid[uid]));

/** A copy of a dashboard with one mistake, and what the compiler must then report. */
const BROKEN: Array<{ name: string; break: () => object; where: RegExp; message: RegExp }> = [
  {
    name: 'grid height as a string',
    break: () => {
      const d = clone('osprey-service-overview');
      d.panels[0].gridPos.h = '8';
      return d;
    },
    where: /^dashboard$/,
    message: /'string' is not assignable to type 'number'/,
  },
  {
    name: 'unknown XLOG scale',
    break: () => {
      const d = clone('osprey-transactions');
      d.panels.find((p: { type: string }) => p.type === 'osprey-xlog-panel').options.yScale = 'cubic';
      return d;
    },
    where: /^panel "XLOG/,
    message: /"cubic"/,
  },
  {
    name: 'misspelt Osprey query type',
    break: () => {
      const d = clone('osprey-transactions');
      d.panels[0].targets[0].queryType = 'xlogs';
      return d;
    },
    where: /target 0$/,
    message: /"xlogs"/,
  },
  {
    name: 'PromQL as a number',
    break: () => {
      const d = clone('osprey-containers');
      d.panels[0].targets[0].expr = 42;
      return d;
    },
    where: /target 0$/,
    message: /'number' is not assignable to type 'string'/,
  },
  {
    name: 'unknown field in a variable',
    break: () => {
      const d = clone('osprey-hosts');
      d.templating.list[0].refersh = 2;
      return d;
    },
    where: /^(dashboard|variable host)$/,
    message: /refersh\W+ does not exist/,
  },
  {
    name: 'Osprey variable query of an unknown list',
    break: () => {
      const d = clone('osprey-service-overview');
      d.templating.list[0].query.type = 'pods';
      return d;
    },
    where: /^variable service$/,
    message: /"pods"/,
  },
  {
    name: 'threshold mode the schema does not know',
    break: () => {
      const d = clone('osprey-jvm');
      d.panels.find((p: { type: string }) => p.type === 'stat').fieldConfig.defaults.thresholds.mode = 'relative-ish';
      return d;
    },
    where: /^dashboard$/,
    message: /"relative-ish"/,
  },
  {
    name: 'annotation query of an unknown type',
    break: () => {
      const d = clone('osprey-jvm');
      d.annotations.list[0].target.queryType = 'deadlocks';
      return d;
    },
    where: /^annotation /,
    message: /"deadlocks"/,
  },
  {
    name: 'panel type nobody provides',
    break: () => {
      const d = clone('osprey-service-map');
      d.panels[0].type = 'osprey-tracemap';
      return d;
    },
    where: /^panel "Trace map"$/,
    message: /'osprey-tracemap' does not exist on type 'Panels'/,
  },
];

let errors: Record<string, TypeError[]>;

beforeAll(() => {
  errors = typeCheck({
    ...Object.fromEntries(dashboards.map((d) => [d.json.uid, d.json])),
    ...Object.fromEntries(BROKEN.map((b, i) => [`broken-${i}`, b.break()])),
  });
});

it.each(dashboards.map((d) => d.json.uid))('%s type-checks', (uid) => {
  expect(errors[uid]).toEqual([]);
});

it.each(BROKEN.map((b, i) => [b.name, i] as const))('fails on a dashboard with %s', (_name, i) => {
  const { where, message } = BROKEN[i];
  expect(errors[`broken-${i}`]).toEqual(
    expect.arrayContaining([{ where: expect.stringMatching(where), message: expect.stringMatching(message) }])
  );
});
