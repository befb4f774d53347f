// `paddock cli` argument handling (ZooKeeperMain.parseOptions) and tab completion (JLineZNodeCompleter).
import { describe, expect, it } from 'vitest';
import { parseCliArguments } from '../../../node-core/cli/cliArguments.js';
import { completeLine } from '../../../node-core/shell/completer.js';
import { commandNames } from '../../../node-core/shell/zkShell.js';

describe('parseCliArguments', () => {
  it('reads options until the first word, which starts a one-shot command', () => {
    const parsed = parseCliArguments(['-server', 'h1:1,h2:2/app', '-timeout', '5000', '-r', 'create', '-e', '/x', 'data']);
    expect(parsed).toEqual({
      ok: true,
      value: { server: 'h1:1,h2:2/app', timeoutMs: 5000, readOnly: true, waitForConnection: false, command: ['create', '-e', '/x', 'data'] },
    });
  });

  it("defaults to zkCli's localhost:2181 and 30 s, and an interactive shell", () => {
    const parsed = parseCliArguments(['-waitforconnection', '-unknown']);
    expect(parsed).toEqual({
      ok: true,
      value: { server: 'localhost:2181', timeoutMs: 30_000, readOnly: false, waitForConnection: true, command: undefined },
    });
  });

  it('reports an option without its value', () => {
    expect(parseCliArguments(['-server'])).toEqual({ ok: false, error: 'Error: no argument found for option -server' });
    expect(parseCliArguments(['-timeout', 'soon']).ok).toBe(false);
  });
});

describe('completeLine', () => {
  const tree: Record<string, string[]> = { '/': ['app', 'apple', 'zookeeper'], '/app': ['b', 'a1', 'a2'] };
  const list = async (path: string) => {
    const children = tree[path];
    if (children === undefined) throw new Error('NoNode');
    return children;
  };

  it('completes command names', async () => {
    expect(await completeLine('get', commandNames, list)).toEqual([['get', 'getAcl', 'getAllChildrenNumber', 'getEphemerals'], 'get']);
    expect(await completeLine('', commandNames, list)).toEqual([commandNames, '']);
  });

  it('completes znode paths from the parent node, sorted', async () => {
    expect(await completeLine('ls /ap', commandNames, list)).toEqual([['/app', '/apple'], '/ap']);
    expect(await completeLine('get -s /app/a', commandNames, list)).toEqual([['/app/a1', '/app/a2'], '/app/a']);
    expect(await completeLine('ls /', commandNames, list)).toEqual([['/app', '/apple', '/zookeeper'], '/']);
    expect(await completeLine('ls /nope/x', commandNames, list)).toEqual([[], '/nope/x']);
  });
});
