import { fanOutObserver, type IngestObserver } from './observer';

describe('fanOutObserver', () => {
  it('tells every observer, even after one throws, and reports the error', () => {
    const calls: string[] = [];
    const failing: IngestObserver = {
      committed: () => {
        throw new Error('boom');
      },
      rejected: () => {
        throw new Error('bang');
      },
    };
    const recording: IngestObserver = {
      committed: (source, items, transactions, commitMs) =>
        calls.push(`committed ${source} ${items} ${transactions.length} ${commitMs}`),
      rejected: (source, status, items) => calls.push(`rejected ${source} ${status} ${items}`),
    };
    const errors: string[] = [];
    const observer = fanOutObserver([failing, recording], (err) => errors.push((err as Error).message));
    observer.committed('otlp', 3, [], 1.5);
    observer.rejected('zipkin', 400, 2);
    expect(calls).toEqual(['committed otlp 3 0 1.5', 'rejected zipkin 400 2']);
    expect(errors).toEqual(['boom', 'bang']);
  });
});
