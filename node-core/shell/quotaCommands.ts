// zkCli's quota commands (ZooKeeper 3.8's SetQuotaCommand, ListQuotaCommand, DelQuotaCommand) on ZkClient: the
// same /zookeeper/quota nodes written in the same order, the same lines on the same streams.
import { ErrorCode, KeeperError } from '../protocol/index.js';
import { StatsTrack, limitNodeName, limitPathOf, quotaPathOf, quotaRoot, statPathOf, usageText, type StatsKey } from '../tree/statsTrack.js';
import { CliError, wrapKeeperError } from './cliErrors.js';
import { parseJavaInt, parseJavaLong, type ParsedArgs } from './commandLine.js';
import { checkedPath, keeper, parse, usageOf, visitSubTree, type CommandContext, type ZkCliCommand } from './commandSupport.js';

const OPEN_ACL_UNSAFE = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** The quota options in commons-cli's order, each with the key it sets and the description zkCli registers. */
const quotaOptions: ReadonlyArray<[letter: string, key: StatsKey, description: string]> = [
  ['n', 'count', 'num soft quota'],
  ['b', 'bytes', 'bytes soft quota'],
  ['N', 'countHardLimit', 'num hard quota'],
  ['B', 'byteHardLimit', 'bytes hard quota'],
];

/** An OptionGroup allows one of its options; commons-cli names the second one given and the first. */
function checkOptionGroup(parsed: ParsedArgs, required: boolean): void {
  const given = [...parsed.options.keys()].filter((letter) => quotaOptions.some(([l]) => l === letter));
  if (given.length > 1) {
    throw new CliError(
      `org.apache.commons.cli.AlreadySelectedException: The option '${given[1]}' was specified but an option from this group has already been selected: '${given[0]}'`,
    );
  }
  if (required && given.length === 0) {
    const names = quotaOptions.map(([letter, , description]) => `-${letter} ${description}`).join(', ');
    throw new CliError(`org.apache.commons.cli.MissingOptionException: Missing required option: [${names}]`);
  }
}

/** Java's String.split("/"): trailing empty parts are dropped, so "/" has no parts at all. */
function javaSplit(path: string): string[] {
  const parts = path.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

async function exists(ctx: CommandContext, path: string): Promise<boolean> {
  checkedPath(path);
  return (await keeper(ctx, () => ctx.client.exists(path), path)) !== null;
}

async function readTrack(ctx: CommandContext, path: string): Promise<StatsTrack> {
  checkedPath(path);
  return StatsTrack.parse((await keeper(ctx, () => ctx.client.getData(path), path)).data);
}

async function createIgnoringExists(ctx: CommandContext, path: string, data: Buffer | null): Promise<void> {
  await ctx.ready();
  try {
    await ctx.client.create(path, data, { acl: OPEN_ACL_UNSAFE });
  } catch (error) {
    if (!(error instanceof KeeperError && error.code === ErrorCode.nodeExists)) throw error;
  }
}

/** No quota may sit below the path: a zookeeper_limits anywhere in its quota subtree but at the top refuses it. */
async function checkNoChildQuota(ctx: CommandContext, path: string): Promise<void> {
  const quotaPath = checkedPath(quotaPathOf(path));
  if (!(await exists(ctx, quotaPath))) return;
  await visitSubTree(ctx, quotaPath, undefined, async (visited) => {
    if (visited === quotaPath) return;
    const children = await ctx.client.getChildren(visited).catch(() => [] as string[]);
    if (children.includes(limitNodeName)) {
      throw new CliError(`${path} has a child ${visited.slice(quotaRoot.length)} which has a quota`);
    }
  });
}

/** Nor above it: walking down from /zookeeper/quota, a missing or empty level ends the search. */
async function checkNoParentQuota(ctx: CommandContext, path: string): Promise<void> {
  const parts = javaSplit(path);
  let quotaPath = quotaRoot;
  for (let i = 1; i < parts.length - 1; i++) {
    quotaPath += `/${parts[i]}`;
    let children: string[];
    try {
      children = await ctx.client.getChildren(quotaPath);
    } catch (error) {
      if (error instanceof KeeperError && error.code === ErrorCode.noNode) return;
      throw error;
    }
    if (children.length === 0) return;
    if (quotaPath !== quotaPathOf(path) && children.includes(limitNodeName)) {
      throw new CliError(`${path} has a parent ${quotaPath.slice(quotaRoot.length)} which has a quota`);
    }
  }
}

function warnIfBelowUsage(ctx: CommandContext, limits: StatsTrack, usage: StatsTrack): void {
  const below = (soft: StatsKey, hard: StatsKey, used: bigint) =>
    (limits.has(soft) && limits.get(soft) < used) || (limits.has(hard) && limits.get(hard) < used);
  const count = usage.get('count');
  const bytes = usage.get('bytes');
  if (below('count', 'countHardLimit', count)) ctx.out(`[Warning]: the count quota you create is less than the existing count:${count}`);
  if (below('bytes', 'byteHardLimit', bytes)) ctx.out(`[Warning]: the bytes quota you create is less than the existing bytes:${bytes}`);
}

/** SetQuotaCommand.createQuota: the quota node chain, then new limits and stats, or the limits merged in. */
async function createQuota(ctx: CommandContext, path: string, quota: StatsTrack): Promise<void> {
  if (!(await exists(ctx, path))) throw new CliError(`${path} does not exist.`);
  await checkNoChildQuota(ctx, path);
  await checkNoParentQuota(ctx, path);
  if (!(await exists(ctx, quotaRoot))) {
    await keeper(ctx, () => createIgnoringExists(ctx, '/zookeeper', null), '/zookeeper');
    await keeper(ctx, () => createIgnoringExists(ctx, quotaRoot, null), quotaRoot);
  }
  let quotaPath = quotaRoot;
  for (const part of javaSplit(path).slice(1)) {
    quotaPath += `/${part}`;
    if (!(await exists(ctx, quotaPath))) await keeper(ctx, () => createIgnoringExists(ctx, quotaPath, null), quotaPath);
  }
  const limitPath = limitPathOf(path);
  const statPath = statPathOf(path);
  if (!(await exists(ctx, limitPath))) {
    await keeper(ctx, () => ctx.client.create(limitPath, Buffer.from(quota.toString()), { acl: OPEN_ACL_UNSAFE }), limitPath);
    await keeper(ctx, () => ctx.client.create(statPath, Buffer.from(usageText(0, 0)), { acl: OPEN_ACL_UNSAFE }), statPath);
    warnIfBelowUsage(ctx, await readTrack(ctx, limitPath), await readTrack(ctx, statPath));
    return;
  }
  const limits = await readTrack(ctx, limitPath);
  for (const [, key] of quotaOptions) if (quota.has(key)) limits.set(key, quota.get(key));
  warnIfBelowUsage(ctx, limits, await readTrack(ctx, statPath));
  await keeper(ctx, () => ctx.client.setData(limitPath, Buffer.from(limits.toString()), -1), limitPath);
}

const setquota: ZkCliCommand = {
  name: 'setquota',
  options: '-n|-b|-N|-B val path',
  async run(ctx, tokens) {
    const parsed = parse({ n: true, b: true, N: true, B: true }, tokens);
    checkOptionGroup(parsed, true);
    if (parsed.args.length < 2) throw new CliError(usageOf(setquota));
    const path = parsed.args[1]!;
    if (path.startsWith(quotaRoot)) {
      ctx.err(`cannot set a quota under the path: ${quotaRoot}`);
      return;
    }
    const quota = new StatsTrack();
    for (const [, key] of quotaOptions) quota.set(key, -1n);
    for (const [letter, key] of quotaOptions) {
      const text = parsed.options.get(letter);
      if (text === undefined) continue;
      const isCount = key === 'count' || key === 'countHardLimit';
      const value = isCount ? parseJavaInt(text) : parseJavaLong(text);
      if (value === undefined) {
        ctx.err('NumberFormatException happens when parsing the option value');
        return;
      }
      if (isCount ? Number(value) <= 0 : BigInt(value) < 0n) {
        ctx.err(isCount ? 'the num quota must be greater than zero' : 'the bytes quota must be greater than or equal to zero');
        return;
      }
      quota.set(key, BigInt(value));
    }
    await createQuota(ctx, path, quota);
  },
};

const listquota: ZkCliCommand = {
  name: 'listquota',
  options: 'path',
  async run(ctx, tokens) {
    const parsed = parse({}, tokens);
    if (parsed.args.length < 2) throw new CliError(usageOf(listquota));
    const path = parsed.args[1]!;
    ctx.err(`absolute path is ${limitPathOf(path)}`);
    try {
      const limits = await readTrackOrNoNode(ctx, limitPathOf(path));
      const usage = await readTrackOrNoNode(ctx, statPathOf(path));
      ctx.out(`Output quota for ${path} ${limits.toString()}`);
      ctx.out(`Output stat for ${path} ${usage.toString()}`);
    } catch (error) {
      if (!(error instanceof NoQuotaNode)) throw error;
      ctx.err(`quota for ${path} does not exist.`);
    }
  },
};

class NoQuotaNode extends Error {}

/** Like readTrack, but a missing node is NoQuotaNode rather than zkCli's NoNode words. */
async function readTrackOrNoNode(ctx: CommandContext, path: string): Promise<StatsTrack> {
  checkedPath(path);
  await ctx.ready();
  try {
    return StatsTrack.parse((await ctx.client.getData(path)).data);
  } catch (error) {
    if (error instanceof KeeperError && error.code === ErrorCode.noNode) throw new NoQuotaNode();
    throw error instanceof KeeperError ? wrapKeeperError(error, path) : error;
  }
}

/** DelQuotaCommand.trimProcQuotas: empty quota nodes are removed upwards until one still has children. */
async function trimQuotaNodes(ctx: CommandContext, path: string): Promise<void> {
  for (let p = path; p !== quotaRoot; p = p.slice(0, p.lastIndexOf('/'))) {
    const children = await keeper(ctx, () => ctx.client.getChildren(p), p);
    if (children.length > 0) return;
    await keeper(ctx, () => ctx.client.delete(p, -1), p);
  }
}

const delquota: ZkCliCommand = {
  name: 'delquota',
  options: '[-n|-b|-N|-B] path',
  async run(ctx, tokens) {
    const parsed = parse({ n: false, b: false, N: false, B: false }, tokens);
    checkOptionGroup(parsed, false);
    if (parsed.args.length < 2) throw new CliError(usageOf(delquota));
    const path = parsed.args[1]!;
    const quotaPath = quotaPathOf(path);
    const limitPath = limitPathOf(path);
    if (!(await exists(ctx, limitPath))) {
      ctx.out(`Quota does not exist for ${path}`);
      return;
    }
    try {
      const limits = await readTrackOrNoNode(ctx, limitPath);
      const flagged = quotaOptions.filter(([letter]) => parsed.options.has(letter));
      if (flagged.length === 0) {
        const children = await keeper(ctx, () => ctx.client.getChildren(quotaPath), quotaPath);
        for (const child of children) await keeper(ctx, () => ctx.client.delete(`${quotaPath}/${child}`, -1), quotaPath);
        await trimQuotaNodes(ctx, quotaPath);
        return;
      }
      for (const [, key] of flagged) limits.set(key, -1n);
      await keeper(ctx, () => ctx.client.setData(limitPath, Buffer.from(limits.toString()), -1), limitPath);
    } catch (error) {
      if (!(error instanceof NoQuotaNode)) throw error;
      ctx.err(`quota for ${path} does not exist.`);
    }
  },
};

export const quotaCommands: readonly ZkCliCommand[] = [setquota, listquota, delquota];
