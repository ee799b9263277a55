/** A transaction's profile: its steps as one table (Scouter's XLOG profile). */
import { map } from 'rxjs';

import { profileToFrame } from '../profile-frame';
import type { QueryHandler } from './context';

export const profile: QueryHandler = (q, { client }) => {
  const traceId = q.traceId?.trim();
  if (!traceId) {
    throw new Error('a transaction profile needs a trace id');
  }
  const spanId = q.spanId?.trim() || undefined;
  return client.profile(traceId, spanId).pipe(map((answer) => [profileToFrame(q.refId, answer)]));
};
