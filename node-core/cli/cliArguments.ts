// The `paddock cli` command line, read as ZooKeeperMain reads zkCli.sh's: options first, and the first word that
// is not an option starts a command that runs once instead of the shell.

export interface CliArguments {
  server: string;
  timeoutMs: number;
  readOnly: boolean;
  waitForConnection: boolean;
  /** The one-shot command and its arguments; undefined for the interactive or piped shell. */
  command: string[] | undefined;
}

export type CliArgumentsResult = { ok: true; value: CliArguments } | { ok: false; error: string };

export function parseCliArguments(argv: readonly string[]): CliArgumentsResult {
  const value: CliArguments = { server: 'localhost:2181', timeoutMs: 30_000, readOnly: false, waitForConnection: false, command: undefined };
  for (let i = 0; i < argv.length; i++) {
    const option = argv[i]!;
    const takeValue = (): string | undefined => (i + 1 < argv.length ? argv[++i] : undefined);
    if (option === '-server' || option === '-timeout' || option === '-client-configuration') {
      const given = takeValue();
      if (given === undefined) return { ok: false, error: `Error: no argument found for option ${option}` };
      if (option === '-server') value.server = given;
      if (option === '-timeout') {
        const timeout = Number(given);
        if (!/^\d+$/.test(given) || timeout <= 0) return { ok: false, error: `Error: -timeout needs a positive number of milliseconds, not '${given}'` };
        value.timeoutMs = timeout;
      }
      // -client-configuration names a Java properties file (TLS, SASL, ...); accepted and ignored
    } else if (option === '-r') {
      value.readOnly = true;
    } else if (option === '-waitforconnection') {
      value.waitForConnection = true;
    } else if (!option.startsWith('-')) {
      value.command = argv.slice(i);
      break;
    }
    // zkCli ignores any other option as well
  }
  return { ok: true, value };
}
