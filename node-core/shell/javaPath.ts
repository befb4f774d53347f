// ZooKeeper's PathUtils.validatePath with its exact messages, which zkCli prints for a malformed path.

/** Throws an Error with Java's IllegalArgumentException text, or returns when the path is valid. */
export function validateJavaPath(path: string, sequential = false): void {
  if (sequential) {
    // a sequential create may end in "/": the server appends the counter
    validateJavaPath(`${path}1`);
    return;
  }
  if (path.length === 0) throw new Error('Path length must be > 0');
  if (path[0] !== '/') throw new Error('Path must start with / character');
  if (path.length === 1) return;
  if (path.endsWith('/')) throw new Error('Path must not end with / character');
  let reason: string | undefined;
  for (let i = 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const last = path.charCodeAt(i - 1);
    const next = path.charCodeAt(i + 1);
    const atEnd = i + 1 === path.length;
    if (c === 0) reason = `null character not allowed @${i}`;
    else if (c === 0x2f && last === 0x2f) reason = `empty node name specified @${i}`;
    else if (c === 0x2e && last === 0x2e) {
      if (path.charCodeAt(i - 2) === 0x2f && (atEnd || next === 0x2f)) reason = `relative paths not allowed @${i}`;
    } else if (c === 0x2e) {
      if (last === 0x2f && (atEnd || next === 0x2f)) reason = `relative paths not allowed @${i}`;
    } else if (
      (c > 0x00 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      reason = `invalid character @${i}`;
    }
    if (reason !== undefined) throw new Error(`Invalid path string "${path}" caused by ${reason}`);
  }
}
