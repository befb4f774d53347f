// The `paddock` command line: `paddock server zoo.cfg` runs one server (standalone, or a member of an ensemble
// when zoo.cfg lists server.N lines). Other commands join as they are built.
import { runCliCommand } from './cliCommand.js';
import { runFourLetterWordCommand } from './fourLetterWordCommand.js';
import { runServerCommand } from './serverCommand.js';
import { runUiCommand } from './uiCommand.js';
import { runClusterCommand } from '../cluster/clusterCommand.js';

const usage = `Usage: paddock <command> [args]

Commands:
  server <zoo.cfg>     run a ZooKeeper-compatible server in the foreground (Ctrl-C stops it)
  cli [-server host:port[,host:port][/chroot]] [-timeout ms] [-r] [command args]
                       zkCli.sh-compatible shell; with a command, runs it once and exits non-zero on failure
  4lw host:port <word> send a four-letter word (ruok, srvr, mntr, ...) and print the answer
  cluster start [...]  run a local ensemble in the foreground (paddock cluster help)
  ui [--port N] [--no-cluster]
                       serve the admin GUI in the browser (prints its URL) with a local 3-node cluster
  help                 show this text
`;

export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'server':
      return runServerCommand(rest);
    case 'cli':
      return runCliCommand(rest);
    case '4lw':
      return runFourLetterWordCommand(rest);
    case 'cluster':
      return runClusterCommand(rest);
    case 'ui':
      return runUiCommand(rest);
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
