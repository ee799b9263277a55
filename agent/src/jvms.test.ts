import { readFileSync } from 'node:fs';
import path from 'node:path';

import { matchJvm, parseJcmdList } from './jvms';

const fixture = (name: string) => readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('parseJcmdList', () => {
  // Captured on this machine: two LockWorkload JVMs (JDK 17 and Temurin 25) and one started with -jar.
  it.each(['jcmd-l-jdk17.txt', 'jcmd-l-jdk25.txt'])('real %s', (file) => {
    expect(parseJcmdList(fixture(file))).toEqual(
      expect.arrayContaining([
        { pid: 14561, displayName: 'LockWorkload' },
        { pid: 14563, displayName: 'LockWorkload' },
        { pid: 14634, displayName: '/tmp/agentwork/jar/lock.jar x y' },
      ])
    );
    expect(parseJcmdList(fixture(file))).toHaveLength(3);
  });

  it.each<[string, string, Array<{ pid: number; displayName: string }>]>([
    ['empty output', '', []],
    ['only jcmd itself (JDK 9+)', '812 jdk.jcmd/sun.tools.jcmd.JCmd -l\n', []],
    ['only jcmd itself (JDK 8)', '812 sun.tools.jcmd.JCmd -l\n', []],
    ['a JVM without a known main class', '77\n', [{ pid: 77, displayName: '' }]],
    ['CRLF and padding', '  5 com.shop.Main --port 8080 \r\n', [{ pid: 5, displayName: 'com.shop.Main --port 8080' }]],
    [
      'noise lines skipped',
      'Picked up JAVA_TOOL_OPTIONS: -Xmx1g\n10 org.apache.catalina.startup.Bootstrap start\n\tat foo.Bar(Bar.java:1)\n',
      [{ pid: 10, displayName: 'org.apache.catalina.startup.Bootstrap start' }],
    ],
    [
      'a class whose name merely contains JCmd',
      '9 com.acme.JCmdLike\n',
      [{ pid: 9, displayName: 'com.acme.JCmdLike' }],
    ],
  ])('%s', (_name, text, expected) => {
    expect(parseJcmdList(text)).toEqual(expected);
  });
});

describe('matchJvm', () => {
  const jvms = parseJcmdList(fixture('jcmd-l-jdk17.txt'));

  it.each<[string, ReturnType<typeof matchJvm>['kind'], number[]]>([
    ['lock.jar', 'found', [14634]],
    ['x y', 'found', [14634]],
    ['LockWorkload', 'ambiguous', [14561, 14563]],
    ['ShopWorkload', 'none', []],
    ['lockworkload', 'none', []],
  ])('%s → %s', (text, kind, pids) => {
    const result = matchJvm(jvms, text);
    expect(result.kind).toBe(kind);
    const got =
      result.kind === 'found' ? [result.jvm.pid] : result.kind === 'ambiguous' ? result.jvms.map((j) => j.pid) : [];
    expect(got).toEqual(pids);
  });
});
