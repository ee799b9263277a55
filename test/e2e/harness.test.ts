/** The host harness's own pure pieces: route templating, route matching, params, variables, define() shapes. */
import { backendUrlFrom } from './demo-stack';
import { sortOptions } from '../../host/src/preview/variable-sort';
import { parseDefineArgs } from '../../host/src/web/amd';
import { withParams } from '../../host/src/web/backend-srv';
import { HostTemplateSrv, replaceVariables } from '../../host/src/web/template-srv';
import { interpolateRoute, matchRoute } from '@osprey/host';

const ds = { jsonData: { url: 'http://127.0.0.1:9000' }, secureJsonData: { token: 's3cret' } };

describe('interpolateRoute', () => {
  it.each([
    ['{{ .JsonData.url }}', 'http://127.0.0.1:9000'],
    ['Bearer {{ .SecureJsonData.token }}', 'Bearer s3cret'],
    ['{{.JsonData.url}}/x', 'http://127.0.0.1:9000/x'],
    ['no template', 'no template'],
  ])('%s → %s', (template, expected) => {
    expect(interpolateRoute(template, ds)).toBe(expected);
  });

  it.each(['{{ .JsonData.missing }}', 'Bearer {{ .SecureJsonData.apiKey }}'])(
    'refuses %s, which the datasource does not set',
    (template) => {
      expect(() => interpolateRoute(template, ds)).toThrow(/does not set/);
    }
  );
});

describe('matchRoute', () => {
  const routes = [
    { path: 'osprey', url: 'a' },
    { path: 'osprey/admin', url: 'b' },
  ];
  it.each([
    ['osprey/api/v1/services', 'a', '/api/v1/services'],
    ['osprey', 'a', ''],
    ['osprey/admin/x', 'b', '/x'],
  ])('%s → route %s, rest %s', (proxyPath, url, rest) => {
    expect(matchRoute(routes, proxyPath)).toEqual({ route: expect.objectContaining({ url }), rest });
  });

  it.each(['ospreyx/api', 'other/osprey', ''])('%s matches no route', (proxyPath) => {
    expect(matchRoute(routes, proxyPath)).toBeUndefined();
  });
});

describe('withParams', () => {
  it.each([
    ['/a', { from: 1, to: 2 }, '/a?from=1&to=2'],
    ['/a?x=1', { y: 'b c' }, '/a?x=1&y=b+c'],
    ['/a', { s: ['x', 'y'], u: undefined }, '/a?s=x&s=y'],
    ['/a', undefined, '/a'],
    ['/a', {}, '/a'],
  ])('%s + %j → %s', (url, params, expected) => {
    expect(withParams(url, params)).toBe(expected);
  });
});

describe('replaceVariables', () => {
  const values: Record<string, string> = { service: 'checkout', env: 'prod' };
  it.each([
    ['$service', 'checkout'],
    ['${service}/${env:raw}', 'checkout/prod'],
    ['[[env]]', 'prod'],
    ['$unknown stays', '$unknown stays'],
  ])('%s → %s', (target, expected) => {
    expect(replaceVariables(target, (name) => values[name])).toBe(expected);
  });
});

describe('HostTemplateSrv with dashboard variables', () => {
  const srv = new HostTemplateSrv();
  const options = ['catalog', 'checkout'];
  srv.setVariable({ name: 'one', current: { text: 'checkout', value: 'checkout' }, options });
  srv.setVariable({ name: 'two', current: { text: ['catalog', 'checkout'], value: ['catalog', 'checkout'] }, options });
  srv.setVariable({ name: 'allCustom', current: { text: 'All', value: '$__all' }, options, allValue: '' });
  srv.setVariable({ name: 'allOptions', current: { text: 'All', value: ['$__all'] }, options });
  const join = (value: string | string[]) => (Array.isArray(value) ? value.join('|') : value);

  it.each([
    ['$one', undefined, 'checkout'],
    ['$two', undefined, '{catalog,checkout}'],
    ['$two', 'csv', 'catalog,checkout'],
    ['$two', join, 'catalog|checkout'],
    ['$two', 'text', 'catalog + checkout'],
    ['[$allCustom]', join, '[]'],
    ['$allOptions', join, 'catalog|checkout'],
    ['$allOptions', 'text', 'All'],
  ])('%s with format %p → %s', (target, format, expected) => {
    expect(srv.replace(target, undefined, format)).toBe(expected);
  });

  it('lists the variables with their current values, as datasources read them', () => {
    expect(srv.getVariables().map((v) => [v.name, (v as { current?: { value: unknown } }).current?.value])).toEqual([
      ['one', 'checkout'],
      ['two', ['catalog', 'checkout']],
      ['allCustom', '$__all'],
      ['allOptions', ['$__all']],
    ]);
  });
});

describe('parseDefineArgs', () => {
  const factory = () => undefined;
  it.each([
    [[['react'], factory], ['react']],
    [
      ['named', ['react', 'rxjs'], factory],
      ['react', 'rxjs'],
    ],
    [[factory], ['require', 'exports', 'module']],
  ])('%#: deps %j', (args, deps) => {
    expect(parseDefineArgs(args)).toEqual({ deps, factory });
  });
});

describe('backendUrlFrom', () => {
  it.each([
    ['\n  backend      http://127.0.0.1:43111        (OTLP/HTTP ...)\n', 'http://127.0.0.1:43111'],
    ['  shop         http://127.0.0.1:5000    (load: 20 requests/s)\n', undefined],
    ['{"msg":"osprey listening"}', undefined],
  ])('%j → %s', (output, url) => {
    expect(backendUrlFrom(output)).toBe(url);
  });
});

describe("sortOptions (a variable's sort)", () => {
  const options = ['b10', 'B2', 'a1', 'b2'];
  it.each([
    [0, ['b10', 'B2', 'a1', 'b2']],
    [1, ['B2', 'a1', 'b10', 'b2']],
    [2, ['b2', 'b10', 'a1', 'B2']],
    [3, ['a1', 'B2', 'b2', 'b10']],
    [4, ['b10', 'B2', 'b2', 'a1']],
    [5, ['a1', 'b10', 'B2', 'b2']],
    [7, ['a1', 'B2', 'b2', 'b10']],
    [8, ['b10', 'B2', 'b2', 'a1']],
  ])('sort %d → %j', (sort, expected) => {
    expect(sortOptions(options, sort)).toEqual(expected);
  });
});
