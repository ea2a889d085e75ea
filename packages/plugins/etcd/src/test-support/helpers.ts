import { definePlugin, Flag, Rcode, type Message, type PluginDefinition } from '@tsdns/core';
import type { Etcd3 } from 'etcd3';
import { keyOfName } from '../path.js';

/** Writes a SkyDNS message for `name` under /skydns, as a registrator would. */
export async function putService(client: Etcd3, name: string, value: object, lease?: string): Promise<void> {
  const put = client.put(keyOfName(name, '/skydns').key).value(JSON.stringify(value));
  if (lease !== undefined) put.lease(lease);
  await put.exec();
}

export async function deleteService(client: Etcd3, name: string): Promise<void> {
  await client.delete().key(keyOfName(name, '/skydns').key).exec();
}

export const rcodeOf = (m: Message): number => m.flags & 0xf;

/**
 * A plugin for after etcd in test chains: answers every query with one TXT record
 * "next", so a test sees that etcd fell through.
 */
export const nextMarker: PluginDefinition = definePlugin({
  name: 'next_marker',
  setup(c) {
    while (c.next()) {
      /* no arguments */
    }
    c.addHandler(() => ({
      name: 'next_marker',
      serveDNS(req, w) {
        const reply = req.reply(Rcode.NOERROR);
        reply.flags |= Flag.AA;
        reply.answers.push({
          name: req.qname,
          type: 'TXT',
          class: 'IN',
          ttl: 0,
          data: [new TextEncoder().encode('next')],
        });
        w.write(reply);
        return Rcode.NOERROR;
      },
    }));
  },
});
