import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

import { MARGIN } from './axes';

export const LEGEND_HEIGHT = 22;

export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', height: '100%', position: 'relative' }),
  plot: css({ position: 'relative', flex: 'none' }),
  canvas: css({ display: 'block' }),
  overlay: css({ position: 'absolute', cursor: 'crosshair', touchAction: 'none' }),
  box: css({
    position: 'absolute',
    border: `1px dashed ${theme.colors.text.primary}`,
    background: theme.colors.action.selected,
    pointerEvents: 'none',
  }),
  crosshair: css({
    position: 'absolute',
    top: 0,
    bottom: 0,
    width: 1,
    background: theme.colors.text.secondary,
    pointerEvents: 'none',
  }),
  tooltip: css({
    position: 'absolute',
    pointerEvents: 'none',
    zIndex: theme.zIndex.tooltip,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    boxShadow: theme.shadows.z2,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    overflow: 'hidden',
    gap: theme.spacing(2),
    height: LEGEND_HEIGHT,
    flex: 'none',
    alignItems: 'center',
    paddingLeft: MARGIN.left,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  swatch: css({ display: 'inline-block', width: 8, height: 8, marginRight: theme.spacing(0.5) }),
  selection: css({ flex: 1, minHeight: 0, overflow: 'auto', borderTop: `1px solid ${theme.colors.border.weak}` }),
  selectionHeader: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 0),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  grow: css({ flex: 1 }),
});
