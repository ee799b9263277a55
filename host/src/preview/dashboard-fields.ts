/** The frames of a panel with the dashboard's field config applied, as Grafana's panel query runner gives them. */
import {
  applyFieldOverrides,
  type DataFrame,
  type FieldConfigSource,
  type GrafanaTheme2,
  type PanelData,
} from '@grafana/data';
import { type Panel } from '@grafana/schema';

import { templateSrv } from '../web/runtime';

/** What a Grafana core panel drawn here gets: its dashboard JSON, its query's data and its size. */
export interface CorePanelProps {
  panel: Panel;
  data: PanelData;
  width: number;
  height: number;
}

/** Variables in field config (display names, links) read as the dashboard's template service reads them. */
export const replaceVariables = (value: string): string => templateSrv.replace(value);

export function dashboardFieldConfig(panel: Panel): FieldConfigSource {
  return {
    defaults: panel.fieldConfig?.defaults ?? {},
    overrides: panel.fieldConfig?.overrides ?? [],
  } as FieldConfigSource;
}

export function withFieldConfig(
  fieldConfig: FieldConfigSource,
  frames: DataFrame[],
  theme: GrafanaTheme2
): DataFrame[] {
  return applyFieldOverrides({
    data: frames,
    fieldConfig,
    replaceVariables,
    theme,
    timeZone: 'browser',
  });
}
