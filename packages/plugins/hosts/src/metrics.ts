import { defineGauge, type Gauge } from '@tsdns/core';

/*
 * The hosts plugin's metrics under CoreDNS's names, declared in core's registry (the
 * *prometheus* plugin serves it). As in CoreDNS, both are set when a hosts file is loaded;
 * the timestamp is one series for the whole process, whichever file was loaded last.
 */
const entriesFamily = defineGauge({
  name: 'coredns_hosts_entries',
  help: 'Entries from the hosts file and the Corefile together, per hosts file.',
  labelNames: ['hostsfile'],
});
const reloadTimestampFamily = defineGauge({
  name: 'coredns_hosts_reload_timestamp_seconds',
  help: 'Modification time, in seconds since the epoch, of the hosts file loaded last.',
});

/** The coredns_hosts_entries series of one hosts file. */
export function entriesGauge(hostsfile: string): Gauge {
  return entriesFamily.labels(hostsfile);
}

/** The single coredns_hosts_reload_timestamp_seconds series. */
export const reloadTimestampGauge: Gauge = reloadTimestampFamily.labels();
