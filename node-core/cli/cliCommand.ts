// `paddock cli`: a zkCli.sh work-alike. With a command on the command line it runs that one command and exits
// (non-zero on any failure, where zkCli exits 0 for some); with stdin piped it runs each line like zkCli does;
// on a terminal it is an interactive shell with a prompt, history (~/.paddock_cli_history) and tab completion.
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { parseCliArguments, type CliArguments } from './cliArguments.js';
import { completeLine } from '../shell/completer.js';
import { commandNames, ZkShell, type ShellOutput } from '../shell/zkShell.js';

const historyLimit = 500;

const processOutput: ShellOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

function historyPath(): string {
  return process.env.PADDOCK_CLI_HISTORY ?? join(homedir(), '.paddock_cli_history');
}

function loadHistory(path: string): string[] {
  try {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    // readline keeps the newest entry first
    return lines.slice(-historyLimit).reverse();
  } catch {
    return [];
  }
}

function remember(path: string, line: string): void {
  try {
    appendFileSync(path, `${line}\n`, { mode: 0o600 });
  } catch {
    // history is a convenience: an unwritable home must not stop the shell
  }
}

/** Runs lines from a pipe in order, each to completion, as zkCli's BufferedReader loop does. */
async function runPiped(shell: ZkShell): Promise<number> {
  const lines = createInterface({ input: process.stdin, terminal: false, crlfDelay: Infinity });
  for await (const line of lines) {
    await shell.executeLine(line);
    if (shell.quitRequested) break;
  }
  lines.close();
  process.stdin.destroy();
  if (!shell.quitRequested) await shell.closeQuietly();
  return shell.lastFailureCode;
}

async function runInteractive(shell: ZkShell): Promise<number> {
  const file = historyPath();
  const rl: Interface = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    history: loadHistory(file),
    historySize: historyLimit,
    completer: (line: string, callback: (err: null, result: [string[], string]) => void) => {
      const client = shell.currentClient;
      const list = (path: string) =>
        client !== undefined && client.state === 'connected'
          ? Promise.race([
              client.getChildren(path),
              new Promise<string[]>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
            ])
          : Promise.resolve([]);
      void completeLine(line, commandNames, list).then((result) => callback(null, result));
    },
  });
  let idle = false;
  shell.onAsyncOutput = () => {
    if (!idle) return;
    // the event may be the one that changed the state the prompt shows
    rl.setPrompt(shell.prompt());
    rl.prompt(true);
  };
  rl.on('SIGINT', () => rl.close());
  const showPrompt = () => {
    rl.setPrompt(shell.prompt());
    idle = true;
    rl.prompt();
  };
  showPrompt();
  for await (const line of rl) {
    idle = false;
    if (line.trim() !== '') remember(file, line);
    await shell.executeLine(line);
    if (shell.quitRequested) break;
    showPrompt();
  }
  idle = false;
  rl.close();
  process.stdin.pause();
  if (!shell.quitRequested) await shell.close();
  return 0;
}

export async function runCliCommand(argv: string[]): Promise<number> {
  const parsed = parseCliArguments(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n`);
    return 1;
  }
  const args = parsed.value;
  // the client's reconnect back-off sleeps on unref'd timers; a command waiting for a server must keep us alive
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    return await runShell(args);
  } finally {
    clearInterval(keepAlive);
  }
}

async function runShell(args: CliArguments): Promise<number> {
  const shell = new ZkShell({ server: args.server, timeoutMs: args.timeoutMs, readOnly: args.readOnly, output: processOutput });
  process.stdout.write(`Connecting to ${args.server}\n`);
  try {
    await shell.connect(args.server);
  } catch (error) {
    // a malformed connect string is refused before any socket is opened
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
  if (args.waitForConnection) {
    try {
      await shell.currentClient!.waitForConnected(args.timeoutMs);
    } catch {
      process.stderr.write('KeeperErrorCode = ConnectionLoss\n');
      await shell.closeQuietly();
      return 1;
    }
  }
  if (args.command !== undefined) {
    await shell.executeTokens(args.command);
    if (!shell.quitRequested) await shell.closeQuietly();
    return shell.lastExitCode;
  }
  process.stdout.write('Welcome to ZooKeeper!\n');
  return process.stdin.isTTY ? runInteractive(shell) : runPiped(shell);
}
