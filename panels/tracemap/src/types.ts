import { SERVICE_MAP_FRAMES, type ServiceMapNodeType } from '@osprey/model';

const NODES = SERVICE_MAP_FRAMES.nodes.fields;

/**
 * Field names the panel reads from Grafana Node Graph frames: the datasource's service-map frames
 * (model's SERVICE_MAP_FRAMES, NodeGraphDataFrameFieldNames plus Osprey's `detail__*` fields).
 * README.md lists them with units.
 */
export const NODE_FIELDS = {
  id: NODES.id,
  title: NODES.title,
  subtitle: NODES.subtitle,
  /** `service` | `database` | `external`; a missing value reads as `service`. */
  type: NODES.type,
  /** errors / transactions of a service in the window, 0..1. */
  errorRatio: NODES.errorRatio,
  /** Transaction latency p95 of a service, ms. */
  p95: NODES.p95,
  /** Transactions per second of a service. */
  rate: NODES.rate,
  /** Apdex of a service, 0..1. */
  apdex: NODES.apdex,
  /**
   * Node Graph arc share of failures (0..1), read when `detail__errorRatio` is absent, so frames
   * made for Grafana's own node graph (Tempo's service graph names it `arc__failed`) colour too.
   */
  arcErrors: [NODES.arcErrors, 'arc__failed'],
} as const;

export const EDGE_FIELDS = SERVICE_MAP_FRAMES.edges.fields;

export type NodeKind = ServiceMapNodeType;

export type NamespaceGrouping = 'off' | 'collapse';

/** What a node's outline is coloured by: its health from errors (and p95), or its Apdex rating. */
export type ColorBy = 'errors' | 'apdex';

export interface TraceMapOptions {
  /** What a node's outline shows: health from error % (and p95), or the Apdex rating of the service. */
  colorBy: ColorBy;
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
  colorBy: 'errors',
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
