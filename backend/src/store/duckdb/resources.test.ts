import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Attributes, Span } from '@osprey/model';

import { RESOURCE_SCHEMA, ResourceDictionary, resourceId } from './resources';

function span(resource: Attributes): Span {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: 'GET /x',
    kind: 'server',
    startTimeUnixNano: '1763800000000000000',
    durationNano: '1000',
    status: 'unset',
    service: String(resource['service.name']),
    resource,
    attributes: {},
    events: [],
  };
}

describe('resourceId', () => {
  it.each([
    ['{"service.name":"cart"}', '{"service.name":"cart"}', true],
    ['{"service.name":"cart"}', '{"service.name":"carts"}', false],
    ['{}', '{"service.name":""}', false],
  ])('%s vs %s: same id %s', (a, b, same) => {
    expect(resourceId(a) === resourceId(b)).toBe(same);
  });
});

describe('ResourceDictionary', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeEach(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    for (const statement of RESOURCE_SCHEMA) {
      await connection.run(statement);
    }
  });

  afterEach(() => {
    connection.closeSync();
    instance.closeSync();
  });

  const rows = async () =>
    (await connection.runAndReadAll('SELECT id, resource FROM span_resources ORDER BY resource')).getRowsJS();

  it('stores each resource once, across groups and reloads, and gives every span its id', async () => {
    const cart = { 'service.name': 'cart', 'service.instance.id': 'cart-1' };
    const sameCart = { ...cart };
    const shop = { 'service.name': 'shop' };
    const dictionary = await ResourceDictionary.load(connection);
    const first = await dictionary.store(connection, [span(cart), span(cart), span(sameCart), span(shop)]);
    first.apply();
    expect(first.ids.get(cart)).toBe(first.ids.get(sameCart));
    expect(first.ids.get(cart)).not.toBe(first.ids.get(shop));
    expect(await rows()).toEqual([
      [first.ids.get(cart), JSON.stringify(cart)],
      [first.ids.get(shop), JSON.stringify(shop)],
    ]);
    (await dictionary.store(connection, [span({ ...cart })])).apply();
    (await (await ResourceDictionary.load(connection)).store(connection, [span(shop)])).apply();
    expect(await rows()).toHaveLength(2);
  });

  it('stores a resource again when the group that brought it was not applied (rolled back)', async () => {
    const dictionary = await ResourceDictionary.load(connection);
    await connection.run('BEGIN TRANSACTION');
    await dictionary.store(connection, [span({ 'service.name': 'cart' })]);
    await connection.run('ROLLBACK');
    await dictionary.store(connection, [span({ 'service.name': 'cart' })]);
    expect(await rows()).toHaveLength(1);
  });
});
