// One store per open connection: each connection's explorer, editor and console keep their own state, made on first
// use and kept while the window lives (Pinia stores are singletons by id, so the id carries the connection).

/** Wraps a per-connection store factory so each connection id gets one store definition. */
export function perConnection<Use extends () => unknown>(create: (connectionId: string) => Use): (connectionId: string) => ReturnType<Use> {
  const stores = new Map<string, Use>();
  return (connectionId) => {
    let store = stores.get(connectionId);
    if (store === undefined) {
      store = create(connectionId);
      stores.set(connectionId, store);
    }
    return store() as ReturnType<Use>;
  };
}
