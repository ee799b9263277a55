import { type LinkModel, type PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { IconButton, useStyles2, useTheme2 } from '@grafana/ui';
import { toggled } from '@osprey/plugin-kit';
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';

import { edgeLabel } from './format';
import { readGraph, type MapGraph, type MapNode } from './graph';
import { collapseNamespaces, groupLeaves } from './grouping';
import { HEALTH_COLORS, healthOf, legendEntries, nodeTone, type Health } from './health';
import { layoutGraph, type MapLayout } from './layout';
import { nodeUrl } from './links';
import { NodeGlyph } from './NodeGlyph';
import { getStyles } from './styles';
import type { TraceMapOptions } from './types';
import { fitView, panBy, scaleOf, zoomAt, type View } from './view';

type Props = PanelProps<TraceMapOptions>;

/** Below this many screen pixels per layout unit, text is too small to read and is left out. */
const MIN_TEXT_SCALE = 0.35;
const MIN_EDGE_LABEL_SCALE = 0.6;
/** A press that moves less than this many pixels is a click, not a pan. */
const DRAG_PIXELS = 4;

/** The graph as drawn: grouping options applied to what the frames hold. */
export function displayedGraph(graph: MapGraph, options: TraceMapOptions, expanded: ReadonlySet<string>): MapGraph {
  let shown = graph;
  if (options.namespaces === 'collapse') {
    shown = collapseNamespaces(shown, options.namespaceSeparator, expanded);
  }
  return options.groupLeaves ? groupLeaves(shown) : shown;
}

export function TraceMapPanel({ data, options, width, height, id, fieldConfig, replaceVariables }: Props) {
  const graph = useMemo(() => readGraph(data.series), [data.series]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const shown = useMemo(() => graph && displayedGraph(graph, options, expanded), [graph, options, expanded]);
  const layout = useMemo(
    () => shown && layoutGraph(shown, options.direction, options.showEdgeLabels),
    [shown, options.direction, options.showEdgeLabels]
  );

  if (!graph || !layout || graph.nodes.length === 0) {
    return (
      <PanelDataErrorView
        panelId={id}
        fieldConfig={fieldConfig}
        data={data}
        message="No service map in the data: use an Osprey query of type “Service map” (Node Graph nodes and edges frames)."
      />
    );
  }
  const toggleNamespace = (ns: string) => setExpanded((prev) => toggled(prev, ns));
  return (
    <MapView
      panelId={id}
      graph={graph}
      layout={layout}
      options={options}
      width={width}
      height={height}
      replaceVariables={replaceVariables}
      onToggleNamespace={toggleNamespace}
      expandedCount={expanded.size}
      onCollapseAll={() => setExpanded(new Set())}
    />
  );
}

interface MapViewProps {
  panelId: number;
  graph: MapGraph;
  layout: MapLayout;
  options: TraceMapOptions;
  width: number;
  height: number;
  replaceVariables: Props['replaceVariables'];
  onToggleNamespace: (ns: string) => void;
  expandedCount: number;
  onCollapseAll: () => void;
}

function MapView(props: MapViewProps) {
  const { panelId, graph, layout, options, width, height, replaceVariables } = props;
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const svgRef = useRef<SVGSVGElement>(null);
  const fit = useMemo(() => fitView(layout, width, height), [layout, width, height]);
  // The zoom belongs to the fitted view it started from: a new layout or panel size starts over at the fit.
  const [zoom, setZoom] = useState<{ base: View; view: View }>({ base: fit, view: fit });
  const view = zoom.base === fit ? zoom.view : fit;
  const setView = useCallback(
    (next: View | ((v: View) => View)) =>
      setZoom((z) => {
        const current = z.base === fit ? z.view : fit;
        return { base: fit, view: typeof next === 'function' ? next(current) : next };
      }),
    [fit]
  );
  const [hovered, setHovered] = useState<string>();
  const drag = useRef<{ x: number; y: number; moved: boolean; pointer: number } | undefined>(undefined);
  const suppressClick = useRef(false);

  // React registers wheel listeners as passive, and a passive listener cannot keep the page from scrolling.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) {
      return;
    }
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = svg.getBoundingClientRect();
      const factor = Math.exp(-event.deltaY * 0.0015);
      setView((v) => zoomAt(v, event.clientX - rect.left, event.clientY - rect.top, factor, width));
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [width, setView]);

  const scale = scaleOf(view, width);
  const neighbours = useMemo(() => {
    if (!hovered) {
      return undefined;
    }
    const near = new Set([hovered]);
    for (const e of layout.edges) {
      if (e.source === hovered) {
        near.add(e.target);
      } else if (e.target === hovered) {
        near.add(e.source);
      }
    }
    return near;
  }, [hovered, layout.edges]);

  // A colour name of the theme; none (nothing measured) is the neutral border colour.
  const paint = useCallback(
    (name: string | undefined) => (name ? theme.visualization.getColorByName(name) : theme.colors.border.strong),
    [theme]
  );
  const colorOf = useCallback(
    (health: Health) => paint(health === 'unknown' ? undefined : HEALTH_COLORS[health]),
    [paint]
  );
  const linkOf = useCallback(
    (node: MapNode): LinkModel | undefined => {
      if (node.row !== undefined && graph.nodesFrame) {
        for (const field of graph.nodesFrame.fields) {
          const links = field.config.links?.length ? field.getLinks?.({ valueRowIndex: node.row }) : undefined;
          if (links?.length) {
            return links[0];
          }
        }
      }
      const url = node.group ? undefined : nodeUrl(options.linkTemplate, node);
      return url ? { href: replaceVariables(url), title: node.name, target: '_self', origin: {} } : undefined;
    },
    [graph.nodesFrame, options.linkTemplate, replaceVariables]
  );

  const onPointerDown = (event: React.PointerEvent<SVGSVGElement>) => {
    suppressClick.current = false;
    if (event.button === 0) {
      drag.current = { x: event.clientX, y: event.clientY, moved: false, pointer: event.pointerId };
    }
  };
  const onPointerMove = (event: React.PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d) {
      return;
    }
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_PIXELS) {
      return;
    }
    if (!d.moved) {
      d.moved = true;
      // Captured only once it is a pan: captured from the press on, the click would not reach the node.
      svgRef.current?.setPointerCapture?.(d.pointer);
    }
    d.x = event.clientX;
    d.y = event.clientY;
    setView((v) => panBy(v, dx, dy, width));
  };
  const onPointerUp = () => {
    suppressClick.current = Boolean(drag.current?.moved);
    drag.current = undefined;
  };
  const onClickCapture = (event: MouseEvent) => {
    if (suppressClick.current) {
      suppressClick.current = false;
      event.preventDefault();
      event.stopPropagation();
    }
  };

  const zoomCentre = (factor: number) => setView((v) => zoomAt(v, width / 2, height / 2, factor, width));
  const counts = kindCounts(graph.nodes);
  const shownText = scale >= MIN_TEXT_SCALE;
  const markerId = (h: Health) => `osprey-tm-arrow-${panelId}-${h}`;
  const healths: Health[] = ['ok', 'warn', 'crit', 'unknown'];

  return (
    <div className={styles.root} style={{ width, height }} data-testid="osprey-tm-panel">
      <svg
        ref={svgRef}
        className={styles.svg}
        width={width}
        height={height}
        viewBox={`${view.x} ${view.y} ${view.width} ${view.height}`}
        data-testid="osprey-tm-svg"
        data-scale={scale}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onClickCapture={onClickCapture}
      >
        <defs>
          {healths.map((h) => (
            <marker
              key={h}
              id={markerId(h)}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" fill={h === 'ok' ? theme.colors.text.disabled : colorOf(h)} />
            </marker>
          ))}
        </defs>
        <g>
          {layout.edges.map((e) => {
            const health = e.errorRatio === undefined ? 'ok' : healthOf(e.errorRatio, undefined, options);
            const near = neighbours
              ? neighbours.has(e.source) && neighbours.has(e.target) && (e.source === hovered || e.target === hovered)
              : undefined;
            const stroke = health === 'ok' ? theme.colors.text.disabled : colorOf(health);
            const showLabel =
              options.showEdgeLabels && e.label && (near || (!neighbours && scale >= MIN_EDGE_LABEL_SCALE));
            return (
              <g
                key={e.id}
                data-testid="osprey-tm-edge"
                data-source={e.source}
                data-target={e.target}
                data-dimmed={near === false}
              >
                {/* Dimmed by stroke opacity, not group opacity: a group's opacity makes Chromium paint each
                    long edge into its own offscreen layer, slow and left as dark patches on some rasterisers. */}
                <path
                  d={e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x},${p.y}`).join(' ')}
                  fill="none"
                  stroke={near ? theme.colors.text.primary : stroke}
                  strokeOpacity={near === false ? 0.12 : 1}
                  strokeWidth={Math.min(4, 1 + Math.log10(1 + (e.rate ?? 0)))}
                  markerEnd={near === false ? undefined : `url(#${markerId(health)})`}
                />
                {showLabel && (
                  <text className={styles.edgeLabel} x={e.label!.x} y={e.label!.y} data-testid="osprey-tm-edge-label">
                    {edgeLabel(e)}
                  </text>
                )}
              </g>
            );
          })}
        </g>
        <g>
          {layout.nodes.map((n) => {
            const tone = nodeTone(n, options);
            const link = n.group ? undefined : linkOf(n);
            const body = (
              <NodeGlyph
                node={n}
                color={paint(tone.color)}
                colorBy={options.colorBy}
                fill={theme.colors.background.primary}
                showText={shownText}
                styles={styles}
              />
            );
            const dimmed = neighbours ? !neighbours.has(n.id) : false;
            const common = {
              'data-testid': 'osprey-tm-node',
              'data-id': n.id,
              'data-kind': n.kind,
              'data-health': tone.health,
              'data-apdex': tone.apdex,
              'data-group': n.group?.by,
              'data-dimmed': dimmed,
              transform: `translate(${n.x},${n.y})`,
              opacity: dimmed ? 0.2 : 1,
              onMouseEnter: () => setHovered(n.id),
              onMouseLeave: () => setHovered((h) => (h === n.id ? undefined : h)),
            };
            if (n.group?.by === 'namespace') {
              return (
                <g
                  key={n.id}
                  {...common}
                  className={styles.clickable}
                  role="button"
                  aria-label={`Expand ${n.group.key}`}
                  onClick={() => props.onToggleNamespace(n.group!.key)}
                >
                  {body}
                </g>
              );
            }
            if (link) {
              return (
                <a
                  key={n.id}
                  {...common}
                  href={link.href}
                  target={link.target}
                  aria-label={n.name}
                  onClick={(event) => {
                    if (link.onClick) {
                      event.preventDefault();
                      link.onClick(event);
                    }
                  }}
                >
                  {body}
                </a>
              );
            }
            return (
              <g key={n.id} {...common}>
                {body}
              </g>
            );
          })}
        </g>
      </svg>
      <div className={styles.toolbar}>
        {props.expandedCount > 0 && (
          <IconButton name="sitemap" tooltip="Collapse namespaces again" onClick={props.onCollapseAll} />
        )}
        <IconButton
          name="search-plus"
          tooltip="Zoom in"
          onClick={() => zoomCentre(1.4)}
          data-testid="osprey-tm-zoom-in"
        />
        <IconButton name="search-minus" tooltip="Zoom out" onClick={() => zoomCentre(1 / 1.4)} />
        <IconButton
          name="home-alt"
          tooltip="Fit the whole map"
          onClick={() => setView(fit)}
          data-testid="osprey-tm-fit"
        />
      </div>
      <div className={styles.status} data-testid="osprey-tm-status">
        {counts.service} services · {counts.database} databases · {counts.external} externals
        {layout.nodes.length < graph.nodes.length ? ` · ${layout.nodes.length} boxes after grouping` : ''}
        <span className={styles.legend}>
          {legendEntries(options).map(({ color, label }) => (
            <span key={label} className={styles.legendItem} data-testid="osprey-tm-legend-item">
              <span className={styles.swatch} style={{ borderColor: paint(color) }} />
              {label}
            </span>
          ))}
        </span>
      </div>
    </div>
  );
}

function kindCounts(nodes: MapNode[]) {
  const counts = { service: 0, database: 0, external: 0 };
  for (const n of nodes) {
    counts[n.kind]++;
  }
  return counts;
}
