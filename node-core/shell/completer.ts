// Tab completion for the cli prompt (zkCli's JLineZNodeCompleter): a word starting with "/" completes to the
// children of its parent znode, asked of the server; any other word completes to a command name.

export type ChildLister = (path: string) => Promise<string[]>;

/** Returns readline's [completions, the text they replace]. */
export async function completeLine(line: string, commands: readonly string[], listChildren: ChildLister): Promise<[string[], string]> {
  const words = line.split(' ');
  const token = line.endsWith(' ') ? '' : (words[words.length - 1] ?? '');
  if (!token.startsWith('/')) return [commands.filter((c) => c.startsWith(token)), token];
  const cut = token.lastIndexOf('/') + 1;
  const prefix = token.slice(cut);
  // only the root may end in "/", so every other parent loses its trailing slash
  const parent = cut === 1 ? '/' : token.slice(0, cut - 1);
  let children: string[];
  try {
    children = await listChildren(parent);
  } catch {
    return [[], token];
  }
  const matches = children.filter((c) => c.startsWith(prefix)).sort();
  return [matches.map((c) => token.slice(0, cut) + c), token];
}
