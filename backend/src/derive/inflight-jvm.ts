import type { ActiveThread, JvmThread } from '@osprey/model';

/**
 * Frames that mean "this thread is handling a request", by server. An idle pool thread of the same
 * server waits in its queue without them (Jetty's `QueuedThreadPool$Runner.idleJobPoll`, Tomcat's
 * `TaskQueue.take`, Netty's `NioEventLoop.select`), and an HTTP client waiting for an answer has
 * none of them either.
 */
const REQUEST_FRAMES: ReadonlyArray<[server: string, frame: RegExp]> = [
  // Any servlet container (Tomcat, Jetty's ee servlets, Undertow) runs filters and servlets.
  ['servlet', /^(javax|jakarta)\.servlet\./],
  ['jetty', /^org\.eclipse\.jetty\.server\.Server\.handle\(/],
  ['netty', /^io\.netty\.channel\.AbstractChannelHandlerContext\.invokeChannelRead\(/],
  ['jdk-httpserver', /^sun\.net\.httpserver\.ServerImpl\$Exchange\.run\(/],
];

/**
 * The threads of a dump busy with a request, with where each is now (its innermost frame). A
 * dump shows no request's age: a pooled thread's `elapsed` is the thread's, not the request's.
 */
export function requestThreads(threads: readonly JvmThread[]): ActiveThread[] {
  const busy: ActiveThread[] = [];
  for (const thread of threads) {
    const match = REQUEST_FRAMES.find(([, frame]) => thread.stack.some((line) => frame.test(line)));
    if (match !== undefined) {
      busy.push({ name: thread.name, state: thread.state, stackTop: thread.stack[0], server: match[0] });
    }
  }
  return busy;
}
