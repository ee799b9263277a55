/// <reference types="jest" />
/**
 * The Osprey agents as they answer capture requests over HTTP: poll the pending requests, claim
 * each, upload the real JDK 17 fixtures (a jstack -l dump with a deadlock, a GC.class_histogram)
 * or the agent's /proc snapshot of a host, report the result. Only tests import this module.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { HostSnapshot, Incident, JvmRequest } from '@osprey/model';

import type { TokenFetch } from './http';

const FIXTURES = path.join(__dirname, '../../../test/fixtures');
export const JDK17_DUMP = path.join(FIXTURES, 'jvm/jdk17/lock-jstack-l.txt');
export const JDK17_HISTOGRAM = path.join(FIXTURES, 'jvm/jdk17/class_histogram.txt');
export const HOST_SNAPSHOT = JSON.parse(
  readFileSync(path.join(FIXTURES, 'hosts/snapshot.json'), 'utf8')
) as HostSnapshot;

/** Answers the pending requests (of the kinds in `only`, when given) with the ingest token. */
export async function answerAsAgents(call: TokenFetch, ingestToken: string, only?: Set<string>): Promise<void> {
  const ingest = (url: string, body: unknown) => call(url, { method: 'POST', token: ingestToken, body });
  const pending = (await call('/api/v1/jvm/requests?status=pending', { token: ingestToken })).json
    .requests as JvmRequest[];
  for (const r of pending.filter((p) => !only || only.has(p.kind))) {
    expect((await call(`/api/v1/jvm/requests/${r.id}/claim`, { method: 'POST', token: ingestToken })).status).toBe(200);
    const target = `service=${encodeURIComponent(r.service)}&instance=${encodeURIComponent(r.instance)}`;
    const uploaded =
      r.kind === 'threaddump'
        ? await ingest(`/api/v1/jvm/threaddumps?${target}`, readFileSync(JDK17_DUMP, 'utf8'))
        : r.kind === 'heaphistogram'
          ? await ingest(`/api/v1/jvm/heaphistograms?${target}`, readFileSync(JDK17_HISTOGRAM, 'utf8'))
          : await ingest('/api/v1/hosts/snapshots', { ...HOST_SNAPSHOT, host: r.instance, takenAt: Date.now() });
    expect(uploaded.status).toBe(201);
    await ingest(`/api/v1/jvm/requests/${r.id}/result`, { resultId: uploaded.json.id });
  }
}

/** The incident once it is no longer collecting, or as it stands after 10 s. */
export async function incidentSettled(call: TokenFetch, id: string): Promise<Incident> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const incident = (await call(`/api/v1/incidents/${id}`)).json as Incident;
    if (incident.status !== 'collecting' || Date.now() > deadline) {
      return incident;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
