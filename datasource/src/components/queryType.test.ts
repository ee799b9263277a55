import type { OspreyQuery } from '../types';
import { switchQueryType } from './queryType';

const q = (over: Partial<OspreyQuery>): OspreyQuery => ({ refId: 'A', queryType: 'xlog', ...over });

describe('switchQueryType', () => {
  it.each([
    [
      'xlog → threadDumps keeps service and limit, drops XLOG filters',
      q({ service: 'shop', endpoint: 'GET /x', minElapsed: 5, errorsOnly: true, limit: 9 }),
      'threadDumps',
      { refId: 'A', queryType: 'threadDumps', service: 'shop', limit: 9 },
    ],
    [
      'threadDump → threadDumpDiff keeps the id (the older dump)',
      q({ queryType: 'threadDump', service: 'shop', instance: 'i1', dumpId: 'td1' }),
      'threadDumpDiff',
      { refId: 'A', queryType: 'threadDumpDiff', service: 'shop', instance: 'i1', dumpId: 'td1' },
    ],
    [
      'threadDumpDiff → heapHistogramDiff drops thread-dump ids',
      q({ queryType: 'threadDumpDiff', service: 'shop', instance: 'i1', dumpId: 'a', otherId: 'b' }),
      'heapHistogramDiff',
      { refId: 'A', queryType: 'heapHistogramDiff', service: 'shop', instance: 'i1' },
    ],
    [
      'threadDumpDiff → threadDump drops the second id',
      q({ queryType: 'threadDumpDiff', instance: 'i1', dumpId: 'a', otherId: 'b' }),
      'threadDump',
      { refId: 'A', queryType: 'threadDump', instance: 'i1', dumpId: 'a' },
    ],
    [
      'threadDump → xlog keeps service and instance, drops the id',
      q({ queryType: 'threadDump', service: 'shop', instance: 'i1', dumpId: 'td1' }),
      'xlog',
      { refId: 'A', queryType: 'xlog', service: 'shop', instance: 'i1' },
    ],
    [
      'xlog → red keeps the service/instance/endpoint filters, drops row filters',
      q({ service: 's', instance: 'i', endpoint: 'GET /x', minElapsed: 5, errorsOnly: true, live: true, mode: 'auto' }),
      'red',
      { refId: 'A', queryType: 'red', service: 's', instance: 'i', endpoint: 'GET /x' },
    ],
    [
      'red → serviceMap keeps only the service',
      q({ queryType: 'red', service: 's', endpoint: 'GET /x', groupBy: 'endpoint', redMetrics: ['rate'] }),
      'serviceMap',
      { refId: 'A', queryType: 'serviceMap', service: 's' },
    ],
    [
      'xlog → trace keeps the trace id filter as the trace to show',
      q({ service: 's', traceId: 'abc', userId: 'u1' }),
      'trace',
      { refId: 'A', queryType: 'trace', traceId: 'abc' },
    ],
    [
      'services list drops everything',
      q({ service: 's', limit: 3 }),
      'services',
      { refId: 'A', queryType: 'services' },
    ],
    ['xlog → trace drops the service', q({ service: 'shop' }), 'trace', { refId: 'A', queryType: 'trace' }],
  ] as const)('%s', (_name, query, to, expected) => {
    expect(switchQueryType(query, to)).toEqual(expected);
  });
});
