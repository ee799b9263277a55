import type { Attributes, HierarchyLevel, HierarchyView } from '@osprey/model';

import { str } from './transactions';

/** One step of a resource's place in the hierarchy, above its service instance. */
export interface PathStep {
  level: HierarchyLevel;
  name: string;
}

/** Workload kinds in the order a pod's resource is asked for them (the semantic conventions' k8s.*.name). */
const WORKLOADS = ['k8s.deployment.name', 'k8s.statefulset.name', 'k8s.daemonset.name', 'k8s.job.name'];

const or = (value: string | undefined, level: string) => value ?? `(unknown ${level})`;

/**
 * Where a resource sits above its service instance. A resource is in Kubernetes when it names a
 * pod or a cluster: `workload` view cluster > namespace > workload > pod, `node` view cluster >
 * node > pod. Otherwise host > (the instance itself). A missing attribute is named `(unknown …)`,
 * so every instance has a place and none is counted twice.
 */
export function resourcePath(resource: Attributes | undefined, by: HierarchyView): PathStep[] {
  const get = (key: string) => (resource === undefined ? undefined : str(resource[key]));
  const pod = get('k8s.pod.name');
  const cluster = get('k8s.cluster.name');
  if (pod === undefined && cluster === undefined) {
    return [{ level: 'host', name: or(get('host.name'), 'host') }];
  }
  const top: PathStep = { level: 'cluster', name: or(cluster, 'cluster') };
  const leaf: PathStep = { level: 'pod', name: or(pod, 'pod') };
  if (by === 'node') {
    return [top, { level: 'node', name: or(get('k8s.node.name'), 'node') }, leaf];
  }
  const workload = WORKLOADS.map(get).find((name) => name !== undefined);
  return [
    top,
    { level: 'namespace', name: or(get('k8s.namespace.name'), 'namespace') },
    { level: 'workload', name: or(workload, 'workload') },
    leaf,
  ];
}
