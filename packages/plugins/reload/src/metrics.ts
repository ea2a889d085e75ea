import { defineCounter, defineGauge } from '@tsdns/core';

/** Reloads that a changed Corefile asked for and that failed (CoreDNS's name). */
export const reloadFailed = defineCounter({
  name: 'coredns_reload_failed_total',
  help: 'Counter of the number of failed reload attempts.',
}).labels();

/** The hash of the Corefile last loaded, as a label (CoreDNS's name). */
export const reloadVersionInfo = defineGauge({
  name: 'coredns_reload_version_info',
  help: "A metric with a constant '1' value labeled by hash, and value which type of hash generated.",
  labelNames: ['hash', 'value'],
});

/** Makes `digest` the one hash reported. */
export function reportVersion(digest: string): void {
  reloadVersionInfo.reset();
  reloadVersionInfo.labels('sha512', digest).set(1);
}
