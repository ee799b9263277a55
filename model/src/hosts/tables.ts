/** The tables the host query types answer, one per query (the query's `hostTable`). */

/** Tables of one snapshot: its processes, connections per remote endpoint and per local port, listening sockets, open files, disks. */
export const HOST_SNAPSHOT_TABLES = ['processes', 'connections', 'ports', 'listening', 'openFiles', 'disks'] as const;
export type HostSnapshotTable = (typeof HOST_SNAPSHOT_TABLES)[number];

/** Tables of a compare (model's HostSnapshotCompare): processes started / ended, CPU and RSS movers, descriptor growth, connection deltas. */
export const HOST_COMPARE_TABLES = ['started', 'ended', 'cpu', 'rss', 'fds', 'connections', 'tcpStates'] as const;
export type HostCompareTable = (typeof HOST_COMPARE_TABLES)[number];

export type HostTable = HostSnapshotTable | HostCompareTable;
