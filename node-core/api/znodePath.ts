// What is wrong with a znode path a user typed, in words; shared by the API's boundary check and the GUI, which
// checks before sending so a typo gets a plain answer instead of a request error.

/** undefined when path is a valid absolute znode path. */
export function znodePathProblem(path: string): string | undefined {
  if (path[0] !== '/') return 'a znode path must start with "/"';
  if (path.length > 1 && path.endsWith('/')) return 'a znode path must not end with "/"';
  if (path.includes('//')) return 'a znode path must not contain an empty name ("//")';
  if (/\/\.\.?(\/|$)/.test(path)) return 'a znode path must not contain "." or ".." names (ZooKeeper has no relative paths)';
  if (path.includes('\u0000')) return 'a znode path must not contain the null character';
  return undefined;
}
