import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** The trace map's classes (useStyles2): the panel, its toolbar and status line, node and edge text. */
export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ position: 'relative', overflow: 'hidden' }),
  svg: css({
    display: 'block',
    cursor: 'grab',
    userSelect: 'none',
    touchAction: 'none',
    '&:active': { cursor: 'grabbing' },
  }),
  clickable: css({ cursor: 'pointer' }),
  title: css({
    fill: theme.colors.text.primary,
    fontSize: 12,
    fontWeight: theme.typography.fontWeightMedium,
    textAnchor: 'middle',
    pointerEvents: 'none',
  }),
  stats: css({ fill: theme.colors.text.secondary, fontSize: 10, textAnchor: 'middle', pointerEvents: 'none' }),
  edgeLabel: css({
    fill: theme.colors.text.secondary,
    fontSize: 10,
    textAnchor: 'middle',
    dominantBaseline: 'middle',
    paintOrder: 'stroke',
    stroke: theme.colors.background.primary,
    strokeWidth: 3,
    pointerEvents: 'none',
  }),
  toolbar: css({
    position: 'absolute',
    top: theme.spacing(0.5),
    right: theme.spacing(0.5),
    display: 'flex',
    gap: theme.spacing(0.5),
    padding: theme.spacing(0.25, 0.5),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
  status: css({
    position: 'absolute',
    left: theme.spacing(0.5),
    bottom: theme.spacing(0.5),
    display: 'flex',
    gap: theme.spacing(1),
    padding: theme.spacing(0.25, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
    pointerEvents: 'none',
  }),
  legend: css({ display: 'flex', gap: theme.spacing(1) }),
  legendItem: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5) }),
  swatch: css({ display: 'inline-block', width: 10, height: 10, border: '2px solid', borderRadius: 3 }),
});

export type TraceMapStyles = ReturnType<typeof getStyles>;
