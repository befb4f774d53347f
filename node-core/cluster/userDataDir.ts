// Where Paddock keeps per-user data such as local clusters when the user names no directory, following each
// platform's convention (XDG on Linux, Application Support on macOS, %APPDATA% on Windows).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function userDataDir(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'paddock');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'paddock');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'paddock');
}

export function defaultClusterDir(name: string): string {
  return join(userDataDir(), 'clusters', name);
}
