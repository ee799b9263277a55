/**
 * A TemplateSrv with a flat variable map: `$name`, `${name}` and `[[name]]` are replaced from
 * scopedVars first, then the host's variables; unknown variables are left as written, like Grafana.
 * Data links' `${__value.raw}` / `${__value.text}` read the row a link was built for, from the
 * `__dataContext` scoped variable, as Grafana's data macros do. A dashboard's variables (setVariable)
 * carry their current value, several for a multi-value one, and "All" as `$__all`, which replace()
 * turns into the variable's custom all value or every option, as Grafana's TemplateSrv does.
 */
import { ScopedVars, TimeRange, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';
import { VariableFormatID } from '@grafana/schema';

const VARIABLE = /\$(\w+)|\$\{(\w+(?:\.\w+)?)(?::\w+)?\}|\[\[(\w+)\]\]/g;

export function replaceVariables(target: string, values: (name: string) => string | undefined): string {
  return target.replace(VARIABLE, (match, plain?: string, braced?: string, bracketed?: string) => {
    const value = values(plain ?? braced ?? bracketed ?? '');
    return value === undefined ? match : value;
  });
}

/** The value of the row a data link is for (raw and text are the same for the string fields links sit on). */
function dataValue(scopedVars?: ScopedVars): string | undefined {
  const context = scopedVars?.__dataContext?.value as { field?: { values: unknown[] }; rowIndex?: number } | undefined;
  if (!context?.field || context.rowIndex === undefined) {
    return undefined;
  }
  const value = context.field.values[context.rowIndex];
  return value === null || value === undefined ? '' : String(value);
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

/** Without a format, several values are written as Grafana's default "glob" format does: {a,b}. */
function formatted(value: string | string[], format?: Format): string {
  if (typeof format === 'function') {
    return format(value);
  }
  if (!Array.isArray(value)) {
    return value;
  }
  if (format === VariableFormatID.CSV) {
    return value.join(',');
  }
  return value.length === 1 ? value[0] : `{${value.join(',')}}`;
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
    const all = Array.isArray(value) ? value.includes('$__all') : value === '$__all';
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
    return replaceVariables(target, (name) => {
      if (name === '__value' || name.startsWith('__value.')) {
        return dataValue(scopedVars);
      }
      const scoped = scopedVars?.[name];
      if (scoped) {
        return String(scoped.value);
      }
      return this.variables.get(name) ?? this.dashboardValue(name, format);
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
