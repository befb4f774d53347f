// The states a ZooKeeper client session goes through, declared once for the client and the GUI contract that
// reports them (types only, so the renderer can import it without the client).

export type ZkClientState =
  | 'connecting'
  | 'connected'
  | 'connectedReadOnly'
  | 'disconnected'
  | 'expired'
  | 'authFailed'
  | 'closed';
