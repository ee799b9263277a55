import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import type { JvmThreadState } from '@osprey/model';

export const STATE_COLORS: Record<JvmThreadState, string> = {
  RUNNABLE: 'green',
  BLOCKED: 'red',
  WAITING: 'yellow',
  TIMED_WAITING: 'orange',
  NEW: 'blue',
  TERMINATED: 'text',
};

export const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    overflow: 'hidden',
    fontSize: theme.typography.bodySmall.fontSize,
    position: 'relative',
  }),
  empty: css({ color: theme.colors.text.secondary, padding: theme.spacing(1) }),
  header: css({ flex: 'none', display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: theme.spacing(1) }),
  // The Alert grows in a flex column; this box keeps the banners their own height.
  banners: css({ flex: 'none', display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  title: css({ fontWeight: theme.typography.fontWeightMedium, fontSize: theme.typography.body.fontSize }),
  muted: css({ color: theme.colors.text.secondary }),
  error: css({ color: theme.colors.error.text }),
  banner: css({ marginBottom: 0 }),
  requestBar: css({
    flex: 'none',
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'center',
    justifyContent: 'flex-end',
  }),
  toolbar: css({ flex: 'none', display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: theme.spacing(1) }),
  chips: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  chip: (color: string) => {
    const c = color === 'text' ? theme.colors.text.secondary : theme.visualization.getColorByName(color);
    return css({
      display: 'inline-block',
      border: `1px solid ${c}`,
      color: c,
      background: 'transparent',
      borderRadius: theme.shape.radius.pill,
      padding: theme.spacing(0, 0.75),
      fontSize: theme.typography.bodySmall.fontSize,
      lineHeight: 1.6,
      cursor: 'default',
      whiteSpace: 'nowrap',
      'button&': { cursor: 'pointer' },
    });
  },
  chipOn: css({ background: theme.colors.action.selected, fontWeight: theme.typography.fontWeightBold }),
  search: css({ width: 240 }),
  scroll: css({ flex: 1, overflow: 'auto', minHeight: 0 }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.25, 0.75),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: {
      position: 'sticky',
      top: 0,
      background: theme.colors.background.primary,
      color: theme.colors.text.secondary,
      fontWeight: theme.typography.fontWeightMedium,
    },
    'tbody tr:hover': { background: theme.colors.action.hover },
  }),
  num: css({ textAlign: 'right !important' as 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }),
  name: css({ fontFamily: theme.typography.fontFamilyMonospace, overflowWrap: 'anywhere' }),
  frame: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    wordBreak: 'break-all',
    color: theme.colors.text.secondary,
  }),
  tag: css({
    display: 'inline-block',
    marginLeft: theme.spacing(0.5),
    padding: theme.spacing(0, 0.5),
    borderRadius: theme.shape.radius.default,
    background: theme.colors.background.secondary,
    color: theme.colors.text.secondary,
    fontFamily: theme.typography.fontFamily,
  }),
  highlight: css({
    background: `${theme.colors.warning.transparent} !important`,
    outline: `2px solid ${theme.colors.warning.main}`,
    outlineOffset: -2,
  }),
  iconButton: css({
    background: 'none',
    border: 'none',
    color: theme.colors.text.primary,
    cursor: 'pointer',
    padding: 0,
  }),
  lock: css({
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.link,
    cursor: 'pointer',
    textAlign: 'left',
    fontFamily: theme.typography.fontFamilyMonospace,
    '&:hover': { textDecoration: 'underline' },
  }),
  stack: css({
    margin: 0,
    padding: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
  }),
  group: css({
    borderBottom: `1px solid ${theme.colors.border.weak}`,
    padding: theme.spacing(0.5, 0),
    summary: { cursor: 'pointer' },
  }),
});
