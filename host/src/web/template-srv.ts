/**
 * A TemplateSrv with a flat variable map: `$name`, `${name}`, `${name:format}` and `[[name]]` are
 * replaced from scopedVars first, then the host's variables; unknown variables are left as written,
 * like Grafana. Data links' macros read the row a link was built for from the `__dataContext` scoped
 * variable, as Grafana's data macros do: `${__value.raw}` / `${__value.text}`, `${__data.fields.<name>}`
 * (another field of the same row); `${__url_time_range}` is the range as Grafana writes it in a URL.
 * A dashboard's variables (setVariable) carry their current value, several for a multi-value one, and
 * "All" as `$__all`, which replace() turns into the variable's custom all value or every option, as
 * Grafana's TemplateSrv does.
 */
// Types only: @grafana/data needs a window to load, and this module is tested in Node too.
import type { DataFrame, Field, RawTimeRange, ScopedVars, TimeRange, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';
import { VariableFormatID } from '@grafana/schema';

const VARIABLE = /\$(\w+)|\$\{(\w+(?:\.\w+)*)(?::(\w+))?\}|\[\[(\w+)\]\]/g;
const ALL_VALUE = '$__all';

/** Replaces every variable in `target` by `values(name, inline format)`; undefined leaves it as written. */
export function replaceVariables(
  target: string,
  values: (name: string, format?: string) => string | undefined
): string {
  return target.replace(
    VARIABLE,
    (match, plain?: string, braced?: string, inline?: string, bracketed?: string) =>
      values(plain ?? braced ?? bracketed ?? '', inline) ?? match
  );
}

interface DataContext {
  frame?: DataFrame;
  field?: Field;
  rowIndex?: number;
}

/** The text Grafana shows for a field's value: its display processor's, or the value as a string. */
function valueText(field: Field, rowIndex: number, raw: boolean): string {
  const value: unknown = field.values[rowIndex];
  if (value === null || value === undefined) {
    return '';
  }
  if (raw || !field.display) {
    return String(value);
  }
  // formattedValueToString's text: prefix, value, suffix (a unit).
  const shown = field.display(value);
  return `${shown.prefix ?? ''}${shown.text}${shown.suffix ?? ''}`;
}

/**
 * A data macro (`__value.raw|text`, `__data.fields.<name>[.raw]`) of the row a data link is for;
 * undefined when `name` is none or no row is in scope.
 */
function dataMacro(name: string, scopedVars?: ScopedVars): string | undefined {
  const context = scopedVars?.__dataContext?.value as DataContext | undefined;
  if (!context || context.rowIndex === undefined) {
    return undefined;
  }
  const [root, ...path] = name.split('.');
  if (root === '__value' && context.field) {
    return valueText(context.field, context.rowIndex, path[0] !== 'text');
  }
  if (root === '__data' && path[0] === 'fields' && path.length >= 2 && context.frame) {
    const field = context.frame.fields.find((f) => f.name === path[1] || f.state?.displayName === path[1]);
    return field ? valueText(field, context.rowIndex, path[2] === 'raw') : undefined;
  }
  return undefined;
}

/** `from=…&to=…` as a dashboard URL holds the range: relative ends as written, absolute ones in epoch ms. */
function urlTimeRange(raw: RawTimeRange): string {
  const end = (value: RawTimeRange['from']) => encodeURIComponent(typeof value === 'string' ? value : value.valueOf());
  return `from=${end(raw.from)}&to=${end(raw.to)}`;
}

/** A dashboard variable as the host keeps it: what datasources read through getVariables(). */
export interface HostVariable {
  name: string;
  current: { text: string | string[]; value: string | string[] };
  /** The values "All" stands for when there is no custom all value. */
  options: string[];
  allValue?: string | null;
}

type Format = string | ((value: string | string[], variable?: unknown) => string);

/** encodeURIComponent, and the characters it leaves that Grafana's uriencode format encodes too. */
const uriEncode = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A value in a format of Grafana's: without one, several values are written as its default "glob"
 * format does ({a,b}); csv and raw join them with commas; uriencode and percentencode encode the
 * text for a URL.
 */
function formatted(value: string | string[], format?: Format): string {
  if (typeof format === 'function') {
    return format(value);
  }
  const values = Array.isArray(value) ? value : [value];
  switch (format) {
    case VariableFormatID.CSV:
    case VariableFormatID.Raw:
      return values.join(',');
    case VariableFormatID.UriEncode:
      return uriEncode(formatted(value));
    case VariableFormatID.PercentEncode:
      return encodeURIComponent(formatted(value));
    default:
      return values.length === 1 ? values[0] : `{${values.join(',')}}`;
  }
}

export class HostTemplateSrv implements TemplateSrv {
  private readonly variables = new Map<string, string>();
  private readonly dashboardVariables = new Map<string, HostVariable>();
  private range?: TimeRange;

  set(name: string, value: string): void {
    this.variables.set(name, value);
  }

  setVariable(variable: HostVariable): void {
    this.dashboardVariables.set(variable.name, variable);
  }

  /** Forgets the dashboard's variables (another dashboard is opened). */
  clearVariables(): void {
    this.dashboardVariables.clear();
  }

  getVariables(): TypedVariableModel[] {
    return [...this.dashboardVariables.values()] as unknown as TypedVariableModel[];
  }

  private dashboardValue(name: string, format?: Format): string | undefined {
    const variable = this.dashboardVariables.get(name);
    if (!variable) {
      return undefined;
    }
    if (format === VariableFormatID.Text) {
      const text = variable.current.text;
      return Array.isArray(text) ? text.join(' + ') : text;
    }
    const value = variable.current.value;
    const all = Array.isArray(value) ? value.includes(ALL_VALUE) : value === ALL_VALUE;
    if (format === VariableFormatID.QueryParam) {
      // The variable as a dashboard URL carries it: one var-<name> per value, All as $__all.
      const values = all ? [ALL_VALUE] : (Array.isArray(value) ? value : [value]).map(uriEncode);
      return values.map((v) => `var-${name}=${v}`).join('&');
    }
    if (!all) {
      return formatted(value, format);
    }
    // A custom all value is written as it is, as Grafana does (no format applies to it).
    return typeof variable.allValue === 'string' ? variable.allValue : formatted(variable.options, format);
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: Format): string {
    if (!target) {
      return target ?? '';
    }
    return replaceVariables(target, (name, inline) => {
      const as = inline ?? format;
      if (name === '__url_time_range') {
        return this.range ? urlTimeRange(this.range.raw) : undefined;
      }
      const data = dataMacro(name, scopedVars);
      if (data !== undefined) {
        return formatted(data, as);
      }
      const scoped = scopedVars?.[name];
      if (scoped) {
        return formatted(String(scoped.value), as);
      }
      const set = this.variables.get(name);
      return set !== undefined ? formatted(set, as) : this.dashboardValue(name, as);
    });
  }

  containsTemplate(target?: string): boolean {
    return !!target && replaceVariables(target, () => '') !== target;
  }

  updateTimeRange(timeRange: TimeRange): void {
    this.range = timeRange;
  }

  timeRange(): TimeRange | undefined {
    return this.range;
  }
}
