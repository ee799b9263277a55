/**
 * A TemplateSrv with a flat variable map: `$name`, `${name}` and `[[name]]` are replaced from
 * scopedVars first, then the host's variables; unknown variables are left as written, like Grafana.
 * Data links' `${__value.raw}` / `${__value.text}` read the row a link was built for, from the
 * `__dataContext` scoped variable, as Grafana's data macros do.
 */
import { ScopedVars, TimeRange, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

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

export class HostTemplateSrv implements TemplateSrv {
  private readonly variables = new Map<string, string>();
  private range?: TimeRange;

  set(name: string, value: string): void {
    this.variables.set(name, value);
  }

  getVariables(): TypedVariableModel[] {
    return [];
  }

  replace(target?: string, scopedVars?: ScopedVars): string {
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
      return this.variables.get(name);
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
