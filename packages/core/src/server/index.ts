export { startServer } from './instance.js';
export { ListenError } from './listener.js';
export { ONCE_MESSAGE } from './build.js';
export type {
  CorefileSource,
  InstanceEvents,
  InstanceState,
  ListenerInfo,
  ServerInstance,
  StartOptions,
  TcpOptions,
} from './types.js';
