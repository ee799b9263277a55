import type { MapNode } from './graph';

/**
 * Fills `${name}`, `${id}` and `${type}` of the link template with the node's values (URL-encoded);
 * other `${...}` are left for the dashboard's variable replacement that runs after.
 */
export function nodeUrl(template: string, node: Pick<MapNode, 'id' | 'name' | 'kind'>): string | undefined {
  if (!template.trim()) {
    return undefined;
  }
  const values: Record<string, string> = { name: node.name, id: node.id, type: node.kind };
  return template.replace(/\$\{(name|id|type)\}/g, (_m, key: string) => encodeURIComponent(values[key]));
}
