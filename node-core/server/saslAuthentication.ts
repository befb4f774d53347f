// SASL on the client port as ZooKeeper 3.8 runs it (ZooKeeperServer.processSasl, AuthenticationHelper): sasl
// packets (opcode 102) carry DIGEST-MD5 tokens checked against the users of the JAAS server section; success adds
// the id sasl:<user> (and super for zookeeper.superUser); failure answers AUTHFAILED, or
// SESSIONCLOSEDREQUIRESASLAUTH when SASL is required, and closes the connection. With enforce.auth.enabled, any
// other request from a connection without an id of an enforced scheme is refused the same way.
import { readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import type { SaslConfig } from './config/zooCfgTypes.js';
import { digestUsers, parseJaasConfig } from './config/jaasConfig.js';
import { DigestMd5Server, SaslError } from '../protocol/saslDigestMd5.js';
import { ErrorCode, OpCode, ReplyHeaderCodec, SaslTokenCodec, type RequestHeader } from '../protocol/index.js';
import { JuteWriter } from '../jute/index.js';
import { addAuthIds, isKnownAuthScheme } from '../tree/acl.js';
import { ClientConnection } from './clientConnection.js';

export class SaslSetupError extends Error {}

export class SaslAuthentication {
  private readonly users: Map<string, string> | undefined;
  private readonly enforcedSchemes: readonly string[];
  private readonly exchanges = new WeakMap<ClientConnection, DigestMd5Server>();

  constructor(
    private readonly config: SaslConfig,
    private readonly logger: Logger,
  ) {
    if (config.jaasConfigFile !== undefined) {
      let text: string;
      try {
        text = readFileSync(config.jaasConfigFile, 'utf8');
      } catch (error) {
        throw new SaslSetupError(`java.security.auth.login.config: cannot read ${config.jaasConfigFile}: ${(error as Error).message}`);
      }
      try {
        this.users = digestUsers(parseJaasConfig(text, config.jaasConfigFile), config.serverSection, config.jaasConfigFile);
      } catch (error) {
        throw new SaslSetupError((error as Error).message);
      }
    }
    this.enforcedSchemes = config.sessionRequireClientSaslAuth ? ['sasl'] : config.enforceAuthEnabled ? config.enforceAuthSchemes : [];
    if (config.enforceAuthEnabled && !config.sessionRequireClientSaslAuth) {
      if (config.enforceAuthSchemes.length === 0) throw new SaslSetupError('enforce.auth.enabled is true: enforce.auth.schemes must be configured');
      for (const scheme of config.enforceAuthSchemes) {
        if (!isKnownAuthScheme(scheme)) throw new SaslSetupError(`enforce.auth.schemes: authentication scheme ${scheme} is not available`);
      }
    }
  }

  private get saslRequired(): boolean {
    return this.enforcedSchemes.includes('sasl');
  }

  /** Answers one sasl packet on the connection. */
  handle(connection: ClientConnection, header: RequestHeader, token: Buffer): void {
    let exchange = this.exchanges.get(connection);
    try {
      if (this.users === undefined) throw new SaslError('no JAAS server section is configured (java.security.auth.login.config)');
      const users = this.users;
      if (exchange === undefined) {
        exchange = new DigestMd5Server((user) => users.get(user));
        this.exchanges.set(connection, exchange);
      }
      const wasComplete = exchange.complete;
      const step = exchange.evaluate(token);
      if (!wasComplete && step.authorizationId !== undefined) {
        const session = connection.sessionId.toString(16);
        this.logger.info(`Session 0x${session}: adding SASL authorization for authorizationID: ${step.authorizationId}`);
        const ids = [{ scheme: 'sasl', id: step.authorizationId }];
        if (this.config.superUser !== undefined && step.authorizationId === this.config.superUser) {
          ids.push({ scheme: 'super', id: '' });
          this.logger.info(`Session 0x${session}: Authenticated Id '${step.authorizationId}' as super user`);
        }
        connection.authInfo = addAuthIds(connection.authInfo, ids);
      }
      connection.write(ClientConnection.encodeReply({ xid: header.xid, zxid: 0n, err: 0 }, OpCode.sasl, { token: step.token }));
    } catch (error) {
      if (!(error instanceof SaslError)) throw error;
      this.logger.warn(`Client ${connection.describe()} failed to SASL authenticate: ${error.message}`);
      const err = this.saslRequired ? ErrorCode.sessionClosedRequireSasl : ErrorCode.authFailed;
      this.logger.warn(
        this.saslRequired
          ? 'Closing client connection due to server requires client SASL authentication, but client SASL authentication has failed'
          : 'Closing client connection due to SASL authentication failure.',
      );
      // The body goes with the error, as Java writes it: the Java client reads a token from any reply that arrives
      // while its SASL exchange is in progress, and without one it sees a broken stream, not AuthFailed.
      const reply = new JuteWriter(24);
      ReplyHeaderCodec.write(reply, { xid: header.xid, zxid: 0n, err });
      SaslTokenCodec.write(reply, { token: null });
      connection.write(reply.frame());
      connection.closeAfterFlush();
    }
  }

  /** False (and the connection answered and closed) when enforcement wants an id the connection lacks. */
  admits(connection: ClientConnection, header: RequestHeader): boolean {
    if (this.enforcedSchemes.length === 0) return true;
    if (connection.authInfo.some((id) => this.enforcedSchemes.includes(id.scheme))) return true;
    this.logger.error(
      `Client authentication scheme(s) [${connection.authInfo.map((id) => id.scheme).join(', ')}] does not match with any of the ` +
        `expected authentication scheme [${this.enforcedSchemes.join(', ')}], closing session.`,
    );
    connection.write(ClientConnection.encodeReply({ xid: header.xid, zxid: 0n, err: ErrorCode.sessionClosedRequireSasl }, header.type, null));
    connection.closeAfterFlush();
    return false;
  }
}
