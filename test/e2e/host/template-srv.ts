/**
 * A TemplateSrv with a flat variable map: `$name`, `${name}` and `[[name]]` are replaced from
 * scopedVars first, then the host's variables; unknown variables are left as written, like Grafana.
 */
import { ScopedVars, TimeRange, TypedVariableModel } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

const VARIABLE = /\$(\w+)|\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]/g;

export function replaceVariables(target: string, values: (name: string) => string | undefined): string {
  return target.replace(VARIABLE, (match, plain?: string, braced?: string, bracketed?: string) => {
    const value = values(plain ?? braced ?? bracketed ?? '');
    return value === undefined ? match : value;
  });
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
