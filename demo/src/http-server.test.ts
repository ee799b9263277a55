import { matchRoute, type Route } from './http-server';

const handler: Route['handler'] = async () => ({ status: 200, body: undefined });
const routes: Route[] = [
  { method: 'GET', pattern: '/', handler },
  { method: 'GET', pattern: '/products', handler },
  { method: 'GET', pattern: '/products/:id', handler },
  { method: 'POST', pattern: '/orders', handler },
];

describe('matchRoute', () => {
  it.each([
    ['GET', '/', '/', {}],
    ['GET', '/products', '/products', {}],
    ['GET', '/products/', '/products', {}],
    ['GET', '/products/42', '/products/:id', { id: '42' }],
    ['GET', '/products/a%20b', '/products/:id', { id: 'a b' }],
    ['POST', '/orders', '/orders', {}],
  ])('%s %s → %s %j', (method, path, pattern, params) => {
    const match = matchRoute(routes, method, path);
    expect(match?.route.pattern).toBe(pattern);
    expect(match?.params).toEqual(params);
  });

  it.each([
    ['GET', '/orders'],
    ['POST', '/products'],
    ['GET', '/products/1/reviews'],
    ['GET', '/nope'],
  ])('%s %s matches nothing', (method, path) => {
    expect(matchRoute(routes, method, path)).toBeUndefined();
  });
});
