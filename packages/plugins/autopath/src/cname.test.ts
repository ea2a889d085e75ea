import { describe, expect, it } from 'vitest';
import type { Message } from '@tsdns/core';
import { withSearchCname } from './cname.js';

function reply(name: string, answers: Message['answers']): Message {
  return {
    id: 1,
    flags: 0x8400,
    questions: [{ name, type: 'A', class: 'IN' }],
    answers,
    authorities: [],
    additionals: [],
  };
}

describe('withSearchCname', () => {
  it('puts a CNAME to the first foreign owner in front, with its TTL, and restores the question', () => {
    const found = reply('www.example.com.', [
      { name: 'www.example.com.', type: 'CNAME', class: 'IN', ttl: 120, data: 'edge.example.net.' },
      { name: 'edge.example.net.', type: 'A', class: 'IN', ttl: 20, data: '192.0.2.1' },
    ]);
    const out = withSearchCname(found, 'www.example.com.ns.svc.cluster.local.');
    expect(out.questions).toEqual([
      { name: 'www.example.com.ns.svc.cluster.local.', type: 'A', class: 'IN' },
    ]);
    expect(out.answers).toEqual([
      {
        name: 'www.example.com.ns.svc.cluster.local.',
        type: 'CNAME',
        class: 'IN',
        ttl: 120,
        data: 'www.example.com.',
      },
      ...found.answers,
    ]);
    expect(out.flags).toBe(found.flags);
  });

  it('adds nothing when the answers are owned by the original name (any letter case) or absent', () => {
    const own = reply('web.ns.svc.cluster.local.', [
      { name: 'WEB.ns.svc.cluster.local.', type: 'A', class: 'IN', ttl: 5, data: '10.0.0.1' },
    ]);
    expect(withSearchCname(own, 'web.ns.svc.cluster.local.').answers).toEqual(own.answers);
    expect(withSearchCname(reply('x.', []), 'x.ns.svc.cluster.local.').answers).toEqual([]);
  });

  it('leaves the message it was given untouched', () => {
    const found = reply('a.example.', [
      { name: 'a.example.', type: 'A', class: 'IN', ttl: 5, data: '192.0.2.2' },
    ]);
    const copy = structuredClone(found);
    withSearchCname(found, 'a.example.ns.svc.cluster.local.');
    expect(found).toEqual(copy);
  });
});
