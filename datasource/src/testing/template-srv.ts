/**
 * A TemplateSrv for datasource tests, with Grafana's replace rules as far as the datasource meets
 * them: `$name`, `${name}` and `[[name]]`; scoped variables first; a format function gets every
 * value (a multi-value selection as its list), without one a list is written `{a,b}`; "All" is the
 * variable's custom all value as it is, or else the list of all its options.
 */
import type { ScopedVars, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

/** One value, several (multi-value), or All of these options (with the variable's custom all value). */
export type TestVariable = string | string[] | { all: string[]; allValue?: string };

const REFERENCE = /\$(\w+)|\$\{(\w+)\}|\[\[(\w+)\]\]/g;

export class TestTemplateSrv implements TemplateSrv {
  constructor(private readonly variables: Record<string, TestVariable>) {}

  getVariables(): TypedVariableModel[] {
    return Object.entries(this.variables).map(([name, v]) => {
      const value = typeof v === 'object' && !Array.isArray(v) ? ['$__all'] : v;
      return { name, type: 'custom', current: { value, text: value } } as unknown as TypedVariableModel;
    });
  }

  replace(target?: string, scopedVars?: ScopedVars, format?: string | ((value: string | string[]) => string)): string {
    return (target ?? '').replace(REFERENCE, (match, plain?: string, braced?: string, bracketed?: string) => {
      const name = plain ?? braced ?? bracketed ?? '';
      const scoped = scopedVars?.[name]?.value as string | string[] | undefined;
      const variable = this.variables[name];
      if (scoped === undefined && variable === undefined) {
        return match;
      }
      let value = scoped ?? variable;
      if (typeof value === 'object' && !Array.isArray(value)) {
        if (value.allValue !== undefined) {
          return value.allValue;
        }
        value = value.all;
      }
      if (typeof format === 'function') {
        return String(format(value));
      }
      return Array.isArray(value) ? `{${value.join(',')}}` : value;
    });
  }

  containsTemplate(target?: string): boolean {
    return [...(target ?? '').matchAll(REFERENCE)].some((m) => (m[1] ?? m[2] ?? m[3]) in this.variables);
  }

  /** The datasource reads the range from each request, not from here. */
  updateTimeRange(): void {}
}
