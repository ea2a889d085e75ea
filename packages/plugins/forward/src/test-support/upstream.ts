/** What forward's tests ask of @tsdns/testing's FakeUpstream beyond the generic. */
import type { Message } from '@tsdns/core';
import { replyTo, type FakeUpstream, type ReceivedQuery } from '@tsdns/testing';

/** An A answer for the question of `query`. */
export function answerA(query: Message, address: string, ttl = 300): Message {
  const q = query.questions[0];
  return replyTo(query, { answers: [{ name: q.name, type: 'A', class: 'IN', ttl, data: address }] });
}

/** Whether this is the forward plugin's health check (`. IN NS`, or NS of a chosen domain). */
export function isHealthCheck(query: Message, domain = '.'): boolean {
  const q = query.questions[0];
  return q !== undefined && q.type === 'NS' && q.name.toLowerCase() === domain;
}

/** The queries an upstream received other than health checks. */
export function queries(up: FakeUpstream): ReceivedQuery[] {
  return up.received.filter((r) => !isHealthCheck(r.msg));
}

/** The health checks an upstream received. */
export function healthChecks(up: FakeUpstream): ReceivedQuery[] {
  return up.received.filter((r) => isHealthCheck(r.msg));
}
