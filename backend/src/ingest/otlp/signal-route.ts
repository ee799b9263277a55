import { API_PATHS, type OtlpExportResponse, OtlpExportResponseSchema } from '@osprey/model';
import type { FastifyInstance } from 'fastify';

import { type DecodedBatch, itemCount } from '../../store/shared/batch';
import { answers, RAW_BODY } from '../../server/schema';
import { rawBodies } from '../body';
import { otlpFormat, requestPayload } from '../log-payload';
import { type IngestRouteOptions, reportOutcomes } from '../outcome';
import { DURABLE_SUMMARY } from '../writer';
import { OTLP_REQUESTS } from './decode';
import { decodeOtlpRequest, sendOtlpResponse } from './request';

/** What one export request of a signal stores, and what its answer's partialSuccess says. */
export interface SignalExport {
  rows: DecodedBatch;
  partialSuccess: OtlpExportResponse['partialSuccess'];
}

const PATHS = { metrics: API_PATHS.otlpMetrics, logs: API_PATHS.otlpLogs } as const;

/**
 * `POST /v1/<signal>` of the OTLP metrics and logs signals (protobuf or JSON, gzip): the request
 * validated whole, then written through the ingest log with its body as received, and answered
 * 200 only once durable, in the encoding it came in. Registered in its own context, so the raw
 * body parsers stay with it.
 */
export async function otlpSignalRoute<T>(
  app: FastifyInstance,
  options: IngestRouteOptions,
  signal: keyof typeof PATHS,
  convert: (message: unknown) => T,
  toExport: (decoded: T) => SignalExport
): Promise<void> {
  const { writer, maxBodyBytes } = options;
  await app.register(async (ingest) => {
    rawBodies(ingest, ['application/x-protobuf', 'application/json']);
    const commit = reportOutcomes(ingest, `otlp_${signal}` as const, options.observer);
    const schema = {
      summary: DURABLE_SUMMARY,
      body: { ...RAW_BODY, description: `an OTLP ${OTLP_REQUESTS[signal].name}, protobuf or JSON, gzip allowed` },
      response: answers(OtlpExportResponseSchema),
    };
    ingest.post(PATHS[signal], { config: { scope: 'ingest' }, schema }, async (request, reply) => {
      const { items, encoding } = decodeOtlpRequest(request, maxBodyBytes, signal, convert);
      const { rows, partialSuccess } = toExport(items);
      const count = itemCount(rows);
      if (count > 0) {
        const payload = () => requestPayload(otlpFormat(signal, encoding), request);
        await commit(request, count, [], () => writer.write({ ...rows, payload }));
      }
      request.log.debug({ signal, items: count, encoding }, 'otlp export stored');
      return sendOtlpResponse(reply, signal, encoding, { partialSuccess });
    });
  });
}
