/**
 * The types a bundled dashboard's JSON must have: @grafana/schema's Dashboard, each panel's options
 * and field config as the schema (or our panel plugin) defines them for its type, and each target
 * and variable query as its datasource reads it. dashboard-schema.test.ts checks every dashboard,
 * panel, target and variable against these with the TypeScript compiler.
 */
import type { AnnotationQuery, Dashboard, FieldConfig, FieldConfigSource, Panel, VariableModel } from '@grafana/schema';
import type { Options as BarGaugeOptions } from '@grafana/schema/dist/types/raw/composable/bargauge/panelcfg/x/types.gen';
import type { Options as NodeGraphOptions } from '@grafana/schema/dist/types/raw/composable/nodegraph/panelcfg/x/types.gen';
import type { Options as StatOptions } from '@grafana/schema/dist/types/raw/composable/stat/panelcfg/x/types.gen';
import type {
  FieldConfig as StateTimelineFieldConfig,
  Options as StateTimelineOptions,
} from '@grafana/schema/dist/types/raw/composable/statetimeline/panelcfg/x/types.gen';
import type {
  FieldConfig as TableFieldConfig,
  Options as TableOptions,
} from '@grafana/schema/dist/types/raw/composable/table/panelcfg/x/types.gen';
import type {
  FieldConfig as TimeSeriesFieldConfig,
  Options as TimeSeriesOptions,
} from '@grafana/schema/dist/types/raw/composable/timeseries/panelcfg/x/types.gen';

import type { OspreyQuery } from '../../datasource/src/types';
import type { OspreyVariableQuery } from '../../datasource/src/variable-query';
import type { ThreadDumpOptions } from '../../panels/threaddump/src/types';
import type { TraceMapOptions } from '../../panels/tracemap/src/types';
import type { XlogOptions } from '../../panels/xlog/src/types';

/**
 * A type as JSON spells it: the schema's string enums (ThresholdsMode, FieldColorModeId, ...) become
 * the strings they stand for, since a JSON file holds "absolute", not ThresholdsMode.Absolute.
 */
export type Json<T> = T extends string
  ? `${T}`
  : T extends Array<infer U>
    ? Array<Json<U>>
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** The schema's Dashboard, its annotation queries typed by the schema's generic as Osprey queries. */
export type DashboardJson = Json<
  Omit<Dashboard, 'annotations'> & { annotations?: { list?: Array<AnnotationQuery<OspreyQuery>> } }
>;

/** The provisioned datasources (provisioning/datasources/osprey.yaml). */
interface Datasources {
  osprey: { type: 'osprey-apm-datasource'; uid: 'osprey' };
  prometheus: { type: 'prometheus'; uid: 'prometheus' };
  influxdb: { type: 'influxdb'; uid: 'influxdb' | 'influxdb-telegraf' };
}

/** Grafana's Prometheus query model (public/app/plugins/datasource/prometheus, PromQuery). */
interface PrometheusQuery {
  refId: string;
  expr: string;
  legendFormat?: string;
  range?: boolean;
  instant?: boolean;
  exemplar?: boolean;
  format?: 'time_series' | 'table' | 'heatmap';
  interval?: string;
  editorMode?: 'code' | 'builder';
  hide?: boolean;
}

/** Grafana's InfluxDB (InfluxQL) query model in raw mode (InfluxQuery). */
interface InfluxQuery {
  refId: string;
  query: string;
  rawQuery: true;
  resultFormat?: 'time_series' | 'table' | 'logs';
  alias?: string;
  hide?: boolean;
}

/** A panel target by its datasource type. */
export interface Targets {
  'osprey-apm-datasource': OspreyQuery & { datasource: Datasources['osprey'] };
  prometheus: PrometheusQuery & { datasource: Datasources['prometheus'] };
  influxdb: InfluxQuery & { datasource: Datasources['influxdb'] };
}

type QueryVariable<D, Q> = Omit<Json<VariableModel>, 'type' | 'datasource' | 'query'> & {
  type: 'query';
  datasource: D;
  query: Q;
};

/** A query variable by its datasource type; the Osprey one in the shape OspreyVariableSupport reads. */
export interface QueryVariables {
  'osprey-apm-datasource': QueryVariable<Datasources['osprey'], OspreyVariableQuery>;
  /** A PromQL `label_values(...)` string: Grafana's Prometheus variable support runs it as written. */
  prometheus: QueryVariable<Datasources['prometheus'], string>;
  influxdb: QueryVariable<Datasources['influxdb'], string>;
}

type PanelOf<T extends string, Options, Custom = Record<string, unknown>> = Omit<
  Json<Panel>,
  'type' | 'options' | 'fieldConfig' | 'datasource'
> & {
  type: T;
  datasource: Datasources[keyof Datasources];
  options?: Partial<Json<Options>>;
  fieldConfig?: {
    defaults: Omit<Json<FieldConfig>, 'custom'> & { custom?: Partial<Json<Custom>> };
    overrides: Json<FieldConfigSource['overrides']>;
  };
};

/** A panel by its type: the schema's options for Grafana's panels, our plugins' for Osprey's. */
export interface Panels {
  timeseries: PanelOf<'timeseries', TimeSeriesOptions, TimeSeriesFieldConfig>;
  table: PanelOf<'table', TableOptions, TableFieldConfig>;
  stat: PanelOf<'stat', StatOptions>;
  'state-timeline': PanelOf<'state-timeline', StateTimelineOptions, StateTimelineFieldConfig>;
  bargauge: PanelOf<'bargauge', BarGaugeOptions>;
  nodeGraph: PanelOf<'nodeGraph', NodeGraphOptions>;
  /** Grafana's trace view has no options of its own. */
  traces: PanelOf<'traces', Record<string, never>>;
  'osprey-xlog-panel': PanelOf<'osprey-xlog-panel', XlogOptions>;
  'osprey-threaddump-panel': PanelOf<'osprey-threaddump-panel', ThreadDumpOptions>;
  'osprey-tracemap-panel': PanelOf<'osprey-tracemap-panel', TraceMapOptions>;
}
