import {
  type Attributes,
  CHECK_SERVICE,
  type HierarchyNode,
  type HierarchyResponse,
  type HierarchyView,
} from '@osprey/model';

import { type PathStep, resourcePath } from '../derive/resource-path';
import { instanceOf, str } from '../derive/transactions';
import { quantileMs } from '../stats/latency-buckets';
import type { InstanceBucket } from '../store/store';

interface Building {
  step: PathStep & { service?: string; instance?: string };
  histogram: Map<number, number>;
  requests: number;
  errors: number;
  children: Map<string, Building>;
}

const instanceKey = (service: string, instance: string) => `${service}\u0000${instance}`;
const k8sKeys = (resource: Attributes) => Object.keys(resource).filter((key) => key.startsWith('k8s.')).length;

/**
 * Each service instance's resource, found by the rule that named the instance. Should two
 * resources give the same instance (a restart with another SDK version), the one saying more about
 * its Kubernetes place wins, then the first by JSON: the same answer on every store.
 */
function resourcesByInstance(resources: readonly Attributes[]): Map<string, Attributes> {
  const found = new Map<string, Attributes>();
  for (const resource of resources) {
    const service = str(resource['service.name']);
    if (service === undefined) {
      continue;
    }
    const key = instanceKey(service, instanceOf(resource));
    const known = found.get(key);
    if (known === undefined || k8sKeys(resource) > k8sKeys(known)) {
      found.set(key, resource);
    }
  }
  return found;
}

/** Worst first: the higher error share, then the higher p95 (none counts as best), then by name. */
export function worstFirst(a: HierarchyNode, b: HierarchyNode): number {
  return b.errorPercent - a.errorPercent || (b.p95 ?? -1) - (a.p95 ?? -1) || a.name.localeCompare(b.name);
}

function finish(node: Building, seconds: number): HierarchyNode {
  const p95 = quantileMs([...node.histogram], 0.95);
  return {
    level: node.step.level,
    name: node.step.name,
    ...(node.step.service === undefined ? {} : { service: node.step.service, instance: node.step.instance }),
    requests: node.requests,
    errors: node.errors,
    rate: node.requests / seconds,
    errorPercent: node.requests === 0 ? 0 : (100 * node.errors) / node.requests,
    p95: Number.isNaN(p95) ? null : p95,
    children: [...node.children.values()].map((child) => finish(child, seconds)).sort(worstFirst),
  };
}

/**
 * The hierarchy of the window from the rollups' per-instance latency buckets and the spans'
 * resources: each level's requests, errors and latency histogram are the sums of its instances', so
 * its p95 is the p95 of all their requests (not a mean of p95s). The backend's own check runs are
 * left out: they are not the estate's traffic.
 */
export function buildHierarchy(
  buckets: readonly InstanceBucket[],
  resources: readonly Attributes[],
  query: { from: number; to: number; by: HierarchyView }
): HierarchyResponse {
  const placed = resourcesByInstance(resources);
  const root: Building = {
    step: { level: 'cluster', name: '' },
    histogram: new Map(),
    requests: 0,
    errors: 0,
    children: new Map(),
  };
  for (const row of buckets) {
    if (row.service === CHECK_SERVICE) {
      continue;
    }
    const path: Array<Building['step']> = [
      ...resourcePath(placed.get(instanceKey(row.service, row.instance)), query.by),
      { level: 'instance', name: row.service, service: row.service, instance: row.instance },
    ];
    let node = root;
    for (const step of path) {
      const key = `${step.level}:${step.name}:${step.instance ?? ''}`;
      let child = node.children.get(key);
      if (child === undefined) {
        child = { step, histogram: new Map(), requests: 0, errors: 0, children: new Map() };
        node.children.set(key, child);
      }
      child.histogram.set(row.bucket, (child.histogram.get(row.bucket) ?? 0) + row.count);
      child.requests += row.count;
      child.errors += row.errors;
      node = child;
    }
  }
  const seconds = Math.max(query.to - query.from, 1) / 1000;
  const roots = [...root.children.values()].map((node) => finish(node, seconds));
  const clustersFirst = (node: HierarchyNode) => (node.level === 'cluster' ? 0 : 1);
  return {
    from: query.from,
    to: query.to,
    by: query.by,
    roots: roots.sort((a, b) => clustersFirst(a) - clustersFirst(b) || worstFirst(a, b)),
  };
}
