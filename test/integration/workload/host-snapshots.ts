/**
 * Host snapshots for the tests that need some stored: the agent's snapshot of real /proc text
 * (test/fixtures/hosts/snapshot.json) and a later one of the same host in which every compare
 * table has a row — a process ended and one started, CPU and RSS moved, two more open files,
 * three more CLOSE_WAIT connections to one remote endpoint.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { HostSnapshot } from '@osprey/model';

export const HOST_FIXTURE = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'hosts', 'snapshot.json'), 'utf8')
) as HostSnapshot;

/** The pid of the process that starts between the two, and of the one that ends. */
export const STARTED_PID = 4242;
export const ENDED_PID = 4141;
export const CLOSE_WAIT_REMOTE = '10.0.0.9:5432';

/** [earlier, later]: 5 s apart, on HOST_FIXTURE.host unless `host` is given. */
export function hostSnapshotPair(
  host = HOST_FIXTURE.host,
  takenAt = HOST_FIXTURE.takenAt
): [HostSnapshot, HostSnapshot] {
  const [main] = HOST_FIXTURE.processes;
  const earlier: HostSnapshot = {
    ...structuredClone(HOST_FIXTURE),
    host,
    takenAt,
    processes: [main, { ...main, pid: ENDED_PID, ppid: main.pid, name: 'ended' }],
  };
  const later = structuredClone(earlier);
  later.takenAt += 5000;
  later.processes = [structuredClone(main), { ...main, pid: STARTED_PID, ppid: main.pid, name: 'started' }];
  const moved = later.processes[0];
  moved.fds!.total += 2;
  moved.fds!.files += 2;
  moved.cpuMs += 750;
  moved.rssBytes += 1 << 20;
  later.tcp.states.CLOSE_WAIT = (later.tcp.states.CLOSE_WAIT ?? 0) + 3;
  later.tcp.byRemote.push({ remote: CLOSE_WAIT_REMOTE, state: 'CLOSE_WAIT', count: 3 });
  return [earlier, later];
}
