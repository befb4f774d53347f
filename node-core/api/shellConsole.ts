// The GUI's console: runs one zkCli command line on a connection the admin API already holds, with zkCli's output
// and error words, so the console behaves like the zkCli users know without a second session.
import type { ConsoleBackend } from './consoleBackend.js';
import { CliError } from '../shell/cliErrors.js';
import { tokenizeCommandLine } from '../shell/commandLine.js';
import { serverCommands, type CommandContext } from '../shell/zkCliCommands.js';

/** Session commands of zkCli that would end or replace the GUI's own session. */
const refused = new Set(['close', 'connect', 'quit']);

export const shellConsole: ConsoleBackend = {
  async run(commandLine, { client }) {
    const tokens = tokenizeCommandLine(commandLine.trim());
    const name = tokens[0];
    if (name === undefined) return { output: '', ok: true };
    if (refused.has(name)) return { output: `${name} is not available in this console; use the connection tabs\n`, ok: false };
    const command = serverCommands.get(name);
    if (command === undefined) return { output: `Command not found: ${name}\n`, ok: false };
    let output = '';
    const context: CommandContext = {
      client,
      out: (line) => void (output += `${line}\n`),
      outRaw: (text) => void (output += text),
      err: (line) => void (output += `${line}\n`),
      // Events of -w watches reach the GUI through its own subscriptions; the console only sets them.
      watcher: () => undefined,
      ready: () => Promise.resolve(),
    };
    try {
      await command.run(context, tokens);
      return { output, ok: true };
    } catch (error) {
      const failure = error instanceof CliError ? error : new CliError(error instanceof Error ? error.message : String(error));
      if (!failure.reported && failure.message !== '') output += `${failure.message}\n`;
      return { output, ok: false };
    }
  },
};
