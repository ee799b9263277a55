/**
 * Debian's clickhouse-server (18.16) as a child process for tests and benches: a generated
 * config.xml/users.xml in `dir`, HTTP and native TCP on free loopback ports (or the given TCP port,
 * so a cluster config can name it before the server starts), interserver HTTP on another, user
 * `default` without password from 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export const CLICKHOUSE_SERVER = '/usr/sbin/clickhouse-server';

export interface ClickHouse {
  /** HTTP interface, for --clickhouse-url. */
  url: string;
  tcpPort: number;
  child: ChildProcess;
  /** One statement through the HTTP interface; its text answer. */
  query(sql: string): Promise<string>;
  /** SIGTERM, SIGKILL after 10 s; the exit code. */
  stop(): Promise<number | null>;
}

/** A `remote_servers` entry naming each shard's native (TCP) port, one replica per shard. */
export interface ClickHouseCluster {
  name: string;
  shardTcpPorts: number[];
}

function configXml(dir: string, httpPort: number, tcpPort: number, interserver: number, cluster?: ClickHouseCluster) {
  const remoteServers =
    cluster === undefined
      ? ''
      : `<remote_servers><${cluster.name}>${cluster.shardTcpPorts
          .map((port) => `<shard><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`)
          .join('')}</${cluster.name}></remote_servers>`;
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <interserver_http_port>${interserver}</interserver_http_port>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  ${remoteServers}
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
    <profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;

export async function startClickHouseServer(
  dir: string,
  freePort: () => Promise<number>,
  cluster?: ClickHouseCluster,
  tcpPort?: number
): Promise<ClickHouse> {
  const httpPort = await freePort();
  const tcp = tcpPort ?? (await freePort());
  const interserver = await freePort();
  writeFileSync(path.join(dir, 'config.xml'), configXml(dir, httpPort, tcp, interserver, cluster));
  writeFileSync(path.join(dir, 'users.xml'), USERS_XML);
  const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${path.join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${httpPort}`;
  const query = async (sql: string): Promise<string> => {
    const res = await fetch(url, { method: 'POST', body: sql });
    const text = await res.text();
    if (res.status !== 200) {
      throw new Error(`clickhouse ${sql}: ${res.status} ${text}`);
    }
    return text;
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`clickhouse-server exited with ${child.exitCode}: ${output}`);
    }
    try {
      if ((await query('SELECT 1')).trim() === '1') {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`clickhouse-server not ready at ${url} within 30 s: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return child.exitCode;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { url, tcpPort: tcp, child, query, stop };
}
