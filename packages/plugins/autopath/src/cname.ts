import { nameEquals, type Message, type ResourceRecord } from '@tsdns/core';

/**
 * The answer to a query for `original` made from `found`, the answer to the name the search
 * path led to (example 6-27 of the book, CoreDNS's cnamer): the question says `original`
 * again, and when the first answer record owned by another name is found, a CNAME from
 * `original` to that name (with that record's TTL) goes in front of the answers, so a stub
 * resolver accepts records for a name it did not ask about. `found` is left untouched: it may
 * be a message another plugin keeps (a cache entry).
 */
export function withSearchCname(found: Message, original: string): Message {
  let answers = found.answers;
  for (const rr of found.answers) {
    if (rr.type === 'OPT' || nameEquals(rr.name, original)) continue;
    const cname: ResourceRecord = { name: original, type: 'CNAME', class: 'IN', ttl: rr.ttl, data: rr.name };
    answers = [cname, ...found.answers];
    break;
  }
  const q = found.questions[0];
  return {
    ...found,
    questions: q === undefined ? [] : [{ ...q, name: original }],
    answers,
  };
}
