import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { JvmThread } from '@osprey/model';

import { parseThreadDump } from '../jvm';
import { requestThreads } from './inflight-jvm';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'jvm');
const threadsOf = (file: string) => parseThreadDump(readFileSync(path.join(FIXTURES, file), 'utf8')).threads;

describe('requestThreads', () => {
  // RequestWorkload.java: Jetty 12 holding 2 requests, the JDK HttpServer 1, idle pool threads, 3 clients waiting.
  it('finds the held requests of a real dump, not the idle pool threads nor the clients', () => {
    const sleeping = 'java.lang.Thread.sleep(java.base@17.0.15/Native Method)';
    expect(requestThreads(threadsOf('jdk17/request-jstack-l.txt'))).toEqual([
      { name: 'qtp1297685781-18', state: 'TIMED_WAITING', stackTop: sleeping, server: 'jetty' },
      { name: 'qtp1297685781-20', state: 'TIMED_WAITING', stackTop: sleeping, server: 'jetty' },
      { name: 'jdk-http-worker', state: 'TIMED_WAITING', stackTop: sleeping, server: 'jdk-httpserver' },
    ]);
  });

  it.each([
    // ShopWorkload.java: 200 idle request-pool threads (ajp-nio-8009-exec-*) and no request running.
    ['jdk17/jstack-l.txt', 0],
    ['jdk25/jcmd-thread-print.txt', 0],
    ['jdk25/thread-dump.json', 0],
  ])('%s: %d request threads', (file, count) => {
    expect(requestThreads(threadsOf(file))).toHaveLength(count);
  });

  const thread = (name: string, stack: string[]): JvmThread => ({
    name,
    daemon: false,
    state: 'RUNNABLE',
    virtual: false,
    stack,
    locksHeld: [],
  });
  it.each([
    [
      'a Tomcat servlet',
      [
        'java.net.SocketInputStream.read(SocketInputStream.java:1)',
        'jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)',
      ],
      'servlet',
    ],
    [
      'a javax filter',
      ['com.example.Dao.find(Dao.java:9)', 'javax.servlet.FilterChain.doFilter(FilterChain.java:1)'],
      'servlet',
    ],
    [
      'a Netty handler reading',
      [
        'com.example.Handler.channelRead(Handler.java:3)',
        'io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(AbstractChannelHandlerContext.java:444)',
      ],
      'netty',
    ],
    [
      'a Netty event loop waiting',
      ['sun.nio.ch.EPoll.wait(Native Method)', 'io.netty.channel.nio.NioEventLoop.select(NioEventLoop.java:813)'],
      undefined,
    ],
    ['no stack (a VM thread)', [], undefined],
  ])('%s → %s', (_, stack, server) => {
    expect(requestThreads([thread('t', stack)])[0]?.server).toBe(server);
  });
});
