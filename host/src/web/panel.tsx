/**
 * A built panel plugin rendered as a dashboard renders it: its frames through applyFieldOverrides
 * with the plugin's field config, inside PanelChrome (title bar, loading state), which hands the
 * panel its inner size.
 */
import {
  applyFieldOverrides,
  type EventBus,
  type FieldConfigSource,
  type GrafanaTheme2,
  type PanelData,
  type PanelPlugin,
  type PanelProps,
  type ScopedVars,
  type TimeRange,
} from '@grafana/data';
import { PanelChrome } from '@grafana/ui';
import type { ReactElement } from 'react';

import { templateSrv } from './runtime';

export interface HostedPanel {
  id: number;
  plugin: PanelPlugin;
  data: PanelData;
  title: string;
  width: number;
  height: number;
  theme: GrafanaTheme2;
  options: object;
  fieldConfig: FieldConfigSource;
  eventBus: EventBus;
  onChangeTimeRange: (range: { from: number; to: number }) => void;
  /** Scoped variables of this panel (a repeated panel's own value); the dashboard's come from TemplateSrv. */
  scopedVars?: ScopedVars;
}

export function hostedPanel(panel: HostedPanel): ReactElement {
  const Panel = panel.plugin.panel;
  if (!Panel) {
    throw new Error(`${panel.plugin.meta?.id ?? 'the plugin'} has no panel component`);
  }
  const replaceVariables = (value: string, scopedVars?: ScopedVars) =>
    templateSrv.replace(value, { ...panel.scopedVars, ...scopedVars });
  const series = applyFieldOverrides({
    data: panel.data.series,
    fieldConfig: panel.fieldConfig,
    fieldConfigRegistry: panel.plugin.fieldConfigRegistry,
    replaceVariables,
    theme: panel.theme,
    timeZone: 'browser',
  });
  const timeRange: TimeRange = panel.data.timeRange;
  const props = (width: number, height: number): PanelProps => ({
    id: panel.id,
    title: panel.title,
    data: { ...panel.data, series },
    timeRange,
    timeZone: 'browser',
    options: panel.options,
    fieldConfig: panel.fieldConfig,
    transparent: false,
    width,
    height,
    renderCounter: 0,
    eventBus: panel.eventBus,
    onOptionsChange: () => undefined,
    onFieldConfigChange: () => undefined,
    replaceVariables,
    onChangeTimeRange: (range) => panel.onChangeTimeRange({ from: range.from, to: range.to }),
  });
  return (
    <PanelChrome title={panel.title} width={panel.width} height={panel.height} loadingState={panel.data.state}>
      {(innerWidth, innerHeight) => <Panel {...props(innerWidth, innerHeight)} />}
    </PanelChrome>
  );
}
