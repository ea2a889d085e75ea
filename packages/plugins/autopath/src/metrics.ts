import { defineCounter, type Counter } from '@tsdns/core';

/** CoreDNS's counter of queries autopath answered from a later step of the search path. */
const successFamily = defineCounter({
  name: 'coredns_autopath_success_total',
  help: 'Counter of requests that did autopath.',
  labelNames: ['server'],
});

/** The success counter of listener `server` (`dns://:53`). */
export function autopathSuccess(server: string): Counter {
  return successFamily.labels(server);
}
