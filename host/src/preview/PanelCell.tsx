/**
 * One panel of the dashboard: an Osprey panel is the built plugin, mounted as Grafana mounts it; a
 * time series panel is drawn by @grafana/ui's TimeSeries (GrafanaTimeSeries.tsx), a table panel by
 * @grafana/ui's TableNG after the panel's transformations (GrafanaTable.tsx); any other panel
 * Grafana draws itself (bar gauge, node graph, state timeline, …) is not imitated: it shows its
 * query, as the datasource reads it with the current variables, and what the query answered.
 */
import { css } from '@emotion/css';
import {
  type DataQuery,
  type DataTransformerConfig,
  type EventBus,
  type FieldConfigSource,
  type GrafanaTheme2,
  LoadingState,
  type PanelData,
  type PanelPlugin,
  type TimeRange,
} from '@grafana/data';
import { type Panel, VariableFormatID } from '@grafana/schema';
import { PanelChrome, TextLink, useStyles2, useTheme2 } from '@grafana/ui';
import { cloneDeep, merge, omit as lodashOmit } from 'lodash';
import { type ReactElement, useEffect, useState } from 'react';

import { hostedPanel } from '../web/panel';
import { loadPlugin, templateSrv, type DataSourceLike } from '../web/runtime';
import { unknownTransformations } from '../web/transformers';
import { DATASOURCE_UID, INSTALL_LINK } from './catalog';
import { migrateTableFieldConfig, tablePlugin } from './GrafanaTable';
import { drawnAsTimeSeries, GrafanaTimeSeries } from './GrafanaTimeSeries';
import { usePanelData, useTransformedData } from './panel-data';

export interface PanelCellProps {
  panel: Panel;
  ds: DataSourceLike | undefined;
  /** The built module of the panel's plugin when Osprey owns its type. */
  moduleUrl?: string;
  range: TimeRange;
  width: number;
  height: number;
  runKey: string;
  eventBus: EventBus;
  onChangeTimeRange: (range: { from: number; to: number }) => void;
}

/** The datasource uid a panel's queries go to (a target's own wins, as in Grafana). */
function datasourceOf(panel: Panel): { uid?: string; type?: string } {
  return panel.targets?.find((t) => t.datasource)?.datasource ?? panel.datasource ?? {};
}

export function PanelCell(props: PanelCellProps): ReactElement {
  const { panel } = props;
  const source = datasourceOf(panel);
  const ours = source.uid === DATASOURCE_UID;
  const targets = ours ? ((panel.targets ?? []) as unknown as DataQuery[]) : [];
  const data = usePanelData(props.ds, panel.id ?? 0, targets, props.range, props.width, props.runKey);
  // @grafana/schema's transformation type, which @grafana/data's topic enum does not take as it is.
  const transformations = (panel.transformations ?? []) as DataTransformerConfig[];
  const asTable = ours && panel.type === 'table' && unknownTransformations(transformations).length === 0;
  const transformed = useTransformedData(asTable ? transformations : [], data);
  const title = templateSrv.replace(panel.title ?? '', undefined, VariableFormatID.Text);
  if (props.moduleUrl) {
    return <OspreyPanel {...props} title={title} data={data} moduleUrl={props.moduleUrl} />;
  }
  if (asTable) {
    const fieldConfig = migrateTableFieldConfig(panel.fieldConfig ?? { defaults: {}, overrides: [] });
    return (
      <PluginPanel {...props} panel={{ ...panel, fieldConfig }} title={title} data={transformed} plugin={tablePlugin} />
    );
  }
  if (ours && drawnAsTimeSeries(panel)) {
    return (
      <PanelChrome title={title} width={props.width} height={props.height} loadingState={data.state}>
        {(width, height) => <GrafanaTimeSeries panel={panel} data={data} width={width} height={height} />}
      </PanelChrome>
    );
  }
  return (
    <PanelChrome title={title} width={props.width} height={props.height} loadingState={data.state}>
      {() => (
        <ForeignPanel panel={panel} data={ours ? data : undefined} source={source} targets={targets} ds={props.ds} />
      )}
    </PanelChrome>
  );
}

function OspreyPanel(props: PanelCellProps & { title: string; data: PanelData; moduleUrl: string }): ReactElement {
  const [plugin, setPlugin] = useState<PanelPlugin | Error>();
  useEffect(() => {
    loadPlugin<PanelPlugin>(props.moduleUrl).then(setPlugin, (err: unknown) =>
      setPlugin(err instanceof Error ? err : new Error(String(err)))
    );
  }, [props.moduleUrl]);
  if (!plugin || plugin instanceof Error) {
    return (
      <PanelChrome title={props.title} width={props.width} height={props.height} loadingState={props.data.state}>
        {() => <div>{plugin ? `${props.moduleUrl}: ${plugin.message}` : 'Loading the panel plugin…'}</div>}
      </PanelChrome>
    );
  }
  return <PluginPanel {...props} plugin={plugin} />;
}

/** A panel plugin's component with the panel's options and field config over the plugin's defaults. */
function PluginPanel(props: PanelCellProps & { title: string; data: PanelData; plugin: PanelPlugin }): ReactElement {
  const theme = useTheme2();
  const { plugin } = props;
  // The dashboard's options and field config over the plugin's defaults, as Grafana's panel model merges them.
  const options = merge(cloneDeep(plugin.defaults ?? {}), props.panel.options ?? {});
  const fieldConfig: FieldConfigSource = {
    defaults: merge(cloneDeep(plugin.fieldConfigDefaults.defaults), props.panel.fieldConfig?.defaults ?? {}),
    overrides: (props.panel.fieldConfig?.overrides ?? []) as FieldConfigSource['overrides'],
  };
  return hostedPanel({
    id: props.panel.id ?? 0,
    plugin,
    data: props.data,
    title: props.title,
    width: props.width,
    height: props.height,
    theme,
    options,
    fieldConfig,
    eventBus: props.eventBus,
    onChangeTimeRange: props.onChangeTimeRange,
  });
}

interface ForeignPanelProps {
  panel: Panel;
  data?: PanelData;
  source: { uid?: string; type?: string };
  targets: DataQuery[];
  ds: DataSourceLike | undefined;
}

/** The queries without their datasource reference, which the text above names. */
function shown(queries: object[]): object[] {
  return queries.map((q) => lodashOmit(q, 'datasource'));
}

/** What a query answered, in words: enough to see the data is live without drawing a chart of it. */
function answered(data: PanelData): string {
  if (data.state === LoadingState.Loading) {
    return 'Waiting for the query…';
  }
  if (data.error) {
    return `The query failed: ${data.error.message ?? 'no message'}`;
  }
  const rows = data.series.reduce((sum, frame) => sum + frame.length, 0);
  return `The query answered ${data.series.length} frame${data.series.length === 1 ? '' : 's'}, ${rows} row${rows === 1 ? '' : 's'}.`;
}

function ForeignPanel({ panel, data, source, targets, ds }: ForeignPanelProps): ReactElement {
  const styles = useStyles2(getStyles);
  const interpolated =
    data && ds?.interpolateVariablesInQueries ? ds.interpolateVariablesInQueries(targets, {}) : targets;
  return (
    <div className={styles.body} data-testid="preview-foreign-panel">
      <p>
        Grafana&apos;s <strong>{panel.type}</strong> panel: this preview does not draw it; it opens in Grafana.{' '}
        <TextLink href={INSTALL_LINK} external inline>
          Install the plugins
        </TextLink>
      </p>
      {data ? (
        <p>{answered(data)}</p>
      ) : (
        <p>
          It queries the {source.type ?? 'unknown'} datasource &quot;{source.uid}&quot;, which only Grafana has.
        </p>
      )}
      <pre className={styles.query}>
        {JSON.stringify(shown(interpolated.length > 0 ? interpolated : (panel.targets ?? [])), null, 1)}
      </pre>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  body: css({
    height: '100%',
    overflow: 'auto',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  query: css({ fontSize: theme.typography.bodySmall.fontSize, margin: 0, whiteSpace: 'pre-wrap' }),
});
