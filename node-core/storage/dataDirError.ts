// The one error a data dir Paddock cannot use produces at start: a single line naming the file, the offset, what is
// wrong and what recovery did, thrown before anything in the directory is changed.

export class DataDirError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly problem: string,
    readonly action = 'refusing to start',
  ) {
    super(`${file} at offset ${offset}: ${problem}; ${action}`);
    this.name = 'DataDirError';
  }
}
