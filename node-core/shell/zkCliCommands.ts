// The server commands of zkCli (ZooKeeper 3.8's org.apache.zookeeper.cli classes), re-implemented on ZkClient:
// same options, same output lines on the same stream, same error words. The shell (zkShell.ts) owns the
// session-level commands (quit, connect, history, redo, printwatches).
import type { ZkClient } from '../client/index.js';
import { AddWatchMode, CreateMode, ErrorCode, KeeperError, WatcherType, type ACL } from '../protocol/index.js';
import { formatAclEntry, parseAclText } from './aclText.js';
import { CliError, keeperExceptionMessage, wrapKeeperError } from './cliErrors.js';
import { parseJavaInt, parseJavaLong } from './commandLine.js';
import {
  usageOf,
  checkedPath,
  keeper,
  parse,
  legacyWatchForm,
  versionOption,
  printStat,
  dataText,
  childPath,
  visitSubTree,
  type CommandContext,
  type ZkCliCommand,
} from './commandSupport.js';
import { quotaCommands } from './quotaCommands.js';

// The shell API (api/shellConsole.ts) takes CommandContext from here.
export type { CommandContext } from './commandSupport.js';

export const PADDOCK_CLI_VERSION = 'paddock 0.1.0 (zkCli 3.8 compatible)';

const OPEN_ACL_UNSAFE: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const MAX_TTL = 0xffffffffffn;

const ls: ZkCliCommand = {
  name: 'ls',
  options: '[-s] [-w] [-R] path',
  async run(ctx, tokens) {
    const spec = { '?': false, s: false, w: false, R: false };
    let parsed = parse(spec, tokens);
    if (parsed.options.has('?')) {
      ctx.out('usage: ls [options] path');
      for (const [letter, text] of [['?', 'help'], ['R', 'recurse'], ['s', 'stat'], ['w', 'watch']]) ctx.out(` -${letter}   ${text}`);
    }
    parsed = legacyWatchForm(spec, tokens, parsed, ctx, "'ls path [watch]' has been deprecated. Please use 'ls [-w] path' instead.");
    if (parsed.args.length < 2) throw new CliError(usageOf(ls));
    const path = checkedPath(parsed.args[1]!);
    const watcher = parsed.options.has('w') ? ctx.watcher : undefined;
    if (parsed.options.has('R')) {
      await visitSubTree(ctx, path, watcher, async (p) => ctx.out(p));
      return;
    }
    if (parsed.options.has('s')) {
      const { children, stat } = await keeper(ctx, () => ctx.client.getChildrenWithStat(path, watcher), path);
      ctx.out(`[${[...children].sort().join(', ')}]`);
      printStat(ctx, stat);
    } else {
      const children = await keeper(ctx, () => ctx.client.getChildren(path, watcher), path);
      ctx.out(`[${[...children].sort().join(', ')}]`);
    }
  },
};

const get: ZkCliCommand = {
  name: 'get',
  options: '[-s] [-w] path',
  async run(ctx, tokens) {
    const spec = { s: false, w: false };
    let parsed = parse(spec, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(get));
    parsed = legacyWatchForm(spec, tokens, parsed, ctx, "'get path [watch]' has been deprecated. Please use 'get [-s] [-w] path' instead.");
    const path = checkedPath(parsed.args[1]!);
    const watcher = parsed.options.has('w') ? ctx.watcher : undefined;
    const { data, stat } = await keeper(ctx, () => ctx.client.getData(path, watcher), path);
    ctx.out(dataText(data));
    if (parsed.options.has('s')) printStat(ctx, stat);
  },
};

const set: ZkCliCommand = {
  name: 'set',
  options: '[-s] [-v version] path data',
  async run(ctx, tokens) {
    const parsed = parse({ s: false, v: true }, tokens);
    if (parsed.args.length < 3) throw new CliError(usageOf(set));
    const path = parsed.args[1]!;
    const data = Buffer.from(parsed.args[2]!, 'utf8');
    const version = versionOption(parsed);
    checkedPath(path);
    const stat = await keeper(ctx, () => ctx.client.setData(path, data, version), path);
    if (parsed.options.has('s')) printStat(ctx, stat);
  },
};

const stat: ZkCliCommand = {
  name: 'stat',
  options: '[-w] path',
  async run(ctx, tokens) {
    const spec = { w: false };
    let parsed = parse(spec, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(stat));
    parsed = legacyWatchForm(spec, tokens, parsed, ctx, "'stat path [watch]' has been deprecated. Please use 'stat [-w] path' instead.");
    const path = checkedPath(parsed.args[1]!);
    const watcher = parsed.options.has('w') ? ctx.watcher : undefined;
    const result = await keeper(ctx, () => ctx.client.exists(path, watcher), path);
    if (result === null) throw wrapKeeperError(new KeeperError(ErrorCode.noNode, path));
    printStat(ctx, result);
  },
};

const create: ZkCliCommand = {
  name: 'create',
  options: '[-s] [-e] [-c] [-t ttl] path [data] [acl]',
  async run(ctx, tokens) {
    const parsed = parse({ e: false, s: false, c: false, t: true }, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(create));
    const hasE = parsed.options.has('e');
    const hasS = parsed.options.has('s');
    const hasC = parsed.options.has('c');
    const hasT = parsed.options.has('t');
    if (hasC && (hasE || hasS)) {
      throw new CliError('-c cannot be combined with -s or -e. Containers cannot be ephemeral or sequential.');
    }
    const ttl = hasT ? parseJavaLong(parsed.options.get('t')!) : 0n;
    if (ttl === undefined) throw new CliError('-t argument must be a long value');
    if (hasT && hasE) throw new CliError('TTLs cannot be used with Ephemeral znodes');
    if (hasT && hasC) throw new CliError('TTLs cannot be used with Container znodes');
    const mode =
      hasE && hasS
        ? CreateMode.ephemeralSequential
        : hasE
          ? CreateMode.ephemeral
          : hasS
            ? hasT
              ? CreateMode.persistentSequentialWithTtl
              : CreateMode.persistentSequential
            : hasC
              ? CreateMode.container
              : hasT
                ? CreateMode.persistentWithTtl
                : CreateMode.persistent;
    if (hasT && (ttl > MAX_TTL || ttl <= 0n)) {
      throw new CliError(`ttl must be positive and cannot be larger than: ${MAX_TTL}`);
    }
    const path = parsed.args[1]!;
    const data = parsed.args.length > 2 ? Buffer.from(parsed.args[2]!, 'utf8') : null;
    const acl = parsed.args.length > 3 ? parseAclText(parsed.args[3]!, (line) => ctx.err(line)) : OPEN_ACL_UNSAFE;
    checkedPath(path, hasS);
    await ctx.ready();
    try {
      // the Java client refuses an empty ACL list itself, before any request, with no path in the exception
      if (acl.length === 0) throw new KeeperError(ErrorCode.invalidACL);
      const created = await ctx.client.create(path, data, { mode, acl, ttl: hasT ? ttl : undefined });
      ctx.err(`Created ${created}`);
    } catch (error) {
      if (error instanceof KeeperError) {
        if (error.code === ErrorCode.invalidACL) ctx.err(keeperExceptionMessage(error.code, error.path));
        if (error.code === ErrorCode.ephemeralOnLocalSession) ctx.err('Unable to create ephemeral node on a local session');
        throw new CliError(wrapKeeperError(error, error.code === ErrorCode.invalidACL ? undefined : path).message);
      }
      throw new CliError(error instanceof Error ? error.message : String(error));
    }
  },
};

const del: ZkCliCommand = {
  name: 'delete',
  options: '[-v version] path',
  async run(ctx, tokens) {
    const parsed = parse({ v: true }, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(del));
    // the old "delete path version" form is announced but its version is ignored, as in zkCli 3.8
    if (parsed.args.length > 2) {
      ctx.err("'delete path [version]' has been deprecated. Please use 'delete [-v version] path' instead.");
    }
    const path = parsed.args[1]!;
    const version = versionOption(parsed);
    checkedPath(path);
    await keeper(ctx, () => ctx.client.delete(path, version), path);
  },
};

/** ZKUtil.listSubTreeBFS: the root first, then breadth-first in the server's child order. */
async function listSubTree(ctx: CommandContext, root: string): Promise<string[]> {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    const node = tree[i]!;
    const children = await keeper(ctx, () => ctx.client.getChildren(node), node);
    for (const child of children) tree.push(childPath(node, child));
  }
  return tree;
}

const deleteall: ZkCliCommand = {
  name: 'deleteall',
  options: 'path [-b batch size]',
  async run(ctx, tokens) {
    const parsed = parse({ b: true }, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(deleteall));
    const batchText = parsed.options.get('b');
    const batchSize = batchText === undefined ? 1000 : parseJavaInt(batchText);
    if (batchSize === undefined) throw new CliError('-b argument must be an int value');
    const path = checkedPath(parsed.args[1]!);
    const tree = await listSubTree(ctx, path);
    // leaves first, one multi per batch, stopping at the first failed batch (ZKUtil.deleteInBatch)
    let ok = true;
    let batch: string[] = [];
    for (let i = tree.length - 1; i >= 0 && ok; i--) {
      batch.push(tree[i]!);
      if (batch.length === batchSize || i === 0) {
        try {
          await ctx.client.multi(batch.map((p) => ({ op: 'delete' as const, path: p, version: -1 })));
        } catch {
          ok = false;
        }
        batch = [];
      }
    }
    if (!ok) {
      ctx.err('Failed to delete some node(s) in the subtree!');
      throw new CliError('', 1, true);
    }
  },
};

const getAcl: ZkCliCommand = {
  name: 'getAcl',
  options: '[-s] path',
  async run(ctx, tokens) {
    const parsed = parse({ s: false }, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(getAcl));
    const path = checkedPath(parsed.args[1]!);
    const { acl, stat } = await keeper(ctx, () => ctx.client.getACL(path), path);
    for (const entry of acl) for (const line of formatAclEntry(entry)) ctx.out(line);
    if (parsed.options.has('s')) printStat(ctx, stat);
  },
};

const setAcl: ZkCliCommand = {
  name: 'setAcl',
  options: '[-s] [-v version] [-R] path acl',
  async run(ctx, tokens) {
    const parsed = parse({ s: false, v: true, R: false }, tokens);
    if (parsed.args.length < 3) throw new CliError(usageOf(setAcl));
    const path = parsed.args[1]!;
    const acl = parseAclText(parsed.args[2]!, (line) => ctx.err(line));
    const version = versionOption(parsed);
    checkedPath(path);
    if (parsed.options.has('R')) {
      let failed = false;
      await visitSubTree(ctx, path, undefined, async (p) => {
        try {
          await ctx.client.setACL(p, acl, version);
        } catch (error) {
          if (!(error instanceof KeeperError)) throw error;
          // zkCli prints these with print, not println: consecutive failures run together on one line
          ctx.outRaw(keeperExceptionMessage(error.code, error.path ?? p));
          failed = true;
        }
      });
      if (failed) throw new CliError('', 1, true);
      return;
    }
    const result = await keeper(ctx, () => ctx.client.setACL(path, acl, version), path);
    if (parsed.options.has('s')) printStat(ctx, result);
  },
};

const addauth: ZkCliCommand = {
  name: 'addauth',
  options: 'scheme auth',
  async run(ctx, tokens) {
    const parsed = parse({}, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(addauth));
    const auth = parsed.args.length >= 3 ? Buffer.from(parsed.args[2]!, 'utf8') : Buffer.alloc(0);
    await ctx.ready();
    try {
      await ctx.client.addAuth(parsed.args[1]!, auth);
    } catch (error) {
      // zkCli does not wait for the answer; a refusal shows only as the AuthFailed event the watcher prints
      if (error instanceof KeeperError) throw new CliError('', 1, true);
      throw error;
    }
  },
};

const sync: ZkCliCommand = {
  name: 'sync',
  options: 'path',
  async run(ctx, tokens) {
    const parsed = parse({}, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(sync));
    const path = checkedPath(parsed.args[1]!);
    await ctx.ready();
    try {
      await ctx.client.sync(path);
      ctx.out('Sync is OK');
    } catch (error) {
      if (!(error instanceof KeeperError)) throw error;
      ctx.out(`Sync has failed. rc=${error.code}`);
      throw new CliError('', 1, true);
    }
  },
};

const getEphemerals: ZkCliCommand = {
  name: 'getEphemerals',
  options: 'path',
  async run(ctx, tokens) {
    const parsed = parse({}, tokens);
    const path = parsed.args.length < 2 ? '/' : checkedPath(parsed.args[1]!);
    const ephemerals = await keeper(ctx, () => ctx.client.getEphemerals(path), path);
    ctx.out(`[${ephemerals.join(', ')}]`);
  },
};

const getAllChildrenNumber: ZkCliCommand = {
  name: 'getAllChildrenNumber',
  options: 'path',
  async run(ctx, tokens) {
    const parsed = parse({}, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(getAllChildrenNumber));
    const path = checkedPath(parsed.args[1]!);
    ctx.out(String(await keeper(ctx, () => ctx.client.getAllChildrenNumber(path), path)));
  },
};

const addWatchModes: Record<string, number> = {
  PERSISTENT: AddWatchMode.persistent,
  PERSISTENT_RECURSIVE: AddWatchMode.persistentRecursive,
};

const addWatch: ZkCliCommand = {
  name: 'addWatch',
  options: '[-m mode] path # optional mode is one of [PERSISTENT, PERSISTENT_RECURSIVE] - default is PERSISTENT_RECURSIVE',
  async run(ctx, tokens) {
    const parsed = parse({ m: true }, tokens);
    if (parsed.args.length !== 2) throw new CliError(usageOf(addWatch));
    const modeText = parsed.options.get('m');
    const mode = modeText === undefined ? AddWatchMode.persistentRecursive : addWatchModes[modeText.toUpperCase()];
    if (mode === undefined) throw new CliError(usageOf(addWatch));
    const path = checkedPath(parsed.args[1]!);
    await keeper(ctx, () => ctx.client.addWatch(path, ctx.watcher, mode), path);
  },
};

const removewatches: ZkCliCommand = {
  name: 'removewatches',
  options: 'path [-c|-d|-a] [-l]',
  async run(ctx, tokens) {
    const parsed = parse({ c: false, d: false, a: false, l: false }, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(removewatches));
    const type = parsed.options.has('c') ? WatcherType.children : parsed.options.has('d') ? WatcherType.data : WatcherType.any;
    const path = checkedPath(parsed.args[1]!);
    await keeper(ctx, () => ctx.client.removeWatches(path, type, { local: parsed.options.has('l') }), path);
  },
};

const whoami: ZkCliCommand = {
  name: 'whoami',
  options: '',
  async run(ctx) {
    const infos = await keeper(ctx, () => ctx.client.whoAmI());
    ctx.out('Auth scheme: User');
    for (const info of infos) ctx.out(`${info.authScheme}: ${info.user}`);
  },
};

const close: ZkCliCommand = {
  name: 'close',
  options: '',
  async run(ctx) {
    // no need to wait for a session that is still being set up just to end it
    await ctx.client.close();
  },
};

const version: ZkCliCommand = {
  name: 'version',
  options: '',
  async run(ctx, tokens) {
    const parsed = parse({}, tokens);
    if (parsed.args.length > 1) throw new CliError(usageOf(version));
    ctx.out(`ZooKeeper CLI version: ${PADDOCK_CLI_VERSION}`);
  },
};

/** ConfigUtils.getClientConfigStr: "version host:clientPort,..." from the dynamic config's server lines. */
function clientConfigString(config: string): string {
  let configVersion = '';
  const addresses: string[] = [];
  for (const raw of config.split('\n')) {
    const eq = raw.indexOf('=');
    if (eq < 0) continue;
    const key = raw.slice(0, eq).trim();
    const value = raw.slice(eq + 1).trim();
    if (key === 'version') configVersion = value;
    if (!key.startsWith('server.')) continue;
    const client = value.split(';')[1];
    if (client === undefined) {
      addresses.push('');
      continue;
    }
    addresses.push(client.includes(':') ? client : `0.0.0.0:${client}`);
  }
  return `${configVersion} ${addresses.join(',')}`;
}

const config: ZkCliCommand = {
  name: 'config',
  options: '[-c] [-w] [-s]',
  async run(ctx, tokens) {
    const parsed = parse({ c: false, w: false, s: false }, tokens);
    const path = '/zookeeper/config';
    const watcher = parsed.options.has('w') ? ctx.watcher : undefined;
    const { data, stat } = await keeper(ctx, () => ctx.client.getData(path, watcher), path);
    const text = dataText(data);
    ctx.out(parsed.options.has('c') ? clientConfigString(text) : text);
    if (parsed.options.has('s')) printStat(ctx, stat);
  },
};

function unsupported(name: string, options: string): ZkCliCommand {
  return {
    name,
    options,
    async run() {
      throw new CliError(`${name} is not supported by paddock cli`);
    },
  };
}

/** Every server command, by the name typed at the prompt. */
export const serverCommands: ReadonlyMap<string, ZkCliCommand> = new Map(
  [
    close,
    create,
    del,
    deleteall,
    set,
    get,
    ls,
    getAcl,
    setAcl,
    stat,
    sync,
    ...quotaCommands,
    addauth,
    unsupported(
      'reconfig',
      '[-s] [-v version] [[-file path] | [-members serverID=host:port1:port2;port3[,...]*]] | ' +
        '[-add serverId=host:port1:port2;port3[,...]]* [-remove serverId[,...]*]',
    ),
    config,
    removewatches,
    getEphemerals,
    getAllChildrenNumber,
    version,
    addWatch,
    whoami,
  ].map((c) => [c.name, c]),
);

