import { Registry } from 'prom-client';

import { IngestMetrics } from './ingest-metrics';

describe('IngestMetrics.rejected', () => {
  it('counts the refused batch and the spans in it, by source and status', async () => {
    const registry = new Registry();
    const metrics = new IngestMetrics([registry], 10);
    metrics.rejected('otlp', 503, 120);
    metrics.rejected('otlp', 503, 30);
    // A body that could not be decoded has no known item count.
    metrics.rejected('zipkin', 400, 0);
    const text = await registry.metrics();
    expect(text).toContain('osprey_ingest_rejected_batches_total{source="otlp",status="503"} 2');
    expect(text).toContain('osprey_ingest_rejected_items_total{source="otlp",status="503"} 150');
    expect(text).toContain('osprey_ingest_rejected_batches_total{source="zipkin",status="400"} 1');
    expect(text).toContain('osprey_ingest_rejected_items_total{source="zipkin",status="400"} 0');
  });
});
