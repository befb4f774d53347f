// The ConfigError a zoo.cfg parse throws, for tests that check which key, line and reason it names.
import { ConfigError } from '../../../../node-core/server/config/zooCfgTypes.js';

export function configErrorOf(parse: () => unknown): ConfigError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
