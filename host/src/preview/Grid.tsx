/**
 * The dashboard's panels where its JSON puts them: Grafana's grid is 24 columns wide, a row unit is
 * 30 px with 8 px between panels, and a panel is gridPos.w columns by gridPos.h units.
 */
import { css } from '@emotion/css';
import type { EventBus, GrafanaTheme2, TimeRange } from '@grafana/data';
import type { Panel, RowPanel } from '@grafana/schema';
import { useStyles2 } from '@grafana/ui';
import { type ReactElement, useEffect, useRef, useState } from 'react';

import type { DataSourceLike } from '../web/runtime';
import { PanelCell } from './PanelCell';

const COLUMNS = 24;
const ROW_HEIGHT = 30;
const MARGIN = 8;

export interface GridProps {
  panels: Array<Panel | RowPanel>;
  ds: DataSourceLike | undefined;
  panelModules: Map<string, string>;
  range: TimeRange;
  runKey: string;
  eventBus: EventBus;
  onChangeTimeRange: (range: { from: number; to: number }) => void;
}

export function Grid(props: GridProps): ReactElement {
  const styles = useStyles2(getStyles);
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const column = (width + MARGIN) / COLUMNS;
  const bottom = Math.max(0, ...props.panels.map((p) => (p.gridPos?.y ?? 0) + (p.gridPos?.h ?? 0)));
  return (
    <div ref={ref} className={styles.grid} style={{ height: bottom * (ROW_HEIGHT + MARGIN) }}>
      {width > 0 &&
        props.panels.map((panel) => {
          const pos = panel.gridPos ?? { x: 0, y: 0, w: COLUMNS, h: 8 };
          const box = {
            left: pos.x * column,
            top: pos.y * (ROW_HEIGHT + MARGIN),
            width: pos.w * column - MARGIN,
            height: pos.h * (ROW_HEIGHT + MARGIN) - MARGIN,
          };
          return (
            <div
              key={panel.id}
              className={styles.cell}
              style={box}
              data-panel-id={panel.id}
              data-panel-type={panel.type}
            >
              {panel.type === 'row' ? (
                <h2 className={styles.row}>{panel.title}</h2>
              ) : (
                <PanelCell
                  panel={panel as Panel}
                  ds={props.ds}
                  moduleUrl={props.panelModules.get(panel.type)}
                  range={props.range}
                  width={box.width}
                  height={box.height}
                  runKey={`${props.runKey}|${Math.round(box.width)}`}
                  eventBus={props.eventBus}
                  onChangeTimeRange={props.onChangeTimeRange}
                />
              )}
            </div>
          );
        })}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({ position: 'relative', width: '100%' }),
  cell: css({ position: 'absolute' }),
  row: css({ fontSize: theme.typography.h4.fontSize, margin: 0 }),
});
