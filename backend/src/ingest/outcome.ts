import type { Transaction } from '@osprey/model';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import type { Store } from '../store/store';
import type { IngestObserver, IngestSource } from './observer';
import type { IngestWriter } from './writer';

/** What every ingest route plugin is registered with. */
export interface IngestRouteOptions {
  store: Store;
  /** Where the span routes write (the ingest log, or the store directly). */
  writer: IngestWriter;
  /** Largest body, compressed or inflated. */
  maxBodyBytes: number;
  observer: IngestObserver;
}

/** Stores a batch through `write` and, once durable, reports it to the observer with its commit time. */
export type CommitAndReport = (
  request: FastifyRequest,
  items: number,
  transactions: readonly Transaction[],
  write: () => Promise<void>
) => Promise<void>;

/**
 * Wires an ingest plugin's routes to the observer. Every answer ≥ 400 is reported as a rejected
 * batch from an onResponse hook, so refusals that never reach the handler (auth, 413 from the body
 * reader, 415) are counted too; the spans/rows count is known only once the body was decoded.
 * An observer failure is logged, never turned into an error answer: the batch is already durable
 * and a 5xx would make the sender store it twice.
 */
export function reportOutcomes(app: FastifyInstance, source: IngestSource, observer: IngestObserver): CommitAndReport {
  const itemsOf = new WeakMap<FastifyRequest, number>();
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400) {
      try {
        observer.rejected(source, reply.statusCode, itemsOf.get(request) ?? 0);
      } catch (err) {
        request.log.error({ err, source }, 'ingest observer failed on a rejected batch');
      }
    }
  });
  return async (request, items, transactions, write) => {
    itemsOf.set(request, items);
    const started = performance.now();
    await write();
    const commitMs = performance.now() - started;
    try {
      observer.committed(source, items, transactions, commitMs);
    } catch (err) {
      request.log.error({ err, source }, 'ingest observer failed on a committed batch');
    }
  };
}
