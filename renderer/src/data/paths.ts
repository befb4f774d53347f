// Znode path arithmetic and name patterns the explorer needs.
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function nameOf(path: string): string {
  return path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

/** Every ancestor from "/" down to the parent of path. */
export function ancestorsOf(path: string): string[] {
  const out = ['/'];
  const parts = path.split('/').filter((p) => p !== '');
  for (let i = 1; i < parts.length; i++) out.push('/' + parts.slice(0, i).join('/'));
  return out;
}

/** ZooKeeper appends a 10-digit counter to sequential nodes' names. */
export function looksSequential(name: string): boolean {
  return /\d{10}$/.test(name);
}

export function normalisePath(input: string): string {
  let p = input.trim();
  if (!p.startsWith('/')) p = '/' + p;
  p = p.replace(/\/+/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}
