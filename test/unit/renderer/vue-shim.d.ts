// Lets the root tsc (which has no Vue plugin) type-check the tests that mount components;
// the components themselves are type-checked by vue-tsc with src-renderer/tsconfig.json.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  // eslint-disable-next-line no-restricted-syntax -- an SFC module’s default export is its component
  export default component;
}
