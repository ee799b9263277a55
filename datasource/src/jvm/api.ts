/** A JVM query's target: which JVM, and which of its captures. */
import type { JvmTarget } from '@osprey/plugin-kit';

import type { OspreyQuery } from '../types';

/** A query's service/instance/ids (its variables applied, see template.ts), trimmed, blanks dropped. */
export function jvmTarget(q: OspreyQuery): JvmTarget {
  const value = (v?: string) => v?.trim() || undefined;
  return { service: value(q.service), instance: value(q.instance), dumpId: value(q.dumpId), otherId: value(q.otherId) };
}
