import type { Span, Transaction } from '@osprey/model';

import type { NewHostSnapshot } from '../host-rows';
import type { NewThreadDump } from '../store';
import { type DecodedBatch, itemCount, mergeBatches, otherRowsOf } from './batch';

// Only counted and concatenated here, never read: any distinct objects stand for rows.
const span = { spanId: 's' } as Span;
const tx = { spanId: 't' } as Transaction;
const dump = { id: 'd' } as NewThreadDump;
const snapshot = { id: 'h' } as NewHostSnapshot;

describe('ingest batches of several kinds', () => {
  it.each<[string, DecodedBatch, number]>([
    ['nothing', {}, 0],
    ['spans and their transactions', { spans: [span, span], transactions: [tx] }, 3],
    ['uploads alone', { threadDumps: [dump], hostSnapshots: [snapshot] }, 2],
    ['empty lists of every kind', mergeBatches([]), 0],
  ])('%s counts %i items', (_, batch, items) => {
    expect(itemCount(batch)).toBe(items);
  });

  it('merges kind by kind in log order, and leaves the others out when there are none', () => {
    const first: DecodedBatch = { spans: [span], transactions: [tx] };
    const second: DecodedBatch = { threadDumps: [dump], transactions: [tx] };
    const merged = mergeBatches([first, second]);
    expect(merged).toEqual({
      spans: [span],
      transactions: [tx, tx],
      metricPoints: [],
      logRecords: [],
      threadDumps: [dump],
      heapHistograms: [],
      hostSnapshots: [],
    });
    expect(otherRowsOf(merged)).toEqual({
      metricPoints: [],
      logRecords: [],
      threadDumps: [dump],
      heapHistograms: [],
      hostSnapshots: [],
    });
    expect(otherRowsOf(mergeBatches([first]))).toBeUndefined();
  });
});
