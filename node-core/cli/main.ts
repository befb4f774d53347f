// The `paddock` command line: `paddock server zoo.cfg` runs one server (standalone, or a member of an ensemble
// when zoo.cfg lists server.N lines). Other commands join as they are built.
import { runServerCommand } from './serverCommand.js';

const usage = `Usage: paddock <command> [args]

Commands:
  server <zoo.cfg>     run a ZooKeeper-compatible server in the foreground (Ctrl-C stops it)
  help                 show this text
`;

export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'server':
      return runServerCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`paddock: unknown command '${command}'\n\n${usage}`);
      return 1;
  }
}
