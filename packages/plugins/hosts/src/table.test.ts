import { describe, expect, it } from 'vitest';
import { parseHostsText } from './hostsfile.js';
import { HostsTable } from './table.js';

const options = { origins: ['.'], autoReverse: true };
const source = (text: string) => parseHostsText(text, options);

describe('HostsTable', () => {
  it('answers exact names per family and says undefined for unknown names', () => {
    const t = HostsTable.build(source('10.0.0.1 a.example\n2001:db8::1 a.example\n10.0.0.2 b.example\n'));
    expect(t.lookup('a.example.')).toEqual({ a: ['10.0.0.1'], aaaa: ['2001:db8::1'] });
    expect(t.lookup('b.example.')).toEqual({ a: ['10.0.0.2'], aaaa: [] });
    expect(t.lookup('c.example.')).toBeUndefined();
    expect(t.lookupAddress('10.0.0.1')).toEqual(['a.example.']);
    expect(t.lookupAddress('10.0.0.9')).toBeUndefined();
  });

  it('puts the file first and the inline entries after, without repeating an address', () => {
    const file = source('10.0.0.1 a.example\n10.0.0.3 a.example\n');
    const inline = source('10.0.0.2 a.example\n10.0.0.1 a.example\n10.0.0.9 i.example\n');
    const t = HostsTable.build(file, inline);
    expect(t.lookup('a.example.')?.a).toEqual(['10.0.0.1', '10.0.0.3', '10.0.0.2']);
    expect(t.lookup('i.example.')?.a).toEqual(['10.0.0.9']);
    expect(t.lookupAddress('10.0.0.1')).toEqual(['a.example.']);
    expect(t.entries).toBe(file.entries + inline.entries);
  });

  it('serves either source alone', () => {
    expect(HostsTable.build(undefined, source('10.0.0.2 a.example')).lookup('a.example.')?.a).toEqual([
      '10.0.0.2',
    ]);
    expect(HostsTable.build(source('10.0.0.1 a.example'), undefined).lookup('a.example.')?.a).toEqual([
      '10.0.0.1',
    ]);
    expect(HostsTable.empty.lookup('a.example.')).toBeUndefined();
  });

  it('matches a wildcard one label deep only, never at its own name', () => {
    const t = HostsTable.build(
      source('192.168.1.10 *.example.com\n192.168.1.11 a.example.com\n192.168.1.12 b.example.com\n'),
    );
    expect(t.lookup('a.example.com.')?.a).toEqual(['192.168.1.11']);
    expect(t.lookup('apps.example.com.')?.a).toEqual(['192.168.1.10']);
    expect(t.lookup('example.com.')).toBeUndefined();
    expect(t.lookup('deep.apps.example.com.')).toBeUndefined();
    expect(t.lookup('.')).toBeUndefined();
    expect(t.lookupAddress('192.168.1.10')).toBeUndefined();
  });

  it('falls back to the wildcard per family and per source, as CoreDNS does', () => {
    // a.example has its own AAAA but no A: its A comes from the wildcard.
    const t = HostsTable.build(source('10.0.0.10 *.example\nfd00::1 a.example\n'));
    expect(t.lookup('a.example.')).toEqual({ a: ['10.0.0.10'], aaaa: ['fd00::1'] });
    // The file's exact entry shadows the file's wildcard, not the inline one.
    const u = HostsTable.build(
      source('10.0.0.1 a.example\n10.0.0.10 *.example\n'),
      source('10.0.0.20 *.example\n'),
    );
    expect(u.lookup('a.example.')?.a).toEqual(['10.0.0.1', '10.0.0.20']);
    expect(u.lookup('z.example.')?.a).toEqual(['10.0.0.10', '10.0.0.20']);
  });

  it('matches single-label names against a wildcard below the root', () => {
    const t = HostsTable.build(source('10.0.0.1 *\n'));
    expect(t.lookup('anything.')?.a).toEqual(['10.0.0.1']);
    expect(t.lookup('two.labels.')).toBeUndefined();
  });
});
