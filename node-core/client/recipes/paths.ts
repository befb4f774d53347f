// Helpers the recipes share: making a parent path exist, and ordering the sequential children of a recipe node.
import { ErrorCode, KeeperError } from '../../protocol/index.js';
import type { ZkClient } from '../zkClient.js';

/** Creates every missing node on the way to `path` (persistent, empty), like Curator's creatingParentsIfNeeded. */
export async function ensurePath(client: ZkClient, path: string): Promise<void> {
  let prefix = '';
  for (const part of path.split('/').filter(Boolean)) {
    prefix += `/${part}`;
    try {
      await client.create(prefix);
    } catch (error) {
      if (!(error instanceof KeeperError && error.code === ErrorCode.nodeExists)) throw error;
    }
  }
}

/** The 10-digit counter ZooKeeper appends to a sequential node's name. */
export function sequenceOf(name: string): number {
  return Number(name.slice(-10));
}

/** Children carrying `prefix`, oldest (lowest sequence) first. */
export function sortedContenders(children: readonly string[], prefix: string): string[] {
  return children.filter((c) => c.startsWith(prefix)).sort((a, b) => sequenceOf(a) - sequenceOf(b));
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
