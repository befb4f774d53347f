// Values electron.vite.config.ts defines at build time.
declare const __PADDOCK_VERSION__: string;
