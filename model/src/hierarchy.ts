/**
 * The health hierarchy: where in the estate requests fail or slow down, rolled up from each service
 * instance through the Kubernetes (or host) resource attributes its spans carry.
 */

export const HIERARCHY_API_PATH = '/api/v1/health/hierarchy';

/**
 * `workload`: cluster > namespace > workload > pod > service instance; `node`: cluster > node > pod
 * > service instance. Outside Kubernetes both are host > service instance.
 */
export type HierarchyView = 'workload' | 'node';
export const HIERARCHY_VIEWS: readonly HierarchyView[] = ['workload', 'node'];

export type HierarchyLevel = 'cluster' | 'namespace' | 'workload' | 'node' | 'pod' | 'host' | 'instance';

export interface HierarchyNode {
  level: HierarchyLevel;
  /** The attribute's value (an instance's is its service); `(unknown …)` when the resource lacks it. */
  name: string;
  /** Instances only: the service and instance their transactions carry. */
  service?: string;
  instance?: string;
  requests: number;
  errors: number;
  /** Requests per second over the window. */
  rate: number;
  errorPercent: number;
  /** ms, the upper bound of the rollup bucket holding the 95th percentile; null without requests. */
  p95: number | null;
  /** Worst first: highest error %, then highest p95, then by name. */
  children: HierarchyNode[];
}

export interface HierarchyQuery {
  from: number;
  to: number;
  by?: HierarchyView;
}

export interface HierarchyResponse {
  from: number;
  to: number;
  by: HierarchyView;
  /** Clusters, then hosts; worst first within each. */
  roots: HierarchyNode[];
}

/** The table frame of a hierarchy query: the tree flattened depth first, worst first. */
export const HIERARCHY_FRAME = 'hierarchy';
export const HIERARCHY_FIELDS = {
  name: 'name',
  level: 'level',
  depth: 'depth',
  /** `level:name/level:name/…` from the root: what the `focus` variable of a drill-down holds. */
  path: 'path',
  children: 'children',
  rate: 'rate',
  errorPercent: 'errorPercent',
  p95: 'p95',
  service: 'service',
  instance: 'instance',
} as const;
