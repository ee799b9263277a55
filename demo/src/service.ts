/**
 * Entry of one demo service process: `node demo/dist/service.js <name>`, forked by the shop.
 * Imports only the telemetry module before starting the SDK; everything that loads `node:http`
 * is imported afterwards so HttpInstrumentation sees it.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { startTelemetry } from './telemetry';
import { isServiceName, SERVICE_NAMES } from './topology';
import { required } from './services/types';

const FLUSH_LIMIT_MS = 3_000;

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!isServiceName(name)) {
    throw new Error(`usage: service.js <${SERVICE_NAMES.join('|')}>`);
  }
  const telemetry = startTelemetry({
    service: name,
    ospreyUrl: required(process.env.OSPREY_URL, 'OSPREY_URL'),
    ingestToken: required(process.env.OSPREY_INGEST_TOKEN, 'OSPREY_INGEST_TOKEN'),
  });
  const { SERVICES } = await import('./services');
  const { serve } = await import('./http-server');
  const instance = await SERVICES[name]({
    dbDir: required(process.env.DEMO_DB_DIR, 'DEMO_DB_DIR'),
    catalogUrl: process.env.CATALOG_URL,
    checkoutUrl: process.env.CHECKOUT_URL,
    paymentsUrl: process.env.PAYMENTS_URL,
  });
  const { server, url } = await serve(instance.routes, telemetry.logger);

  let stopping = false;
  const stop = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    server.closeAllConnections();
    server.close();
    instance.close();
    // Deliver the spans still queued, then leave. Not sdk.shutdown(): with sdk-node 0.223 it
    // lingers ~8 s after the flush has finished, which would make every Ctrl-C slow. Bounded,
    // because with the backend already gone the exporter retries for its full timeout.
    Promise.race([telemetry.flush(), sleep(FLUSH_LIMIT_MS)]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The shop talks to us over IPC; losing it means the parent is gone, so don't linger as an orphan.
  process.on('disconnect', stop);
  process.send?.({ type: 'ready', service: name, url });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
