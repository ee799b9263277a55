import { colorManipulator } from '@grafana/data';

import { fitLabel, nodeStats } from './format';
import type { MapNode } from './graph';
import { GROUP_OFFSET, type PlacedNode } from './layout';
import type { TraceMapStyles } from './styles';
import type { ColorBy } from './types';

/** Outline of a node of `kind` in a w×h box: services rounded boxes, databases cylinders, externals hexagons. */
export function shapePath(kind: MapNode['kind'], w: number, h: number): string {
  if (kind === 'database') {
    const ry = Math.min(7, h / 5);
    return `M0,${ry} A${w / 2},${ry} 0 0 1 ${w},${ry} V${h - ry} A${w / 2},${ry} 0 0 1 0,${h - ry} Z M0,${ry} A${w / 2},${ry} 0 0 0 ${w},${ry}`;
  }
  if (kind === 'external') {
    const c = Math.min(14, w / 4);
    return `M${c},0 H${w - c} L${w},${h / 2} L${w - c},${h} H${c} L0,${h / 2} Z`;
  }
  const r = 8;
  return `M${r},0 H${w - r} A${r},${r} 0 0 1 ${w},${r} V${h - r} A${r},${r} 0 0 1 ${w - r},${h} H${r} A${r},${r} 0 0 1 0,${h - r} V${r} A${r},${r} 0 0 1 ${r},0 Z`;
}

export function NodeGlyph({
  node,
  color,
  fill,
  showText,
  colorBy,
  styles,
}: {
  node: PlacedNode;
  colorBy: ColorBy;
  color: string;
  fill: string;
  showText: boolean;
  styles: TraceMapStyles;
}) {
  const w = node.group ? node.width - GROUP_OFFSET : node.width;
  const h = node.group ? node.height - GROUP_OFFSET : node.height;
  const d = shapePath(node.kind, w, h);
  const tint = colorManipulator.alpha(color, 0.14);
  const chars = Math.floor((w - 16) / 6.6);
  const stats = nodeStats(node, colorBy);
  return (
    <>
      <title>{`${node.name}${node.subtitle ? ` (${node.subtitle})` : ''}\n${stats}`}</title>
      <g data-testid="osprey-tm-body">
        {node.group && (
          <path
            d={d}
            transform={`translate(${GROUP_OFFSET},${GROUP_OFFSET})`}
            fill={fill}
            stroke={color}
            strokeWidth={1.5}
          />
        )}
        <path d={d} fill={fill} stroke="none" />
        <path d={d} fill={tint} stroke={color} strokeWidth={2} data-testid="osprey-tm-shape" />
      </g>
      {showText && (
        <>
          <text className={styles.title} x={w / 2} y={h / 2 - 3}>
            {fitLabel(node.name, chars)}
          </text>
          <text className={styles.stats} x={w / 2} y={h / 2 + 11}>
            {fitLabel(stats, Math.floor(chars * 1.15))}
          </text>
        </>
      )}
    </>
  );
}
