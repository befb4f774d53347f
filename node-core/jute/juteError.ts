// Thrown for bytes that do not decode as the expected jute record; the connection layer turns it into a closed
// connection (never a crashed server).
export class JuteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JuteError';
  }
}
