import type { ServiceMapResponse } from '@osprey/model';

import { serviceMapToFrames } from '../../../datasource/src/servicemap-frames';
import { readGraph } from './graph';
import { collapseNamespaces, groupLeaves } from './grouping';
import { APDEX_BANDS, apdexBand, legendEntries, nodeTone } from './health';
import { DEFAULT_OPTIONS } from './types';

describe('apdexBand: the Apdex specification’s rating scale', () => {
  it.each([
    [1, 'excellent'],
    [0.94, 'excellent'],
    [0.9399, 'good'],
    [0.85, 'good'],
    [0.8499, 'fair'],
    [0.7, 'fair'],
    [0.6999, 'poor'],
    [0.5, 'poor'],
    [0.4999, 'unacceptable'],
    [0, 'unacceptable'],
  ])('%d → %s', (score, rating) => {
    expect(apdexBand(score)?.rating).toBe(rating);
  });

  it('has no band without a score', () => {
    expect(apdexBand(undefined)).toBeUndefined();
  });

  it('gives each band a colour of its own', () => {
    expect(new Set(APDEX_BANDS.map((b) => b.color)).size).toBe(APDEX_BANDS.length);
  });
});

/** A backend answer at T = 500 ms: five services, one per band, a database and an external peer. */
const answer: ServiceMapResponse = {
  from: 1_763_800_000_000,
  to: 1_763_800_060_000,
  apdexT: 500,
  nodes: [
    { id: 'db:postgresql:shop', type: 'database', name: 'shop', dbSystem: 'postgresql', transactions: 0, errors: 0 },
    { id: 'db:redis:cache', type: 'database', name: 'cache', dbSystem: 'redis', transactions: 0, errors: 0 },
    { id: 'ext:pay.example.com', type: 'external', name: 'pay.example.com', transactions: 0, errors: 0 },
    { id: 'fair', type: 'service', name: 'fair', transactions: 20, errors: 0, p95: 3000, apdex: 0.75 },
    { id: 'good', type: 'service', name: 'good', transactions: 20, errors: 0, p95: 1000, apdex: 0.9 },
    { id: 'great', type: 'service', name: 'great', transactions: 20, errors: 2, p95: 100, apdex: 1 },
    { id: 'poor', type: 'service', name: 'poor', transactions: 20, errors: 0, p95: 3000, apdex: 0.6 },
    { id: 'worst', type: 'service', name: 'worst', transactions: 20, errors: 0, p95: 3000, apdex: 0.3 },
  ],
  edges: [
    { id: 'great->db:postgresql:shop', source: 'great', target: 'db:postgresql:shop', calls: 10, errors: 0 },
    { id: 'great->db:redis:cache', source: 'great', target: 'db:redis:cache', calls: 30, errors: 0 },
    { id: 'great->ext:pay.example.com', source: 'great', target: 'ext:pay.example.com', calls: 5, errors: 0 },
  ].map((e) => ({ ...e, rate: e.calls / 60, p50: 2, p95: 4, p99: 5 })),
};
const graph = readGraph(serviceMapToFrames('A', answer, { uid: 'osprey', type: 'osprey-apm-datasource' }))!;
const tones = (colorBy: 'errors' | 'apdex') =>
  Object.fromEntries(graph.nodes.map((n) => [n.id, nodeTone(n, { ...DEFAULT_OPTIONS, colorBy })]));

describe('nodeTone on the datasource’s service-map frames', () => {
  it('reads each service’s Apdex from the nodes frame', () => {
    expect(graph.nodes.map((n) => [n.id, n.apdex])).toEqual(answer.nodes.map((n) => [n.id, n.apdex]));
  });

  it('colours by Apdex rating; a node without a score in the neutral colour', () => {
    expect(tones('apdex')).toEqual({
      'db:postgresql:shop': { health: 'ok', apdex: 'unknown' },
      'db:redis:cache': { health: 'ok', apdex: 'unknown' },
      'ext:pay.example.com': { health: 'ok', apdex: 'unknown' },
      fair: { health: 'ok', color: 'orange', apdex: 'fair' },
      good: { health: 'ok', color: 'yellow', apdex: 'good' },
      great: { health: 'crit', color: 'green', apdex: 'excellent' },
      poor: { health: 'ok', color: 'red', apdex: 'poor' },
      worst: { health: 'ok', color: 'dark-red', apdex: 'unacceptable' },
    });
  });

  it('colours by error rate by default, whatever the Apdex', () => {
    const byErrors = tones(DEFAULT_OPTIONS.colorBy);
    expect(byErrors.great).toEqual({ health: 'crit', color: 'red' });
    expect(byErrors.worst).toEqual({ health: 'ok', color: 'green' });
  });

  it('gives a namespace its worst service’s Apdex, a group of leaves none', () => {
    const [leaves] = groupLeaves(graph).nodes.filter((n) => n.group?.by === 'leaves');
    expect(leaves.group?.members).toEqual(['db:postgresql:shop', 'db:redis:cache']);
    expect(nodeTone(leaves, { ...DEFAULT_OPTIONS, colorBy: 'apdex' }).apdex).toBe('unknown');
    const renamed = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, id: `shop.${n.id}`, name: `shop.${n.id}` })) };
    const shop = collapseNamespaces(renamed, '.', new Set()).nodes.find((n) => n.group?.by === 'namespace');
    expect([shop?.group?.members.length, shop?.apdex]).toEqual([5, 0.3]);
  });
});

describe('legendEntries', () => {
  it('lists the five Apdex bands, best first', () => {
    expect(legendEntries({ ...DEFAULT_OPTIONS, colorBy: 'apdex' })).toEqual([
      { color: 'green', label: '≥ 0.94 excellent' },
      { color: 'yellow', label: '≥ 0.85 good' },
      { color: 'orange', label: '≥ 0.7 fair' },
      { color: 'red', label: '≥ 0.5 poor' },
      { color: 'dark-red', label: '< 0.5 unacceptable' },
    ]);
  });

  it('lists the error thresholds otherwise', () => {
    expect(legendEntries({ ...DEFAULT_OPTIONS, errorWarnPercent: 2, errorCritPercent: 8 }).map((e) => e.label)).toEqual(
      ['< 2%', '≥ 2%', '≥ 8% errors']
    );
  });
});
