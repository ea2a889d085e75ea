export { startServer } from './instance.js';
export { ListenError } from './listener.js';
export {
  ONCE_MESSAGE,
  buildConfig,
  type BuildOptions,
  type BuiltConfig,
  type ListenerPlan,
} from './build.js';
export { anyClassPlugins, type Site } from './router.js';
export type {
  CorefileSource,
  InstanceEvents,
  InstanceState,
  ListenerInfo,
  ServerInstance,
  StartOptions,
  TcpOptions,
} from './types.js';
export {
  HttpAddressError,
  HttpEndpoints,
  formatHttpAddress,
  httpEndpoints,
  parseHttpAddress,
  type HttpAddress,
  type HttpHandler,
} from './http-endpoints.js';
