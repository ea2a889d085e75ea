/**
 * The one module that loads etcd3 (and gRPC under it) at run time. Loading them costs about
 * 140 ms and 5 MB at startup, so nothing imports this statically: EtcdConnection imports it
 * when it makes a client, and a Corefile without `etcd` never pays. lazy-import.test.ts
 * checks that the package entry stays free of it.
 */
import { Etcd3 } from 'etcd3';
import { clientOptions, type ClientConfig } from './client-options.js';

export function createClient(config: ClientConfig): Etcd3 {
  return new Etcd3(clientOptions(config));
}
