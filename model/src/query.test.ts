import Ajv from 'ajv';

import {
  ADHOC_FIELDS,
  LIST_QUERY_TYPES,
  OspreyQueryFieldsSchema,
  QUERY_FIELDS,
  QUERY_TYPE_NAMES,
  queryTypeSpec,
  TEMPLATED_FIELDS,
  type QueryField,
} from './query';

describe('the query type table', () => {
  it.each(QUERY_TYPE_NAMES)('%s takes several values only in templated fields it reads', (type) => {
    const { fields, multi } = queryTypeSpec(type);
    expect(multi.filter((f) => !fields.includes(f) || !QUERY_FIELDS[f].template)).toEqual([]);
    expect(new Set(fields).size).toBe(fields.length);
  });

  it('gives every type its own editor label', () => {
    const labels = QUERY_TYPE_NAMES.map((t) => queryTypeSpec(t).label);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('has every field read by some type, but the exemplar link', () => {
    const read = new Set(QUERY_TYPE_NAMES.flatMap((t) => queryTypeSpec(t).fields));
    expect((Object.keys(QUERY_FIELDS) as QueryField[]).filter((f) => !read.has(f))).toEqual(['query']);
  });

  it('derives the families and template kinds from the tables', () => {
    expect(LIST_QUERY_TYPES).toEqual(['services', 'instances', 'endpoints']);
    expect(ADHOC_FIELDS).toEqual(['service', 'instance', 'endpoint']);
    expect(TEMPLATED_FIELDS).toEqual([
      'service',
      'instance',
      'endpoint',
      'dumpId',
      'otherId',
      'check',
      'focus',
      'traceId',
      'spanId',
      'userId',
      'host',
      'snapshotId',
      'otherSnapshotId',
      'metricNames',
      'search',
    ]);
  });
});

describe('OspreyQueryFieldsSchema', () => {
  const validate = new Ajv().compile(OspreyQueryFieldsSchema);
  it.each([
    ['an XLOG box query', { service: 'shop', minElapsed: 10, maxElapsed: 100, mode: 'rows', columns: 'all' }, true],
    ['RED metrics', { groupBy: 'endpoint', redMetrics: ['rate', 'p99'] }, true],
    ['a misspelt field', { sevice: 'shop' }, false],
    ['an unknown column set', { columns: 'some' }, false],
    ['an unknown RED metric', { redMetrics: ['p42'] }, false],
    ['a limit of 0', { limit: 0 }, false],
    ['a text number of ms', { minElapsed: '10' }, false],
  ])('%s → valid %p', (_name, query, valid) => {
    expect(validate(query)).toBe(valid);
  });
});
