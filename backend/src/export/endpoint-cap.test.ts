import { EndpointCap, OTHER_ENDPOINT } from './endpoint-cap';

describe('EndpointCap', () => {
  it.each<[string, number, Array<[string, string]>, string[]]>([
    [
      'under the cap',
      3,
      [
        ['a', '/x'],
        ['a', '/y'],
      ],
      ['/x', '/y'],
    ],
    [
      'past the cap, per service',
      2,
      [
        ['a', '/1'],
        ['a', '/2'],
        ['a', '/3'],
        ['b', '/3'],
        ['a', '/1'],
        ['a', '/4'],
      ],
      ['/1', '/2', OTHER_ENDPOINT, '/3', '/1', OTHER_ENDPOINT],
    ],
    [
      'a repeat does not use a slot',
      1,
      [
        ['a', '/1'],
        ['a', '/1'],
        ['a', '/2'],
      ],
      ['/1', '/1', OTHER_ENDPOINT],
    ],
    [
      'an endpoint literally named __other__ counts like any other',
      1,
      [
        ['a', OTHER_ENDPOINT],
        ['a', '/1'],
      ],
      [OTHER_ENDPOINT, OTHER_ENDPOINT],
    ],
  ])('%s', (_name, max, calls, expected) => {
    const cap = new EndpointCap(max);
    expect(calls.map(([service, endpoint]) => cap.label(service, endpoint))).toEqual(expected);
  });

  it.each([0, -1, 1.5, NaN])('refuses cap %p', (max) => {
    expect(() => new EndpointCap(max)).toThrow('positive integer');
  });
});
