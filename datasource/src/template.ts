/**
 * A panel query with its dashboard variables and ad hoc filters applied: what the datasource's
 * applyTemplateVariables answers and what its query() runs, so both read a query the same way.
 */
import type { AdHocVariableFilter, ScopedVars } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

import {
  isQueryType,
  QUERY_FIELDS,
  queryTypeSpec,
  TEMPLATED_FIELDS,
  type AdhocField,
  type TemplatedField,
} from '@osprey/model';

import { adhocFilters, MULTI_SEPARATOR } from './params';
import { normaliseQuery, type OspreyQuery } from './types';

const isAdhocField = (field: TemplatedField): field is AdhocField => QUERY_FIELDS[field].template === 'adhoc';

/**
 * A multi-value variable in a field the query type reads several values of (its `multi` in model's
 * QUERY_TYPES) is joined by MULTI_SEPARATOR, to be split again by filterValues; in a filter field
 * "All" means no filter, and an ad hoc filter on an `adhoc` field's key replaces it. The other
 * fields take one value, with Grafana's default formatting.
 */
const joinValues = (value: string | string[]) => (Array.isArray(value) ? value.join(MULTI_SEPARATOR) : value);

/** A variable referenced in `text` (as $x, ${x...} or [[x]]) whose current value is "All". */
function refersToAll(templateSrv: TemplateSrv, text: string, scopedVars: ScopedVars): boolean {
  return templateSrv.getVariables().some((v) => {
    const used = new RegExp(`\\$${v.name}\\b|\\$\\{${v.name}[}:]|\\[\\[${v.name}\\]\\]`).test(text);
    if (!used || scopedVars[v.name] || !('current' in v)) {
      return false;
    }
    const value = (v.current as { value?: string | string[] } | undefined)?.value;
    return Array.isArray(value) ? value.includes('$__all') : value === '$__all';
  });
}

/**
 * The query as it runs: an exemplar link read as a trace query, a type this version does not know
 * read as XLOG, every templated field interpolated (see above), blank ones left out.
 */
export function interpolateQuery(
  templateSrv: TemplateSrv,
  raw: OspreyQuery,
  scopedVars: ScopedVars,
  filters?: AdHocVariableFilter[]
): OspreyQuery {
  const normalised = normaliseQuery(raw);
  const queryType = isQueryType(normalised.queryType) ? normalised.queryType : 'xlog';
  const adhoc = adhocFilters(filters);
  const multi = queryTypeSpec(queryType).multi;
  const interpolate = (field: TemplatedField, text: string | undefined): string | undefined => {
    if (!multi.includes(field)) {
      return text && templateSrv.replace(text, scopedVars);
    }
    if (isAdhocField(field) && adhoc[field]) {
      return adhoc[field];
    }
    if (QUERY_FIELDS[field].template !== 'text' && text && refersToAll(templateSrv, text, scopedVars)) {
      return undefined;
    }
    return text && templateSrv.replace(text, scopedVars, joinValues);
  };
  const query: OspreyQuery = { ...normalised, queryType };
  for (const field of TEMPLATED_FIELDS) {
    const value = interpolate(field, normalised[field]);
    if (value) {
      query[field] = value;
    } else {
      delete query[field];
    }
  }
  return query;
}
