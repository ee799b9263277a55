import { bearerToken, grants, TokenRegistry } from './tokens';

describe('TokenRegistry', () => {
  const registry = new TokenRegistry({ ingest: 'in-tok', read: 'rd-tok', admin: 'ad-tok' });

  it.each([
    ['in-tok', ['ingest']],
    ['rd-tok', ['read']],
    ['ad-tok', ['admin']],
    ['rd-to', []],
    ['rd-tok2', []],
    ['', []],
    ['x'.repeat(10_000), []],
  ])('scopes of %j', (token, scopes) => {
    expect(registry.scopesOf(token)).toEqual(scopes);
  });

  it('gives both scopes when one token is configured twice', () => {
    expect(new TokenRegistry({ ingest: 'same', read: 'same' }).scopesOf('same')).toEqual(['ingest', 'read']);
  });

  it('ignores empty tokens', () => {
    expect(new TokenRegistry({ ingest: '', read: 'r' }).size).toBe(1);
  });
});

describe('grants', () => {
  it.each([
    ['admin', 'read', true],
    ['admin', 'ingest', true],
    ['read', 'read', true],
    ['read', 'ingest', false],
    ['ingest', 'read', false],
    ['ingest', 'admin', false],
  ] as const)('%s grants %s: %s', (scope, required, expected) => {
    expect(grants(scope, required)).toBe(expected);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['Bearer   abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
