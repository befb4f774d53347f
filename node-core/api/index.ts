// The admin API the GUI uses: the contract (types, events, validators), the transport-agnostic service, the
// WebSocket server and the typed client, and the plug-in points for the cluster supervisor and the console shell.
export * from './contract.js';
export { ApiService, type ApiServiceOptions, type ApiPeer } from './apiService.js';
export { startApiServer, contentSecurityPolicy, closeCodeUnauthorized, type ApiServerOptions, type ApiServerHandle } from './wsServer.js';
export {
  ApiClient,
  ApiCallError,
  connectApiWebSocket,
  type ApiTransport,
  type ConnectOptions,
  type WebSocketConstructor,
  type WebSocketLike,
} from './client.js';
export { inProcessTransport } from './inProcessTransport.js';
export { ClusterBackendRegistry, type ClusterBackend, type ClusterEvent } from './clusterBackend.js';
export { fallbackConsole, type ConsoleBackend, type ConsoleContext } from './consoleBackend.js';
export { ProfileStore, defaultProfilesPath } from './profileStore.js';
export { ApiFailure, toApiError } from './apiError.js';
export { detectDataFormat } from './dataFormat.js';
