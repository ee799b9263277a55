/**
 * The dashboard's variables: an Osprey query variable's options come from the datasource's own
 * variable support (services, instances, endpoints), as Grafana fills them; a text box is typed in.
 * Variables of other datasources (the JVM dashboard's Prometheus label_values) cannot be filled
 * here, so they are typed in as text too, and say so.
 */
import { type DataFrame, FieldType, type TimeRange } from '@grafana/data';
import type { VariableModel } from '@grafana/schema';
import { lastValueFrom } from 'rxjs';

import { type DataSourceLike, templateSrv } from '../web/runtime';
import { DATASOURCE_UID } from './catalog';
import { queryRequest } from '../web/query';
import { sortOptions } from './variable-sort';

export interface PreviewVariable {
  name: string;
  label: string;
  /** osprey: options from the datasource; text: typed in (a text box, or a query of a datasource the preview lacks). */
  kind: 'osprey' | 'text';
  /** For a variable typed in because the preview cannot run its query: the datasource it queries in Grafana. */
  foreignDatasource?: string;
  multi: boolean;
  includeAll: boolean;
  allValue?: string | null;
  options: string[];
  value: string | string[];
  /** The variable's query, as the dashboard holds it. */
  query: unknown;
  /** How its options are ordered (Grafana's VariableSort; 0: as the query answers them). */
  sort: number;
}

export const ALL = '$__all';

export function previewVariables(list: VariableModel[]): PreviewVariable[] {
  return list.map((v) => {
    const osprey = v.type === 'query' && v.datasource?.uid === DATASOURCE_UID;
    const current = v.current?.value;
    return {
      name: v.name,
      label: v.label ?? v.name,
      kind: osprey ? 'osprey' : 'text',
      foreignDatasource: v.type === 'query' && !osprey ? (v.datasource?.type ?? 'another datasource') : undefined,
      multi: !!v.multi,
      includeAll: !!v.includeAll,
      allValue: v.allValue,
      options: [],
      value: current ?? (v.includeAll ? ALL : ''),
      query: v.query,
      sort: typeof v.sort === 'number' ? v.sort : 0,
    };
  });
}

/** Hands the current values to TemplateSrv, which the datasource reads them from. */
export function applyVariables(variables: PreviewVariable[]): void {
  templateSrv.clearVariables();
  for (const v of variables) {
    const text = Array.isArray(v.value)
      ? v.value.map((x) => (x === ALL ? 'All' : x))
      : v.value === ALL
        ? 'All'
        : v.value;
    templateSrv.setVariable({
      name: v.name,
      current: { text, value: v.value },
      options: v.options,
      allValue: v.allValue,
    });
  }
}

function firstStringValues(frames: DataFrame[]): string[] {
  const field = frames[0]?.fields.find((f) => f.type === FieldType.string);
  return field ? Array.from(field.values as ArrayLike<unknown>, String) : [];
}

/**
 * An Osprey variable's options over `range`, its query read with the variables before it applied
 * (an endpoint list follows the chosen service).
 */
export async function loadOptions(ds: DataSourceLike, variable: PreviewVariable, range: TimeRange): Promise<string[]> {
  if (!ds.variables) {
    throw new Error('the datasource has no variable support');
  }
  const request = queryRequest([variable.query as never], range, {
    requestId: `variable-${variable.name}`,
    maxDataPoints: 1,
  });
  const response = await lastValueFrom(ds.variables.query(request));
  if (response.error) {
    throw new Error(response.error.message ?? `variable ${variable.name} failed`);
  }
  return sortOptions([...new Set(firstStringValues(response.data as DataFrame[]))], variable.sort);
}

/** The value kept when the options change: what is still offered, else All (or the first option). */
export function keepValue(variable: PreviewVariable, options: string[]): string | string[] {
  const fallback = variable.includeAll ? ALL : (options[0] ?? '');
  const values = Array.isArray(variable.value) ? variable.value : [variable.value];
  const kept = values.filter((v) => v === ALL || options.includes(v));
  if (kept.length === 0) {
    return variable.multi ? [fallback] : fallback;
  }
  return variable.multi ? kept : kept[0];
}

/** A multi-value pick as Grafana's picker makes it: choosing All drops the rest, choosing a value drops All. */
export function pickMulti(variable: PreviewVariable, picked: string[]): string[] {
  const before = Array.isArray(variable.value) ? variable.value : [variable.value];
  if (picked.includes(ALL) && !before.includes(ALL)) {
    return [ALL];
  }
  const values = picked.filter((v) => v !== ALL);
  return values.length === 0 && variable.includeAll ? [ALL] : values;
}
