import { Agent, EXIT } from './agent';
import { ArgsError, parseAgentArgs, USAGE } from './args';
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
  let code: number;
  try {
    code = await new Agent(parsed.config, log).run(stop.signal);
  } catch (err) {
    log.error('agent crashed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    code = EXIT.failed;
  }
  log.info('osprey-jvm-agent stopped', { exitCode: code });
  // fetch's keep-alive sockets would hold the process open a few seconds more.
  process.exit(code);
}
