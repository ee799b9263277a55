import { Agent, EXIT } from './agent';
import { ArgsError, parseAgentArgs, USAGE } from './args';
import { HostSnapshotter } from './host/loop';
import { createLogger } from './log';

/** The `osprey-jvm-agent` command: parse, run until a signal, exit with the agent's code. */
export async function runCli(argv = process.argv.slice(2), env = process.env): Promise<void> {
  let parsed;
  try {
    parsed = parseAgentArgs(argv, env);
  } catch (err) {
    if (err instanceof ArgsError) {
      process.stderr.write(`osprey-jvm-agent: ${err.message}\n\n${USAGE}\n`);
      process.exit(EXIT.usage);
    }
    throw err;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = createLogger();
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      // A second signal: the user does not want to wait for the current jcmd or upload.
      process.exit(EXIT.failed);
    }
    log.info('stopping', { signal });
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const guarded = async (run: () => Promise<number>): Promise<number> => {
    try {
      return await run();
    } catch (err) {
      log.error('agent crashed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      return EXIT.failed;
    }
  };
  // The JVM agent and the host snapshots run side by side; the first to end ends the agent.
  const { config, host } = parsed;
  const runs = [
    ...(config ? [guarded(() => new Agent(config, log).run(stop.signal))] : []),
    ...(host ? [guarded(() => new HostSnapshotter(host, log).run(stop.signal))] : []),
  ];
  let code = await Promise.race(runs);
  if (!stop.signal.aborted && runs.length > 1 && !(config?.once ?? false)) {
    stop.abort();
  }
  code = Math.max(code, ...(await Promise.all(runs)));
  log.info('osprey-jvm-agent stopped', { exitCode: code });
  // fetch's keep-alive sockets would hold the process open a few seconds more.
  process.exit(code);
}
