/** The health hierarchy → one table frame, the tree flattened depth first (names in model/src/hierarchy.ts). */
import { createDataFrame, type DataFrame, FieldType } from '@grafana/data';
import { HIERARCHY_FIELDS as F, HIERARCHY_FRAME, type HierarchyNode } from '@osprey/model';

interface Row {
  node: HierarchyNode;
  depth: number;
  path: string;
}

const step = (node: HierarchyNode) =>
  `${node.level}:${node.name}${node.instance === undefined ? '' : `@${node.instance}`}`;

/**
 * Rows in the backend's worst-first order, each parent before its children. `focus` (a row's
 * `path`, as a drill-down link sets it) keeps that node and what is below it, depth counted from it;
 * a focus that names nothing keeps nothing, so a stale link shows an empty table, not everything.
 */
export function flattenHierarchy(roots: readonly HierarchyNode[], focus?: string): Row[] {
  const rows: Row[] = [];
  const walk = (node: HierarchyNode, parent: string, depth: number, inFocus: boolean) => {
    const path = parent === '' ? step(node) : `${parent}/${step(node)}`;
    const focused = inFocus || focus === undefined || path === focus;
    if (focused) {
      rows.push({ node, depth, path });
    }
    node.children.forEach((child) => walk(child, path, focused ? depth + 1 : 0, focused));
  };
  roots.forEach((root) => walk(root, '', 0, false));
  return rows;
}

export function hierarchyFrame(refId: string, roots: readonly HierarchyNode[], focus?: string): DataFrame {
  const rows = flattenHierarchy(roots, focus);
  const of = <T>(pick: (row: Row) => T) => rows.map(pick);
  return createDataFrame({
    refId,
    name: HIERARCHY_FRAME,
    fields: [
      // Indented by depth (figure spaces survive HTML whitespace collapsing) so the table reads as a tree.
      { name: F.name, type: FieldType.string, values: of((r) => `${'\u2007\u2007'.repeat(r.depth)}${r.node.name}`) },
      { name: F.level, type: FieldType.string, values: of((r) => r.node.level) },
      { name: F.depth, type: FieldType.number, values: of((r) => r.depth) },
      { name: F.children, type: FieldType.number, values: of((r) => r.node.children.length) },
      { name: F.rate, type: FieldType.number, values: of((r) => r.node.rate), config: { unit: 'reqps' } },
      {
        name: F.errorPercent,
        type: FieldType.number,
        values: of((r) => r.node.errorPercent),
        config: { unit: 'percent' },
      },
      { name: F.p95, type: FieldType.number, values: of((r) => r.node.p95), config: { unit: 'ms' } },
      { name: F.service, type: FieldType.string, values: of((r) => r.node.service ?? null) },
      { name: F.instance, type: FieldType.string, values: of((r) => r.node.instance ?? null) },
      { name: F.path, type: FieldType.string, values: of((r) => r.path) },
    ],
  });
}
