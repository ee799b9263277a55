import { API_PATHS, IngestResponseSchema, TransactionBatchSchema } from '@osprey/model';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

import { answers, schemaErrorFormatter } from '../../server/schema';
import { jsonBodies } from '../body';
import { nativePayload } from '../log-payload';
import { type IngestRouteOptions, reportOutcomes } from '../outcome';
import { DURABLE_SUMMARY } from '../writer';
import { normaliseTransactions } from './transactions';

/** `POST /api/v1/transactions`: a native agent's XLOG batch, stored whole once valid, 200 once durable. */
export async function nativeRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const { writer } = options;
  jsonBodies(app, options.maxBodyBytes);
  const commit = reportOutcomes(app, 'native', options.observer);

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    API_PATHS.transactions,
    {
      config: { scope: 'ingest' },
      schema: { summary: DURABLE_SUMMARY, body: TransactionBatchSchema, response: answers(IngestResponseSchema) },
      schemaErrorFormatter: schemaErrorFormatter('transactions'),
    },
    async (request) => {
      const transactions = normaliseTransactions(request.body);
      await commit(request, transactions.length, transactions, () =>
        writer.write({ spans: [], transactions, payload: () => nativePayload(transactions) })
      );
      request.log.debug({ transactions: transactions.length }, 'native transactions stored');
      return { spans: 0, transactions: transactions.length };
    }
  );
}
