// Lets TypeScript see .vue files as components (vue-tsc checks their contents itself).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
