/**
 * The datasource's service-map frames, read by Grafana's Node Graph and the trace-map panel: the
 * `nodes` and `edges` frames with Grafana's `NodeGraphDataFrameFieldNames` (id, title, subtitle,
 * mainstat, secondarystat, `arc__*`, `detail__*`) and the `detail__*` fields Osprey adds. Spelled
 * here, not taken from @grafana/data, because the model has no Grafana dependency; the datasource's
 * tests hold the Grafana names to these.
 */
export const SERVICE_MAP_FRAMES = {
  nodes: {
    name: 'nodes',
    fields: {
      id: 'id',
      title: 'title',
      subtitle: 'subtitle',
      mainStat: 'mainstat',
      secondaryStat: 'secondarystat',
      arcSuccess: 'arc__success',
      arcErrors: 'arc__errors',
      /** `service` | `database` | `external`. */
      type: 'detail__type',
      /** Requests in the window: a service's own transactions, otherwise the calls into it. */
      requests: 'detail__requests',
      /** Requests per second. */
      rate: 'detail__rate',
      /** errors / requests, 0..1. */
      errorRatio: 'detail__errorRatio',
      /** A service's transaction latency p95, ms. */
      p95: 'detail__p95',
      /** A service's Apdex at the query's T, 0..1 (null for databases and externals). */
      apdex: 'detail__apdex',
      errors: 'detail__errors',
    },
  },
  edges: {
    name: 'edges',
    fields: {
      id: 'id',
      source: 'source',
      target: 'target',
      mainStat: 'mainstat',
      secondaryStat: 'secondarystat',
      /** Calls in the window. */
      calls: 'detail__calls',
      /** Failed calls in the window. */
      errors: 'detail__errors',
      /** Calls per second. */
      rate: 'detail__rate',
      /** failed / calls, 0..1. */
      errorRatio: 'detail__errorRatio',
      /** Client-side call latency percentiles, ms. */
      p50: 'detail__p50',
      p95: 'detail__p95',
      p99: 'detail__p99',
    },
  },
} as const;
