// ZooKeeper's znode path rules (PathUtils.validatePath) with its exact messages, plus the path arithmetic the tree
// and the request processors share, so every layer agrees on what "/a/b" means.

/**
 * The IllegalArgumentException message ZooKeeper gives for an invalid path, or null when the path is valid.
 * A sequential create is checked with a digit appended, because the server adds the suffix: "/a/" is then fine.
 */
export function validatePath(path: string, isSequential = false): string | null {
  return validateFullPath(isSequential ? path + '1' : path);
}

function validateFullPath(path: string): string | null {
  if (path.length === 0) return 'Path length must be > 0';
  if (path.charCodeAt(0) !== 0x2f) return 'Path must start with / character';
  if (path.length === 1) return null;
  if (path.charCodeAt(path.length - 1) === 0x2f) return 'Path must not end with / character';
  const reason = firstInvalidCharacter(path);
  return reason === null ? null : `Invalid path string "${path}" caused by ${reason}`;
}

// Works on UTF-16 code units, as Java's String.charAt does, so "@index" positions match ZooKeeper's.
function firstInvalidCharacter(path: string): string | null {
  const length = path.length;
  let last = 0x2f;
  for (let i = 1; i < length; last = path.charCodeAt(i), i++) {
    const c = path.charCodeAt(i);
    if (c === 0) return `null character not allowed @${i}`;
    if (c === 0x2f && last === 0x2f) return `empty node name specified @${i}`;
    if (c === 0x2e && last === 0x2e) {
      if (path.charCodeAt(i - 2) === 0x2f && (i + 1 === length || path.charCodeAt(i + 1) === 0x2f)) {
        return `relative paths not allowed @${i}`;
      }
    } else if (c === 0x2e) {
      if (path.charCodeAt(i - 1) === 0x2f && (i + 1 === length || path.charCodeAt(i + 1) === 0x2f)) {
        return `relative paths not allowed @${i}`;
      }
    } else if (
      (c > 0 && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) ||
      (c >= 0xd800 && c <= 0xf8ff) ||
      (c >= 0xfff0 && c <= 0xffff)
    ) {
      return `invalid character @${i}`;
    }
  }
  return null;
}

/** "/a/b" -> "/a", "/a" -> "/"; the root has no parent and yields "/" too, so callers must not ask for it. */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** "/a/b" -> "b"; the root's base name is "". */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(parent: string, child: string): string {
  return parent === '/' ? '/' + child : parent + '/' + child;
}
