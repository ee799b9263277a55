import type { FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';

import type { Store } from '../store/store';
import { VERSION } from '../server/version';

/**
 * Prometheus exposition at `/metrics` (read scope) so a Prometheus beside Grafana scrapes Osprey and
 * Grafana-managed alert rules can fire on what the frontend-only datasource cannot be asked by the
 * alerting engine. Gauges are read from the store at scrape time: nothing to keep in sync.
 */
export async function metricsRoutes(app: FastifyInstance, options: { store: Store }): Promise<void> {
  const { store } = options;
  // A registry per server, not prom-client's global one: two servers in one process stay apart.
  const registry = new Registry();

  new Gauge({
    name: 'osprey_build_info',
    help: 'Osprey backend version and store, always 1.',
    labelNames: ['version', 'store'],
    registers: [registry],
  }).set({ version: VERSION, store: store.kind }, 1);

  new Gauge({
    name: 'osprey_jvm_deadlocked_threads',
    help: 'Threads in a deadlock cycle in the newest thread dump of each JVM instance.',
    labelNames: ['service', 'instance'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { service, instance } of await store.jvmInstances()) {
        const [latest] = await store.threadDumps({ service, instance, limit: 1 });
        if (latest) {
          this.set({ service, instance }, latest.summary.deadlockedThreads);
        }
      }
    },
  });

  app.get('/metrics', { config: { scope: 'read' } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
