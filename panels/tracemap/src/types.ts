import type { ServiceMapNodeType } from '@osprey/model';

/**
 * Field names the panel reads from Grafana Node Graph frames (NodeGraphDataFrameFieldNames plus the
 * `detail__*` fields Osprey's service-map query adds). The datasource writes these; README.md lists
 * them with units.
 */
export const NODE_FIELDS = {
  id: 'id',
  title: 'title',
  subtitle: 'subtitle',
  mainStat: 'mainstat',
  secondaryStat: 'secondarystat',
  /** `service` | `database` | `external`; a missing value reads as `service`. */
  type: 'detail__type',
  /** errors / transactions of a service in the window, 0..1. */
  errorRatio: 'detail__errorRatio',
  /** Transaction latency p95 of a service, ms. */
  p95: 'detail__p95',
  /** Transactions per second of a service. */
  rate: 'detail__rate',
  /**
   * Node Graph arc share of failures (0..1), read when `detail__errorRatio` is absent, so frames
   * made for Grafana's own node graph (Tempo's service graph names it `arc__failed`) colour too.
   */
  arcErrors: ['arc__errors', 'arc__failed'],
} as const;

export const EDGE_FIELDS = {
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
  /** Client-side call latency p95, ms. */
  p95: 'detail__p95',
} as const;

export type NodeKind = ServiceMapNodeType;

export type NamespaceGrouping = 'off' | 'collapse';

export interface TraceMapOptions {
  /** Error % at or above which a node turns amber. */
  errorWarnPercent: number;
  /** Error % at or above which a node turns red. */
  errorCritPercent: number;
  /** p95 (ms) at or above which a healthy node turns amber; 0 turns the latency check off. */
  p95WarnMs: number;
  /** Fold leaf databases/externals called by only one service into one node per service and kind. */
  groupLeaves: boolean;
  /** `collapse`: one node per service-name prefix (before `namespaceSeparator`); click to expand. */
  namespaces: NamespaceGrouping;
  namespaceSeparator: string;
  /**
   * Where a click on a node goes when its frame has no data link: `${name}`, `${id}` and `${type}`
   * are the node's, dashboard variables are replaced after them. Empty: clicks only select.
   */
  linkTemplate: string;
  /** Layer direction: left→right or top→bottom. */
  direction: 'LR' | 'TB';
  /** Edge labels (calls/s · error % · p95) at zoom levels where they are legible. */
  showEdgeLabels: boolean;
}

export const DEFAULT_OPTIONS: TraceMapOptions = {
  errorWarnPercent: 1,
  errorCritPercent: 5,
  p95WarnMs: 0,
  groupLeaves: true,
  namespaces: 'off',
  namespaceSeparator: '.',
  linkTemplate: '/d/osprey-service?var-service=${name}',
  direction: 'LR',
  showEdgeLabels: true,
};
